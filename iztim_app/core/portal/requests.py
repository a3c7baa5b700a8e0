"""Asking for a policy from the portal by quote number, the customer's own requests, and
the staff queue of requests (`/portal-talepleri`).

No policy is sold online (by law the policy takes effect only after both sides sign and the
premium is paid): a request only puts the quote before staff, who issue the policy through
the normal flow (`/policeler/yeni?teklif=N`). Issuing it marks the request done
(`quote_became_policy`, called by the policy services when a quote becomes a policy); staff
may also reject it with a reason. Every change is audited; a refusal changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.models import Customer
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.numbering import parse_number
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.policies import rules as policy_rules
from iztim_app.core.portal.request_models import PortalRequest, RequestStatus
from iztim_app.core.quotes import rules as quote_rules
from iztim_app.core.quotes.models import Quote
from iztim_app.core.users.actor import Actor

if TYPE_CHECKING:
    from iztim_app.core.portal.services import PortalCustomer

MAX_REASON = 400
MY_REQUESTS_SHOWN = 50
FIELD = "quote_number"
QUEUE_STATUSES = ("open", "done", "rejected", "")


@dataclass(frozen=True)
class MyRequest:
    """A request as its customer sees it."""

    id: int
    created_at: datetime
    quote_number: int
    line_code: str
    gross_premium: Decimal
    status: str  # open | done | rejected
    policy_number: int | None
    reason: str  # a rejection's reason ("" otherwise)


@dataclass(frozen=True)
class RequestRow:
    """A request in the staff queue."""

    id: int
    created_at: datetime
    customer_number: int
    customer_name: str
    quote_number: int
    line_code: str
    sum_insured: Decimal
    gross_premium: Decimal
    valid_until: date
    quote_status: str  # the quote's display status (incl. "expired")
    status: str
    policy_number: int | None
    decided_by: str
    reason: str
    can_convert: bool  # open, and the quote may become a policy today


def _actor_code(portal: PortalCustomer) -> str:
    return f"portal:{portal.customer_number}"


def _mine(request: PortalRequest, quote: Quote) -> MyRequest:
    return MyRequest(
        id=request.id,
        created_at=request.created_at,
        quote_number=request.quote_number,
        line_code=quote.line_code,
        gross_premium=quote.gross_premium,
        status=request.status,
        policy_number=request.policy_number,
        reason=request.reason or "",
    )


def _own_quote(db: Session, portal: PortalCustomer, number: Any) -> Quote:
    """The customer record's quote with that number, locked; any other number (someone
    else's, unknown, not a number) is the same refusal."""
    text = str(number if number is not None else "").strip()[:20]
    if not text:
        raise ValidationFailed("portal_request.quote_number_required", field=FIELD)
    quote = None
    if text.isdigit():
        quote = db.exec(
            select(Quote)
            .where(Quote.number == int(text), Quote.customer_id == portal.customer_id)
            .with_for_update()
        ).first()
    if quote is None:
        raise ValidationFailed("portal_request.unknown_quote", field=FIELD, number=text)
    return quote


def _open_request(db: Session, quote_id: int) -> PortalRequest | None:
    return db.exec(
        select(PortalRequest).where(
            PortalRequest.quote_id == quote_id,
            PortalRequest.status == RequestStatus.OPEN.value,
        )
    ).first()


