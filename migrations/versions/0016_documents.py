"""policy access codes, installation secret (documents work)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 19:00:00

`app_secret` holds installation-wide random keys (the documents' verification key, later
the payments'); each is made on first use. `policy_access_code` holds one portal access
code per policy number; policies approved (or cancelled) before this revision get theirs
here, so every printed policy of an existing installation carries one.
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString
_UTC = iztim_app.core.db.UTCDateTime
# As in iztim_app/core/policies/access_codes.py at this revision (history: written out).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def _code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def backfill(bind: sa.Connection) -> int:
    """An access code for every policy number approved or cancelled that has none yet;
    returns how many were made (also run by tests on a populated database)."""
    numbers = bind.execute(
        sa.text(
            "SELECT DISTINCT p.number FROM policy p WHERE p.status IN ('approved', 'cancelled')"
            " AND NOT EXISTS (SELECT 1 FROM policy_access_code a"
            " WHERE a.policy_number = p.number) ORDER BY p.number"
        )
    ).all()
    table = sa.table(
        "policy_access_code",
        sa.column("policy_number", sa.Integer()),
        sa.column("code", _STR(length=16)),
        sa.column("created_at", _UTC(timezone=True)),
    )
    now = datetime.now(UTC)
    rows = [{"policy_number": n, "code": _code(), "created_at": now} for (n,) in numbers]
    if rows:
        bind.execute(sa.insert(table), rows)
    return len(rows)


def upgrade() -> None:
    op.create_table(
        "app_secret",
        sa.Column("name", _STR(length=64), nullable=False),
        sa.Column("value", _STR(length=128), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "policy_access_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_number", sa.Integer(), nullable=False),
        sa.Column("code", _STR(length=16), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_policy_access_code_policy_number",
        "policy_access_code",
        ["policy_number"],
        unique=True,
    )
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_policy_access_code_policy_number", table_name="policy_access_code")
    op.drop_table("policy_access_code")
    op.drop_table("app_secret")
