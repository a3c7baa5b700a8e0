"""Installment services on a real database: the plan made at approval, endorsements'
premium changes, payments at the desk, refunds owed back and their payout."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.installments import services as installments
from iztim_app.core.installments.models import Payment, RefundDue
from iztim_app.core.policies.models import Policy
from tests.foundation.support import (
    actor_of,
    assert_session_clean,
    audit_events,
    audit_since,
    last_audit_id,
    snapshot,
)
from tests.installments.fixtures_policies import add_policy, person, plan_rows

TODAY = date(2026, 3, 2)
A1, B1, BRANCH, APPROVER, MANAGER = (
    "acente.a1",
    "acente.b1",
    "sube.istanbul",
    "gm.onay",
    "gm.mudur",
)


@pytest.fixture
def a1(db: Session):
    return actor_of(db, A1)


@pytest.fixture
def policy(db: Session, a1):
    """acente.a1's home policy: 1 000.00 gross in 3 from 31 Jan 2026."""
    return add_policy(db, a1, person(db, a1), "1000.00", 3, date(2026, 1, 31))


def first_id(db: Session, number: int, seq: int = 1) -> int:
    return (
        installments.plan_of(db, actor_of(db, APPROVER), number, today=TODAY)
        .installments[seq - 1]
        .id
    )


def refused_changes_nothing(db: Session, url: str, before: dict) -> None:
    assert_session_clean(db)
    db.rollback()
    db.commit()
    assert snapshot(url) == before


# ---------------------------------------------------------------- the plan


def test_approval_makes_the_plan_split_and_dated_by_the_rules(db: Session, policy):
    # 1 000.00 / 3 = 333.33 on 2 and 3, the first 1 000.00 − 666.66; 31 Jan → 28 Feb → 31 Mar
    assert plan_rows(db, policy.number) == [
        (1, date(2026, 1, 31), D("333.34"), D("0.00")),
        (2, date(2026, 2, 28), D("333.33"), D("0.00")),
        (3, date(2026, 3, 31), D("333.33"), D("0.00")),
    ]
    # the approval is the audited change: the plan adds no audit row of its own
    assert audit_events(db, "installment.plan") == []


def test_create_plan_writes_in_the_callers_transaction_and_commits_nothing(db: Session, a1):
    # given an approved policy saved without its plan
    policy = add_policy(db, a1, person(db, a1), "700.00", 2, date(2026, 4, 10), plan=False)
    # when the plan is made and the caller rolls back (its approval failed)
    installments.create_plan(db, policy)
    db.rollback()
    # then nothing of the plan remains
    assert plan_rows(db, policy.number) == []


def test_more_installments_than_the_line_allows_is_refused_and_nothing_is_written(db: Session, a1):
    # given konut allows 6 installments
    policy = add_policy(db, a1, person(db, a1), "700.00", 7, date(2026, 4, 10), plan=False)
    with pytest.raises(ValidationFailed) as refused:
        installments.create_plan(db, policy)
    assert (refused.value.code, refused.value.field, refused.value.params) == (
        "installment.count_out_of_range",
        "installment_count",
        {"count": "7", "max": 6},
    )
    assert_session_clean(db)
    assert plan_rows(db, policy.number) == []


def test_nakliyat_is_single_payment_only(db: Session, a1):
    policy = add_policy(
        db, a1, person(db, a1), "250.00", 1, date(2026, 5, 1), line="nakliyat", plan=True
    )
    assert plan_rows(db, policy.number) == [(1, date(2026, 5, 1), D("250.00"), D("0.00"))]


def test_approving_the_same_version_again_changes_nothing(db: Session, quotes_url: str, policy):
    before = snapshot(quotes_url)
    installments.create_plan(db, policy)
    db.commit()
    assert snapshot(quotes_url) == before


def test_a_version_approved_again_keeps_the_plan_and_its_payments(db: Session, a1, policy):
    # given 333.34 paid on installment 1
    installments.record_payment(db, a1, first_id(db, policy.number), "333,34", "cash")
    # when version 1 is un-approved and version 2 approved at 1 030.00
    fields = {name: getattr(policy, name) for name in Policy.model_fields}
    db.expire_all()
    v1 = db.get(Policy, policy.id)
    v1.status, v1.unapproved_by_code, v1.unapproval_reason = "unapproved", APPROVER, "Düzeltme"
    v1.unapproved_at = v1.approved_at
    again = Policy(**fields | {"id": None, "version": 2, "gross_premium": D("1030.00")})
    db.add(again)
    db.flush()
    installments.create_plan(db, again)
    db.commit()
    # then the 30.00 difference is spread over the open installments from the start date
    # (2 and 3: 15.00 each); the payment stays
    assert plan_rows(db, policy.number) == [
        (1, date(2026, 1, 31), D("333.34"), D("333.34")),
        (2, date(2026, 2, 28), D("348.33"), D("0.00")),
        (3, date(2026, 3, 31), D("348.33"), D("0.00")),
    ]


