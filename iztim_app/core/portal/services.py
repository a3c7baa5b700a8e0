"""Portal sign-in with a policy number or customer number plus an access code, portal
sessions, and the signed-in customer's own policies.

The portal identity is one customer RECORD: a policy number and its code reach that
policy's customer record; a customer number and the code of any of that record's policies
reach the record. Only policies whose current version is approved or cancelled have codes
that work. A refusal says one thing only (`portal.sign_in_failed`), whichever half was
wrong; failures are counted per number and per source address with the staff sign-in's
throttle, so the waits are the same.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.auth import throttle
from iztim_app.core.customers.models import Customer
from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.endorsements.rules import EndorsementStatus
from iztim_app.core.errors import AuthenticationFailed, NotFound
from iztim_app.core.installments.models import Installment
from iztim_app.core.policies import in_force
from iztim_app.core.policies.access_codes import PolicyAccessCode
from iztim_app.core.policies.models import Policy, PolicyStatus
from iztim_app.core.portal.models import PortalSession

IDLE = timedelta(minutes=15)
HANDOFF_LIFETIME = timedelta(seconds=60)
LAST_SEEN_GRANULARITY = timedelta(seconds=30)
MAX_TOKEN_LENGTH = 200
ACTOR = "portal"  # audit actor code of attempts not (yet) tied to a customer
VISIBLE_STATUSES = (PolicyStatus.APPROVED.value, PolicyStatus.CANCELLED.value)
_IGNORED = re.compile(r"[\s\-]")


@dataclass(frozen=True)
class PortalOpened:
    token: str  # the session's first token (tests, the CLI); the hand-off replaces it
    customer_number: int
    handoff: str = ""  # one-time code for the cookie route; lives HANDOFF_LIFETIME


@dataclass(frozen=True)
class PortalCustomer:
    """The portal's "actor": every portal service reads only this customer record."""

    customer_id: int
    customer_number: int
    name: str


@dataclass(frozen=True)
class PortalInstallment:
    seq: int
    due_date: date
    amount: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.amount


@dataclass(frozen=True)
class PortalEndorsement:
    """An approved endorsement or cancellation of the policy, as the customer sees it."""

    seq: int
    label: str  # "2/5000001"
    kind: str
    effective_date: date
    gross_change: Decimal
    refund: Decimal | None = None


@dataclass(frozen=True)
class PortalPolicy:
    number: int
    version: int
    status: str
    line_code: str
    start_date: date
    end_date: date
    gross_premium: Decimal  # in force: after the latest approved endorsement
    installments: tuple[PortalInstallment, ...] = ()
    endorsements: tuple[PortalEndorsement, ...] = ()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normalise_code(code: object) -> str:
    return _IGNORED.sub("", code).upper()[:32] if isinstance(code, str) else ""


def _normalise_number(number: object) -> str:
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)
    return _IGNORED.sub("", number)[:20] if isinstance(number, str) else ""


def number_key(number: str) -> str:
    return ("portal:" + number)[: throttle.KEY_LENGTH]


def source_key(source: str) -> str:
    """Starts with `source:` so the throttle applies its per-address threshold and
    forgetting to it; `portal` keeps it apart from the staff sign-in's count."""
    return ("source:portal:" + source)[: throttle.KEY_LENGTH]


def _current_versions() -> Any:
    latest = (
        select(Policy.number, sa.func.max(Policy.version).label("version"))
        .group_by(Policy.number)
        .subquery()
    )
    return select(Policy).join(
        latest, sa.and_(Policy.number == latest.c.number, Policy.version == latest.c.version)
    )


