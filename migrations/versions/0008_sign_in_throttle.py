"""sign-in throttling per source address, temporary lock-out, cookie hand-off

- `sign_in_throttle` is rebuilt keyed by `user:<code>` or `source:<address>`, with a
  user code's temporary lock (`locked_until`, `locks`). Old counters are dropped (they
  only slow guessing down); an account locked "until IT acts" becomes locked for the first
  lock period from now (15 minutes), so no lock is lifted by the upgrade itself.
- `user_session` gets the hashed one-time hand-off code that carries a sign-in to the
  HTTP response setting the HttpOnly cookie.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:00:00
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FIRST_LOCK = timedelta(minutes=15)


def _utc() -> sa.types.TypeEngine:
    return iztim_app.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttle_user_key"))
    op.drop_table("sign_in_throttle")
    throttle = op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", _utc(), nullable=True),
        sa.Column("blocked_until", _utc(), nullable=True),
        sa.Column("locked_until", _utc(), nullable=True),
        sa.Column("locks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_throttle_key"), ["key"], unique=True)

    users = sa.table("app_user", sa.column("code", sa.String), sa.column("locked", sa.Boolean))
    locked = op.get_bind().execute(sa.select(users.c.code).where(users.c.locked.is_(True)))
    now = datetime.now(UTC)
    rows = [
        {
            "key": "user:" + code.lower()[:64],
            "failures": 0,
            "last_failure_at": now,
            "locked_until": now + FIRST_LOCK,
            "locks": 1,
        }
        for (code,) in locked
    ]
    if rows:
        op.bulk_insert(throttle, rows)

    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handoff_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("handoff_expires_at", _utc(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_user_session_handoff_hash"), ["handoff_hash"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_handoff_hash"))
        batch_op.drop_column("handoff_expires_at")
        batch_op.drop_column("handoff_hash")
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttle_key"))
    op.drop_table("sign_in_throttle")
    op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", _utc(), nullable=True),
        sa.Column("blocked_until", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_throttle_user_key"), ["user_key"], unique=True)
