"""payment attempts and callbacks

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 22:30:00

The tables and their guards as they stand at this revision. A migration is history, so the
rules are written out here rather than imported (like 0012): when a guard in
iztim_app/core/payments/models.py changes, or a later SQLite batch migration recreates or
adds columns to one of these tables, that migration calls `guards.install(op, <rule>)` again.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db
from iztim_app.core import guards

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

FINISH_COLUMNS = frozenset(
    {"reason_code", "bank_reason", "md_status", "transaction_id", "finished_at"}
)
FINAL_STATUSES = ("approved", "declined", "auth_failed", "failed", "review")
GUARDS = (
    guards.Guard(
        table="payment_attempt",
        mutable=FINISH_COLUMNS | {"status", "provider_ref"},
        set_once=FINISH_COLUMNS | {"provider_ref"},
        status="status",
        moves=frozenset(("started", final) for final in FINAL_STATUSES),
        refuse_delete=True,
    ),
    guards.Guard(table="payment_callback", refuse_delete=True),
)

_STR = sqlmodel.sql.sqltypes.AutoString
_MONEY = iztim_app.core.db.Money
_UTC = iztim_app.core.db.UTCDateTime
_INDEXES = (
    ("payment_attempt", "order_id", True),
    ("payment_attempt", "customer_id", False),
    ("payment_attempt", "policy_number", False),
    ("payment_attempt", "status", False),
    ("payment_attempt", "created_at", False),
    ("payment_callback", "attempt_id", False),
)


def upgrade() -> None:
    op.create_table(
        "payment_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", _STR(length=64), nullable=False),
        sa.Column("gateway", _STR(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("policy_number", sa.Integer(), nullable=False),
        sa.Column("installment_refs", _STR(length=500), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("amount", _MONEY(), nullable=False),
        sa.Column("currency", _STR(length=3), nullable=False),
        sa.Column("card_last4", _STR(length=4), nullable=False),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("provider_ref", _STR(length=100), nullable=True),
        sa.Column("reason_code", _STR(length=64), nullable=True),
        sa.Column("bank_reason", _STR(length=200), nullable=True),
        sa.Column("md_status", _STR(length=8), nullable=True),
        sa.Column("transaction_id", _STR(length=100), nullable=True),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("expires_at", _UTC(timezone=True), nullable=False),
        sa.Column("finished_at", _UTC(timezone=True), nullable=True),
        sa.Column("source", _STR(length=64), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("transaction_id"),
    )
    op.create_table(
        "payment_callback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("order_id", _STR(length=64), nullable=False),
        sa.Column("nonce", _STR(length=100), nullable=True),
        sa.Column("outcome", _STR(length=16), nullable=False),
        sa.Column("reason_code", _STR(length=64), nullable=False),
        sa.Column("received_at", _UTC(timezone=True), nullable=False),
        sa.Column("source", _STR(length=64), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["payment_attempt.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce"),
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
    op.drop_table("payment_callback")
    op.drop_table("payment_attempt")
