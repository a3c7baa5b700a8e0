"""Commissions end to end, on both engines: policies and endorsements go through their own
services; production posts them at approval and the commission entries follow.

Business days: D0 is the first day (the tests move the clock forward from today, since the
tariff is in force from today). Agency A earns on konut 20,00 % from D0, 25,00 % from D0+10.
acente.a1's home policy (konut, bireysel, FORMS values: 1,30 ‰, band 1,10 below 500 000):
400 000 × 1,30 / 1000 = 520,00 × 1,10 = 572,00 net, D0 … D0+365 (365 days).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.commissions import services as commissions
from iztim_app.core.customers import services as customers
from iztim_app.core.db import session_scope
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.services import QuoteInput
from tests.commissions.support import A1, AGENCY_A, B1, D, entries, office_id, set_rate, total_of
from tests.foundation.support import actor_of
from tests.quotes.fixtures_quotes import FORMS

STAFF, APPROVER = "sube.istanbul", "gm.onay"
D0 = clock.today()


class Clock:
    """Moves the business day (and the decision times, which give production its day)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mp = monkeypatch

    def at(self, day: date) -> None:
        noon = datetime.combine(day, time(12, 0), tzinfo=clock.TURKEY).astimezone(UTC)
        self.mp.setattr(clock, "today", lambda: day)
        self.mp.setattr(clock, "utcnow", lambda: noon)


def _person(db: Session, code: str, national_id: str, name: str) -> int:
    return customers.create_customer(
        db,
        actor_of(db, code),
        kind="individual",
        national_id=national_id,
        name=name,
        customer_group="bireysel",
    ).id


@pytest.fixture
def world(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Session, Clock, int]]:
    with session_scope(url) as db:
        person = _person(db, A1, "17291716060", "Ayşe Şahin")
        set_rate(db, AGENCY_A, "konut", "20.00", D0)
        set_rate(db, AGENCY_A, "konut", "25.00", D0 + timedelta(days=10))
        yield db, Clock(monkeypatch), person


def _issue(db: Session, customer_id: int, start: date, sum_insured: str = "400000") -> int:
    inp = PolicyInput("konut", customer_id, sum_insured, start, None, dict(FORMS["konut"]))
    result = policies.issue(db, actor_of(db, A1), inp)
    assert result.policy.status == "approved"
    return result.policy.number


def test_policy_increase_decrease_and_cancellation(world):
    db, moved, customer_id = world
    moved.at(D0)
    number = _issue(db, customer_id, D0)
    staff = actor_of(db, STAFF)
    moved.at(D0 + timedelta(days=73))  # remaining 292 of 365 days, 25 % in force by now
    up = endorsements.create_endorsement(
        db, staff, number, "increase", D0 + timedelta(days=73), {}, "450000", "Bedel artışı"
    )
    moved.at(D0 + timedelta(days=146))  # remaining 219
    down = endorsements.create_endorsement(
        db, staff, number, "decrease", D0 + timedelta(days=146), {}, "300000", "Bedel azalışı"
    )
    moved.at(D0 + timedelta(days=219))  # remaining 146
    cancel = endorsements.create_cancellation(
        db, staff, number, D0 + timedelta(days=219), "sirket_feshi", "Şirket feshi"
    )
    assert (up.status, down.status, cancel.status) == ("approved",) * 3
    # 450 000 × 1,30 ‰ × 1,10 = 643,50; (643,50 − 572,00) × 292 / 365 = 57,20
    # 300 000: 429,00; (429,00 − 643,50) × 219 / 365 = −128,70
    # pro rata refund at D0+219: 572,00 × 146/365 = 228,80; −128,70 × 146/219 = −85,80;
    #   57,20 × 146/292 = 28,60 → refund 171,60
    assert (up.net_change, down.net_change, cancel.refund) == (
        D("57.20"),
        D("-128.70"),
        D("171.60"),
    )
    # commission at the policy's 20 %: 114,40; 11,44; −25,74; −34,32
    rate, start = D("20.00"), D0
    assert entries(db, number) == [
        ("policy", 1, None, D("572.00"), rate, D("114.40"), start),
        ("endorsement", 1, 1, D("57.20"), rate, D("11.44"), start),
        ("endorsement", 1, 2, D("-128.70"), rate, D("-25.74"), start),
        ("cancellation", 1, 3, D("-171.60"), rate, D("-34.32"), start),
    ]
    # net earned 572,00 + 57,20 − 128,70 − 171,60 = 328,90 → 20 % = 65,78
    assert total_of(db, number) == D("65.78")
    # the statement adds up the same, in the database
    head = commissions.statement(
        db, actor_of(db, APPROVER), office_id(db, AGENCY_A), D0, D0 + timedelta(days=365)
    )
    assert (head.count, head.base_net, head.total) == (4, D("328.90"), D("65.78"))
    assert [e.label for e in head.entries.rows] == [
        str(number),
        f"1/{number}",
        f"2/{number}",
        f"3/{number}",
    ]


