"""Renewals: the 60-day window, the next term re-priced on the tariff in force at its start,
the no-claims step, the link to the expiring policy, the renewals list and its states."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from iztim_app.core.quotes import services as quotes
from iztim_app.core.renewals import rules
from iztim_app.core.renewals import services as renewals
from tests.foundation.support import actor_of
from tests.quotes.fixtures_quotes import FORMS
from tests.renewals.fixtures import (
    A1,
    A2,
    APPROVER,
    B1,
    END,
    OPENS,
    book,
    issue_from_quote,
    renew,
    trafik_policy,
    trafik_version,
)

# ---------------------------------------------------------------- pure rules


def test_window_opens_60_days_before_the_end_and_closes_on_the_end_date():
    assert rules.window(date(2026, 5, 1)) == (date(2026, 3, 2), date(2026, 5, 1))
    assert rules.window_problem(date(2026, 5, 1), date(2026, 3, 1)) == rules.TOO_EARLY
    assert rules.window_problem(date(2026, 5, 1), date(2026, 3, 2)) is None
    assert rules.window_problem(date(2026, 5, 1), date(2026, 5, 1)) is None
    assert rules.window_problem(date(2026, 5, 1), date(2026, 5, 2)) == rules.LAPSED


def test_next_term_starts_on_the_old_end_and_lasts_a_year():
    assert rules.next_term(date(2026, 5, 1)) == (date(2026, 5, 1), date(2027, 5, 1))
    assert rules.next_term(date(2028, 2, 29)) == (date(2028, 2, 29), date(2029, 2, 28))


@pytest.mark.parametrize(
    ("current", "claim_free", "expected"),
    [
        ("4", True, "5"),
        ("7", True, "8"),
        ("8", True, "8"),  # the last choice: stays
        ("4", False, "4"),  # not claim-free: stays
        ("x", True, "x"),  # not one of the choices: left alone
        (None, True, None),
    ],
)
def test_no_claims_step_moves_up_one_in_the_choices_order(current, claim_free, expected):
    choices = [str(n) for n in range(9)]
    assert rules.next_no_claims_step(current, choices, claim_free) == expected


# ---------------------------------------------------------------- renewing


def test_renewal_is_a_new_quote_for_the_next_term_with_every_field_and_the_step_up(
    db: Session, customers, quotes_url: str
):
    # given acente.a1's approved trafik policy at step 4, ending on 1 May 2026
    number = trafik_policy(db, customers.a1_person, plate="34 ABC 123")
    # when renewing on the first day of the window
    quote = renew(db, A1, number, today=OPENS)
    # then a new approved quote for 1 May 2026 – 1 May 2027, linked to the policy,
    # every field carried over and the step moved from 4 to 5 (factor 0.90)
    assert (quote.start_date, quote.end_date, quote.quote_date) == (END, date(2027, 5, 1), OPENS)
    assert (quote.renews_policy_number, quote.status, quote.prepared_by) == (
        number,
        "approved",
        A1,
    )
    assert (quote.line_code, quote.customer_id, quote.sum_insured) == (
        "trafik",
        customers.a1_person.id,
        Decimal("300000.00"),
    )
    assert quote.values == {
        "vehicle_type": "otomobil",
        "province_group": "1",
        "no_claims_step": "5",
        "model_year": "2020",
        "plate": "34 ABC 123",
    }
    # 9600.00 × 0.90 = 8640.00; THGF 5 % 432.00, GHP 2 % 172.80, BSMV 5 % 432.00
    assert quote.net_premium == Decimal("8640.00")
    assert quote.taxes == {
        "THGF": Decimal("432.00"),
        "GHP": Decimal("172.80"),
        "BSMV": Decimal("432.00"),
    }
    assert quote.gross_premium == Decimal("9676.80")
    assert quote.tariff_version == 1
    stored = book(quotes_url)["quotes"]
    assert [(q["number"], q["renews_policy_number"]) for q in stored] == [(quote.number, number)]


def test_at_the_last_step_it_stays_and_a_year_with_claims_keeps_the_step(db: Session, customers):
    top = trafik_policy(db, customers.a1_person, no_claims_step="8")
    claimed = trafik_policy(db, customers.a1_company, no_claims_step="4")
    # 9600.00 × 0.55 = 5280.00 (step 8 stays 8)
    at_top = renew(db, A1, top, today=OPENS)
    assert (at_top.values["no_claims_step"], at_top.net_premium) == ("8", Decimal("5280.00"))
    # not claim-free: step 4 stays 4, 9600.00 × 1.00
    kept = renew(db, A1, claimed, today=OPENS, claim_free=False)
    assert (kept.values["no_claims_step"], kept.net_premium) == ("4", Decimal("9600.00"))


def test_a_line_without_a_no_claims_step_carries_its_fields_unchanged(db: Session, customers):

    result = policies.issue(
        db,
        actor_of(db, A1),
        PolicyInput(
            "konut", customers.a1_person.id, "400000", date(2025, 5, 1), None, FORMS["konut"]
        ),
        today=date(2025, 5, 1),
    )
    quote = renew(db, A1, result.policy.number, today=OPENS)
    assert quote.values == result.policy.values
    assert (quote.line_code, quote.start_date) == ("konut", END)


def test_repriced_on_the_tariff_version_in_force_at_the_new_start(db: Session, customers):
    # given version 2 (otomobil group 1 at 12000.00 instead of 9600.00) activated on
    # 1 March 2026, in force from 1 May 2026, the policy's end
    assert trafik_version(db, "12000.00", END, activated_on=date(2026, 3, 1)) == 2
    number = trafik_policy(db, customers.a1_person)
    # when renewing on 2 March (version 1 is still in force today)
    quote = renew(db, A1, number, today=OPENS)
    # then the quote is priced on version 2: 12000.00 × 0.90 = 10800.00
    assert (quote.tariff_version, quote.net_premium) == (2, Decimal("10800.00"))
    # 10800 + THGF 540.00 + GHP 216.00 + BSMV 540.00
    assert quote.gross_premium == Decimal("12096.00")


def test_a_version_starting_after_the_new_start_does_not_price_it(db: Session, customers):
    trafik_version(db, "12000.00", date(2026, 5, 2), activated_on=date(2026, 3, 1))
    number = trafik_policy(db, customers.a1_person)
    quote = renew(db, A1, number, today=OPENS)
    assert (quote.tariff_version, quote.net_premium) == (1, Decimal("8640.00"))


@pytest.mark.parametrize(
    ("today", "code"),
    [
        (date(2026, 3, 1), "renewal.too_early"),  # 61 days before the end
        (date(2026, 5, 2), "renewal.lapsed"),  # the day after the end
    ],
)
def test_outside_the_window_is_refused_and_nothing_changes(
    db: Session, customers, quotes_url: str, today: date, code: str
):
    number = trafik_policy(db, customers.a1_person)
    before = book(quotes_url)
    with pytest.raises(Conflict) as refused:
        renew(db, A1, number, today=today)
    assert refused.value.code == code
    db.rollback()
    assert book(quotes_url) == before


def test_the_last_day_of_the_window_is_allowed(db: Session, customers):
    number = trafik_policy(db, customers.a1_person)
    quote = renew(db, A1, number, today=END)
    assert (quote.quote_date, quote.start_date) == (END, END)


def test_another_agencys_policy_looks_like_it_does_not_exist(
    db: Session, customers, quotes_url: str
):
    number = trafik_policy(db, customers.a1_person)
    before = book(quotes_url)
    for code, policy in ((B1, number), (B1, 9999999), (A2, number)):
        with pytest.raises(NotFound) as refused:
            renew(db, code, policy, today=OPENS)
        assert refused.value.code == "error.not_found"
    db.rollback()
    assert book(quotes_url) == before


def test_without_quote_create_renewing_is_refused(db: Session, customers, quotes_url: str):

    number = trafik_policy(db, customers.a1_person)
    actor = actor_of(db, A1)
    actor = dataclasses.replace(actor, permissions=actor.permissions - {"quote.create"})
    before = book(quotes_url)
    with pytest.raises(PermissionDenied):
        renewals.renew(db, actor, number, today=OPENS)
    db.rollback()
    assert book(quotes_url) == before


def test_renewal_policy_from_the_quote_links_back_and_a_second_renewal_is_refused(
    db: Session, customers, quotes_url: str
):
    number = trafik_policy(db, customers.a1_person)
    quote = renew(db, A1, number, today=OPENS)
    # when the renewal quote becomes a policy by the normal flow
    renewal = issue_from_quote(db, A1, quote, today=date(2026, 3, 3))
    # then the new policy renews the old one
    view = policies.get_policy(db, actor_of(db, A1), renewal)
    assert (view.renews_policy_number, view.quote_number, view.start_date) == (
        number,
        quote.number,
        END,
    )
    before = book(quotes_url)
    with pytest.raises(Conflict) as refused:
        renew(db, A1, number, today=date(2026, 3, 4))
    assert (refused.value.code, refused.value.params["renewal"]) == (
        "renewal.already_renewed",
        renewal,
    )
    db.rollback()
    assert book(quotes_url) == before


def test_a_policy_whose_approval_was_removed_is_not_renewed(
    db: Session, customers, quotes_url: str
):
    number = trafik_policy(db, customers.a1_person)
    policies.unapprove(db, actor_of(db, APPROVER), number, "Plaka hatalı")
    before = book(quotes_url)
    with pytest.raises(Conflict) as refused:
        renew(db, A1, number, today=OPENS)
    assert refused.value.code == "renewal.policy_not_approved"
    db.rollback()
    assert book(quotes_url) == before


# ---------------------------------------------------------------- the renewals list


def _states(page) -> list[tuple]:
    return [
        (r.number, r.state, r.renewal_quote_number, r.renewal_policy_number, r.can_renew)
        for r in page.rows
    ]


def test_the_list_shows_each_policy_ending_in_the_range_with_its_renewal_state(
    db: Session, customers
):
    # given four policies of acente.a1 and one of acente.b1
    lapsed = trafik_policy(db, customers.a1_person, start=date(2025, 3, 1))  # ended 1 March
    offered = trafik_policy(db, customers.a1_person)
    renewed = trafik_policy(db, customers.a1_company)
    untouched = trafik_policy(db, customers.a1_company, start=date(2025, 5, 2))
    later = trafik_policy(db, customers.a1_person, start=date(2025, 7, 1))  # out of range
    other = trafik_policy(db, customers.b1_person, code=B1)
    quote = renew(db, A1, offered, today=OPENS)
    renewal_quote = renew(db, A1, renewed, today=OPENS)
    renewal = issue_from_quote(db, A1, renewal_quote, today=OPENS)
    # when acente.a1 lists policies ending in March–May 2026, on 2 March
    page = renewals.renewals_list(
        db, actor_of(db, A1), date(2026, 3, 1), date(2026, 5, 31), today=OPENS
    )
    # then soonest end first, each with its state; the renewal policy (ending 2027) is not
    # in the range, acente.b1's policy is not in scope
    assert page.total == 4
    assert _states(page) == [
        (lapsed, "lapsed", None, None, False),
        (offered, "quote_given", quote.number, None, False),  # revise that quote instead
        (renewed, "renewed", renewal_quote.number, renewal, False),
        # ends 2 May: its window opens on 3 March, not yet today
        (untouched, "not_offered", None, None, False),
    ]
    assert [r.end_date for r in page.rows] == [
        date(2026, 3, 1),
        END,
        END,
        date(2026, 5, 2),
    ]
    assert later not in [r.number for r in page.rows]
    # and agency B sees only its own policy, agency A's other user nothing
    b_page = renewals.renewals_list(
        db, actor_of(db, B1), date(2026, 3, 1), date(2026, 5, 31), today=OPENS
    )
    assert _states(b_page) == [(other, "not_offered", None, None, True)]
    a2_page = renewals.renewals_list(
        db, actor_of(db, A2), date(2026, 3, 1), date(2026, 5, 31), today=OPENS
    )
    assert (a2_page.total, a2_page.rows) == (0, [])


def test_after_the_end_a_quoted_policy_without_a_renewal_policy_has_lapsed(db: Session, customers):
    number = trafik_policy(db, customers.a1_person)
    quote = renew(db, A1, number, today=OPENS)
    page = renewals.renewals_list(db, actor_of(db, A1), END, END, today=date(2026, 5, 2))
    assert _states(page) == [(number, "lapsed", quote.number, None, False)]


def test_a_rejected_renewal_quote_leaves_the_policy_not_offered(db: Session, customers):

    # given acente.a1's policy over its limit (600000 > 500000), approved by head office
    start = date(2025, 5, 1)
    issued = policies.issue(
        db,
        actor_of(db, A1),
        PolicyInput("trafik", customers.a1_person.id, "600000", start, None, FORMS["trafik"]),
        today=start,
    )
    number = issued.policy.number
    policies.approve(db, actor_of(db, APPROVER), number)
    # when its renewal quote (over the limit too: awaiting approval) is rejected
    quote = renew(db, A1, number, today=OPENS)
    assert quote.status == "awaiting_approval"
    listed = renewals.renewals_list(db, actor_of(db, A1), END, END, today=OPENS)
    assert _states(listed) == [(number, "quote_given", quote.number, None, False)]
    quotes.reject(db, actor_of(db, APPROVER), quote.number, "Fiyat güncel değil", today=OPENS)
    # then the policy counts as not offered again
    page = renewals.renewals_list(db, actor_of(db, A1), END, END, today=OPENS)
    assert _states(page) == [(number, "not_offered", None, None, True)]


def test_the_list_needs_both_dates_in_order(db: Session):

    actor = actor_of(db, A1)
    with pytest.raises(ValidationFailed) as missing:
        renewals.renewals_list(db, actor, None, END)
    assert missing.value.field == "date_from"
    with pytest.raises(ValidationFailed) as reversed_:
        renewals.renewals_list(db, actor, END, date(2026, 4, 1))
    assert reversed_.value.field == "date_to"


def test_the_renewal_carries_the_figures_in_force_after_an_endorsement(db: Session, customers):
    # given acente.a1's konut policy of 400 000, increased to 3 000 000 by İstanbul Şube
    # (over its 2 500 000 limit) and approved by head office
    start = date(2025, 5, 1)
    issued = policies.issue(
        db,
        actor_of(db, A1),
        PolicyInput("konut", customers.a1_person.id, "400000", start, None, FORMS["konut"]),
        today=start,
    )
    number = issued.policy.number
    increase = endorsements.create_endorsement(
        db,
        actor_of(db, "sube.istanbul"),
        number,
        "increase",
        date(2025, 6, 1),
        {},
        "3000000",
        "Bedel artışı",
    )
    endorsements.approve_endorsement(db, actor_of(db, APPROVER), number, increase.seq)
    # when acente.a1 renews it
    quote = renew(db, A1, number, today=OPENS)
    # then the renewal is for the sum insured in force, over acente.a1's limit
    assert (quote.sum_insured, quote.status) == (Decimal("3000000.00"), "awaiting_approval")
