"""endorsements and cancellations

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:30:00

The endorsement table and its guard as they stand at this revision (written out, not
imported: a migration is history). When `ENDORSEMENT_GUARD` in
iztim_app/core/endorsements/models.py changes, or a later SQLite batch migration recreates or
adds columns to the table, that migration calls `guards.install(op, <rule>)` again.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db
from iztim_app.core import guards

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

DECISION_COLUMNS = frozenset(
    {"approved_by_code", "approved_at", "rejected_by_code", "rejected_at", "rejection_reason"}
)
ENDORSEMENT_GUARD = guards.Guard(
    table="endorsement",
    mutable=DECISION_COLUMNS | {"status"},
    set_once=DECISION_COLUMNS,
    status="status",
    moves=frozenset({("awaiting_approval", "approved"), ("awaiting_approval", "rejected")}),
    refuse_delete=True,
)

_STR = sqlmodel.sql.sqltypes.AutoString
_MONEY = iztim_app.core.db.Money
_UTC = iztim_app.core.db.UTCDateTime
_INDEXED = (
    "kind",
    "line_code",
    "office_id",
    "office_path",
    "policy_id",
    "policy_number",
    "prepared_by_id",
    "status",
)


def upgrade() -> None:
    op.create_table(
        "endorsement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_number", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(length=16), nullable=False),
        sa.Column("description", _STR(length=400), nullable=False),
        sa.Column("line_code", _STR(length=32), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("sum_insured_after", _MONEY(), nullable=False),
        sa.Column("annual_net_after", _MONEY(), nullable=False),
        sa.Column("net_change", _MONEY(), nullable=False),
        sa.Column("gross_change", _MONEY(), nullable=False),
        sa.Column("taxes_change", sa.JSON(), nullable=False),
        sa.Column("net_in_force_after", _MONEY(), nullable=False),
        sa.Column("gross_in_force_after", _MONEY(), nullable=False),
        sa.Column("taxes_in_force_after", sa.JSON(), nullable=False),
        sa.Column("reason_code", _STR(length=64), nullable=True),
        sa.Column("method", _STR(length=16), nullable=True),
        sa.Column("earned", _MONEY(), nullable=True),
        sa.Column("refund", _MONEY(), nullable=True),
        sa.Column("tax_refunds", sa.JSON(), nullable=True),
        sa.Column("status", _STR(length=24), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=True),
        sa.Column("prepared_by_code", _STR(length=64), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("office_path", _STR(length=400), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("approved_by_code", _STR(length=64), nullable=True),
        sa.Column("approved_at", _UTC(timezone=True), nullable=True),
        sa.Column("rejected_by_code", _STR(length=64), nullable=True),
        sa.Column("rejected_at", _UTC(timezone=True), nullable=True),
        sa.Column("rejection_reason", _STR(length=400), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
        sa.ForeignKeyConstraint(["prepared_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("policy_number", "seq", name="uq_endorsement_policy_seq"),
    )
    for column in _INDEXED:
        op.create_index(f"ix_endorsement_{column}", "endorsement", [column], unique=False)
    guards.install(op, ENDORSEMENT_GUARD)


def downgrade() -> None:
    guards.drop(op, ENDORSEMENT_GUARD)
    for column in _INDEXED:
        op.drop_index(f"ix_endorsement_{column}", table_name="endorsement")
    op.drop_table("endorsement")
