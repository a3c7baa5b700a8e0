"""The database keeps payment attempts and callbacks straight, whatever SQL is run: a
finished attempt never moves or changes, a started one only finishes (once), a callback is
never changed or deleted — on SQLite and PostgreSQL; the ORM refuses the same at flush."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
import sqlalchemy as sa

from iztim_app.core import guards
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.guards import GuardViolation
from iztim_app.core.payments.models import GUARDS, ImmutablePaymentRecord, PaymentAttempt
from tests.payments.fixtures_payments import bank_answer, complete, start, world


@pytest.fixture
def rows(url: str) -> dict[str, int]:
    """One approved attempt (with its callback) and one still started."""
    with session_scope(url) as db:
        w = world(db)
        done = start(db, w.a, w.a_policy, [1])
        complete(db, bank_answer(db, done))
        waiting = start(db, w.a, w.a_policy, [2])
        ids = dict(
            db.exec(
                sa.select(PaymentAttempt.order_id, PaymentAttempt.id).where(
                    PaymentAttempt.order_id.in_([done.order_id, waiting.order_id])
                )
            ).all()
        )
        callback = db.exec(sa.text("SELECT id FROM payment_callback")).scalar_one()
    return {"done": ids[done.order_id], "waiting": ids[waiting.order_id], "callback": callback}


def stored(url: str, table: str, row_id: int) -> tuple:
    with get_engine(url).connect() as conn:
        return tuple(
            conn.execute(sa.text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id}).one()
        )


def refused(url: str, sql: str, **params: Any) -> GuardViolation:
    with pytest.raises(GuardViolation) as info:
        with get_engine(url).begin() as conn:
            conn.execute(sa.text(sql), params)
    return info.value


@pytest.mark.parametrize(
    ("assignment", "kind"),
    [
        ("status = 'declined'", "status_move"),
        ("status = 'started'", "status_move"),
        ("amount = 1", "frozen"),
        ("installment_refs = '1/1'", "frozen"),
        ("card_last4 = '0000'", "frozen"),
        ("transaction_id = 'X'", "set_once"),
        ("bank_reason = 'changed'", "set_once"),
        ("finished_at = created_at", "set_once"),
    ],
)
def test_a_finished_attempt_never_changes(
    url: str, rows: dict[str, int], assignment: str, kind: str
):
    before = stored(url, "payment_attempt", rows["done"])
    violation = refused(
        url, f"UPDATE payment_attempt SET {assignment} WHERE id = :i", i=rows["done"]
    )
    assert (type(violation), violation.table, violation.kind) == (
        ImmutablePaymentRecord,
        "payment_attempt",
        kind,
    )
    assert stored(url, "payment_attempt", rows["done"]) == before


def test_a_started_attempt_only_finishes_and_its_order_is_fixed(url: str, rows: dict[str, int]):
    waiting = rows["waiting"]
    assert refused(url, "UPDATE payment_attempt SET amount = 1 WHERE id = :i", i=waiting).kind == (
        "frozen"
    )
    assert refused(url, "DELETE FROM payment_attempt WHERE id = :i", i=waiting).kind == "delete"
    with get_engine(url).begin() as conn:
        conn.execute(
            sa.text("UPDATE payment_attempt SET status = 'failed' WHERE id = :i"), {"i": waiting}
        )
    assert (
        refused(url, "UPDATE payment_attempt SET status = 'approved' WHERE id = :i", i=waiting).kind
        == "status_move"
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payment_callback SET outcome = 'replay' WHERE id = :i",
        "UPDATE payment_callback SET nonce = NULL WHERE id = :i",
        "DELETE FROM payment_callback WHERE id = :i",
    ],
)
def test_a_callback_is_never_changed_or_deleted(url: str, rows: dict[str, int], sql: str):
    before = stored(url, "payment_callback", rows["callback"])
    violation = refused(url, sql, i=rows["callback"])
    assert violation.table == "payment_callback"
    assert stored(url, "payment_callback", rows["callback"]) == before


def test_the_orm_refuses_the_same_at_flush(url: str, rows: dict[str, int]):
    with session_scope(url) as db:
        done = db.get(PaymentAttempt, rows["done"])
        done.status = "started"
        with pytest.raises(ImmutablePaymentRecord) as info:
            db.flush()
        assert (info.value.kind, info.value.columns) == ("status_move", ("status",))
        db.rollback()


def test_the_triggers_are_installed_at_head(url: str):
    with get_engine(url).connect() as conn:
        assert {g.table: guards.problems(conn, g) for g in GUARDS} == {g.table: [] for g in GUARDS}


def test_the_migrations_rules_are_the_models_rules():
    migration = import_module("migrations.versions.0020_payments")
    assert migration.GUARDS == GUARDS
