"""portal quote requests

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 22:30:00

A customer's request from the portal for a policy from one of their quotes. One open
request per quote: `open_quote_id` holds the quote's id while the request is open (NULL once
decided) under a unique constraint. A request is decided once: its guard (as it stands at
this revision, written out like 0015) lets the status move only open → done / rejected and
sets the decision columns once; a later migration that recreates or adds columns to the
table calls `guards.install(op, <rule>)` again.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db
from iztim_app.core import guards

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_DECISION = frozenset({"decided_at", "decided_by_code", "reason", "policy_number"})
REQUEST_GUARD = guards.Guard(
    table="portal_request",
    mutable=_DECISION | {"status", "open_quote_id"},
    set_once=_DECISION,
    status="status",
    moves=frozenset({("open", "done"), ("open", "rejected")}),
    refuse_delete=True,
)

_STR = sqlmodel.sql.sqltypes.AutoString
_UTC = iztim_app.core.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "portal_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("quote_number", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("open_quote_id", sa.Integer(), nullable=True),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("source", _STR(length=64), nullable=False),
        sa.Column("decided_at", _UTC(timezone=True), nullable=True),
        sa.Column("decided_by_code", _STR(length=64), nullable=True),
        sa.Column("reason", _STR(length=400), nullable=True),
        sa.Column("policy_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_quote_id"),
    )
    with op.batch_alter_table("portal_request", schema=None) as batch_op:
        for column in ("quote_id", "quote_number", "customer_id", "status", "policy_number"):
            batch_op.create_index(batch_op.f(f"ix_portal_request_{column}"), [column], unique=False)
    guards.install(op, REQUEST_GUARD)


def downgrade() -> None:
    guards.drop(op, REQUEST_GUARD)
    with op.batch_alter_table("portal_request", schema=None) as batch_op:
        for column in ("policy_number", "status", "customer_id", "quote_number", "quote_id"):
            batch_op.drop_index(batch_op.f(f"ix_portal_request_{column}"))
    op.drop_table("portal_request")
