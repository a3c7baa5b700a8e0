"""installments, payments, refunds due

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:30:00

The tables and their guards as they stand at this revision. A migration is history, so the
rules are written out here rather than imported (like 0007 for quotes): when a guard in
iztim_app/core/installments/models.py changes, or a later SQLite batch migration recreates
or adds columns to one of these tables, that migration calls `guards.install(op, <rule>)`
again; tests/installments/test_installment_guard_db.py fails at head until the database's
triggers match the models' rules.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db
from iztim_app.core import guards

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PAYOUT_COLUMNS = frozenset({"paid_out", "paid_out_at", "paid_out_by_code", "paid_out_reference"})
GUARDS = (
    guards.Guard(table="installment", mutable=frozenset({"amount", "paid"}), refuse_delete=False),
    guards.Guard(table="payment", refuse_delete=True),
    guards.Guard(
        table="refund_due", mutable=PAYOUT_COLUMNS, set_once=PAYOUT_COLUMNS, refuse_delete=True
    ),
)

_STR = sqlmodel.sql.sqltypes.AutoString
_MONEY = iztim_app.core.db.Money
_UTC = iztim_app.core.db.UTCDateTime
_INDEXES = (
    ("installment", "policy_number", False),
    ("installment", "due_date", False),
    ("payment", "installment_id", False),
    ("payment", "policy_number", False),
    ("payment", "provider_txn_id", True),
    ("refund_due", "policy_number", False),
    ("refund_due", "endorsement_id", False),
    ("refund_due", "paid_out_at", False),
)


def upgrade() -> None:
    op.create_table(
        "installment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_number", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", _MONEY(), nullable=False),
        sa.Column("paid", _MONEY(), nullable=False),
        sa.Column("endorsement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("policy_number", "seq", name="uq_installment_policy_seq"),
        sa.CheckConstraint("paid >= 0 AND paid <= amount", name="ck_installment_paid"),
    )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("installment_id", sa.Integer(), nullable=False),
        sa.Column("policy_number", sa.Integer(), nullable=False),
        sa.Column("amount", _MONEY(), nullable=False),
        sa.Column("method", _STR(length=16), nullable=False),
        sa.Column("reference", _STR(length=100), nullable=False),
        sa.Column("recorded_by_code", _STR(length=64), nullable=False),
        sa.Column("recorded_at", _UTC(timezone=True), nullable=False),
        sa.Column("card_last4", _STR(length=4), nullable=True),
        sa.Column("provider_txn_id", _STR(length=100), nullable=True),
        sa.ForeignKeyConstraint(["installment_id"], ["installment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "refund_due",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_number", sa.Integer(), nullable=False),
        sa.Column("endorsement_id", sa.Integer(), nullable=True),
        sa.Column("amount", _MONEY(), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("paid_out", _MONEY(), nullable=True),
        sa.Column("paid_out_at", _UTC(timezone=True), nullable=True),
        sa.Column("paid_out_by_code", _STR(length=64), nullable=True),
        sa.Column("paid_out_reference", _STR(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for table, column, unique in _INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=unique)
    for rule in GUARDS:
        guards.install(op, rule)


def downgrade() -> None:
    for rule in reversed(GUARDS):
        guards.drop(op, rule)
    for table, column, _unique in reversed(_INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    op.drop_table("refund_due")
    op.drop_table("payment")
    op.drop_table("installment")
