"""Notifications: a preparer's documents decided by someone else since they last looked, and
the approver's queue size."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.notifications import services as notifications
from iztim_app.core.notifications.models import NotificationSeen
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from iztim_app.core.quotes import services as quotes
from tests.foundation.support import actor_of
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import FORMS, count, form

A1, A2, APPROVER = "acente.a1", "acente.a2", "gm.onay"


def _save(db: Session, code: str, customer, sum_insured: str):  # noqa: ANN001, ANN202
    return quotes.save_quote(
        db, actor_of(db, code), form("konut", customer, sum_insured), today=TODAY
    )


def _notices(summary) -> list[tuple]:  # noqa: ANN001
    return [(n.kind, n.label, n.outcome, n.decided_by, n.reason) for n in summary.items]


def test_a_preparer_sees_decisions_by_others_on_their_documents_until_marked_seen(
    db: Session, customers
):
    a1 = actor_of(db, A1)
    approver = actor_of(db, APPROVER)
    # given acente.a1's quotes: one within its limit (approved by itself: no news), two over
    # it, one approved and one rejected by head office; and acente.a2's quote, approved
    own = _save(db, A1, customers.a1_person, "400000")
    approved = _save(db, A1, customers.a1_person, "900000")
    rejected = _save(db, A1, customers.a1_company, "950000")
    others = _save(db, A2, customers.a2_person, "900000")
    assert own.status == "approved"
    quotes.approve(db, approver, approved.number, today=TODAY)
    quotes.reject(db, approver, rejected.number, "Eksik belge", today=TODAY)
    quotes.approve(db, approver, others.number, today=TODAY)
    # and a policy over its policy limit, approved by head office
    start = date(2025, 5, 1)
    issued = policies.issue(
        db,
        a1,
        PolicyInput("trafik", customers.a1_person.id, "600000", start, None, FORMS["trafik"]),
        today=start,
    )
    policies.approve(db, approver, issued.policy.number)
    # when acente.a1 looks
    summary = notifications.summary(db, actor_of(db, A1))
    # then newest first: the policy, the rejection, the approval; not its own approval and
    # nothing of acente.a2's; an agency user has no queue
    assert summary.unread == 3
    assert _notices(summary) == [
        ("policy", str(issued.policy.number), "approved", APPROVER, ""),
        ("quote", str(rejected.number), "rejected", APPROVER, "Eksik belge"),
        ("quote", str(approved.number), "approved", APPROVER, ""),
    ]
    assert summary.queue is None
    assert [n.number for n in notifications.summary(db, actor_of(db, A2)).items] == [others.number]
    # when it marks them seen, nothing is unread, until the next decision
    notifications.mark_seen(db, actor_of(db, A1))
    assert (notifications.summary(db, actor_of(db, A1)).unread, count_seen(db)) == (0, 1)
    later = _save(db, A1, customers.a1_person, "910000")
    quotes.approve(db, approver, later.number, today=TODAY)
    after = notifications.summary(db, actor_of(db, A1))
    assert (after.unread, _notices(after)) == (
        1,
        [("quote", str(later.number), "approved", APPROVER, "")],
    )


def count_seen(db: Session) -> int:
    return len(db.exec(select(NotificationSeen)).all())


def test_without_a_mark_only_the_last_30_days_count(db: Session, customers):
    approved = _save(db, A1, customers.a1_person, "900000")
    quotes.approve(db, actor_of(db, APPROVER), approved.number, today=TODAY)
    a1 = actor_of(db, A1)
    decided = notifications.summary(db, a1).items[0].decided_at
    assert notifications.summary(db, a1, now=decided + timedelta(days=29)).unread == 1
    assert notifications.summary(db, a1, now=decided + timedelta(days=30, seconds=1)).unread == 0


def test_the_mark_never_moves_back(db: Session):
    a1 = actor_of(db, A1)
    late = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    notifications.mark_seen(db, a1, now=late)
    notifications.mark_seen(db, a1, now=late - timedelta(hours=1))
    assert notifications.summary(db, a1).seen_until == late


def test_an_approver_sees_the_size_of_the_queue(db: Session, customers, quotes_url: str):
    # given two quotes and one policy over acente.a1's limits
    _save(db, A1, customers.a1_person, "900000")
    _save(db, A1, customers.a1_company, "950000")
    start = date(2025, 5, 1)
    policies.issue(
        db,
        actor_of(db, A1),
        PolicyInput("trafik", customers.a1_person.id, "600000", start, None, FORMS["trafik"]),
        today=start,
    )
    before = count(quotes_url, "notification_seen")
    # when the head-office approver looks
    summary = notifications.summary(db, actor_of(db, APPROVER), today=TODAY)
    # then the queue holds two quotes and one policy; looking changes nothing
    queue = summary.queue
    assert (queue.quotes, queue.policies, queue.endorsements, queue.total) == (2, 1, 0, 3)
    assert count(quotes_url, "notification_seen") == before == 0


def test_an_endorsement_decided_by_head_office_reaches_its_preparer(db: Session, customers):
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
    endorsements.reject_endorsement(
        db, actor_of(db, APPROVER), number, increase.seq, "Ekspertiz yok"
    )
    summary = notifications.summary(db, actor_of(db, "sube.istanbul"))
    assert _notices(summary) == [
        ("endorsement", f"1/{number}", "rejected", APPROVER, "Ekspertiz yok")
    ]
    # nothing of it for acente.a1, whose policy it is but who did not prepare it
    assert notifications.summary(db, actor_of(db, A1)).unread == 0
