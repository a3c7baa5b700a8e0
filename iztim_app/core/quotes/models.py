"""Quotes (teklif): priced on the line's form, immutable once saved.

Only the approval columns change after save, each once (approver, rejection, superseded by,
policy number), and the status only along the allowed moves; the database refuses anything
else (see `QUOTE_GUARD` and `iztim_app.core.guards`), the ORM already at flush.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import money_column, utc_column
from iztim_app.core.guards import Guard, GuardViolation, protect


class QuoteStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Channel(StrEnum):
    HEAD_OFFICE = "head_office"
    BRANCH = "branch"
    AGENCY = "agency"
    PORTAL = "portal"


class Quote(SQLModel, table=True):
    __tablename__ = "quote"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, index=True)
    quote_date: date = Field(index=True)
    valid_until: date
    line_code: str = Field(max_length=32, index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    customer_group: str = Field(max_length=32)
    customer_kind: str = Field(max_length=16)
    sum_insured: Decimal = Field(sa_column=money_column(nullable=False))
    start_date: date
    end_date: date
    values: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    tariff_version_id: int = Field(foreign_key="tariff_version.id")
    net_premium: Decimal = Field(sa_column=money_column(nullable=False))
    taxes: dict[str, str] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    gross_premium: Decimal = Field(sa_column=money_column(nullable=False))
    worksheet: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    channel: str = Field(max_length=16, index=True)
    prepared_by_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    prepared_by_code: str = Field(max_length=64)
    office_id: int = Field(foreign_key="office.id", index=True)
    office_path: str = Field(max_length=400, index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    revises_id: int | None = Field(default=None, foreign_key="quote.id")
    # Approval columns: the only ones that change after save.
    status: str = Field(max_length=24, index=True)
    approved_by_code: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    rejected_by_code: str | None = Field(default=None, max_length=64)
    rejected_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    rejection_reason: str | None = Field(default=None, max_length=400)
    superseded_by_id: int | None = Field(default=None, foreign_key="quote.id")
    # Set when a policy is issued from this quote; statistics count conversions from it.
    policy_number: int | None = Field(default=None, index=True)
    # A renewal quote: the number of the expiring policy it renews (set at insert only).
    renews_policy_number: int | None = Field(default=None, index=True)


class ImmutableQuote(GuardViolation):
    """A programming error: some code tried to change a saved quote in a way the guard refuses
    (raised at flush by the ORM hook, or by the database's trigger for raw and bulk SQL)."""


# The one declaration of what may change on a saved quote: the database triggers (migration
# 0007 and any later re-install) and the ORM hook both come from it.
_APPROVAL_COLUMNS = frozenset(
    {
        "approved_by_code",
        "approved_at",
        "rejected_by_code",
        "rejected_at",
        "rejection_reason",
        "superseded_by_id",
        "policy_number",
    }
)
QUOTE_GUARD = Guard(
    table="quote",
    mutable=_APPROVAL_COLUMNS | {"status"},
    set_once=_APPROVAL_COLUMNS,
    status="status",
    moves=frozenset(
        {
            (QuoteStatus.AWAITING_APPROVAL.value, QuoteStatus.APPROVED.value),
            (QuoteStatus.AWAITING_APPROVAL.value, QuoteStatus.REJECTED.value),
            # A revision supersedes whatever it revises, as long as nothing superseded it yet.
            (QuoteStatus.AWAITING_APPROVAL.value, QuoteStatus.SUPERSEDED.value),
            (QuoteStatus.APPROVED.value, QuoteStatus.SUPERSEDED.value),
            (QuoteStatus.REJECTED.value, QuoteStatus.SUPERSEDED.value),
        }
    ),
    refuse_delete=True,
    error=ImmutableQuote,
)
MUTABLE_COLUMNS = QUOTE_GUARD.mutable

protect(Quote, QUOTE_GUARD)
