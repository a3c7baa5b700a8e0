"""money as integer kurus

Every amount column moves from Numeric(14, 2) to BIGINT kuruş (iztim_app.core.db.Money),
converted exactly: SQLite held the amounts as REAL (or INTEGER when whole), so each is
rounded to the nearest kuruş before the type changes; PostgreSQL's numeric is exact.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

MONEY_COLUMNS = {
    "authority_limit": ("quote_limit", "policy_limit"),
    "quote": ("sum_insured", "net_premium", "gross_premium"),
}
SELF_REFERENCES = {"quote": ("revises_id", "superseded_by_id")}
NUMERIC = sa.Numeric(precision=14, scale=2)


def _sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def _sqlite_retype(table: str, columns: tuple[str, ...], old: sa.types.TypeEngine, new) -> None:  # noqa: ANN001
    """Batch mode copies the table into a new one and drops the old one. With foreign keys on
    (they cannot be turned off inside the migration's transaction) that DROP fails while rows
    of the copy still point at rows of the old table: a quote revising another one. So the
    self references are put aside, the table rebuilt, and the references put back."""
    refs = SELF_REFERENCES.get(table, ())
    if refs:
        op.execute("DROP TABLE IF EXISTS _money_refs")
        op.execute(f"CREATE TEMP TABLE _money_refs AS SELECT id, {', '.join(refs)} FROM {table}")
        op.execute(f"UPDATE {table} SET {', '.join(f'{r} = NULL' for r in refs)}")
    with op.batch_alter_table(table) as batch:
        for c in columns:
            batch.alter_column(c, existing_type=old, type_=new, existing_nullable=False)
    if refs:
        back = ", ".join(
            f"{r} = (SELECT m.{r} FROM _money_refs AS m WHERE m.id = {table}.id)" for r in refs
        )
        op.execute(f"UPDATE {table} SET {back}")
        op.execute("DROP TABLE _money_refs")


def upgrade() -> None:
    for table, columns in MONEY_COLUMNS.items():
        if _sqlite():
            # REAL 0.29 * 100 is 28.999…: round first, while the column is still NUMERIC
            # (a whole REAL is kept as INTEGER there), then copy into BIGINT unchanged.
            sets = ", ".join(f"{c} = CAST(ROUND({c} * 100) AS INTEGER)" for c in columns)
            op.execute(f"UPDATE {table} SET {sets}")
            _sqlite_retype(table, columns, NUMERIC, sa.BigInteger())
        else:
            for c in columns:
                op.alter_column(
                    table,
                    c,
                    existing_type=NUMERIC,
                    type_=sa.BigInteger(),
                    existing_nullable=False,
                    postgresql_using=f"({c} * 100)::bigint",
                )


def downgrade() -> None:
    for table, columns in MONEY_COLUMNS.items():
        if _sqlite():
            _sqlite_retype(table, columns, sa.BigInteger(), NUMERIC)
            sets = ", ".join(f"{c} = {c} / 100.0" for c in columns)
            op.execute(f"UPDATE {table} SET {sets}")
        else:
            for c in columns:
                op.alter_column(
                    table,
                    c,
                    existing_type=sa.BigInteger(),
                    type_=NUMERIC,
                    existing_nullable=False,
                    postgresql_using=f"{c}::numeric(14, 2) / 100",
                )
