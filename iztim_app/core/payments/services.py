"""Card payments of the customer portal: start a 3D Secure payment of unpaid installments,
complete it from the bank's callback, show it to its customer (and its receipt) and list
every attempt for staff.

- `start_payment` writes and commits the attempt BEFORE the gateway is called (no write
  transaction is open while a provider answers); a refusal at start finishes it "failed".
- `complete_payment` never raises for bad input and records EVERY callback it is given
  (`payment_callback`), also invalid ones and replays. The attempt moves from "started" by a
  conditional UPDATE, so of two callbacks at the same moment exactly one applies; each
  installment is paid by a conditional UPDATE that holds only while it stands as it did at
  start. An installment paid meanwhile puts the attempt in "review" (the money was taken:
  staff refund it) and pays nothing.
- The card number and CVV exist only in the `CardInput` handed to the gateway: only the last
  four digits and the provider's transaction id are kept.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.models import Customer
from iztim_app.core.errors import DomainError, NotFound, ValidationFailed
from iztim_app.core.installments.models import Installment, Payment, PaymentMethod
from iztim_app.core.money import ZERO
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.payments import providers
from iztim_app.core.payments.gateway import (
    CURRENCY,
    Buyer,
    CallbackResult,
    CardInput,
    PaymentOrder,
    ThreeDStart,
)
from iztim_app.core.payments.models import (
    ABANDONED,
    AttemptStatus,
    CallbackOutcome,
    PaymentAttempt,
    PaymentCallback,
)
from iztim_app.core.policies import lookup
from iztim_app.core.policies.models import Policy
from iztim_app.core.portal import services as portal_services
from iztim_app.core.portal.services import PortalCustomer
from iztim_app.core.users.actor import Actor

log = logging.getLogger(__name__)

# Longer than the test bank's 15-minute ACS state: past it a started attempt is "abandoned".
ATTEMPT_TTL = timedelta(minutes=20)
ACTOR_PREFIX = "portal"
ORDER_FIELDS = ("order_id", "conversationId", "oid")  # where a callback names our order
_ORDER_ID = re.compile(r"PA[0-9A-F]{20}")
_MAX_FIELD = 2000  # a callback field longer than this is cut before it is looked at
STAFF_STATUSES = (*(s.value for s in AttemptStatus), ABANDONED)
FAILED_3D = (
    AttemptStatus.DECLINED.value,
    AttemptStatus.AUTH_FAILED.value,
    AttemptStatus.FAILED.value,
)
_OUTCOME_OF = {
    "approved": CallbackOutcome.APPLIED,
    "declined": CallbackOutcome.DECLINED,
    "auth_failed": CallbackOutcome.AUTH_FAILED,
}
MESSAGE_OF_STATUS = {
    AttemptStatus.STARTED.value: "payment.pending",
    ABANDONED: "payment.abandoned",
    AttemptStatus.APPROVED.value: "payment.result_approved",
    AttemptStatus.DECLINED.value: "payment.result_declined",
    AttemptStatus.AUTH_FAILED.value: "payment.result_auth_failed",
    AttemptStatus.FAILED.value: "payment.start_failed",
    AttemptStatus.REVIEW.value: "payment.result_review",
}


# ------------------------------------------------------------------ DTOs


@dataclass(frozen=True)
class StartedPayment:
    order_id: str
    amount: Decimal
    three_d: ThreeDStart  # three_d.failed: the provider refused at once (attempt "failed")


@dataclass(frozen=True)
class PaymentOutcome:
    """What a callback did. `status` is the attempt's status after it ("unknown": no such
    attempt); `outcome` what happened to this callback (models.CallbackOutcome)."""

    order_id: str
    status: str
    message_code: str
    policy_number: int | None
    outcome: str = ""


@dataclass(frozen=True)
class AttemptInstallment:
    seq: int
    due_date: date
    amount: Decimal  # what this attempt pays on it


@dataclass(frozen=True)
class AttemptView:
    """One attempt as its customer sees it (result page, receipt link)."""

    order_id: str
    policy_number: int
    installments: tuple[AttemptInstallment, ...]
    amount: Decimal
    currency: str
    card_last4: str
    status: str  # started | abandoned | approved | declined | auth_failed | failed | review
    message_code: str
    created_at: datetime
    finished_at: datetime | None
    transaction_id: str
    receipt_available: bool


@dataclass(frozen=True)
class AttemptRow:
    """One attempt on the staff payments screen."""

    order_id: str
    created_at: datetime  # UTC
    customer_name: str
    policy_number: int
    installment_seqs: tuple[int, ...]
    amount: Decimal
    card_last4: str
    status: str  # incl. "abandoned"
    reason_code: str
    bank_reason: str
    md_status: str
    transaction_id: str
    finished_at: datetime | None


# ------------------------------------------------------------------ helpers


def new_order_id() -> str:
    return "PA" + secrets.token_hex(10).upper()


def is_order_id(value: object) -> bool:
    """Whether `value` has the form of our order ids (safe in a URL and a file name)."""
    return isinstance(value, str) and _ORDER_ID.fullmatch(value) is not None


def _actor_code(customer_number: int | None) -> str:
    return ACTOR_PREFIX if customer_number is None else f"{ACTOR_PREFIX}:{customer_number}"


def _shown_status(attempt: PaymentAttempt, now: datetime) -> str:
    if attempt.status == AttemptStatus.STARTED.value and attempt.expires_at <= now:
        return ABANDONED
    return attempt.status


def _refs(policy_number: int, seqs: Iterable[int]) -> tuple[str, ...]:
    return tuple(f"{policy_number}/{seq}" for seq in seqs)


def _seqs_of(attempt: PaymentAttempt) -> tuple[int, ...]:
    return tuple(int(seq) for seq, _amount, _paid in attempt.plan)


def _order_of(attempt: PaymentAttempt, gateway: Any) -> PaymentOrder:
    return PaymentOrder(
        order_id=attempt.order_id,
        amount=attempt.amount,
        installment_refs=_refs(attempt.policy_number, _seqs_of(attempt)),
        return_url=providers.return_url(gateway),
        currency=attempt.currency,
    )


def _parse_seqs(raw: Any) -> list[int]:
    """Installment numbers as the browser sent them; anything unreadable is unknown."""
    if isinstance(raw, str | int):
        raw = [raw]
    try:
        items = list(raw or [])
    except TypeError:
        raise NotFound() from None
    seqs: list[int] = []
    for item in items:
        if isinstance(item, bool):
            raise NotFound()
        text = str(item).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 4:
            raise NotFound()
        if int(text) not in seqs:
            seqs.append(int(text))
    if not seqs:
        raise ValidationFailed("payment.no_installments", field="installments")
    return sorted(seqs)


def _clean(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _buyer(customer: Customer, source: str) -> Buyer:
    return Buyer(
        customer_number=str(customer.number),
        name=customer.name,
        national_id=customer.national_id,
        email=customer.email,
        phone=customer.phone,
        address=customer.address,
        ip=source,
    )


# ------------------------------------------------------------------ start


def start_payment(
    db: Session,
    portal: PortalCustomer,
    policy_number: Any,
    installment_seqs: Any,
    card: CardInput,
    *,
    source: str = "",
    lang: str = "tr",
) -> StartedPayment:
    """Start paying the chosen unpaid installments of one of the customer's policies.

    Someone else's policy, an unknown one and an installment not of the policy are all
    `NotFound`; an installment already paid is `ValidationFailed("payment.already_paid")`.
    """
    if not isinstance(card, CardInput):
        raise ValidationFailed("payment.card_number_invalid", field="card_number")
    policy = portal_services.my_policy(db, portal, policy_number)
    seqs = _parse_seqs(installment_seqs)
    plan = {i.seq: i for i in policy.installments}
    if any(seq not in plan for seq in seqs):
        raise NotFound()
    paid = [seq for seq in seqs if plan[seq].paid >= plan[seq].amount]
    if paid:
        raise ValidationFailed("payment.already_paid", field="installments", seq=paid[0])
    amount = sum((plan[s].amount - plan[s].paid for s in seqs), ZERO)
    source = _clean(source, 64)
    try:
        gateway = providers.gateway(db)
    except providers.GatewayNotConfigured as exc:  # the installation's fault, said plainly
        log.error("card payments are not configured: %s", exc)
        raise DomainError("payment.start_failed") from None
    customer = db.get(Customer, portal.customer_id)
    now = clock.utcnow()
    attempt = PaymentAttempt(
        order_id=new_order_id(),
        gateway=gateway.name,
        customer_id=portal.customer_id,
        policy_number=policy.number,
        installment_refs=",".join(_refs(policy.number, seqs)),
        plan=[[s, str(plan[s].amount), str(plan[s].paid)] for s in seqs],
        amount=amount,
        currency=CURRENCY,
        card_last4=card.last4,
        status=AttemptStatus.STARTED.value,
        created_at=now,
        expires_at=now + ATTEMPT_TTL,
        source=source,
    )
    db.add(attempt)
    db.flush()
    audit_log.record(
        db,
        None,
        "payment.start",
        "payment_attempt",
        attempt.order_id,
        None,
        {
            "policy_number": policy.number,
            "installments": attempt.installment_refs,
            "amount": amount,
            "card_last4": card.last4,
            "gateway": gateway.name,
            "source": source,
        },
        actor_code=_actor_code(portal.customer_number),
    )
    order_id = attempt.order_id
    db.commit()  # the attempt exists before the provider hears of it
    order = PaymentOrder(
        order_id=order_id,
        amount=amount,
        installment_refs=_refs(policy.number, seqs),
        return_url=providers.return_url(gateway),
        buyer=_buyer(customer, source),
    )
    try:
        three_d = gateway.start(order, card)
    except Exception as exc:  # noqa: BLE001 - a provider's failure is a result, never a 500
        # only the exception's type: a provider's message may echo what it was sent
        log.warning(
            "payment %s: gateway %s failed at start: %s",
            order_id,
            gateway.name,
            type(exc).__name__,
        )
        three_d = ThreeDStart(failure_code="payment.start_failed", bank_reason=type(exc).__name__)
    if three_d.failed:
        _finish_failed(db, attempt, three_d, portal.customer_number)
    elif three_d.provider_ref:
        db.execute(
            sa.update(PaymentAttempt)
            .where(PaymentAttempt.id == attempt.id, PaymentAttempt.provider_ref.is_(None))
            .values(provider_ref=_clean(three_d.provider_ref, 100))
            .execution_options(synchronize_session=False)
        )
        db.commit()
    return StartedPayment(order_id=order_id, amount=amount, three_d=three_d)


def _finish_failed(
    db: Session, attempt: PaymentAttempt, three_d: ThreeDStart, customer_number: int
) -> None:
    values = {
        "status": AttemptStatus.FAILED.value,
        "reason_code": "payment.start_failed",
        "bank_reason": _clean(three_d.bank_reason or three_d.failure_code, 200),
        "md_status": "",
        "finished_at": clock.utcnow(),
    }
    if three_d.provider_ref:
        values["provider_ref"] = _clean(three_d.provider_ref, 100)
    done = db.execute(
        sa.update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id, PaymentAttempt.status == "started")
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done == 1:
        audit_log.record(
            db,
            None,
            "payment.failed",
            "payment_attempt",
            attempt.order_id,
            {"status": "started"},
            {k: v for k, v in values.items() if k != "finished_at"},
            actor_code=_actor_code(customer_number),
        )
    db.commit()


# ------------------------------------------------------------------ complete


def _fields(raw: Mapping[str, Any]) -> dict[str, str]:
    """Text keys and values only, each cut to a sane length."""
    fields: dict[str, str] = {}
    try:
        items = list(raw.items())
    except (AttributeError, TypeError):
        return fields
    for key, value in items[:100]:
        if isinstance(key, str) and isinstance(value, str):
            fields[key[:100]] = value[:_MAX_FIELD]
    return fields


def _given_order_id(fields: Mapping[str, str]) -> str:
    for name in ORDER_FIELDS:
        if fields.get(name):
            return fields[name].strip()
    return ""


def _record_callback(
    db: Session,
    attempt_id: int | None,
    order_id: str,
    outcome: CallbackOutcome,
    reason_code: str,
    source: str,
    nonce: str | None = None,
) -> None:
    db.add(
        PaymentCallback(
            attempt_id=attempt_id,
            order_id=order_id[:64],
            nonce=nonce[:100] if nonce else None,
            outcome=outcome.value,
            reason_code=reason_code[:64],
            received_at=clock.utcnow(),
            source=source,
        )
    )


def _refused(
    db: Session,
    attempt: PaymentAttempt | None,
    order_id: str,
    outcome: CallbackOutcome,
    source: str,
    customer_number: int | None,
) -> PaymentOutcome:
    """A callback that changes nothing: recorded, audited, answered."""
    reason_code = f"payment.callback_{outcome.value}"
    db.rollback()
    _record_callback(db, attempt.id if attempt else None, order_id, outcome, reason_code, source)
    audit_log.record(
        db,
        None,
        f"payment.callback_{outcome.value}",
        "payment_attempt",
        (attempt.order_id if attempt else order_id[:64]) or "?",
        None,
        {"outcome": outcome.value, "reason_code": reason_code, "source": source},
        actor_code=_actor_code(customer_number),
    )
    db.commit()
    if attempt is None:
        return PaymentOutcome(order_id[:64], "unknown", reason_code, None, outcome.value)
    fresh = db.exec(select(PaymentAttempt.status).where(PaymentAttempt.id == attempt.id)).one()
    message = (
        reason_code
        if outcome is CallbackOutcome.INVALID
        else MESSAGE_OF_STATUS.get(fresh, "payment.pending")
    )
    return PaymentOutcome(attempt.order_id, fresh, message, attempt.policy_number, outcome.value)


def complete_payment(db: Session, fields: Mapping[str, str], *, source: str = "") -> PaymentOutcome:
    """The bank's callback (posted by the customer's browser to the return url)."""
    source = _clean(source, 64)
    fields = _fields(fields)
    given = _given_order_id(fields)
    attempt = None
    if _ORDER_ID.fullmatch(given):
        attempt = db.exec(
            select(PaymentAttempt)
            .where(PaymentAttempt.order_id == given)
            .execution_options(populate_existing=True)
        ).first()
    if attempt is None:
        return _refused(db, None, given, CallbackOutcome.UNKNOWN, source, None)
    customer_number = db.exec(
        select(Customer.number).where(Customer.id == attempt.customer_id)
    ).one()

    def refuse(outcome: CallbackOutcome) -> PaymentOutcome:
        return _refused(db, attempt, given, outcome, source, customer_number)

    if attempt.status != AttemptStatus.STARTED.value:  # finished: no provider call at all
        return refuse(CallbackOutcome.REPLAY)
    try:
        gateway = providers.gateway(db, attempt.gateway)
        order = _order_of(attempt, gateway)
        db.commit()  # nothing open while the provider answers
        result = gateway.verify_callback(fields, order)
    except Exception as exc:  # noqa: BLE001 - never a 500 for what a callback carries
        log.warning(
            "payment %s: callback could not be verified: %s", attempt.order_id, type(exc).__name__
        )
        result = CallbackResult("invalid", attempt.order_id, "payment.callback_invalid")
    if result.status == "invalid" or result.order_id != attempt.order_id:
        return refuse(CallbackOutcome.INVALID)
    nonce = _clean(result.nonce, 100) or None
    if nonce is not None:
        seen = db.exec(select(PaymentCallback.id).where(PaymentCallback.nonce == nonce)).first()
        if seen is not None:
            return refuse(CallbackOutcome.REPLAY)
    try:
        return _apply(db, attempt, result, nonce, given, source, customer_number)
    except sa.exc.IntegrityError:  # a nonce or transaction id recorded meanwhile
        return refuse(CallbackOutcome.REPLAY)


def _finish(
    db: Session, attempt: PaymentAttempt, status: str, result: CallbackResult, reason: str
) -> bool:
    """started → status, once: False when another callback finished it first."""
    done = db.execute(
        sa.update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id, PaymentAttempt.status == "started")
        .values(
            status=status,
            reason_code=reason,
            bank_reason=_clean(result.bank_reason, 200),
            md_status=_clean(result.md_status, 8),
            transaction_id=_clean(result.transaction_id, 100) or None,
            finished_at=clock.utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return done == 1


def _audit_finish(
    db: Session,
    attempt: PaymentAttempt,
    action: str,
    result: CallbackResult,
    customer_number: int,
    source: str,
    **extra: Any,
) -> None:
    audit_log.record(
        db,
        None,
        action,
        "payment_attempt",
        attempt.order_id,
        {"status": "started"},
        {
            "status": action.removeprefix("payment."),
            "policy_number": attempt.policy_number,
            "installments": attempt.installment_refs,
            "amount": attempt.amount,
            "md_status": result.md_status,
            "transaction_id": result.transaction_id,
            "bank_reason": result.bank_reason,
            "source": source,
            **extra,
        },
        actor_code=_actor_code(customer_number),
    )


def _apply(
    db: Session,
    attempt: PaymentAttempt,
    result: CallbackResult,
    nonce: str | None,
    given: str,
    source: str,
    customer_number: int,
) -> PaymentOutcome:
    outcome = _OUTCOME_OF[result.status]
    status = result.status if result.status != "approved" else AttemptStatus.APPROVED.value
    if not _finish(db, attempt, status, result, result.reason_code):
        return _refused(db, attempt, given, CallbackOutcome.REPLAY, source, customer_number)
    if outcome is not CallbackOutcome.APPLIED:
        _record_callback(db, attempt.id, given, outcome, result.reason_code, source, nonce)
        _audit_finish(db, attempt, f"payment.{status}", result, customer_number, source)
        db.commit()
        return PaymentOutcome(
            attempt.order_id, status, result.reason_code, attempt.policy_number, outcome.value
        )
    if _pay_installments(db, attempt, result, customer_number):
        _record_callback(db, attempt.id, given, outcome, result.reason_code, source, nonce)
        _audit_finish(db, attempt, "payment.approved", result, customer_number, source)
        db.commit()
        return PaymentOutcome(
            attempt.order_id, status, result.reason_code, attempt.policy_number, outcome.value
        )
    # An installment was paid (or changed) meanwhile: nothing is paid, staff refund the money.
    db.rollback()
    if not _finish(db, attempt, AttemptStatus.REVIEW.value, result, "payment.result_review"):
        return _refused(db, attempt, given, CallbackOutcome.REPLAY, source, customer_number)
    _record_callback(
        db, attempt.id, given, CallbackOutcome.REVIEW, "payment.result_review", source, nonce
    )
    _audit_finish(db, attempt, "payment.review", result, customer_number, source)
    db.commit()
    return PaymentOutcome(
        attempt.order_id,
        AttemptStatus.REVIEW.value,
        "payment.result_review",
        attempt.policy_number,
        CallbackOutcome.REVIEW.value,
    )


def _pay_installments(
    db: Session, attempt: PaymentAttempt, result: CallbackResult, customer_number: int
) -> bool:
    """Each installment paid in full, only while it stands as it did at start; False (the
    caller rolls back) as soon as one does not."""
    now = clock.utcnow()
    txn = _clean(result.transaction_id, 80) or attempt.order_id
    for seq, amount_text, paid_text in attempt.plan:
        amount, paid = Decimal(amount_text), Decimal(paid_text)
        inst_id = db.exec(
            select(Installment.id).where(
                Installment.policy_number == attempt.policy_number, Installment.seq == int(seq)
            )
        ).first()
        if inst_id is None:
            return False
        done = db.execute(
            sa.update(Installment)
            .where(
                Installment.id == inst_id,
                Installment.amount == amount,
                Installment.paid == paid,
            )
            .values(paid=amount)
            .execution_options(synchronize_session=False)
        ).rowcount
        if done != 1:
            return False
        db.add(
            Payment(
                installment_id=inst_id,
                policy_number=attempt.policy_number,
                amount=amount - paid,
                method=PaymentMethod.CARD.value,
                reference=attempt.order_id,
                recorded_by_code=_actor_code(customer_number),
                recorded_at=now,
                card_last4=attempt.card_last4,
                provider_txn_id=f"{txn}/{seq}",
            )
        )
    db.flush()
    return True


# ------------------------------------------------------------------ the customer's view


def _my_attempt(db: Session, portal: PortalCustomer, order_id: Any) -> PaymentAttempt:
    text = order_id.strip() if isinstance(order_id, str) else ""
    if not _ORDER_ID.fullmatch(text):
        raise NotFound()
    attempt = db.exec(
        select(PaymentAttempt)
        .where(PaymentAttempt.order_id == text, PaymentAttempt.customer_id == portal.customer_id)
        .execution_options(populate_existing=True)
    ).first()
    if attempt is None:
        raise NotFound()
    return attempt


def _attempt_installments(db: Session, attempt: PaymentAttempt) -> tuple[AttemptInstallment, ...]:
    due = dict(
        db.exec(
            select(Installment.seq, Installment.due_date).where(
                Installment.policy_number == attempt.policy_number,
                Installment.seq.in_(_seqs_of(attempt)),
            )
        ).all()
    )
    return tuple(
        AttemptInstallment(int(seq), due.get(int(seq)), Decimal(amount) - Decimal(paid))
        for seq, amount, paid in attempt.plan
    )


def attempt_for_customer(db: Session, portal: PortalCustomer, order_id: Any) -> AttemptView:
    """One of the customer's own attempts; anyone else's order is `NotFound`."""
    attempt = _my_attempt(db, portal, order_id)
    status = _shown_status(attempt, clock.utcnow())
    message = MESSAGE_OF_STATUS[status]
    if status == AttemptStatus.STARTED.value:
        last = db.exec(
            select(PaymentCallback.outcome)
            .where(PaymentCallback.attempt_id == attempt.id)
            .order_by(PaymentCallback.id.desc())
        ).first()
        if last == CallbackOutcome.INVALID.value:
            message = "payment.callback_invalid"
    return AttemptView(
        order_id=attempt.order_id,
        policy_number=attempt.policy_number,
        installments=_attempt_installments(db, attempt),
        amount=attempt.amount,
        currency=attempt.currency,
        card_last4=attempt.card_last4,
        status=status,
        message_code=message,
        created_at=attempt.created_at,
        finished_at=attempt.finished_at,
        transaction_id=attempt.transaction_id or "",
        receipt_available=status == AttemptStatus.APPROVED.value,
    )


def receipt_pdf(db: Session, portal: PortalCustomer, order_id: Any, lang: str = "tr") -> bytes:
    """The receipt ("Tahsilat makbuzu") of one of the customer's approved payments; any
    other order (someone else's, not approved) is `NotFound`."""
    from iztim_app.core.payments.receipt_pdf import Receipt, layout_receipt

    attempt = _my_attempt(db, portal, order_id)
    if attempt.status != AttemptStatus.APPROVED.value:
        raise NotFound()
    customer = db.get(Customer, attempt.customer_id)
    return layout_receipt(
        Receipt(
            order_id=attempt.order_id,
            paid_at=attempt.finished_at,
            customer_name=customer.name,
            customer_number=customer.number,
            policy_number=attempt.policy_number,
            installments=_attempt_installments(db, attempt),
            total=attempt.amount,
            card_last4=attempt.card_last4,
            transaction_id=attempt.transaction_id or "",
        ),
        lang,
    )


# ------------------------------------------------------------------ staff


def list_attempts(
    db: Session,
    actor: Actor,
    *,
    failed_3d_only: bool = False,
    status: str = "",
    policy_number: Any = "",
    page: int = 1,
    size: int = 25,
) -> Page[AttemptRow]:
    """Every payment attempt of the policies the actor may see (the current version's
    office / preparer), newest first, a page at a time. `failed_3d_only`: the declined,
    failed-3D and refused-at-start ones, with the bank's reason."""
    actor.require("policy.view")
    now = clock.utcnow()
    latest = (
        select(Policy.number.label("number"), sa.func.max(Policy.version).label("version"))
        .group_by(Policy.number)
        .subquery()
    )
    query = (
        select(PaymentAttempt, Customer.name)
        .join(Customer, Customer.id == PaymentAttempt.customer_id)
        .join(latest, latest.c.number == PaymentAttempt.policy_number)
        .join(Policy, sa.and_(Policy.number == latest.c.number, Policy.version == latest.c.version))
        .where(lookup.visible(actor))
    )
    if failed_3d_only:
        query = query.where(PaymentAttempt.status.in_(FAILED_3D))
    status = (status or "").strip() if isinstance(status, str) else ""
    if status:
        if status not in STAFF_STATUSES:
            raise ValidationFailed("payment.status_invalid", field="status", value=status[:20])
        if status == ABANDONED:
            query = query.where(
                PaymentAttempt.status == AttemptStatus.STARTED.value,
                PaymentAttempt.expires_at <= now,
            )
        elif status == AttemptStatus.STARTED.value:
            query = query.where(PaymentAttempt.status == status, PaymentAttempt.expires_at > now)
        else:
            query = query.where(PaymentAttempt.status == status)
    number = str(policy_number or "").strip()
    if number:
        if not number.isascii() or not number.isdigit() or len(number) > 12:
            raise ValidationFailed("payment.policy_number_invalid", field="policy_number")
        query = query.where(PaymentAttempt.policy_number == int(number))
    query = query.order_by(PaymentAttempt.created_at.desc(), PaymentAttempt.id.desc())
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(
        rows=[
            AttemptRow(
                order_id=a.order_id,
                created_at=a.created_at,
                customer_name=name,
                policy_number=a.policy_number,
                installment_seqs=_seqs_of(a),
                amount=a.amount,
                card_last4=a.card_last4,
                status=_shown_status(a, now),
                reason_code=a.reason_code or "",
                bank_reason=a.bank_reason or "",
                md_status=a.md_status or "",
                transaction_id=a.transaction_id or "",
                finished_at=a.finished_at,
            )
            for a, name in rows
        ],
        total=total,
        page=page,
        size=size,
    )
