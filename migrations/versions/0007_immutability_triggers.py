"""immutability and status moves guarded by database triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:00:00

The quote rule as it stands at this revision. A migration is history, so the rule is written
out here rather than imported: when `QUOTE_GUARD` in iztim_app/core/quotes/models.py changes
(or a later SQLite batch migration recreates the quote table, dropping its triggers), a new
migration calls `guards.install(op, <rule>)` again; tests/quotes/test_quote_guard_db.py fails
at head until the database's triggers match the model's rule.
"""

from alembic import op

from iztim_app.core import guards

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPROVAL_COLUMNS = frozenset(
    {
        "approved_by_code",
        "approved_at",
        "rejected_by_code",
        "rejected_at",
        "rejection_reason",
        "superseded_by_id",
        "policy_number",
    }
)
QUOTE_GUARD = guards.Guard(
    table="quote",
    mutable=APPROVAL_COLUMNS | {"status"},
    set_once=APPROVAL_COLUMNS,
    status="status",
    moves=frozenset(
        {
            ("awaiting_approval", "approved"),
            ("awaiting_approval", "rejected"),
            ("awaiting_approval", "superseded"),
            ("approved", "superseded"),
            ("rejected", "superseded"),
        }
    ),
    refuse_delete=True,
)


def upgrade() -> None:
    guards.install(op, QUOTE_GUARD)


def downgrade() -> None:
    guards.drop(op, QUOTE_GUARD)