def ask_for_policy(
    db: Session,
    portal: PortalCustomer,
    quote_number: Any,
    *,
    source: str = "",
    today: date | None = None,
) -> MyRequest:
    """A request for a policy from the customer's own quote: approved or awaiting approval,
    within its validity, not already a policy, and no open request for it yet."""
    today = today or clock.today()
    quote = _own_quote(db, portal, quote_number)
    number = quote.number
    if quote.policy_number is not None:
        policy = quote.policy_number
        db.rollback()
        raise ValidationFailed(
            "portal_request.already_policy", field=FIELD, number=number, policy=policy
        )
    if quote.status not in quote_rules.OPEN_STATUSES:
        db.rollback()
        raise ValidationFailed("portal_request.quote_closed", field=FIELD, number=number)
    if quote_rules.is_expired(quote.status, quote.valid_until, today):
        valid_until = quote.valid_until
        db.rollback()
        raise ValidationFailed(
            "portal_request.quote_expired", field=FIELD, number=number, date=valid_until
        )
    existing = _open_request(db, quote.id)
    if existing is not None:
        request_id = existing.id
        db.rollback()
        raise ValidationFailed(
            "portal_request.already_requested", field=FIELD, number=number, request=request_id
        )
    request = PortalRequest(
        quote_id=quote.id,
        quote_number=number,
        customer_id=portal.customer_id,
        open_quote_id=quote.id,
        status=RequestStatus.OPEN.value,
        created_at=clock.utcnow(),
        source=(source or "").strip()[:64],
    )
    db.add(request)
    try:
        db.flush()
    except sa.exc.IntegrityError:
        # Asked twice at the same moment: the other one holds the quote's open request.
        db.rollback()
        raise ValidationFailed(
            "portal_request.already_requested", field=FIELD, number=number, request="—"
        ) from None
    audit_log.record(
        db,
        None,
        "portal_request.create",
        "portal_request",
        request.id,
        None,
        {"quote": number, "customer": portal.customer_number, "source": request.source},
        actor_code=_actor_code(portal),
    )
    db.commit()
    return _mine(request, quote)


def my_requests(db: Session, portal: PortalCustomer) -> list[MyRequest]:
    """The customer record's requests, newest first."""
    rows = db.exec(
        select(PortalRequest, Quote)
        .join(Quote, Quote.id == PortalRequest.quote_id)
        .where(PortalRequest.customer_id == portal.customer_id)
        .order_by(PortalRequest.id.desc())
        .limit(MY_REQUESTS_SHOWN)
    ).all()
    return [_mine(r, q) for r, q in rows]


# ------------------------------------------------------------------ staff


def _require_reader(actor: Actor) -> None:
    actor.require_any("policy.issue", "quote.view")


def _visible(actor: Actor) -> sa.ColumnElement[bool]:
    """A request is in the scope of its quote (its preparer and office)."""
    return actor.visible(Quote.prepared_by_id, Quote.office_id, Quote.office_path)


def _row(request: PortalRequest, quote: Quote, customer: Customer, today: date) -> RequestRow:
    is_open = request.status == RequestStatus.OPEN.value
    return RequestRow(
        id=request.id,
        created_at=request.created_at,
        customer_number=customer.number,
        customer_name=customer.name,
        quote_number=quote.number,
        line_code=quote.line_code,
        sum_insured=quote.sum_insured,
        gross_premium=quote.gross_premium,
        valid_until=quote.valid_until,
        quote_status=quote_rules.display_status(quote.status, quote.valid_until, today),
        status=request.status,
        policy_number=request.policy_number,
        decided_by=request.decided_by_code or "",
        reason=request.reason or "",
        can_convert=is_open
        and policy_rules.quote_problem(quote.status, quote.valid_until, quote.policy_number, today)
        is None,
    )


def _queue_query(actor: Actor) -> sa.Select:
    return (
        select(PortalRequest, Quote, Customer)
        .join(Quote, Quote.id == PortalRequest.quote_id)
        .join(Customer, Customer.id == PortalRequest.customer_id)
        .where(_visible(actor))
    )


def queue(
    db: Session,
    actor: Actor,
    *,
    status: str = RequestStatus.OPEN.value,
    page: int = 1,
    size: int = 20,
    today: date | None = None,
) -> Page[RequestRow]:
    """Requests in the actor's scope (policy.issue or quote.view), oldest open first."""
    _require_reader(actor)
    today = today or clock.today()
    status = status if status in QUEUE_STATUSES else RequestStatus.OPEN.value
    query = _queue_query(actor)
    if status:
        query = query.where(PortalRequest.status == status)
    if status == RequestStatus.OPEN.value:
        query = query.order_by(PortalRequest.id)
    else:
        query = query.order_by(PortalRequest.id.desc())
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(rows=[_row(r, q, c, today) for r, q, c in rows], total=total, page=page, size=size)


