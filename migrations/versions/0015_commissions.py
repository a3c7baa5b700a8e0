"""agency commission rates and entries (commissions work)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 19:00:00

Rates are whole hundredths of a percent (12.50 % is 1250) in an integer column, the money
column type (exact, two decimals); amounts are kuruş like every money column. Commission
entries never change: their guard (as it stands at this revision, written out like
0011/0012) is installed here; a later migration that recreates or adds columns to the
table calls `guards.install(op, <rule>)` again.

The new permission `commission.manage` is granted to the users whose role template now
holds it (IT and managers outside agencies), so an existing installation can use it at once.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iztim_app.core.db
from iztim_app.core import guards

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ENTRY_GUARD = guards.Guard(table="commission_entry", refuse_delete=True)
PERMISSION = "commission.manage"
ROLES_WITH_PERMISSION = ("it_admin", "manager")

_STR = sqlmodel.sql.sqltypes.AutoString
_MONEY = iztim_app.core.db.Money
_UTC = iztim_app.core.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "commission_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("line_code", _STR(length=32), nullable=False),
        sa.Column("rate", _MONEY(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_by_code", _STR(length=64), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "office_id", "line_code", "valid_from", name="uq_commission_rate_office_line_from"
        ),
        sa.CheckConstraint("rate >= 0 AND rate <= 10000", name="ck_commission_rate_range"),
    )
    op.create_table(
        "commission_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("office_path", _STR(length=400), nullable=False),
        sa.Column("prepared_by_id", sa.Integer(), nullable=True),
        sa.Column("policy_number", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("endorsement_seq", sa.Integer(), nullable=True),
        sa.Column("document", _STR(length=16), nullable=False),
        sa.Column("line_code", _STR(length=32), nullable=False),
        sa.Column("base_net", _MONEY(), nullable=False),
        sa.Column("rate", _MONEY(), nullable=False),
        sa.Column("amount", _MONEY(), nullable=False),
        sa.Column("rate_valid_from", sa.Date(), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"]),
        sa.ForeignKeyConstraint(["prepared_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_commission_entry_office_day", "commission_entry", ["office_id", "day"], unique=False
    )
    op.create_index(
        "ix_commission_entry_policy_number", "commission_entry", ["policy_number"], unique=False
    )
    guards.install(op, ENTRY_GUARD)
    _grant_permission()


def _grant_permission() -> None:
    """Existing IT and manager users outside agencies get the new permission."""
    user = sa.table("app_user", sa.column("id"), sa.column("role"), sa.column("office_id"))
    office = sa.table("office", sa.column("id"), sa.column("kind"))
    grant = sa.table("user_permission", sa.column("user_id"), sa.column("permission"))
    conn = op.get_bind()
    users = conn.execute(
        sa.select(user.c.id)
        .join(office, office.c.id == user.c.office_id)
        .where(user.c.role.in_(ROLES_WITH_PERMISSION), office.c.kind != "agency")
    ).scalars()
    held = set(
        conn.execute(sa.select(grant.c.user_id).where(grant.c.permission == PERMISSION)).scalars()
    )
    rows = [{"user_id": uid, "permission": PERMISSION} for uid in users if uid not in held]
    if rows:
        conn.execute(sa.insert(grant), rows)


def downgrade() -> None:
    grant = sa.table("user_permission", sa.column("permission"))
    op.get_bind().execute(sa.delete(grant).where(grant.c.permission == PERMISSION))
    guards.drop(op, ENTRY_GUARD)
    op.drop_index("ix_commission_entry_policy_number", table_name="commission_entry")
    op.drop_index("ix_commission_entry_office_day", table_name="commission_entry")
    op.drop_table("commission_entry")
    op.drop_table("commission_rate")
