"""renewals: quote link to the expiring policy; notifications seen-until

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:30:00

`quote.renews_policy_number` is set at insert only: it is not among the quote rule's mutable
columns, so it is frozen like every other. SQLite names every frozen column in its trigger, so
the quote rule (as it stands at this revision, written out like 0007) is installed again after
the column is added; PostgreSQL's guard compares whole rows and needs nothing, but installing
again is harmless and keeps both databases alike.
"""

import sqlalchemy as sa
from alembic import op

import iztim_app.core.db
from iztim_app.core import guards

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

APPROVAL_COLUMNS = frozenset(
    {
        "approved_by_code",
        "approved_at",
        "rejected_by_code",
        "rejected_at",
        "rejection_reason",
        "superseded_by_id",
        "policy_number",
    }
)
QUOTE_GUARD = guards.Guard(
    table="quote",
    mutable=APPROVAL_COLUMNS | {"status"},
    set_once=APPROVAL_COLUMNS,
    status="status",
    moves=frozenset(
        {
            ("awaiting_approval", "approved"),
            ("awaiting_approval", "rejected"),
            ("awaiting_approval", "superseded"),
            ("approved", "superseded"),
            ("rejected", "superseded"),
        }
    ),
    refuse_delete=True,
)


def upgrade() -> None:
    op.add_column("quote", sa.Column("renews_policy_number", sa.Integer(), nullable=True))
    op.create_index(
        "ix_quote_renews_policy_number", "quote", ["renews_policy_number"], unique=False
    )
    guards.install(op, QUOTE_GUARD)
    op.create_table(
        "notification_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_until", iztim_app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("notification_seen")
    guards.drop(op, QUOTE_GUARD)
    op.drop_index("ix_quote_renews_policy_number", table_name="quote")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_column("renews_policy_number")
    guards.install(op, QUOTE_GUARD)
