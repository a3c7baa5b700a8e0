"""portal sign-in hand-off

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 22:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def _utc() -> sa.types.TypeEngine:
    return iztim_app.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("portal_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handoff_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("handoff_expires_at", _utc(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_portal_session_handoff_hash"), ["handoff_hash"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("portal_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_session_handoff_hash"))
        batch_op.drop_column("handoff_expires_at")
        batch_op.drop_column("handoff_hash")
