"""Callbacks at the same moment, on SQLite and PostgreSQL (each in its own thread and
session, released at one barrier): exactly one applies, nothing is paid twice, every
callback is recorded."""

from __future__ import annotations

from decimal import Decimal as D

from iztim_app.core.db import session_scope
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.installments import services as installments
from iztim_app.core.payments import services as payments
from tests.concurrency import run_together
from tests.foundation.support import actor_of, audit_events
from tests.payments.fixtures_payments import (
    BANK_SOURCE,
    attempt,
    bank_answer,
    callbacks,
    paid,
    payments_of,
    start,
    world,
)

ZERO = D("0.00")
AMOUNTS = (D("438.54"), D("438.53"), D("438.53"))


def _callback(fields: dict):  # noqa: ANN202
    return lambda db: payments.complete_payment(db, fields, source=BANK_SOURCE)


def test_the_same_callback_twice_at_the_same_moment_applies_once(url: str):
    with session_scope(url) as db:
        w = world(db)
        rounds = []
        for seq in (1, 2, 3):
            started = start(db, w.a, w.a_policy, [seq])
            rounds.append((seq, started, bank_answer(db, started)))
    for seq, started, answer in rounds:
        outcome = run_together([_callback(answer), _callback(dict(answer))], url)
        assert outcome.errors == []
        assert sorted((o.status, o.outcome) for o in outcome.results) == [
            ("approved", "applied"),
            ("approved", "replay"),
        ]
        with session_scope(url) as db:
            assert paid(db, w.a_policy)[seq - 1] == (seq, AMOUNTS[seq - 1], AMOUNTS[seq - 1])
            mine = [p for p in payments_of(db, w.a_policy) if p[2] == started.order_id]
            assert [(p[0], p[5]) for p in mine] == [
                (AMOUNTS[seq - 1], f"{answer['transaction_id']}/{seq}")
            ]
            assert attempt(db, started.order_id).status == "approved"
    with session_scope(url) as db:
        recorded = callbacks(db)
        assert sorted(c[1] for c in recorded) == ["applied"] * 3 + ["replay"] * 3
        assert [c[3] for c in recorded if c[1] == "applied"] == [True] * 3  # nonce kept once
        assert len(payments_of(db, w.a_policy)) == 3
        assert len(audit_events(db, "payment.approved")) == 3
        assert len(audit_events(db, "payment.callback_replay")) == 3


def test_two_approved_attempts_for_one_installment_at_once_pay_it_once(url: str):
    with session_scope(url) as db:
        w = world(db)
        one, two = start(db, w.b, w.b_policy, [1, 2]), start(db, w.b, w.b_policy, [2])
        answers = [bank_answer(db, one), bank_answer(db, two)]

    outcome = run_together([_callback(a) for a in answers], url)

    assert outcome.errors == []
    results = sorted((o.status, o.outcome) for o in outcome.results)
    assert results == [("approved", "applied"), ("review", "review")]
    with session_scope(url) as db:
        winner = next(o for o in outcome.results if o.outcome == "applied")
        paid_now = paid(db, w.b_policy)
        if winner.order_id == one.order_id:
            assert paid_now == [(1, D("657.80"), D("657.80")), (2, D("657.80"), D("657.80"))]
        else:
            assert paid_now == [(1, D("657.80"), ZERO), (2, D("657.80"), D("657.80"))]
        refs = {p[2] for p in payments_of(db, w.b_policy)}
        assert refs == {winner.order_id}
        assert sum(p[0] for p in payments_of(db, w.b_policy)) == sum(r[2] for r in paid_now)
        assert sorted(c[1] for c in callbacks(db)) == ["applied", "review"]


def test_a_callback_and_a_desk_payment_at_once_never_pay_twice(url: str):
    with session_scope(url) as db:
        w = world(db)
        a1 = actor_of(db, "acente.a1")
        started = start(db, w.a, w.a_policy, [1])
        answer = bank_answer(db, started)
        inst = installments.plan_of(db, a1, w.a_policy).installments[0]

    outcome = run_together(
        [
            _callback(answer),
            lambda db: installments.record_payment(db, a1, inst.id, "438,54", "cash"),
        ],
        url,
    )

    card = next(r for r in outcome.results if isinstance(r, payments.PaymentOutcome))
    with session_scope(url) as db:
        methods = [p[1] for p in payments_of(db, w.a_policy)]
        assert paid(db, w.a_policy)[0] == (1, AMOUNTS[0], AMOUNTS[0])
    if card.outcome == "applied":  # the card first: the desk is told it is paid
        assert [(type(e), e.code) for e in outcome.errors] == [
            (ValidationFailed, "payment.installment_paid")
        ]
        assert methods == ["card"]
    else:  # the desk first: the card's money goes to review, nothing more is paid
        assert (card.status, outcome.errors, methods) == ("review", [], ["cash"])
