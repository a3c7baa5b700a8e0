"""background jobs (batch printing work)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 19:00:00

`background_job` holds each job's status, progress and finished file, so that every worker
process shows the same progress and any of them can run (or take over) a job.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString
_UTC = iztim_app.core.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "background_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(length=48), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_by_code", _STR(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("message", _STR(length=80), nullable=False),
        sa.Column("message_params", sa.JSON(), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("result_name", _STR(length=200), nullable=False),
        sa.Column("result_mime", _STR(length=100), nullable=False),
        sa.Column("result_size", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", _STR(length=120), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("started_at", _UTC(timezone=True), nullable=True),
        sa.Column("heartbeat_at", _UTC(timezone=True), nullable=True),
        sa.Column("finished_at", _UTC(timezone=True), nullable=True),
        sa.Column("expires_at", _UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_background_job_status", "background_job", ["status"], unique=False)
    op.create_index(
        "ix_background_job_owner", "background_job", ["created_by_id", "kind", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_background_job_owner", table_name="background_job")
    op.drop_index("ix_background_job_status", table_name="background_job")
    op.drop_table("background_job")
