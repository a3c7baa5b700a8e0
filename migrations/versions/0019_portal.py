"""customer portal sessions

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 21:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _utc() -> sa.types.TypeEngine:
    return iztim_app.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
        sa.Column("ended_at", _utc(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("portal_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_session_token_hash"), ["token_hash"], unique=True
        )
        batch_op.create_index(
            batch_op.f("ix_portal_session_customer_id"), ["customer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("portal_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_session_customer_id"))
        batch_op.drop_index(batch_op.f("ix_portal_session_token_hash"))
    op.drop_table("portal_session")
