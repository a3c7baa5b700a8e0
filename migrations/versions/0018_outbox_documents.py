"""outbox for policies and endorsements (e-mail work)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every document kind goes through the outbox; rows so far are quotes (seq stays NULL).
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE document_type <> 'quote'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("document_seq")