def _get_request(
    db: Session, actor: Actor, request_id: Any, today: date | None = None
) -> RequestRow:
    _require_reader(actor)
    found = db.exec(_queue_query(actor).where(PortalRequest.id == parse_number(request_id))).first()
    if found is None:
        raise NotFound()
    return _row(*found, today or clock.today())


def _reason(reason: Any) -> str:
    text = str(reason or "").strip()
    if not text:
        raise ValidationFailed("portal_request.reason_required", field="reason")
    if len(text) > MAX_REASON:
        raise ValidationFailed("portal_request.reason_too_long", field="reason", max=MAX_REASON)
    return text


def reject(
    db: Session, actor: Actor, request_id: Any, reason: Any, today: date | None = None
) -> RequestRow:
    """Staff turn a request down with a reason the customer sees (policy.issue, in scope)."""
    actor.require("policy.issue")
    current = _get_request(db, actor, request_id, today)
    text = _reason(reason)
    if current.status != RequestStatus.OPEN.value:
        raise Conflict("portal_request.already_decided", request=current.id)
    now = clock.utcnow()
    taken = db.execute(
        sa.update(PortalRequest)
        .where(PortalRequest.id == current.id, PortalRequest.status == RequestStatus.OPEN.value)
        .values(
            status=RequestStatus.REJECTED.value,
            open_quote_id=None,
            decided_at=now,
            decided_by_code=actor.code,
            reason=text,
        )
    ).rowcount
    if taken != 1:
        db.rollback()
        raise Conflict("portal_request.already_decided", request=current.id)
    audit_log.record(
        db,
        actor,
        "portal_request.reject",
        "portal_request",
        current.id,
        {"status": RequestStatus.OPEN.value},
        {"status": RequestStatus.REJECTED.value, "reason": text, "quote": current.quote_number},
    )
    db.commit()
    db.expire_all()
    return _get_request(db, actor, current.id, today)


def quote_became_policy(
    db: Session,
    actor: Actor,
    quote_id: int,
    policy_number: int,
    *,
    looked_up: bool = False,
    request: Any = None,
) -> None:
    """The hook of the policy services: a policy was issued from this quote (inside their
    transaction; they commit). Its open request, if any, is done with the policy number.

    `looked_up`: `request` is the open request (its `id` and `quote_number`; None: there
    is none) as found earlier in the same transaction (issuing looks it up before it draws
    the number, so the common case, no request, costs nothing while the number is held);
    the conditional UPDATE below still decides."""
    if not looked_up:
        request = _open_request(db, quote_id)
    if request is None:
        return
    taken = db.execute(
        sa.update(PortalRequest)
        .where(PortalRequest.id == request.id, PortalRequest.status == RequestStatus.OPEN.value)
        .values(**done_values(actor, policy_number))
    ).rowcount
    if taken == 1:
        audit_log.record(db, actor, *_done_event(request, policy_number))


def done_values(actor: Actor, policy_number: Any) -> dict[str, Any]:
    """The open request's columns once a policy is issued from its quote (PostgreSQL issuing
    writes them in its own statement, with the number it draws)."""
    return {
        "status": RequestStatus.DONE.value,
        "open_quote_id": None,
        "decided_at": clock.utcnow(),
        "decided_by_code": actor.code,
        "policy_number": policy_number,
    }


def _done_event(request: Any, policy_number: Any) -> tuple[Any, ...]:
    return (
        "portal_request.done",
        "portal_request",
        request.id,
        {"status": RequestStatus.OPEN.value},
        {
            "status": RequestStatus.DONE.value,
            "policy_number": policy_number,
            "quote": request.quote_number,
        },
    )


def done_audit_row(actor: Actor, request: Any, policy_number: Any) -> dict[str, Any]:
    """The audit row of `done_values` (written only when the request was still open)."""
    return audit_log.event_row(actor, *_done_event(request, policy_number))
