"""Policies (poliçe): one row per version; a policy is its `number`, its current version the
row with the highest `version`.

A draft row may still be edited. Once it leaves draft (awaiting approval, approved, …) every
column is frozen except the approval, un-approval and cancellation columns, each set once,
and the status moves only along the allowed moves; the database refuses anything else
(`POLICY_GUARD`, installed by migration 0010), the ORM already at flush.
Un-approval never edits the approved row: it marks it `unapproved` and a new version row
(same number, version + 1) is created as a draft.
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


class PolicyStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    UNAPPROVED = "unapproved"
    CANCELLED = "cancelled"


class Policy(SQLModel, table=True):
    __tablename__ = "policy"
    __table_args__ = (sa.UniqueConstraint("number", "version", name="uq_policy_number_version"),)

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(index=True)
    version: int = Field(default=1)
    status: str = Field(max_length=24, index=True)
    # The day the version was saved (lists and reports filter on it).
    issue_date: date = Field(index=True)
    line_code: str = Field(max_length=32, index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    customer_group: str = Field(max_length=32)
    customer_kind: str = Field(max_length=16)
    sum_insured: Decimal = Field(sa_column=money_column(nullable=False))
    start_date: date = Field(index=True)
    end_date: date = Field(index=True)
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
    installment_count: int = Field(default=1)
    channel: str = Field(max_length=16, index=True)
    prepared_by_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    prepared_by_code: str = Field(max_length=64)
    office_id: int = Field(foreign_key="office.id", index=True)
    office_path: str = Field(max_length=400, index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    quote_id: int | None = Field(default=None, foreign_key="quote.id", index=True)
    renews_policy_number: int | None = Field(default=None, index=True)
    # Approval, un-approval and cancellation columns: the only ones that change after draft.
    approved_by_code: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    rejected_by_code: str | None = Field(default=None, max_length=64)
    rejected_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    rejection_reason: str | None = Field(default=None, max_length=400)
    unapproved_by_code: str | None = Field(default=None, max_length=64)
    unapproved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    unapproval_reason: str | None = Field(default=None, max_length=400)
    cancelled_from: date | None = Field(default=None)


class ImmutablePolicy(GuardViolation):
    """A programming error: some code tried to change a policy version in a way the guard
    refuses (raised at flush by the ORM hook, or by the database's trigger for raw SQL)."""


DECISION_COLUMNS = frozenset(
    {
        "approved_by_code",
        "approved_at",
        "rejected_by_code",
        "rejected_at",
        "rejection_reason",
        "unapproved_by_code",
        "unapproved_at",
        "unapproval_reason",
        "cancelled_from",
    }
)

# The one declaration of what may change on a policy version: the database triggers
# (migration 0010 and any later re-install) and the ORM hook both come from it.
POLICY_GUARD = Guard(
    table="policy",
    mutable=DECISION_COLUMNS | {"status"},
    set_once=DECISION_COLUMNS,
    status="status",
    moves=frozenset(
        {
            (PolicyStatus.DRAFT.value, PolicyStatus.AWAITING_APPROVAL.value),
            (PolicyStatus.DRAFT.value, PolicyStatus.APPROVED.value),
            (PolicyStatus.AWAITING_APPROVAL.value, PolicyStatus.APPROVED.value),
            (PolicyStatus.AWAITING_APPROVAL.value, PolicyStatus.REJECTED.value),
            (PolicyStatus.APPROVED.value, PolicyStatus.UNAPPROVED.value),
            (PolicyStatus.APPROVED.value, PolicyStatus.CANCELLED.value),
        }
    ),
    # Every status but draft freezes the row.
    frozen_while={"status": frozenset(s.value for s in PolicyStatus) - {PolicyStatus.DRAFT.value}},
    refuse_delete=True,
    error=ImmutablePolicy,
)

protect(Policy, POLICY_GUARD)
