"""Endorsements (zeyil) and cancellations (fesih): one row each, numbered `seq/POLICYNO`.

Saved rows are immutable: only the decision columns change, each once, and the status only
awaiting_approval → approved | rejected (`ENDORSEMENT_GUARD`, installed by migration 0011;
the ORM refuses the same at flush).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import money_column, utc_column
from iztim_app.core.endorsements.rules import EndorsementKind, EndorsementStatus
from iztim_app.core.guards import Guard, GuardViolation, protect

__all__ = ["Endorsement", "EndorsementKind", "EndorsementStatus", "ENDORSEMENT_GUARD"]


class Endorsement(SQLModel, table=True):
    __tablename__ = "endorsement"
    __table_args__ = (
        sa.UniqueConstraint("policy_number", "seq", name="uq_endorsement_policy_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_number: int = Field(index=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)  # the approved version
    seq: int
    kind: str = Field(max_length=16, index=True)
    description: str = Field(max_length=400)
    line_code: str = Field(max_length=32, index=True)  # the policy's, for approval limits
    effective_date: date
    values: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    sum_insured_after: Decimal = Field(sa_column=money_column(nullable=False))
    # The full-term net premium of the values after (N_new), as priced: a record for the
    # history; the next endorsement re-prices its N_old from the values in force.
    annual_net_after: Decimal = Field(sa_column=money_column(nullable=False))
    net_change: Decimal = Field(sa_column=money_column(nullable=False))
    gross_change: Decimal = Field(sa_column=money_column(nullable=False))
    taxes_change: dict[str, str] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    net_in_force_after: Decimal = Field(sa_column=money_column(nullable=False))
    gross_in_force_after: Decimal = Field(sa_column=money_column(nullable=False))
    taxes_in_force_after: dict[str, str] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    # Cancellation only.
    reason_code: str | None = Field(default=None, max_length=64)
    method: str | None = Field(default=None, max_length=16)
    earned: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))
    refund: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))
    tax_refunds: dict[str, str] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON, nullable=True)
    )
    status: str = Field(max_length=24, index=True)
    prepared_by_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    prepared_by_code: str = Field(max_length=64)
    office_id: int = Field(foreign_key="office.id", index=True)
    office_path: str = Field(max_length=400, index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    approved_by_code: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    rejected_by_code: str | None = Field(default=None, max_length=64)
    rejected_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    rejection_reason: str | None = Field(default=None, max_length=400)


class ImmutableEndorsement(GuardViolation):
    """A programming error: some code tried to change a saved endorsement in a way the guard
    refuses (at flush by the ORM hook, or by the database's trigger for raw SQL)."""


DECISION_COLUMNS = frozenset(
    {"approved_by_code", "approved_at", "rejected_by_code", "rejected_at", "rejection_reason"}
)

ENDORSEMENT_GUARD = Guard(
    table="endorsement",
    mutable=DECISION_COLUMNS | {"status"},
    set_once=DECISION_COLUMNS,
    status="status",
    moves=frozenset(
        {
            (EndorsementStatus.AWAITING_APPROVAL.value, EndorsementStatus.APPROVED.value),
            (EndorsementStatus.AWAITING_APPROVAL.value, EndorsementStatus.REJECTED.value),
        }
    ),
    refuse_delete=True,
    error=ImmutableEndorsement,
)

protect(Endorsement, ENDORSEMENT_GUARD)