# ---------------------------------------------------------------- endorsements


def test_an_increase_is_spread_over_open_installments_due_from_its_date(db: Session, policy):
    # when an increase of 100.01 effective 1 Feb is approved (installments 2 and 3)
    result = installments.apply_premium_change(db, policy.number, date(2026, 2, 1), D("100.01"), 7)
    db.commit()
    # 100.01 / 2 = 50.005 → 50.00 on 3, the rest 50.01 on 2
    assert plan_rows(db, policy.number) == [
        (1, date(2026, 1, 31), D("333.34"), D("0.00")),
        (2, date(2026, 2, 28), D("383.34"), D("0.00")),
        (3, date(2026, 3, 31), D("383.33"), D("0.00")),
    ]
    assert result.changed == ((2, D("333.33"), D("383.34")), (3, D("333.33"), D("383.33")))
    assert (result.added_seq, result.refund_due, result.refund_due_id) == (None, D("0.00"), None)


def test_an_increase_with_nothing_open_after_its_date_is_a_new_installment(db: Session, policy):
    result = installments.apply_premium_change(db, policy.number, date(2026, 4, 15), D("45.50"), 9)
    db.commit()
    assert result.added_seq == 4
    assert plan_rows(db, policy.number)[3] == (4, date(2026, 4, 15), D("45.50"), D("0.00"))


def test_a_refund_lowers_the_last_first_and_what_was_paid_is_owed_back(db: Session, a1, policy):
    # given installments 1 and 2 paid (666.67)
    installments.record_payment(db, a1, first_id(db, policy.number, 1), "333,34", "cash")
    installments.record_payment(db, a1, first_id(db, policy.number, 2), "333,33", "transfer")
    # when a cancellation refunds 500.00
    result = installments.apply_premium_change(
        db, policy.number, date(2026, 3, 1), D("-500.00"), 11
    )
    db.commit()
    # then installment 3 drops 333.33 → 0.00; 500.00 − 333.33 = 166.67 is owed back
    assert [r[2] for r in plan_rows(db, policy.number)] == [D("333.34"), D("333.33"), D("0.00")]
    assert (result.changed, result.refund_due) == (((3, D("333.33"), D("0.00")),), D("166.67"))
    owed = db.get(RefundDue, result.refund_due_id)
    assert (owed.policy_number, owed.endorsement_id, owed.amount, owed.paid_out_at) == (
        policy.number,
        11,
        D("166.67"),
        None,
    )
    # in force 500.00 = installments 666.67 − owed back 166.67
    view = installments.plan_of(db, a1, policy.number, today=TODAY)
    assert (view.total, view.paid, view.open_amount, view.refund_due) == (
        D("666.67"),
        D("666.67"),
        D("0.00"),
        D("166.67"),
    )


def test_a_refund_above_the_gross_in_force_is_refused_and_changes_nothing(
    db: Session, quotes_url: str, policy
):
    # given a first refund of 400.00 leaves 600.00 in force
    installments.apply_premium_change(db, policy.number, date(2026, 3, 1), D("-400.00"), 1)
    db.commit()
    before = snapshot(quotes_url)
    with pytest.raises(ValidationFailed) as refused:
        installments.apply_premium_change(db, policy.number, date(2026, 3, 1), D("-600.01"), 2)
    assert (refused.value.code, refused.value.params) == (
        "installment.refund_over_charged",
        {"refund": "600,01 ₺", "charged": "600,00 ₺"},
    )
    refused_changes_nothing(db, quotes_url, before)


def test_an_information_endorsement_changes_nothing(db: Session, quotes_url: str, policy):
    before = snapshot(quotes_url)
    result = installments.apply_premium_change(db, policy.number, date(2026, 2, 1), D("0.00"), 3)
    db.commit()
    assert (result.changed, result.added_seq, result.refund_due) == ((), None, D("0.00"))
    assert snapshot(quotes_url) == before


def test_a_premium_change_on_a_policy_without_a_plan_is_a_conflict(db: Session, a1):
    policy = add_policy(db, a1, person(db, a1), "700.00", 2, date(2026, 4, 10), plan=False)
    with pytest.raises(Conflict) as refused:
        installments.apply_premium_change(db, policy.number, date(2026, 4, 10), D("10.00"), 1)
    assert refused.value.code == "installment.no_plan"


# ---------------------------------------------------------------- payments


