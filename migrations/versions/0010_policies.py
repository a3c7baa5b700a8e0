"""policies: one row per version, guarded

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:30:00

The policy table and its guard as they stand at this revision. A migration is history, so
the rule is written out here rather than imported (like 0007 for quotes): when
`POLICY_GUARD` in iztim_app/core/policies/models.py changes, or a later SQLite batch
migration recreates or adds columns to the policy table, that migration calls
`guards.install(op, <rule>)` again; tests/policies/test_policy_guard_db.py fails at head
until the database's triggers match the model's rule.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db
from iztim_app.core import guards

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

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
POLICY_GUARD = guards.Guard(
    table="policy",
    mutable=DECISION_COLUMNS | {"status"},
    set_once=DECISION_COLUMNS,
    status="status",
    moves=frozenset(
        {
            ("draft", "awaiting_approval"),
            ("draft", "approved"),
            ("awaiting_approval", "approved"),
            ("awaiting_approval", "rejected"),
            ("approved", "unapproved"),
            ("approved", "cancelled"),
        }
    ),
    frozen_while={
        "status": frozenset(
            {"awaiting_approval", "approved", "rejected", "unapproved", "cancelled"}
        )
    },
    refuse_delete=True,
)

_STR = sqlmodel.sql.sqltypes.AutoString
_MONEY = iztim_app.core.db.Money
_UTC = iztim_app.core.db.UTCDateTime
_INDEXED = (
    "channel",
    "customer_id",
    "end_date",
    "issue_date",
    "line_code",
    "number",
    "office_id",
    "office_path",
    "prepared_by_id",
    "quote_id",
    "renews_policy_number",
    "start_date",
    "status",
)


def upgrade() -> None:
    op.create_table(
        "policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", _STR(length=24), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("line_code", _STR(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("customer_group", _STR(length=32), nullable=False),
        sa.Column("customer_kind", _STR(length=16), nullable=False),
        sa.Column("sum_insured", _MONEY(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("tariff_version_id", sa.Integer(), nullable=False),
        sa.Column("net_premium", _MONEY(), nullable=False),
        sa.Column("taxes", sa.JSON(), nullable=False),
        sa.Column("gross_premium", _MONEY(), nullable=False),
        sa.Column("worksheet", sa.JSON(), nullable=False),
        sa.Column("installment_count", sa.Integer(), nullable=False),
        sa.Column("channel", _STR(length=16), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=True),
        sa.Column("prepared_by_code", _STR(length=64), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("office_path", _STR(length=400), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("renews_policy_number", sa.Integer(), nullable=True),
        sa.Column("approved_by_code", _STR(length=64), nullable=True),
        sa.Column("approved_at", _UTC(timezone=True), nullable=True),
        sa.Column("rejected_by_code", _STR(length=64), nullable=True),
        sa.Column("rejected_at", _UTC(timezone=True), nullable=True),
        sa.Column("rejection_reason", _STR(length=400), nullable=True),
        sa.Column("unapproved_by_code", _STR(length=64), nullable=True),
        sa.Column("unapproved_at", _UTC(timezone=True), nullable=True),
        sa.Column("unapproval_reason", _STR(length=400), nullable=True),
        sa.Column("cancelled_from", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["prepared_by_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"]),
        sa.ForeignKeyConstraint(["tariff_version_id"], ["tariff_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number", "version", name="uq_policy_number_version"),
    )
    for column in _INDEXED:
        op.create_index(f"ix_policy_{column}", "policy", [column], unique=False)
    guards.install(op, POLICY_GUARD)


def downgrade() -> None:
    guards.drop(op, POLICY_GUARD)
    for column in _INDEXED:
        op.drop_index(f"ix_policy_{column}", table_name="policy")
    op.drop_table("policy")
