"""Agency commissions: rates per agency and line (effective-dated), and one entry per
document an agency's policy earned (or gave back) commission on.

Rates are percentages with two decimals (12.50 %), kept exactly like amounts: the money
column type holds whole hundredths in an integer (12.50 → 1250, i.e. basis points) and
refuses a float or a third decimal; no float, no SQLite REAL. Entries are written
once, at approval in the approving transaction, and never change (`ENTRY_GUARD`, installed
by migration 0015): a statement printed today adds up the same next year.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import money_column, utc_column
from iztim_app.core.guards import Guard, GuardViolation, protect


class CommissionRate(SQLModel, table=True):
    """The rate an agency earns on a line from `valid_from` on (until a later row starts)."""

    __tablename__ = "commission_rate"
    __table_args__ = (
        sa.UniqueConstraint(
            "office_id", "line_code", "valid_from", name="uq_commission_rate_office_line_from"
        ),
        sa.CheckConstraint("rate >= 0 AND rate <= 10000", name="ck_commission_rate_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    line_code: str = Field(max_length=32)
    rate: Decimal = Field(sa_column=money_column(nullable=False))
    valid_from: date
    created_by_code: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class CommissionEntry(SQLModel, table=True):
    """What one approved document (policy, endorsement, cancellation, reversal) of an
    agency's policy earned: signed like its net premium."""

    __tablename__ = "commission_entry"
    __table_args__ = (sa.Index("ix_commission_entry_office_day", "office_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date
    office_id: int = Field(foreign_key="office.id")
    office_path: str = Field(max_length=400)
    prepared_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    policy_number: int = Field(index=True)
    policy_version: int
    endorsement_seq: int | None = Field(default=None)
    document: str = Field(max_length=16)
    line_code: str = Field(max_length=32)
    base_net: Decimal = Field(sa_column=money_column(nullable=False))
    rate: Decimal = Field(sa_column=money_column(nullable=False))
    amount: Decimal = Field(sa_column=money_column(nullable=False))
    rate_valid_from: date
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class ImmutableCommissionEntry(GuardViolation):
    """A programming error: some code tried to change or delete a commission entry."""


# The one declaration: migration 0015 installs the triggers from an equal rule written out.
ENTRY_GUARD = Guard(table="commission_entry", refuse_delete=True, error=ImmutableCommissionEntry)

protect(CommissionEntry, ENTRY_GUARD)
