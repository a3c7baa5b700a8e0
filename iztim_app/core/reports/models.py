"""The daily production summary and the saved report formats.

`production_daily` holds one row per (day, line, channel, office, office path, preparer,
customer kind): what the documents approved that day added, net of cancellations and
un-approvals. Rows are only ever added to (upserts at approval), so a report over a year
reads a few thousand rows instead of every policy. `production_daily_tax` is the same per
tax code; `production_monthly(_tax)` the same per month. `month` and `year` are stored so
both engines group the same text/number.
A policy without a preparer (none today) is kept under preparer 0: a key column is never
NULL, since NULLs never meet in a unique key and the upsert would add a second row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import money_column, utc_column

# The summary's key, in primary-key order (the period first: every report filters on it).
KEY = ("day", "line_code", "channel", "office_id", "office_path", "prepared_by_id", "customer_kind")
MONTH_KEY = ("month", *KEY[1:])
FIGURES = (
    "policies",
    "issued",
    "cancelled",
    "endorsements",
    "sum_insured",
    "net_premium",
    "taxes_total",
    "gross_premium",
    "commission",
)


def _money() -> Any:
    return Field(default=Decimal("0.00"), sa_column=money_column(nullable=False))


def _scope_indexes(table: str, period: str) -> tuple[Any, ...]:
    """The viewer's scope columns with the period: an agency user's or a branch's report
    reads only its own rows. SQLite keeps the rows in key order (no rowid), so a date range
    is one contiguous read."""
    return (
        sa.Index(f"ix_{table}_office_{period}", "office_id", period),
        sa.Index(f"ix_{table}_path_{period}", "office_path", period),
        sa.Index(f"ix_{table}_preparer_{period}", "prepared_by_id", period),
        {"sqlite_with_rowid": False},
    )


class ProductionDaily(SQLModel, table=True):
    __tablename__ = "production_daily"
    __table_args__ = _scope_indexes("production_daily", "day")

    day: date = Field(primary_key=True)
    line_code: str = Field(primary_key=True, max_length=32)
    channel: str = Field(primary_key=True, max_length=16)
    office_id: int = Field(primary_key=True)
    office_path: str = Field(primary_key=True, max_length=400)
    prepared_by_id: int = Field(primary_key=True)
    customer_kind: str = Field(primary_key=True, max_length=16)
    agency_id: int  # the office when it is an agency, else 0
    month: str = Field(max_length=7)  # "2026-12"
    year: int
    policies: int = 0  # approved − cancelled − un-approved
    issued: int = 0  # approved versions − un-approved ones
    cancelled: int = 0
    endorsements: int = 0
    sum_insured: Decimal = _money()
    net_premium: Decimal = _money()
    taxes_total: Decimal = _money()
    gross_premium: Decimal = _money()
    commission: Decimal = _money()


class ProductionDailyTax(SQLModel, table=True):
    __tablename__ = "production_daily_tax"
    __table_args__ = _scope_indexes("production_daily_tax", "day")

    day: date = Field(primary_key=True)
    line_code: str = Field(primary_key=True, max_length=32)
    channel: str = Field(primary_key=True, max_length=16)
    office_id: int = Field(primary_key=True)
    office_path: str = Field(primary_key=True, max_length=400)
    prepared_by_id: int = Field(primary_key=True)
    customer_kind: str = Field(primary_key=True, max_length=16)
    tax_code: str = Field(primary_key=True, max_length=16)
    agency_id: int
    month: str = Field(max_length=7)
    year: int
    amount: Decimal = _money()


class ProductionMonthly(SQLModel, table=True):
    """The same figures per month: a report over whole months reads these (a month's rows
    are about a thirtieth of its days'), the part-months at its ends the daily rows."""

    __tablename__ = "production_monthly"
    __table_args__ = _scope_indexes("production_monthly", "month")

    month: str = Field(primary_key=True, max_length=7)
    line_code: str = Field(primary_key=True, max_length=32)
    channel: str = Field(primary_key=True, max_length=16)
    office_id: int = Field(primary_key=True)
    office_path: str = Field(primary_key=True, max_length=400)
    prepared_by_id: int = Field(primary_key=True)
    customer_kind: str = Field(primary_key=True, max_length=16)
    agency_id: int
    year: int
    policies: int = 0
    issued: int = 0
    cancelled: int = 0
    endorsements: int = 0
    sum_insured: Decimal = _money()
    net_premium: Decimal = _money()
    taxes_total: Decimal = _money()
    gross_premium: Decimal = _money()
    commission: Decimal = _money()


class ProductionMonthlyTax(SQLModel, table=True):
    __tablename__ = "production_monthly_tax"
    __table_args__ = _scope_indexes("production_monthly_tax", "month")

    month: str = Field(primary_key=True, max_length=7)
    line_code: str = Field(primary_key=True, max_length=32)
    channel: str = Field(primary_key=True, max_length=16)
    office_id: int = Field(primary_key=True)
    office_path: str = Field(primary_key=True, max_length=400)
    prepared_by_id: int = Field(primary_key=True)
    customer_kind: str = Field(primary_key=True, max_length=16)
    tax_code: str = Field(primary_key=True, max_length=16)
    agency_id: int
    year: int
    amount: Decimal = _money()


class ReportFormat(SQLModel, table=True):
    """A saved report definition; `name_key` (the name folded the Turkish way) is unique, so
    `Aylık Üretim` and `AYLIK ÜRETİM` are one name."""

    __tablename__ = "report_format"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120, unique=True, index=True)
    description: str = Field(default="", max_length=400)
    definition: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    predefined: bool = Field(default=False)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_by: str = Field(max_length=64)
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))