def _candidates(db: Session, number: int) -> list[tuple[int, str]]:
    """(customer id, access code) pairs the number can open: the policy with that number,
    and every policy of the customer record with that number; current versions approved
    or cancelled only."""
    customer_ids = select(Customer.id).where(Customer.number == number)
    query = (
        _current_versions()
        .where(
            Policy.status.in_(VISIBLE_STATUSES),
            sa.or_(Policy.number == number, Policy.customer_id.in_(customer_ids)),
        )
        .order_by(Policy.number)
    )
    policies = list(db.exec(query).all())
    if not policies:
        return []
    codes = dict(
        db.exec(
            select(PolicyAccessCode.policy_number, PolicyAccessCode.code).where(
                PolicyAccessCode.policy_number.in_([p.number for p in policies])
            )
        ).all()
    )
    return [(p.customer_id, codes[p.number]) for p in policies if p.number in codes]


def _match(candidates: list[tuple[int, str]], code: str) -> int | None:
    """Every candidate compared in constant time, none skipped, so timing tells nothing."""
    found = None
    for customer_id, expected in candidates:
        if hmac.compare_digest(expected.upper().encode(), code.encode()) and found is None:
            found = customer_id
    return found


def sign_in(
    db: Session, number: Any, access_code: Any, source: str, now: datetime | None = None
) -> PortalOpened:
    """ "Poliçe no veya müşteri no" + "Erişim kodu"; `source`: the client's address."""
    now = now or clock.utcnow()
    text = _normalise_number(number)
    code = _normalise_code(access_code)
    source = (source or "").strip()[:64]
    rows = (
        throttle.row(db, number_key(text)) if text else None,
        throttle.row(db, source_key(source)) if source else None,
    )
    for found in rows:
        throttle.forget_if_quiet(found, now)
    seconds = throttle.wait_seconds(list(rows), now)
    if seconds:
        db.rollback()  # refused unread: no count changes, only the attempt is recorded
        audit_log.record(
            db,
            None,
            "portal.sign_in_throttled",
            "portal",
            text or "?",
            None,
            {"source": source, "seconds": seconds},
            actor_code=ACTOR,
        )
        db.commit()
        raise AuthenticationFailed("portal.wait", seconds=seconds)
    readable = text.isdigit() and len(text) <= 12 and code
    customer_id = _match(_candidates(db, int(text)), code) if readable else None
    if customer_id is None:
        after: dict[str, Any] = {"source": source}
        if text:
            after["failures"] = throttle.count_failure(db, number_key(text), rows[0], now).failures
        if source:
            throttle.count_failure(db, source_key(source), rows[1], now)
        audit_log.record(
            db, None, "portal.sign_in_failed", "portal", text or "?", None, after, actor_code=ACTOR
        )
        db.commit()
        raise AuthenticationFailed("portal.sign_in_failed")
    if rows[0] is not None:
        db.delete(rows[0])
    customer = db.get(Customer, customer_id)
    token, handoff = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.add(
        PortalSession(
            token_hash=_hash(token),
            customer_id=customer_id,
            created_at=now,
            last_seen_at=now,
            source=source,
            handoff_hash=_hash(handoff),
            handoff_expires_at=now + HANDOFF_LIFETIME,
        )
    )
    audit_log.record(
        db,
        None,
        "portal.sign_in",
        "customer",
        customer_id,
        None,
        {"number": text, "source": source},
        actor_code=f"{ACTOR}:{customer.number}",
    )
    db.commit()
    return PortalOpened(token=token, customer_number=customer.number, handoff=handoff)


def redeem_handoff(db: Session, code: object, now: datetime | None = None) -> str | None:
    """The cookie's token for a valid, unused, unexpired hand-off code; None otherwise.
    Using the code replaces the session's token, so the token made at sign-in (which went
    through the event socket's process) opens nothing afterwards."""
    if not isinstance(code, str) or not 0 < len(code) <= MAX_TOKEN_LENGTH:
        return None
    now = now or clock.utcnow()
    session = db.exec(
        select(PortalSession).where(PortalSession.handoff_hash == _hash(code))
    ).first()
    if session is None:
        return None
    expired = session.handoff_expires_at is None or session.handoff_expires_at < now
    session.handoff_hash = None
    session.handoff_expires_at = None
    if expired or session.ended_at is not None:
        db.commit()
        return None
    token = secrets.token_urlsafe(32)
    session.token_hash = _hash(token)
    session.last_seen_at = now
    db.commit()
    return token


