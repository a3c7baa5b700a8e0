"""Idempotency claims remember that their request's transaction committed

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

import iztim_app.core.db

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_idempotency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("committed_at", iztim_app.core.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_idempotency", schema=None) as batch_op:
        batch_op.drop_column("committed_at")
