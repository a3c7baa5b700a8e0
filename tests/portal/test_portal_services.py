"""Portal sign-in, sessions and scoping on both engines: one refusal for every wrong half,
throttled per number and per source address, audited; a session sees one customer record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.auth import throttle
from iztim_app.core.auth.models import SignInThrottle
from iztim_app.core.db import session_scope
from iztim_app.core.errors import AuthenticationFailed, NotFound
from iztim_app.core.policies import access_codes
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.models import Policy
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.models import PortalSession
from tests.endorsements.fixtures_policies import approved_policy
from tests.foundation.support import actor_of, audit_events
from tests.quotes.fixtures_customers import add_customer, tckn

SOURCE = "203.0.113.7"


@dataclass(frozen=True)
class World:
    a_id: int
    a_number: int
    a_policy: int
    a_code: str
    b_policy: int
    b_code: str
    held_policy: int  # un-approved, its new version awaiting approval; its code exists
    held_code: str


def _world(db: Session) -> World:
    a1, b1 = actor_of(db, "acente.a1"), actor_of(db, "acente.b1")
    a = add_customer(
        db, a1, kind="individual", national_id="17291716060", name="Ayşe Şahin", group="bireysel"
    )
    b = add_customer(
        db,
        b1,
        kind="individual",
        national_id=tckn("123456789"),
        name="Can Yıldız",
        group="bireysel",
    )
    a_policy = approved_policy(db, "acente.a1", a.id, installment_count=2)
    b_policy = approved_policy(db, "acente.b1", b.id)
    held = approved_policy(db, "acente.a1", a.id)
    codes = {p.number: access_codes.ensure(db, p) for p in (a_policy, b_policy, held)}
    db.commit()
    policies.unapprove(db, actor_of(db, "gm.onay"), held.number, "Düzeltme")
    draft = db.exec(select(Policy).where(Policy.number == held.number, Policy.version == 2)).one()
    draft.status = "awaiting_approval"
    db.commit()
    return World(
        a.id,
        a.number,
        a_policy.number,
        codes[a_policy.number],
        b_policy.number,
        codes[b_policy.number],
        held.number,
        codes[held.number],
    )


def _state(db: Session) -> tuple:
    """Everything a refused sign-in must leave alone, bar the counts and the audit trail."""
    db.expire_all()
    sessions = db.exec(select(PortalSession.id, PortalSession.ended_at)).all()
    statuses = db.exec(select(Policy.number, Policy.version, Policy.status)).all()
    return sorted(sessions), sorted(statuses)


def _failures(db: Session, key: str) -> int | None:
    db.expire_all()
    found = throttle.row(db, key)
    return found.failures if found else None


def _refused(db: Session, number: str, code: str, source: str = SOURCE, now=None) -> str:  # noqa: ANN001
    with pytest.raises(AuthenticationFailed) as caught:
        portal.sign_in(db, number, code, source, now=now)
    return caught.value.code


def test_sign_in_by_policy_number_and_by_customer_number_opens_that_record(url: str):
    with session_scope(url) as db:
        w = _world(db)
        spaced = f" {w.a_code[:4].lower()}-{w.a_code[4:].lower()} "
        by_policy = portal.sign_in(db, str(w.a_policy), spaced, SOURCE)
        by_customer = portal.sign_in(db, f" {w.a_number} ", w.a_code, SOURCE)
        assert (by_policy.customer_number, by_customer.customer_number) == (w.a_number, w.a_number)
        me = portal.resolve(db, by_policy.token)
        assert me == portal.PortalCustomer(w.a_id, w.a_number, "Ayşe Şahin")
        assert portal.resolve(db, by_customer.token) == me
        stored = db.exec(select(PortalSession.token_hash, PortalSession.customer_id)).all()
        assert sorted(stored) == sorted(
            [(portal._hash(by_policy.token), w.a_id), (portal._hash(by_customer.token), w.a_id)]
        )
        signed = audit_events(db, "portal.sign_in")
        assert [(e.entity_type, e.entity_id, e.actor_code, e.after) for e in signed] == [
            ("customer", str(w.a_id), f"portal:{w.a_number}", {"number": n, "source": SOURCE})
            for n in (str(w.a_policy), str(w.a_number))
        ]
        assert all(w.a_code not in str(e.after) for e in audit_events(db))


def test_wrong_code_unknown_number_and_held_policy_get_the_same_refusal(url: str):
    with session_scope(url) as db:
        w = _world(db)
        before = _state(db)
        attempts = [
            (str(w.a_policy), w.b_code),  # someone else's code
            (str(w.a_policy), "AAAAAAAA"),  # wrong code
            (str(w.a_number), w.b_code),  # customer number with another record's code
            ("9999999", w.a_code),  # unknown number
            (str(w.held_policy), w.held_code),  # current version awaiting approval
            (str(w.b_policy), ""),  # no code
        ]
        codes = [_refused(db, n, c, source=f"198.51.100.{i}") for i, (n, c) in enumerate(attempts)]
        assert codes == ["portal.sign_in_failed"] * 6
        assert _state(db) == before
        failed = audit_events(db, "portal.sign_in_failed")
        assert [(e.entity_type, e.entity_id, e.actor_code) for e in failed] == [
            ("portal", n, "portal") for n, _ in attempts
        ]
        assert [e.after["source"] for e in failed] == [f"198.51.100.{i}" for i in range(6)]
        logged = str([(e.before, e.after) for e in audit_events(db)])
        assert all(c not in logged for c in (w.a_code, w.b_code, w.held_code))
        assert audit_events(db, "portal.sign_in") == []


def test_after_three_failures_on_a_number_even_the_right_code_waits(url: str):
    now = clock.utcnow()
    with session_scope(url) as db:
        w = _world(db)
        number = str(w.a_policy)
        for i in range(3):
            assert _refused(db, number, "WRONG123", f"192.0.2.{i}", now) == "portal.sign_in_failed"
        assert _failures(db, portal.number_key(number)) == 3
        with pytest.raises(AuthenticationFailed) as caught:
            portal.sign_in(db, number, w.a_code, "192.0.2.99", now=now)
        assert (caught.value.code, caught.value.params) == ("portal.wait", {"seconds": 5})
        assert _failures(db, portal.number_key(number)) == 3  # refused unread: no count
        assert db.exec(select(PortalSession)).all() == []
        assert [e.after for e in audit_events(db, "portal.sign_in_throttled")] == [
            {"source": "192.0.2.99", "seconds": 5}
        ]
        # after the wait the right code opens, and the number's count is forgotten
        opened = portal.sign_in(db, number, w.a_code, "192.0.2.99", now=now + timedelta(seconds=6))
        assert opened.customer_number == w.a_number
        assert _failures(db, portal.number_key(number)) is None


def test_many_numbers_from_one_address_are_throttled_per_address(url: str):
    now = clock.utcnow()
    with session_scope(url) as db:
        w = _world(db)
        for i in range(throttle.SOURCE_THROTTLE_AFTER):
            assert _refused(db, str(8000000 + i), w.a_code, SOURCE, now) == "portal.sign_in_failed"
        assert _failures(db, portal.source_key(SOURCE)) == 10
        assert _refused(db, str(w.a_policy), w.a_code, SOURCE, now) == "portal.wait"
        # the staff sign-in's count for the same address is apart
        assert _failures(db, throttle.source_key(SOURCE)) is None
        # another address is not held up
        opened = portal.sign_in(db, str(w.a_policy), w.a_code, "192.0.2.1", now=now)
        assert opened.customer_number == w.a_number
        keys = db.exec(select(SignInThrottle.key).order_by(SignInThrottle.key)).all()
        assert keys[-1] == "source:portal:" + SOURCE


def test_session_ends_after_fifteen_idle_minutes_and_on_sign_out(url: str):
    now = clock.utcnow()
    with session_scope(url) as db:
        w = _world(db)
        idle = portal.sign_in(db, str(w.a_policy), w.a_code, SOURCE, now=now)
        leaving = portal.sign_in(db, str(w.a_policy), w.a_code, SOURCE, now=now)
        later = now + timedelta(minutes=14)
        assert portal.resolve(db, idle.token, now=later) is not None  # seen again at +14
        assert portal.resolve(db, idle.token, now=later + timedelta(minutes=15)) is not None
        gone = later + timedelta(minutes=30, seconds=1)
        assert portal.resolve(db, idle.token, now=gone) is None
        assert portal.resolve(db, idle.token, now=later) is None  # ended, not just idle
        portal.sign_out(db, leaving.token, now=later)
        assert portal.resolve(db, leaving.token, now=later) is None
        db.expire_all()
        ended = db.exec(select(PortalSession.ended_at).order_by(PortalSession.id)).all()
        assert ended == [gone, later]
        assert [e.actor_code for e in audit_events(db, "portal.sign_out")] == [
            f"portal:{w.a_number}"
        ]
        assert portal.resolve(db, "no-such-token") is None
        assert portal.resolve(db, None) is None


def test_a_customer_sees_only_their_own_approved_policies(url: str):
    with session_scope(url) as db:
        w = _world(db)
        me = portal.resolve(db, portal.sign_in(db, str(w.a_policy), w.a_code, SOURCE).token)
        mine = portal.my_policies(db, me)
        assert [(p.number, p.version, p.status, p.line_code) for p in mine] == [
            (w.a_policy, 1, "approved", "konut")
        ]
        stored = db.exec(select(Policy).where(Policy.number == w.a_policy)).one()
        assert mine[0].gross_premium == stored.gross_premium
        assert (mine[0].start_date, mine[0].end_date) == (stored.start_date, stored.end_date)
        one = portal.my_policy(db, me, str(w.a_policy))
        assert [(i.seq, i.paid) for i in one.installments] == [(1, D("0.00")), (2, D("0.00"))]
        assert sum(i.amount for i in one.installments) == stored.gross_premium
        for other in (w.b_policy, w.held_policy, 9999999, "abc", "", None):
            with pytest.raises(NotFound) as caught:
                portal.my_policy(db, me, other)
            assert caught.value.code == "error.not_found"
