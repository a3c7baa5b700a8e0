"""Asking for a policy by quote number from the portal, and the staff queue, on both
engines. The world (tests/portal/test_portal_quotes_services.py) plus quotes:

    approved   A's portal quote, konut 400 000 (within acente.a1's limit)
    awaiting   A's portal quote, konut 900 000 (over it)
    b_quote    B's portal quote (agency B's record)

Every refusal names the quote number field and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock, guards
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.policies import services as policies
from iztim_app.core.portal import quotes as portal_quotes
from iztim_app.core.portal import requests as portal_requests
from iztim_app.core.portal.request_models import REQUEST_GUARD, PortalRequest
from iztim_app.core.quotes import services as quotes
from iztim_app.core.users.models import User
from iztim_app.i18n import error_text
from tests.concurrency import run_together
from tests.foundation.support import actor_of, audit_events, snapshot
from tests.portal.test_portal_quotes_services import World, konut, make_world

SOURCE = "198.51.100.4"


@dataclass(frozen=True)
class Book:
    w: World
    approved: int
    awaiting: int
    b_quote: int


def make_book(db: Session) -> Book:
    w = make_world(db)
    approved = portal_quotes.save(db, w.me, konut())
    awaiting = portal_quotes.save(db, w.me, konut("900000"))
    b_quote = portal_quotes.save(db, w.other, konut())
    assert (approved.status, awaiting.status) == ("approved", "awaiting_approval")
    return Book(w, approved.number, awaiting.number, b_quote.number)


def refused(db: Session, url: str, book: Book, number, **kwargs) -> tuple[str, str]:  # noqa: ANN001, ANN003
    """Asks as customer A and expects a refusal that changed nothing: (code, Turkish text)."""
    before = snapshot(url)
    with pytest.raises(ValidationFailed) as caught:
        portal_requests.ask_for_policy(db, book.w.me, number, **kwargs)
    assert caught.value.field == "quote_number"
    db.rollback()
    assert snapshot(url) == before
    return caught.value.code, error_text(caught.value, "tr")


def issue_from(db: Session, code: str, quote_number: int) -> int:
    """The normal flow: the policy form filled in from the quote, issued."""
    actor = actor_of(db, code)
    inp = policies.from_quote(db, actor, quote_number)
    return policies.issue(db, actor, inp).policy.number


def test_asking_for_a_policy_puts_the_request_in_the_queue_and_audits_it(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        w = book.w
        made = portal_requests.ask_for_policy(db, w.me, f" {book.approved} ", source=SOURCE)
        assert (made.quote_number, made.status, made.policy_number, made.reason) == (
            book.approved,
            "open",
            None,
            "",
        )
        awaiting = portal_requests.ask_for_policy(db, w.me, book.awaiting, source=SOURCE)
        mine = portal_requests.my_requests(db, w.me)
        assert [(r.id, r.quote_number, r.status) for r in mine] == [
            (awaiting.id, book.awaiting, "open"),
            (made.id, book.approved, "open"),
        ]
        assert portal_requests.my_requests(db, w.other) == []
        events = audit_events(db, "portal_request.create")
        assert [(e.actor_code, e.entity_id, e.after) for e in events] == [
            (
                f"portal:{w.a.number}",
                str(r.id),
                {"quote": r.quote_number, "customer": w.a.number, "source": SOURCE},
            )
            for r in (made, awaiting)
        ]
        rows = portal_requests.queue(db, actor_of(db, "acente.a1")).rows
        # oldest first; only the approved quote may become a policy now
        assert [(r.id, r.quote_number, r.customer_name, r.can_convert) for r in rows] == [
            (made.id, book.approved, "Ayşe Şahin", True),
            (awaiting.id, book.awaiting, "Ayşe Şahin", False),
        ]


def test_another_customers_or_an_unknown_number_is_one_refusal(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        for number in (book.b_quote, 9999999, "abc", "1000001; DROP", -1):
            code, _ = refused(db, url, book, number)
            assert code == "portal_request.unknown_quote", number
        for number in ("", "   ", None):
            code, text = refused(db, url, book, number)
            assert (code, text) == (
                "portal_request.quote_number_required",
                "Teklif no: teklifinizin numarasını yazın.",
            )
        _, text = refused(db, url, book, book.b_quote)
        assert text == f"Teklif no: {book.b_quote} numaralı, size ait bir teklif bulunamadı."


def test_an_expired_quote_is_refused(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        valid_until = clock.today() + timedelta(days=30)
        # on its last day it may still be asked for; the day after not
        code, text = refused(db, url, book, book.approved, today=valid_until + timedelta(days=1))
        assert code == "portal_request.quote_expired"
        assert text == (
            f"Teklif no: {book.approved} numaralı teklifin geçerliliği "
            f"{valid_until:%d.%m.%Y} tarihinde sona erdi; yeni bir teklif alın."
        )
        made = portal_requests.ask_for_policy(db, book.w.me, book.approved, today=valid_until)
        assert made.status == "open"


def test_a_quote_already_a_policy_is_refused(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        policy = issue_from(db, "acente.a1", book.approved)
        code, text = refused(db, url, book, book.approved)
        assert code == "portal_request.already_policy"
        assert text == (
            f"Teklif no: {book.approved} numaralı teklif zaten poliçe oldu (poliçe no {policy})."
        )


def test_a_rejected_quote_is_refused(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        quotes.reject(db, actor_of(db, "gm.onay"), book.awaiting, "Bedel yüksek")
        code, _ = refused(db, url, book, book.awaiting)
        assert code == "portal_request.quote_closed"


def test_a_second_request_for_the_same_quote_is_refused_until_the_first_is_decided(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        first = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        code, text = refused(db, url, book, book.approved)
        assert code == "portal_request.already_requested"
        assert text == (
            f"Teklif no: {book.approved} numaralı teklif için açık bir talebiniz zaten var "
            f"(talep no {first.id})."
        )
        portal_requests.reject(db, actor_of(db, "acente.a1"), first.id, "Eksik bilgi")
        again = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        assert (again.status, again.id != first.id) == ("open", True)


def test_the_database_keeps_one_open_request_per_quote(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        first = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        stored = db.get(PortalRequest, first.id)
        twin = PortalRequest(
            quote_id=stored.quote_id,
            quote_number=stored.quote_number,
            customer_id=stored.customer_id,
            open_quote_id=stored.quote_id,
            status="open",
            created_at=clock.utcnow(),
        )
        db.add(twin)
        with pytest.raises(sa.exc.IntegrityError):
            db.flush()
        db.rollback()


def test_issuing_the_policy_from_the_quote_marks_the_request_done(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        made = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        other = portal_requests.ask_for_policy(db, book.w.me, book.awaiting)
        policy = issue_from(db, "acente.a1", book.approved)
        mine = {r.id: r for r in portal_requests.my_requests(db, book.w.me)}
        assert (mine[made.id].status, mine[made.id].policy_number) == ("done", policy)
        assert (mine[other.id].status, mine[other.id].policy_number) == ("open", None)
        [done] = audit_events(db, "portal_request.done")
        assert (done.actor_code, done.entity_id, done.after) == (
            "acente.a1",
            str(made.id),
            {"status": "done", "policy_number": policy, "quote": book.approved},
        )
        a1 = actor_of(db, "acente.a1")
        assert [r.id for r in portal_requests.queue(db, a1).rows] == [other.id]
        assert [
            (r.id, r.policy_number, r.decided_by)
            for r in portal_requests.queue(db, a1, status="done").rows
        ] == [(made.id, policy, "acente.a1")]


def test_a_policy_issued_without_a_request_touches_no_request(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        issue_from(db, "acente.a1", book.approved)
        assert audit_events(db, "portal_request.done") == []
        assert db.exec(select(PortalRequest)).all() == []


def test_the_queue_shows_each_agency_only_its_own_requests(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        mine = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        theirs = portal_requests.ask_for_policy(db, book.w.other, book.b_quote)

        def ids(code: str) -> list[int]:
            return [r.id for r in portal_requests.queue(db, actor_of(db, code), status="").rows]

        assert ids("acente.a1") == [mine.id]
        assert ids("acente.b1") == [theirs.id]
        assert ids("acente.a2") == []  # agency users see their own records only
        assert ids("gm.onay") == [theirs.id, mine.id]
        assert ids("gm.mudur") == [theirs.id, mine.id]  # quote.view is enough to read
        with pytest.raises(PermissionDenied):
            portal_requests.queue(db, actor_of(db, "bt.admin"))


def test_rejecting_needs_a_reason_the_permission_and_the_scope(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        made = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        before = snapshot(url)
        with pytest.raises(ValidationFailed) as no_reason:
            portal_requests.reject(db, actor_of(db, "acente.a1"), made.id, "   ")
        assert (no_reason.value.field, error_text(no_reason.value, "tr")) == (
            "reason",
            "Ret nedeni: müşterinin göreceği bir neden yazın.",
        )
        with pytest.raises(ValidationFailed) as too_long:
            portal_requests.reject(db, actor_of(db, "acente.a1"), made.id, "x" * 401)
        assert too_long.value.field == "reason"
        with pytest.raises(NotFound):
            portal_requests.reject(db, actor_of(db, "acente.b1"), made.id, "Başkasının")
        with pytest.raises(NotFound):
            portal_requests.reject(db, actor_of(db, "acente.a1"), "abc", "Numara değil")
        with pytest.raises(PermissionDenied):  # a manager reads the queue, decides nothing
            portal_requests.reject(db, actor_of(db, "gm.mudur"), made.id, "Yetkisiz")
        db.rollback()
        assert snapshot(url) == before
        user = db.exec(select(User).where(User.code == "acente.a1")).one()
        user.must_change_password = True
        db.commit()
        pending = actor_of(db, "acente.a1")
        user.must_change_password = False
        db.commit()
        before = snapshot(url)
        with pytest.raises(PermissionDenied):
            portal_requests.reject(db, pending, made.id, "Geçici şifre")
        db.rollback()
        assert snapshot(url) == before


def test_a_rejected_request_shows_its_reason_to_the_customer_once(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        made = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        row = portal_requests.reject(db, actor_of(db, "acente.a1"), made.id, " Eksik belge ")
        assert (row.status, row.reason, row.decided_by, row.can_convert) == (
            "rejected",
            "Eksik belge",
            "acente.a1",
            False,
        )
        [mine] = portal_requests.my_requests(db, book.w.me)
        assert (mine.status, mine.reason) == ("rejected", "Eksik belge")
        [event] = audit_events(db, "portal_request.reject")
        assert (event.actor_code, event.after) == (
            "acente.a1",
            {"status": "rejected", "reason": "Eksik belge", "quote": book.approved},
        )
        before = snapshot(url)
        with pytest.raises(Conflict):
            portal_requests.reject(db, actor_of(db, "gm.onay"), made.id, "İkinci kez")
        db.rollback()
        assert snapshot(url) == before


def test_a_decided_request_never_changes_again_in_the_database(url: str):
    with session_scope(url) as db:
        book = make_book(db)
        made = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        portal_requests.reject(db, actor_of(db, "acente.a1"), made.id, "Eksik belge")
    with get_engine(url).begin() as conn, pytest.raises(guards.GuardViolation):
        conn.execute(
            sa.text("UPDATE portal_request SET status = 'open' WHERE id = :i"), {"i": made.id}
        )
    with get_engine(url).begin() as conn, pytest.raises(guards.GuardViolation):
        conn.execute(sa.text("DELETE FROM portal_request WHERE id = :i"), {"i": made.id})


def test_at_head_the_request_guard_is_installed_and_is_the_migrations_rule(url: str):
    from importlib import import_module

    assert REQUEST_GUARD in guards.declared()
    assert import_module("migrations.versions.0021_portal_requests").REQUEST_GUARD == REQUEST_GUARD
    with get_engine(url).connect() as conn:
        assert guards.problems(conn, REQUEST_GUARD) == []


def test_two_requests_at_the_same_moment_make_one(url: str):
    with session_scope(url) as db:
        book = make_book(db)
    me, number = book.w.me, book.approved

    def ask(db: Session) -> int:
        return portal_requests.ask_for_policy(db, me, number).id

    outcome = run_together([ask, ask, ask], url)
    assert len(outcome.results) == 1
    assert [
        (type(e).__name__, getattr(e, "code", repr(e)), getattr(e, "field", None))
        for e in outcome.errors
    ] == [("ValidationFailed", "portal_request.already_requested", "quote_number")] * 2
    with session_scope(url) as db:
        assert db.exec(select(PortalRequest.id)).all() == outcome.results
        assert len(audit_events(db, "portal_request.create")) == 1
