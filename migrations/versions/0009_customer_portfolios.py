"""customer records per portfolio

The same TCKN/VKN may now be on several customer records (one per owning user): an agency
serving a person another agency already has gets its own record instead of a refusal.
Index changes only, so SQLite keeps the table (no batch copy under the quote foreign key).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:00:00
"""

from alembic import op
import sqlalchemy as sa  # noqa: F401


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_customer_national_id", table_name="customer")
    op.create_index(
        "ux_customer_national_id_owner",
        "customer",
        ["national_id", "owner_user_id"],
        unique=True,
    )


def downgrade() -> None:
    # Fails while one person has records in several portfolios: merge them first.
    op.drop_index("ux_customer_national_id_owner", table_name="customer")
    op.create_index("ix_customer_national_id", "customer", ["national_id"], unique=True)
