"""The plan follows the policy's own life: made when a policy is approved (at once within
the preparer's limit, or by the approver from the queue), none while it waits, and made
anew or adjusted when an un-approved policy is approved again (policies.services)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN
from decimal import Decimal as D

from sqlmodel import Session

from iztim_app.core.installments import services as installments
from iztim_app.core.policies import services as policies
from tests.foundation.support import actor_of
from tests.installments.fixtures_policies import plan_rows
from tests.policies.fixtures_policies import issue, policy_form
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import TODAY

A1, GM = "acente.a1", "gm.onay"
# konut 400 000: gross 657.80 (tests/policies: net 572.00 + BSMV 28.60 + YSV 57.20)


def test_a_policy_approved_at_issue_gets_its_plan_at_once(db: Session, customers: Customers):
    # when acente.a1 issues 400 000 in 3 within its limit, starting 2 Mar 2026
    result = issue(db, A1, policy_form("konut", customers.a1_person, "400000", installments=3))
    # then 657.80 / 3 = 219.266… → 219.26 on 2 and 3; the first 657.80 − 438.52 = 219.28
    assert plan_rows(db, result.policy.number) == [
        (1, date(2026, 3, 2), D("219.28"), D("0.00")),
        (2, date(2026, 4, 2), D("219.26"), D("0.00")),
        (3, date(2026, 5, 2), D("219.26"), D("0.00")),
    ]
    view = installments.plan_of(db, actor_of(db, A1), result.policy.number, today=TODAY)
    assert (view.total, view.open_amount, view.can_record_payment) == (
        D("657.80"),
        D("657.80"),
        True,
    )


def test_an_awaiting_policy_has_no_plan_until_the_approver_approves_it(
    db: Session, customers: Customers
):
    result = issue(db, A1, policy_form("konut", customers.a1_person, "900000", installments=2))
    number = result.policy.number
    assert (result.approved, plan_rows(db, number)) == (False, [])
    # when gm.onay approves it
    view = policies.approve(db, actor_of(db, GM), number)
    # then its gross is split in 2 from the start date
    gross = view.gross_premium
    share = (gross / 2).quantize(D("0.01"), rounding=ROUND_DOWN)
    assert plan_rows(db, number) == [
        (1, TODAY, gross - share, D("0.00")),
        (2, date(2026, 4, 2), share, D("0.00")),
    ]


def test_approved_again_with_nothing_paid_the_plan_is_made_anew_from_the_new_version(
    db: Session, customers: Customers
):
    gm = actor_of(db, GM)
    number = issue(db, A1, policy_form("konut", customers.a1_person, "400000", installments=3))
    number = number.policy.number
    policies.unapprove(db, gm, number, "Bedel eksik")
    # when the draft becomes 450 000 in 2 (gross 740.03) and is approved again
    policies.update_draft(
        db, gm, number, policy_form("konut", customers.a1_person, "450000", installments=2)
    )
    policies.submit_draft(db, gm, number)
    # then 740.03 / 2 = 370.015 → 370.01 on 2, the first 370.02
    assert plan_rows(db, number) == [
        (1, date(2026, 3, 2), D("370.02"), D("0.00")),
        (2, date(2026, 4, 2), D("370.01"), D("0.00")),
    ]


def test_approved_again_after_a_payment_the_plan_stays_and_takes_the_difference(
    db: Session, customers: Customers
):
    gm = actor_of(db, GM)
    number = issue(db, A1, policy_form("konut", customers.a1_person, "400000", installments=3))
    number = number.policy.number
    first = installments.plan_of(db, gm, number).installments[0]
    installments.record_payment(db, gm, first.id, "219,28", "cash")
    policies.unapprove(db, gm, number, "Bedel eksik")
    policies.update_draft(
        db, gm, number, policy_form("konut", customers.a1_person, "450000", installments=2)
    )
    policies.submit_draft(db, gm, number)
    # then the three installments stay; 740.03 − 657.80 = 82.23 goes on the open ones due
    # from the start: 82.23 / 2 = 41.115 → 41.11 on 3, the rest 41.12 on 2
    assert plan_rows(db, number) == [
        (1, date(2026, 3, 2), D("219.28"), D("219.28")),
        (2, date(2026, 4, 2), D("260.38"), D("0.00")),
        (3, date(2026, 5, 2), D("260.37"), D("0.00")),
    ]
    assert sum(r[2] for r in plan_rows(db, number)) == D("740.03")