def test_staff_record_a_payment_typed_in_turkish_and_it_is_audited(db: Session, a1, policy):
    last = last_audit_id(db)
    installment_id = first_id(db, policy.number)
    # when acente.a1 records 200,50 in cash with a receipt number
    row = installments.record_payment(db, a1, installment_id, "200,50", "cash", " M-1 ")
    # then
    assert (row.policy_number, row.installment_seq, row.amount, row.method, row.reference) == (
        policy.number,
        1,
        D("200.50"),
        "cash",
        "M-1",
    )
    assert row.recorded_by == A1
    assert plan_rows(db, policy.number)[0][2:] == (D("333.34"), D("200.50"))
    [event] = audit_since(db, last)
    assert (event.action, event.actor_code, event.entity_type, event.entity_id) == (
        "payment.record",
        A1,
        "payment",
        str(row.id),
    )
    assert event.before == {"installment": f"{policy.number}/1", "paid": "0.00"}
    assert event.after == {
        "installment": f"{policy.number}/1",
        "paid": "200.50",
        "amount": "200.50",
        "method": "cash",
        "reference": "M-1",
    }


def test_the_rest_pays_the_installment_and_then_it_takes_no_more(
    db: Session, quotes_url: str, a1, policy
):
    installment_id = first_id(db, policy.number)
    installments.record_payment(db, a1, installment_id, D("200.00"), "cash")
    installments.record_payment(db, a1, installment_id, "133,34", "transfer", "EFT 42")
    view = installments.plan_of(db, a1, policy.number, today=TODAY)
    assert (view.installments[0].paid, view.installments[0].is_open) == (D("333.34"), False)
    assert [(p.amount, p.method) for p in view.payments] == [
        (D("133.34"), "transfer"),
        (D("200.00"), "cash"),
    ]
    before = snapshot(quotes_url)
    with pytest.raises(ValidationFailed) as refused:
        installments.record_payment(db, a1, installment_id, "0,01", "cash")
    assert (refused.value.code, refused.value.field) == (
        "payment.installment_paid",
        "installment_id",
    )
    refused_changes_nothing(db, quotes_url, before)


@pytest.mark.parametrize(
    ("amount", "method", "reference", "code", "field"),
    [
        ("333,35", "cash", "", "payment.amount_over_due", "amount"),
        ("0", "cash", "", "payment.amount_invalid", "amount"),
        ("-5", "cash", "", "payment.amount_invalid", "amount"),
        ("on", "cash", "", "payment.amount_invalid", "amount"),
        ("10,001", "cash", "", "amount.too_many_decimals", "amount"),
        ("10,00", "card", "", "payment.method_invalid", "method"),
        ("10,00", "", "", "payment.method_invalid", "method"),
        ("10,00", "cash", "x" * 101, "payment.reference_too_long", "reference"),
    ],
)
def test_bad_payment_input_is_refused_naming_the_field_and_changes_nothing(
    db: Session, quotes_url: str, a1, policy, amount, method, reference, code, field
):
    installment_id = first_id(db, policy.number)
    before = snapshot(quotes_url)
    with pytest.raises(ValidationFailed) as refused:
        installments.record_payment(db, a1, installment_id, amount, method, reference)
    assert (refused.value.code, refused.value.field) == (code, field)
    refused_changes_nothing(db, quotes_url, before)


def test_another_agencys_installment_looks_like_none(db: Session, quotes_url: str, policy):
    installment_id = first_id(db, policy.number)
    b1 = actor_of(db, B1)
    before = snapshot(quotes_url)
    for call in (
        lambda: installments.record_payment(db, b1, installment_id, "10,00", "cash"),
        lambda: installments.plan_of(db, b1, policy.number),
    ):
        with pytest.raises(NotFound) as refused:
            call()
        assert refused.value.code == "error.not_found"
    with pytest.raises(NotFound):
        installments.record_payment(db, b1, 999999, "10,00", "cash")
    with pytest.raises(NotFound):
        installments.plan_of(db, b1, "abc")
    refused_changes_nothing(db, quotes_url, before)


def test_the_branch_above_the_agency_may_record_but_the_manager_may_not(
    db: Session, quotes_url: str, policy
):
    installment_id = first_id(db, policy.number)
    branch = actor_of(db, BRANCH)  # İstanbul Şube: agency A is under it
    assert installments.record_payment(db, branch, installment_id, "1,00", "cash").amount == D(
        "1.00"
    )
    manager = actor_of(db, MANAGER)  # reads, never records
    before = snapshot(quotes_url)
    with pytest.raises(PermissionDenied) as refused:
        installments.record_payment(db, manager, installment_id, "1,00", "cash")
    assert refused.value.params == {"permission": "payment.record"}
    refused_changes_nothing(db, quotes_url, before)


# ---------------------------------------------------------------- reading the plan


