"""Card payments through the test bank at service level, on both engines: start → the bank's
ACS page (acs_submit) → the callback (complete_payment). Approved, declined, wrong code,
replayed and tampered callbacks, another customer's installment, an installment already
paid, an abandoned 3D page: nothing is paid twice or wrongly, every callback is recorded."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.installments import services as installments
from iztim_app.core.payments import services as payments
from iztim_app.core.payments.models import PaymentAttempt
from iztim_app.core.payments.test_gateway import SIGNATURE_FIELD
from tests.foundation.support import actor_of, all_cell_texts, audit_events, snapshot
from tests.payments.fixtures_payments import (
    BANK_SOURCE,
    DECLINED_CARD,
    OTHER_CARD,
    SOURCE,
    attempt,
    bank_answer,
    callbacks,
    complete,
    paid,
    payments_of,
    start,
    world,
)

# The konut policy of 800 000 (gross 1 315.60): in 3 → 438.54 + 438.53 + 438.53; in 2 → 657.80 × 2.
A1, A2, A3 = D("438.54"), D("438.53"), D("438.53")
ZERO = D("0.00")


def test_approved_card_pays_the_chosen_installments_once(url: str):
    with session_scope(url) as db:
        w = world(db)
        n = w.a_policy
        started = start(db, w.a, n, ["2", 1, 2])  # duplicates and text are read as numbers
        assert (started.amount, started.three_d.action_url) == (D("877.07"), "/portal/acs")
        assert list(started.three_d.form_fields) == ["acs_state"]
        row = attempt(db, started.order_id)
        assert (row.status, row.installment_refs, row.amount, row.card_last4, row.gateway) == (
            "started",
            f"{n}/1,{n}/2",
            D("877.07"),
            "1111",
            "test",
        )
        assert row.plan == [[1, "438.54", "0.00"], [2, "438.53", "0.00"]]
        assert (row.customer_id, row.policy_number, row.source) == (w.a.customer_id, n, SOURCE)
        assert row.expires_at - row.created_at == timedelta(minutes=20)
        answer = bank_answer(db, started)

        outcome = complete(db, answer)

        assert outcome == payments.PaymentOutcome(
            started.order_id, "approved", "payment.result_approved", n, "applied"
        )
        assert paid(db, n) == [(1, A1, A1), (2, A2, A2), (3, A3, ZERO)]
        txn = answer["transaction_id"]
        who = f"portal:{w.a.customer_number}"
        assert payments_of(db, n) == [
            (A1, "card", started.order_id, who, "1111", f"{txn}/1"),
            (A2, "card", started.order_id, who, "1111", f"{txn}/2"),
        ]
        row = attempt(db, started.order_id)
        assert (row.status, row.reason_code, row.bank_reason, row.md_status) == (
            "approved",
            "payment.result_approved",
            "00 Onaylandı",
            "1",
        )
        assert row.transaction_id == txn and row.finished_at is not None
        assert callbacks(db) == [(started.order_id, "applied", "payment.result_approved", True)]
        assert [(e.action, e.entity_id, e.actor_code) for e in audit_events(db)[-2:]] == [
            ("payment.start", started.order_id, who),
            ("payment.approved", started.order_id, who),
        ]
        approved = audit_events(db, "payment.approved")[0].after
        assert (approved["amount"], approved["installments"], approved["source"]) == (
            "877.07",
            f"{n}/1,{n}/2",
            BANK_SOURCE,
        )
        view = payments.attempt_for_customer(db, w.a, started.order_id)
        assert (view.status, view.message_code, view.receipt_available) == (
            "approved",
            "payment.result_approved",
            True,
        )
        assert [(i.seq, i.amount) for i in view.installments] == [(1, A1), (2, A2)]
        assert [i.due_date.isoformat() for i in view.installments] == ["2026-03-02", "2026-04-02"]
        # the staff plan screen sees the card payments like any other
        plan = installments.plan_of(db, actor_of(db, "acente.a1"), n)
        assert (plan.paid, plan.open_amount) == (D("877.07"), A3)
    # no card number or CVV anywhere in the database
    cells = all_cell_texts(url)
    assert not [c for c in cells if "4111111111111111" in c[2] or "4111 1111" in c[2]]
    cvv = re.compile(r"(?<![0-9A-Fa-f])739(?![0-9A-Fa-f])")  # not inside a hex id or a time
    assert not [c for c in cells if cvv.search(c[2])]


def test_declined_card_pays_nothing_and_another_card_then_pays(url: str):
    with session_scope(url) as db:
        w = world(db)
        n = w.a_policy
        started = start(db, w.a, n, [1], DECLINED_CARD)
        outcome = complete(db, bank_answer(db, started))
        assert (outcome.status, outcome.message_code, outcome.outcome) == (
            "declined",
            "payment.result_declined",
            "declined",
        )
        row = attempt(db, started.order_id)
        assert (row.status, row.bank_reason, row.md_status, row.card_last4) == (
            "declined",
            "05 Red - Onaylanmadı",
            "1",
            "0002",
        )
        assert paid(db, n)[0] == (1, A1, ZERO) and payments_of(db, n) == []
        assert [e.action for e in audit_events(db)[-1:]] == ["payment.declined"]
        with pytest.raises(NotFound):
            payments.receipt_pdf(db, w.a, started.order_id)
        # an unknown card is refused by the bank after 3D with its own reason
        other = start(db, w.a, n, [1], OTHER_CARD)
        assert complete(db, bank_answer(db, other)).status == "declined"
        assert attempt(db, other.order_id).bank_reason == "14 Geçersiz kart numarası"
        # the good card pays the same installment
        again = start(db, w.a, n, [1])
        assert complete(db, bank_answer(db, again)).outcome == "applied"
        assert paid(db, n)[0] == (1, A1, A1)
        assert [p[0] for p in payments_of(db, n)] == [A1]
        assert [c[1] for c in callbacks(db)] == ["declined", "declined", "applied"]


def test_wrong_one_time_code_fails_3d_and_pays_nothing(url: str):
    with session_scope(url) as db:
        w = world(db)
        started = start(db, w.a, w.a_policy, [1, 2, 3])
        assert started.amount == D("1315.60")
        answer = bank_answer(db, started, otp="000000")
        assert (answer["result"], answer["transaction_id"]) == ("auth_failed", "")
        outcome = complete(db, answer)
        assert (outcome.status, outcome.message_code) == (
            "auth_failed",
            "payment.result_auth_failed",
        )
        row = attempt(db, started.order_id)
        assert (row.status, row.md_status, row.transaction_id, row.bank_reason) == (
            "auth_failed",
            "0",
            None,
            "3D doğrulama başarısız (mdStatus 0)",
        )
        assert [p for _, _, p in paid(db, w.a_policy)] == [ZERO, ZERO, ZERO]
        assert payments_of(db, w.a_policy) == []
        view = payments.attempt_for_customer(db, w.a, started.order_id)
        assert (view.status, view.receipt_available) == ("auth_failed", False)


def test_a_replayed_callback_changes_nothing_and_is_recorded(url: str):
    with session_scope(url) as db:
        w = world(db)
        started = start(db, w.a, w.a_policy, [1])
        answer = bank_answer(db, started)
        assert complete(db, answer).outcome == "applied"
        before = snapshot(url)
        declined = start(db, w.a, w.a_policy, [2], DECLINED_CARD)
        declined_answer = bank_answer(db, declined)
        assert complete(db, declined_answer).outcome == "declined"
        after_decline = snapshot(url)

        replays = [complete(db, answer), complete(db, dict(answer)), complete(db, declined_answer)]

        assert [(o.status, o.message_code, o.outcome) for o in replays] == [
            ("approved", "payment.result_approved", "replay"),
            ("approved", "payment.result_approved", "replay"),
            ("declined", "payment.result_declined", "replay"),
        ]
        assert paid(db, w.a_policy) == [(1, A1, A1), (2, A2, ZERO), (3, A3, ZERO)]
        assert len(payments_of(db, w.a_policy)) == 1
        now = snapshot(url)
        for table in ("installment", "payment", "payment_attempt"):
            assert now[table] == after_decline[table]
        assert before["payment"] == now["payment"]
        assert callbacks(db) == [
            (started.order_id, "applied", "payment.result_approved", True),
            (declined.order_id, "declined", "payment.result_declined", True),
            (started.order_id, "replay", "payment.callback_replay", False),
            (started.order_id, "replay", "payment.callback_replay", False),
            (declined.order_id, "replay", "payment.callback_replay", False),
        ]
        assert len(audit_events(db, "payment.callback_replay")) == 3


@pytest.mark.parametrize(
    "field, value",
    [
        ("amount", "1.00"),
        ("installments", "{n}/3"),
        ("result", "approved"),
        (SIGNATURE_FIELD, "0" * 64),
    ],
)
def test_a_tampered_callback_changes_nothing_and_the_genuine_one_still_applies(
    url: str, field: str, value: str
):
    with session_scope(url) as db:
        w = world(db)
        # a declined card, so a callback turned to "approved" would pay for nothing
        number_card = DECLINED_CARD if field == "result" else "4111111111111111"
        started = start(db, w.a, w.a_policy, [1], number_card)
        answer = bank_answer(db, started)
        tampered = {**answer, field: value.format(n=w.a_policy)}
        before = snapshot(url)

        outcome = complete(db, tampered)

        assert outcome == payments.PaymentOutcome(
            started.order_id, "started", "payment.callback_invalid", w.a_policy, "invalid"
        )
        now = snapshot(url)
        for table in ("installment", "payment", "payment_attempt"):
            assert now[table] == before[table]
        assert callbacks(db) == [(started.order_id, "invalid", "payment.callback_invalid", False)]
        assert [e.entity_id for e in audit_events(db, "payment.callback_invalid")] == [
            started.order_id
        ]
        view = payments.attempt_for_customer(db, w.a, started.order_id)
        assert (view.status, view.message_code) == ("started", "payment.callback_invalid")
        # the bank's own answer still completes the attempt, as it said
        genuine = complete(db, answer)
        expected = "applied" if field != "result" else "declined"
        assert genuine.outcome == expected
        assert paid(db, w.a_policy)[0][2] == (A1 if expected == "applied" else ZERO)
        assert [c[1] for c in callbacks(db)] == ["invalid", expected]


def test_callbacks_with_no_or_an_unknown_order_are_recorded_and_change_nothing(url: str):
    with session_scope(url) as db:
        w = world(db)
        started = start(db, w.a, w.a_policy, [1])
        before = snapshot(url)
        outcomes = [
            complete(db, {}),
            complete(db, {"order_id": "PA" + "0" * 20}),
            complete(db, {"order_id": "<script>" * 20}),
            payments.complete_payment(db, {"order_id": 5, 7: "x"}, source=BANK_SOURCE),  # type: ignore[dict-item]
        ]
        assert [(o.status, o.message_code, o.policy_number, o.outcome) for o in outcomes] == [
            ("unknown", "payment.callback_unknown", None, "unknown")
        ] * 4
        assert outcomes[2].order_id == ("<script>" * 20)[:64]
        assert snapshot(url)["payment_attempt"] == before["payment_attempt"]
        assert [c[:2] for c in callbacks(db)] == [
            ("", "unknown"),
            ("PA" + "0" * 20, "unknown"),
            (("<script>" * 20)[:64], "unknown"),
            ("", "unknown"),
        ]
        assert attempt(db, started.order_id).status == "started"


def test_another_customers_installment_can_be_neither_started_nor_paid_by_callback(url: str):
    with session_scope(url) as db:
        w = world(db)
        # B names A's policy, or an installment number A has and B has not
        for number, seqs in ((w.a_policy, [1]), (w.b_policy, [3]), (w.b_policy, [1, 3])):
            with pytest.raises(NotFound):
                start(db, w.b, number, seqs)
        for bad in ("abc", None, "5000001; --", -1):
            with pytest.raises(NotFound):
                start(db, w.b, bad, [1])
        for seqs in ([True], ["x"], [[1]], 1.5):
            with pytest.raises(NotFound):
                start(db, w.b, w.b_policy, seqs)
        with pytest.raises(ValidationFailed) as caught:
            start(db, w.b, w.b_policy, [])
        assert caught.value.code == "payment.no_installments"
        assert db.exec(select(PaymentAttempt)).all() == []
        # B's own attempt, its signed answer re-pointed at A's installment or A's order
        mine = start(db, w.b, w.b_policy, [1])
        theirs = start(db, w.a, w.a_policy, [1])
        answer = bank_answer(db, mine)
        forged = [
            {**answer, "installments": f"{w.a_policy}/1"},
            {**answer, "order_id": theirs.order_id},
        ]
        outcomes = [complete(db, f) for f in forged]
        assert [(o.order_id, o.outcome) for o in outcomes] == [
            (mine.order_id, "invalid"),
            (theirs.order_id, "invalid"),
        ]
        assert [p for _, _, p in paid(db, w.a_policy)] == [ZERO, ZERO, ZERO]
        assert [p for _, _, p in paid(db, w.b_policy)] == [ZERO, ZERO]
        # A's order is not B's to see or print
        for order_id in (theirs.order_id, theirs.order_id.lower(), "", None, 42):
            with pytest.raises(NotFound):
                payments.attempt_for_customer(db, w.b, order_id)
            with pytest.raises(NotFound):
                payments.receipt_pdf(db, w.b, order_id)
        assert complete(db, answer).outcome == "applied"
        assert [p for _, _, p in paid(db, w.b_policy)] == [D("657.80"), ZERO]


def test_an_installment_already_paid_cannot_be_started_and_one_paid_meanwhile_goes_to_review(
    url: str,
):
    with session_scope(url) as db:
        w = world(db)
        n = w.a_policy
        first = start(db, w.a, n, [1])
        assert complete(db, bank_answer(db, first)).outcome == "applied"
        for seqs in ([1], [3, 1]):
            with pytest.raises(ValidationFailed) as caught:
                start(db, w.a, n, seqs)
            assert (caught.value.code, caught.value.params) == ("payment.already_paid", {"seq": 1})
        # two tabs start paying installment 2; both reach the bank and both are approved
        one, two = start(db, w.a, n, [2]), start(db, w.a, n, [2])
        answers = bank_answer(db, one), bank_answer(db, two)
        assert complete(db, answers[0]).outcome == "applied"

        late = complete(db, answers[1])

        assert late == payments.PaymentOutcome(
            two.order_id, "review", "payment.result_review", n, "review"
        )
        assert paid(db, n) == [(1, A1, A1), (2, A2, A2), (3, A3, ZERO)]
        assert [p[0] for p in payments_of(db, n)] == [A1, A2]
        row = attempt(db, two.order_id)
        assert (row.status, row.reason_code, row.transaction_id) == (
            "review",
            "payment.result_review",
            answers[1]["transaction_id"],
        )
        assert [c[1] for c in callbacks(db)] == ["applied", "applied", "review"]
        assert [e.entity_id for e in audit_events(db, "payment.review")] == [two.order_id]
        # staff recorded installment 3 at the desk while the customer was on the 3D page
        third = start(db, w.a, n, [3])
        answer = bank_answer(db, third)
        a1 = actor_of(db, "acente.a1")
        inst = installments.plan_of(db, a1, n).installments[2]
        installments.record_payment(db, a1, inst.id, "438,53", "cash")
        assert complete(db, answer).status == "review"
        assert [p[1] for p in payments_of(db, n)] == ["card", "card", "cash"]
        # a review attempt's receipt is not a receipt
        with pytest.raises(NotFound):
            payments.receipt_pdf(db, w.a, third.order_id)


def test_an_abandoned_3d_page_pays_nothing_shows_abandoned_and_a_late_callback_goes_to_review(
    url: str, monkeypatch: pytest.MonkeyPatch
):
    with session_scope(url) as db:
        w = world(db)
        n = w.a_policy
        left = start(db, w.a, n, [1])
        answer = bank_answer(db, left)  # the bank decided, the browser never came back
        assert payments.attempt_for_customer(db, w.a, left.order_id).status == "started"
        later = clock.utcnow() + timedelta(minutes=21)
        monkeypatch.setattr(clock, "utcnow", lambda: later)
        view = payments.attempt_for_customer(db, w.a, left.order_id)
        assert (view.status, view.message_code, view.receipt_available) == (
            "abandoned",
            "payment.abandoned",
            False,
        )
        staff = actor_of(db, "acente.a1")
        assert [r.status for r in payments.list_attempts(db, staff, status="abandoned").rows] == [
            "abandoned"
        ]
        assert payments.list_attempts(db, staff, status="started").total == 0
        assert paid(db, n)[0] == (1, A1, ZERO)
        # the customer tries again and pays; the old answer arriving now pays nothing more
        again = start(db, w.a, n, [1])
        assert complete(db, bank_answer(db, again)).outcome == "applied"
        assert complete(db, answer).status == "review"
        assert paid(db, n)[0] == (1, A1, A1)
        assert len(payments_of(db, n)) == 1


def test_a_gateway_refusal_at_start_finishes_the_attempt_failed(
    url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    from iztim_app.core.payments.gateway import ThreeDStart
    from iztim_app.core.payments.test_gateway import TestGateway

    refusals = iter(
        [
            ThreeDStart(failure_code="10051", bank_reason="Kart limiti yetersiz"),
            RuntimeError("connection reset 4111111111111111"),
        ]
    )

    def refuse(self, order, card):  # noqa: ANN001, ANN202
        answer = next(refusals)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(TestGateway, "start", refuse)
    caplog.set_level("DEBUG")
    with session_scope(url) as db:
        w = world(db)
        refused = start(db, w.a, w.a_policy, [1])
        broken = start(db, w.a, w.a_policy, [1])
        assert (refused.three_d.failed, broken.three_d.failed) == (True, True)
        rows = [attempt(db, s.order_id) for s in (refused, broken)]
        assert [(r.status, r.reason_code, r.bank_reason) for r in rows] == [
            ("failed", "payment.start_failed", "Kart limiti yetersiz"),
            ("failed", "payment.start_failed", "RuntimeError"),
        ]
        assert all(r.finished_at is not None for r in rows)
        view = payments.attempt_for_customer(db, w.a, refused.order_id)
        assert (view.status, view.message_code) == ("failed", "payment.start_failed")
        assert [e.entity_id for e in audit_events(db, "payment.failed")] == [
            refused.order_id,
            broken.order_id,
        ]
    assert not [c for c in all_cell_texts(url) if "4111111111111111" in c[2]]
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("iztim_app")]
    assert logged == [f"payment {broken.order_id}: gateway test failed at start: RuntimeError"]
    assert "4111111111111111" not in caplog.text


def test_staff_list_every_attempt_in_scope_newest_first_and_failed_3d_apart(url: str):
    with session_scope(url) as db:
        w = world(db)
        ok = start(db, w.a, w.a_policy, [1])
        complete(db, bank_answer(db, ok))
        bad_code = start(db, w.a, w.a_policy, [2])
        complete(db, bank_answer(db, bad_code, otp="111111"))
        declined = start(db, w.b, w.b_policy, [1], DECLINED_CARD)
        complete(db, bank_answer(db, declined))
        waiting = start(db, w.a, w.a_policy, [3])
        head = actor_of(db, "gm.onay")

        every = payments.list_attempts(db, head)
        assert [(r.order_id, r.status) for r in every.rows] == [
            (waiting.order_id, "started"),
            (declined.order_id, "declined"),
            (bad_code.order_id, "auth_failed"),
            (ok.order_id, "approved"),
        ]
        assert every.total == 4
        row = every.rows[1]
        assert (row.customer_name, row.policy_number, row.installment_seqs, row.amount) == (
            "Can Yıldız",
            w.b_policy,
            (1,),
            D("657.80"),
        )
        assert (row.card_last4, row.bank_reason, row.md_status, row.reason_code) == (
            "0002",
            "05 Red - Onaylanmadı",
            "1",
            "payment.result_declined",
        )
        failed = payments.list_attempts(db, head, failed_3d_only=True)
        assert [(r.order_id, r.bank_reason) for r in failed.rows] == [
            (declined.order_id, "05 Red - Onaylanmadı"),
            (bad_code.order_id, "3D doğrulama başarısız (mdStatus 0)"),
        ]
        # scope: each agency sees its own policies' attempts only
        a_side = payments.list_attempts(db, actor_of(db, "acente.a1"))
        assert {r.policy_number for r in a_side.rows} == {w.a_policy}
        b_side = payments.list_attempts(db, actor_of(db, "acente.b1"))
        assert [r.order_id for r in b_side.rows] == [declined.order_id]
        # filters and paging
        by_policy = payments.list_attempts(db, head, policy_number=f" {w.b_policy} ")
        assert [r.order_id for r in by_policy.rows] == [declined.order_id]
        approved = payments.list_attempts(db, head, status="approved")
        assert [r.order_id for r in approved.rows] == [ok.order_id]
        second = payments.list_attempts(db, head, page=2, size=3)
        assert ([r.order_id for r in second.rows], second.total, second.pages) == (
            [ok.order_id],
            4,
            2,
        )
        for bad in ({"status": "paid"}, {"policy_number": "5000001 OR 1=1"}):
            with pytest.raises(ValidationFailed):
                payments.list_attempts(db, head, **bad)


def test_listing_attempts_needs_policy_view(url: str):
    from dataclasses import replace

    with session_scope(url) as db:
        world(db)
        head = actor_of(db, "gm.onay")
        without = replace(head, permissions=frozenset(head.permissions - {"policy.view"}))
        with pytest.raises(PermissionDenied):
            payments.list_attempts(db, without)


def test_an_unconfigured_gateway_refuses_to_start_with_a_plain_message(
    url: str, monkeypatch: pytest.MonkeyPatch
):
    from iztim_app.core.errors import DomainError
    from tests.foundation.support import use_settings

    with session_scope(url) as db:
        w = world(db)
        use_settings(monkeypatch, database_url=url, payment_gateway="iyzico", iyzico_api_key="")
        with pytest.raises(DomainError) as caught:
            start(db, w.a, w.a_policy, [1])
        assert (type(caught.value), caught.value.code) == (DomainError, "payment.start_failed")
        assert db.exec(select(PaymentAttempt)).all() == []


def test_an_installment_partly_paid_at_the_desk_is_paid_off_by_card(url: str):
    with session_scope(url) as db:
        w = world(db)
        a1 = actor_of(db, "acente.a1")
        first = installments.plan_of(db, a1, w.a_policy).installments[0]
        installments.record_payment(db, a1, first.id, "100,00", "cash")
        started = start(db, w.a, w.a_policy, [1, 2])
        assert started.amount == D("777.07")  # 338.54 + 438.53
        assert attempt(db, started.order_id).plan == [
            [1, "438.54", "100.00"],
            [2, "438.53", "0.00"],
        ]
        assert complete(db, bank_answer(db, started)).outcome == "applied"
        assert paid(db, w.a_policy) == [(1, A1, A1), (2, A2, A2), (3, A3, ZERO)]
        assert [(p[0], p[1]) for p in payments_of(db, w.a_policy)] == [
            (D("100.00"), "cash"),
            (D("338.54"), "card"),
            (D("438.53"), "card"),
        ]
        view = payments.attempt_for_customer(db, w.a, started.order_id)
        assert [(i.seq, i.amount) for i in view.installments] == [(1, D("338.54")), (2, A2)]