def test_a_rate_set_later_applies_from_its_day_only(world):
    db, moved, customer_id = world
    moved.at(D0 + timedelta(days=9))
    before = _issue(db, customer_id, D0 + timedelta(days=9))
    moved.at(D0 + timedelta(days=10))
    after = _issue(db, customer_id, D0 + timedelta(days=10))
    assert entries(db, before) == [("policy", 1, None, D("572.00"), D("20.00"), D("114.40"), D0)]
    assert entries(db, after) == [
        ("policy", 1, None, D("572.00"), D("25.00"), D("143.00"), D0 + timedelta(days=10))
    ]


def _quote(db: Session, code: str, customer_id: int, day: date) -> int:
    inp = QuoteInput("konut", customer_id, "400000", day, values=dict(FORMS["konut"]))
    return quotes.save_quote(db, actor_of(db, code), inp, today=day).number


def _issue_quote(db: Session, code: str, quote: int) -> int:
    actor = actor_of(db, code)
    result = policies.issue(db, actor, policies.from_quote(db, actor, quote))
    assert (result.policy.status, result.policy.quote_number) == ("approved", quote)
    return result.policy.number


def test_a_policy_from_a_quote_earns_at_the_rate_of_its_approval_day(world):
    # (issuing reads the rate together with the quote it locks: the same rule as above)
    db, moved, customer_id = world
    day9, day10 = D0 + timedelta(days=9), D0 + timedelta(days=10)
    moved.at(day9)
    before = _issue_quote(db, A1, _quote(db, A1, customer_id, day9))
    quoted_before = _quote(db, A1, customer_id, day9)
    # when a quote made the day before the new rate becomes a policy on its first day
    moved.at(day10)
    after = _issue_quote(db, A1, quoted_before)
    # then each earned at the rate in force on the day it was approved
    assert entries(db, before) == [("policy", 1, None, D("572.00"), D("20.00"), D("114.40"), D0)]
    assert entries(db, after) == [("policy", 1, None, D("572.00"), D("25.00"), D("143.00"), day10)]
    # and an agency with no rate for the line earns nothing on a policy from its quote
    other = _person(db, B1, "10000000146", "Ali Kaya")
    unpaid = _issue_quote(db, B1, _quote(db, B1, other, day10))
    assert entries(db, unpaid) == []


def test_unapprove_and_re_approve(world):
    db, moved, customer_id = world
    moved.at(D0)
    number = _issue(db, customer_id, D0)
    moved.at(D0 + timedelta(days=20))  # 25 % in force now
    approver = actor_of(db, APPROVER)
    policies.unapprove(db, approver, number, "Düzeltme")
    assert policies.submit_draft(db, approver, number).policy.status == "approved"
    rate = D("20.00")
    assert entries(db, number) == [
        ("policy", 1, None, D("572.00"), rate, D("114.40"), D0),
        ("reversal", 1, None, D("-572.00"), rate, D("-114.40"), D0),
        ("policy", 2, None, D("572.00"), rate, D("114.40"), D0),
    ]
    assert total_of(db, number) == D("114.40")