def test_plan_of_shows_what_is_open_and_overdue_on_a_given_day(db: Session, a1, policy):
    installments.record_payment(db, a1, first_id(db, policy.number), "333,34", "cash")
    view = installments.plan_of(db, a1, str(policy.number), today=date(2026, 3, 1))
    assert [(r.seq, r.open_amount, r.is_open, r.overdue) for r in view.installments] == [
        (1, D("0.00"), False, False),
        (2, D("333.33"), True, True),  # due 28 Feb, unpaid on 1 Mar
        (3, D("333.33"), True, False),
    ]
    assert (view.total, view.paid, view.open_amount, view.refund_due) == (
        D("1000.00"),
        D("333.34"),
        D("666.66"),
        D("0.00"),
    )
    assert view.can_record_payment is True
    reader = actor_of(db, APPROVER)
    no_payments = dataclasses.replace(reader, permissions=reader.permissions - {"payment.record"})
    assert installments.plan_of(db, no_payments, policy.number).can_record_payment is False


# ---------------------------------------------------------------- refunds owed back


@pytest.fixture
def owed(db: Session, a1, policy) -> int:
    """acente.a1's policy fully paid, then 250.00 refunded: all of it owed back."""
    view = installments.plan_of(db, a1, policy.number, today=TODAY)
    for row in view.installments:
        installments.record_payment(db, a1, row.id, row.amount, "cash")
    result = installments.apply_premium_change(db, policy.number, date(2026, 3, 1), D("-250.00"), 5)
    db.commit()
    return result.refund_due_id


def test_open_refunds_lists_what_is_owed_in_scope(db: Session, a1, policy, owed: int):
    page = installments.open_refunds(db, a1)
    assert [(r.id, r.policy_number, r.amount, r.is_open, r.customer_name) for r in page.rows] == [
        (owed, policy.number, D("250.00"), True, "Ayşe Şahin")
    ]
    assert page.total == 1
    assert installments.open_refunds(db, actor_of(db, B1)).rows == []


def test_a_refund_paid_out_is_recorded_once_and_audited(
    db: Session, quotes_url: str, policy, owed: int
):
    branch = actor_of(db, BRANCH)
    last = last_audit_id(db)
    row = installments.record_refund_paid(db, branch, owed, "EFT 2026-03-02")
    assert (row.is_open, row.paid_out_by, row.reference, row.amount) == (
        False,
        BRANCH,
        "EFT 2026-03-02",
        D("250.00"),
    )
    [event] = audit_since(db, last)
    assert (event.action, event.actor_code, event.entity_type, event.entity_id) == (
        "refund.pay_out",
        BRANCH,
        "refund_due",
        str(owed),
    )
    assert event.after["paid_out"] == "250.00"
    assert installments.open_refunds(db, branch).rows == []
    assert installments.plan_of(db, branch, policy.number).refund_due == D("0.00")
    before = snapshot(quotes_url)
    with pytest.raises(ValidationFailed) as refused:
        installments.record_refund_paid(db, branch, owed, "again")
    assert (refused.value.code, refused.value.field) == ("refund.already_paid_out", "refund_due_id")
    refused_changes_nothing(db, quotes_url, before)


def test_another_agency_cannot_pay_out_a_refund_it_cannot_see(
    db: Session, quotes_url: str, owed: int
):
    before = snapshot(quotes_url)
    with pytest.raises(NotFound):
        installments.record_refund_paid(db, actor_of(db, B1), owed, "")
    refused_changes_nothing(db, quotes_url, before)


def test_payments_and_refunds_are_never_deleted_through_the_orm(db: Session, a1, policy):
    installments.record_payment(db, a1, first_id(db, policy.number), "1,00", "cash")
    payment = db.exec(select(Payment)).one()
    db.delete(payment)
    with pytest.raises(Exception) as refused:
        db.flush()
    assert "payment" in str(refused.value)
    db.rollback()
    assert db.exec(select(sa.func.count()).select_from(Payment)).one() == 1


def test_a_change_right_after_a_payment_in_the_same_session_sees_the_payment(db: Session, a1):
    # given a plan made and paid in this very session (the objects are in its identity map)
    policy = add_policy(db, a1, person(db, a1), "1000.00", 2, date(2026, 4, 10))
    first = installments.plan_of(db, a1, policy.number).installments[0]
    installments.record_payment(db, a1, first.id, "500,00", "cash")
    # when 600.00 is refunded without anything reloaded in between
    result = installments.apply_premium_change(db, policy.number, date(2026, 4, 10), D("-600"), 1)
    db.commit()
    # then the paid installment is left alone: 500.00 off the second, 100.00 owed back
    assert (result.changed, result.refund_due) == (((2, D("500.00"), D("0.00")),), D("100.00"))
    assert [r[2:] for r in plan_rows(db, policy.number)] == [
        (D("500.00"), D("500.00")),
        (D("0.00"), D("0.00")),
    ]
