"""In-app notifications: a preparer's quotes, policies and endorsements decided by someone
else since the user last looked, and an approver's queue size for the menu.

Nothing is stored per notification: decisions are read from the documents' own approval
columns, newer than the user's "seen until" mark (`NotificationSeen`). A user who never
looked sees the decisions of the last `DEFAULT_DAYS` days. Decisions the user made on their
own documents (within their own limit) are no news and never listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.notifications.models import NotificationSeen
from iztim_app.core.policies import rules as policy_rules
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.models import Policy
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import Quote
from iztim_app.core.users.actor import Actor

DEFAULT_DAYS = 30
MAX_ITEMS = 10

QUOTE, POLICY, ENDORSEMENT = "quote", "policy", "endorsement"
APPROVED, REJECTED = "approved", "rejected"


@dataclass(frozen=True)
class Notice:
    kind: str  # quote | policy | endorsement
    number: int  # the quote's or the policy's number
    seq: int | None  # an endorsement's sequence on its policy (`seq/number`)
    outcome: str  # approved | rejected
    decided_by: str
    decided_at: datetime
    reason: str  # the rejection reason, "" when approved

    @property
    def label(self) -> str:
        return f"{self.seq}/{self.number}" if self.seq is not None else str(self.number)


@dataclass(frozen=True)
class QueueSize:
    quotes: int
    policies: int
    endorsements: int

    @property
    def total(self) -> int:
        return self.quotes + self.policies + self.endorsements


@dataclass(frozen=True)
class NotificationSummary:
    unread: int  # decisions since the user last looked
    items: tuple[Notice, ...]  # the newest of them, at most MAX_ITEMS
    seen_until: datetime
    queue: QueueSize | None  # None: not an approver


def _seen_until(db: Session, actor: Actor, now: datetime) -> datetime:
    row = db.get(NotificationSeen, actor.user_id) if actor.user_id else None
    return row.seen_until if row is not None else now - timedelta(days=DEFAULT_DAYS)


def _decisions(model: type, kind: str, actor: Actor, since: datetime) -> sa.Select:
    """The actor's own documents of one kind decided by someone else after `since`."""
    decided_at = sa.func.coalesce(model.approved_at, model.rejected_at)
    decided_by = sa.func.coalesce(model.approved_by_code, model.rejected_by_code)
    seq = model.seq if model is Endorsement else sa.null()
    number = model.policy_number if model is Endorsement else model.number
    return select(
        sa.literal(kind).label("kind"),
        number.label("number"),
        sa.cast(seq, sa.Integer).label("seq"),
        sa.case((model.approved_at.is_not(None), APPROVED), else_=REJECTED).label("outcome"),
        decided_by.label("decided_by"),
        decided_at.label("decided_at"),
        sa.func.coalesce(model.rejection_reason, "").label("reason"),
    ).where(
        model.prepared_by_id == actor.user_id,
        actor.visible(model.prepared_by_id, model.office_id, model.office_path),
        decided_at > since,
        decided_by != actor.code,
    )


def _queue(db: Session, actor: Actor, today: date) -> QueueSize | None:
    approves_quotes = actor.can("quote.approve")
    approves_policies = actor.can("policy.approve") and policy_rules.is_head_office(
        actor.office_kind, actor.is_agency
    )
    if not (approves_quotes or approves_policies):
        return None
    return QueueSize(
        quotes=quotes.approval_queue(db, actor, 1, 1, today).total if approves_quotes else 0,
        policies=policies.approval_queue(db, actor, 1, 1).total if approves_policies else 0,
        endorsements=endorsements.endorsement_queue(db, actor, 1, 1).total
        if approves_policies
        else 0,
    )


def summary(
    db: Session, actor: Actor, now: datetime | None = None, today: date | None = None
) -> NotificationSummary:
    """What the menu shows: unread decisions on the actor's documents, and the queue size."""
    actor.require_ready()
    now = now or clock.utcnow()
    since = _seen_until(db, actor, now)
    union = sa.union_all(
        _decisions(Quote, QUOTE, actor, since),
        _decisions(Policy, POLICY, actor, since),
        _decisions(Endorsement, ENDORSEMENT, actor, since),
    ).subquery()
    unread = int(db.exec(select(sa.func.count()).select_from(union)).one())
    rows = db.execute(
        sa.select(union)
        .order_by(union.c.decided_at.desc(), union.c.kind, union.c.number.desc())
        .limit(MAX_ITEMS)
    ).all()
    items = tuple(
        Notice(
            kind=r.kind,
            number=int(r.number),
            seq=int(r.seq) if r.seq is not None else None,
            outcome=r.outcome,
            decided_by=r.decided_by,
            decided_at=_aware(r.decided_at),
            reason=r.reason or "",
        )
        for r in rows
    )
    return NotificationSummary(unread, items, since, _queue(db, actor, today or clock.today()))


def _aware(value: datetime | str) -> datetime:
    """A union's column loses the UTC column type on SQLite: read it back as UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def mark_seen(db: Session, actor: Actor, now: datetime | None = None) -> datetime:
    """Everything decided until now counts as seen; the mark never moves back."""
    actor.require_ready()
    now = now or clock.utcnow()
    if not actor.user_id:
        return now
    row = db.get(NotificationSeen, actor.user_id)
    if row is None:
        try:
            with db.begin_nested():
                db.add(NotificationSeen(user_id=actor.user_id, seen_until=now))
        except sa.exc.IntegrityError:  # another tab marked at the same moment
            row = db.get(NotificationSeen, actor.user_id)
    if row is not None and row.seen_until < now:
        row.seen_until = now
    db.commit()
    return now
