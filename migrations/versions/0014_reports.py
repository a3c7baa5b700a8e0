"""production summary, report formats (reports work)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:00:00

The daily production summary starts filled: on an installation that already has approved
policies and endorsements, `production.rebuild` computes it from them (commission entries
come later, with 0015). The same figures are kept per month too (a report over whole
months reads those). The predefined report formats (formats.json) are inserted once.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlmodel import Session

import iztim_app.core.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString
_MONEY = iztim_app.core.db.Money
_UTC = iztim_app.core.db.UTCDateTime
KEY = ("day", "line_code", "channel", "office_id", "office_path", "prepared_by_id", "customer_kind")


def _key_columns(period: sa.Column) -> list[sa.Column]:
    return [
        period,
        sa.Column("line_code", _STR(length=32), nullable=False),
        sa.Column("channel", _STR(length=16), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("office_path", _STR(length=400), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=False),
        sa.Column("customer_kind", _STR(length=16), nullable=False),
    ]


def _figures() -> list[sa.Column]:
    return [
        sa.Column("policies", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("endorsements", sa.Integer(), nullable=False),
        sa.Column("sum_insured", _MONEY(), nullable=False),
        sa.Column("net_premium", _MONEY(), nullable=False),
        sa.Column("taxes_total", _MONEY(), nullable=False),
        sa.Column("gross_premium", _MONEY(), nullable=False),
        sa.Column("commission", _MONEY(), nullable=False),
    ]


def _day() -> sa.Column:
    return sa.Column("day", sa.Date(), nullable=False)


def _month() -> sa.Column:
    return sa.Column("month", _STR(length=7), nullable=False)


def _agency() -> sa.Column:
    return sa.Column("agency_id", sa.Integer(), nullable=False)


def _year() -> sa.Column:
    return sa.Column("year", sa.Integer(), nullable=False)


def _tax() -> list[sa.Column]:
    return [sa.Column("tax_code", _STR(length=16), nullable=False)]


# table, period column, its key, is a tax table
TABLES = (
    ("production_daily", "day", KEY, False),
    ("production_daily_tax", "day", (*KEY, "tax_code"), True),
    ("production_monthly", "month", ("month", *KEY[1:]), False),
    ("production_monthly_tax", "month", ("month", *KEY[1:], "tax_code"), True),
)
INDEXES = (("office", "office_id"), ("path", "office_path"), ("preparer", "prepared_by_id"))


def upgrade() -> None:
    for table, period, key, is_tax in TABLES:
        columns = _key_columns(_day() if period == "day" else _month())
        if is_tax:
            columns += _tax()
        columns.append(_agency())
        if period == "day":
            columns.append(_month())
        columns.append(_year())
        columns += [sa.Column("amount", _MONEY(), nullable=False)] if is_tax else _figures()
        # The rows live in key order on SQLite (no rowid): a date range is one contiguous read.
        op.create_table(table, *columns, sa.PrimaryKeyConstraint(*key), sqlite_with_rowid=False)
        for suffix, column in INDEXES:
            op.create_index(f"ix_{table}_{suffix}_{period}", table, [column, period], unique=False)
    op.create_table(
        "report_format",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _STR(length=120), nullable=False),
        sa.Column("name_key", _STR(length=120), nullable=False),
        sa.Column("description", _STR(length=400), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("predefined", sa.Boolean(), nullable=False),
        sa.Column("created_by", _STR(length=64), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("updated_by", _STR(length=64), nullable=False),
        sa.Column("updated_at", _UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_report_format_name_key", "report_format", ["name_key"], unique=True)

    from iztim_app.core.reports import formats, production

    db = Session(bind=op.get_bind())
    formats.install_predefined(db)
    production.rebuild(db)
    db.flush()


def downgrade() -> None:
    op.drop_index("ix_report_format_name_key", table_name="report_format")
    op.drop_table("report_format")
    for table, period, _key, _is_tax in reversed(TABLES):
        for suffix, _column in INDEXES:
            op.drop_index(f"ix_{table}_{suffix}_{period}", table_name=table)
        op.drop_table(table)