def _find(db: Session, token: object) -> PortalSession | None:
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return None
    return db.exec(select(PortalSession).where(PortalSession.token_hash == _hash(token))).first()


def resolve(db: Session, token: Any, now: datetime | None = None) -> PortalCustomer | None:
    """The customer behind a portal token; None when signed out or idle over IDLE (which
    ends the session)."""
    session = _find(db, token)
    if session is None or session.ended_at is not None:
        return None
    now = now or clock.utcnow()
    if now - session.last_seen_at > IDLE:
        session.ended_at = now
        db.commit()
        return None
    customer = db.get(Customer, session.customer_id)
    if now - session.last_seen_at > LAST_SEEN_GRANULARITY:
        session.last_seen_at = now
        db.commit()
    return PortalCustomer(customer.id, customer.number, customer.name)


def sign_out(db: Session, token: Any, now: datetime | None = None) -> None:
    session = _find(db, token)
    if session is None or session.ended_at is not None:
        return
    session.ended_at = now or clock.utcnow()
    session.handoff_hash = session.handoff_expires_at = None
    customer = db.get(Customer, session.customer_id)
    audit_log.record(
        db,
        None,
        "portal.sign_out",
        "customer",
        session.customer_id,
        actor_code=f"{ACTOR}:{customer.number}",
    )
    db.commit()


def _portal_policy(db: Session, policy: Policy, with_plan: bool) -> PortalPolicy:
    figures = in_force.figures(policy, in_force.approved_endorsements(db, policy))
    plan: tuple[PortalInstallment, ...] = ()
    changes: tuple[PortalEndorsement, ...] = ()
    if with_plan:
        changes = tuple(
            PortalEndorsement(
                e.seq,
                f"{e.seq}/{e.policy_number}",
                e.kind,
                e.effective_date,
                e.gross_change,
                e.refund,
            )  # fmt: skip
            for e in db.exec(
                select(Endorsement)
                .where(
                    Endorsement.policy_number == policy.number,
                    Endorsement.status == EndorsementStatus.APPROVED.value,
                )
                .order_by(Endorsement.seq)
            ).all()
        )
        plan = tuple(
            PortalInstallment(i.seq, i.due_date, i.amount, i.paid)
            for i in db.exec(
                select(Installment)
                .where(Installment.policy_number == policy.number)
                .order_by(Installment.seq)
            ).all()
        )
    return PortalPolicy(
        number=policy.number,
        version=policy.version,
        status=policy.status,
        line_code=policy.line_code,
        start_date=policy.start_date,
        end_date=policy.end_date,
        gross_premium=figures.gross_premium,
        installments=plan,
        endorsements=changes,
    )


def _mine(portal: PortalCustomer) -> Any:
    return _current_versions().where(
        Policy.customer_id == portal.customer_id, Policy.status.in_(VISIBLE_STATUSES)
    )


def my_policies(db: Session, portal: PortalCustomer) -> list[PortalPolicy]:
    """The customer record's approved and cancelled policies (current versions), newest
    number first."""
    policies = db.exec(_mine(portal).order_by(Policy.number.desc())).all()
    return [_portal_policy(db, p, with_plan=False) for p in policies]


def my_policy(db: Session, portal: PortalCustomer, number: Any) -> PortalPolicy:
    """One of the customer's policies with its installments; anything else is NotFound,
    exactly like a number that does not exist."""
    text = _normalise_number(number)
    if not text.isdigit() or len(text) > 12:
        raise NotFound()
    policy = db.exec(_mine(portal).where(Policy.number == int(text))).first()
    if policy is None:
        raise NotFound()
    return _portal_policy(db, policy, with_plan=True)
