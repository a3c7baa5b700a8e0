"""Two payments of one installment at the same moment: exactly one takes effect, on SQLite
and on PostgreSQL (each in its own thread and session, started at one barrier)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlmodel import select

from iztim_app.core.db import session_scope
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.installments import services as installments
from iztim_app.core.installments.models import Payment
from iztim_app.core.installments.services import PaymentRow, PremiumChangeResult
from tests.concurrency import run_together
from tests.foundation.support import actor_of, audit_events
from tests.installments.fixtures_policies import add_policy, person, plan_rows

ROUNDS = 3


def test_two_payments_of_one_installment_at_the_same_moment_pay_it_once(url: str):
    # given acente.a1's policy of 1 500.00 in 3 (500.00 each) and two desks paying the
    # same installment in full: acente.a1 and İstanbul Şube above it
    with session_scope(url) as db:
        a1 = actor_of(db, "acente.a1")
        desks = [a1, actor_of(db, "sube.istanbul")]
        policy = add_policy(db, a1, person(db, a1), "1500.00", 3, date(2026, 1, 15))
        view = installments.plan_of(db, a1, policy.number)
    for row in view.installments[:ROUNDS]:
        # when both record 500,00 at once
        outcome = run_together(
            [
                lambda db, who=who, row=row: installments.record_payment(
                    db, who, row.id, "500,00", "cash", f"desk {who.code}"
                )
                for who in desks
            ],
            url,
        )
        # then exactly one is recorded; the other is told the installment is paid
        assert len(outcome.results) == 1, outcome.errors
        assert [(type(e), e.code, e.field) for e in outcome.errors] == [
            (ValidationFailed, "payment.installment_paid", "installment_id")
        ]
        winner = outcome.results[0]
        with session_scope(url) as db:
            assert plan_rows(db, policy.number)[row.seq - 1][2:] == (D("500.00"), D("500.00"))
            stored = db.exec(select(Payment).where(Payment.installment_id == row.id)).all()
            assert [(p.id, p.amount, p.recorded_by_code) for p in stored] == [
                (winner.id, D("500.00"), winner.recorded_by)
            ]
            audited = [
                e for e in audit_events(db, "payment.record") if e.entity_id == str(winner.id)
            ]
            assert [e.actor_code for e in audited] == [winner.recorded_by]
    with session_scope(url) as db:
        assert len(audit_events(db, "payment.record")) == ROUNDS


def test_two_partial_payments_that_both_fit_are_both_taken(url: str):
    # given 500.00 due; 200,00 and 300,00 at once both fit
    with session_scope(url) as db:
        a1 = actor_of(db, "acente.a1")
        policy = add_policy(db, a1, person(db, a1), "500.00", 1, date(2026, 1, 15))
        [row] = installments.plan_of(db, a1, policy.number).installments
    outcome = run_together(
        [
            lambda db, amount=amount: installments.record_payment(db, a1, row.id, amount, "cash")
            for amount in ("200,00", "300,00")
        ],
        url,
    )
    assert outcome.errors == []
    assert sorted(p.amount for p in outcome.results) == [D("200.00"), D("300.00")]
    with session_scope(url) as db:
        assert plan_rows(db, policy.number) == [(1, date(2026, 1, 15), D("500.00"), D("500.00"))]


def test_a_payment_and_a_refund_at_the_same_moment_never_break_the_plan(url: str):
    # given 1 000.00 in 2 (500.00 each), nothing paid; installment 2 is paid in full while
    # a decrease of 700.00 is approved (500.00 off installment 2, 200.00 off installment 1)
    with session_scope(url) as db:
        a1 = actor_of(db, "acente.a1")
        policy = add_policy(db, a1, person(db, a1), "1000.00", 2, date(2026, 1, 15))
        second = installments.plan_of(db, a1, policy.number).installments[1]

    def refund(db):  # noqa: ANN001, ANN202 - the endorsement approval's transaction
        result = installments.apply_premium_change(
            db, policy.number, date(2026, 1, 15), D("-700.00"), 1
        )
        db.commit()
        return result

    outcome = run_together(
        [lambda db: installments.record_payment(db, a1, second.id, "500,00", "cash"), refund],
        url,
    )
    # then whichever came first, the other saw it or was refused: never a paid amount lost,
    # never an installment below what was paid, and the plan still adds up
    assert len(outcome.results) + len(outcome.errors) == 2
    assert {e.code for e in outcome.errors} <= {
        "installment.changed_meanwhile",
        "payment.amount_over_due",
        "payment.installment_paid",
    }
    with session_scope(url) as db:
        rows = plan_rows(db, policy.number)
        owed = sum(
            (r.amount for r in installments.plan_of(db, a1, policy.number).refunds), D("0.00")
        )
    refunded = any(isinstance(r, PremiumChangeResult) for r in outcome.results)
    payment_taken = any(isinstance(r, PaymentRow) for r in outcome.results)
    assert refunded or payment_taken
    assert all(amount >= paid for _, _, amount, paid in rows)
    assert sum(paid for _, _, _, paid in rows) == (D("500.00") if payment_taken else D("0.00"))
    charged = sum(amount for _, _, amount, _ in rows) - owed
    assert charged == (D("300.00") if refunded else D("1000.00"))
