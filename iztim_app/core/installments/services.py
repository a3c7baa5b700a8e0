"""Installment services: the plan of an approved policy, premium changes from endorsements,
payments at the desk, refunds owed back and their payout.

`create_plan` and `apply_premium_change` run inside the caller's transaction (a policy's or
an endorsement's approval): they never commit and write no audit row of their own (the
approval is the audited change). The functions taking an actor check permission and scope
themselves; a policy outside the actor's scope looks exactly like one that does not exist.
Two payments of one installment at the same moment: a conditional UPDATE lets exactly one
take effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.models import Customer
from iztim_app.core.db import to_kurus
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.installments import rules
from iztim_app.core.installments.models import (
    STAFF_METHODS,
    Installment,
    Payment,
    RefundDue,
)
from iztim_app.core.money import ZERO, parse_amount
from iztim_app.core.numbering import parse_number
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.policies import lookup
from iztim_app.core.policies.models import Policy, PolicyStatus
from iztim_app.core.tariffs.versions import get_version, tariff_set_of
from iztim_app.core.users.actor import Actor

MAX_REFERENCE = 100


# ------------------------------------------------------------------ DTOs


@dataclass(frozen=True)
class InstallmentRow:
    id: int
    seq: int
    due_date: date
    amount: Decimal
    paid: Decimal
    open_amount: Decimal  # still due
    is_open: bool  # something is still due on it (payments may be recorded)
    overdue: bool  # open and its due date has passed


@dataclass(frozen=True)
class PaymentRow:
    id: int
    installment_id: int
    installment_seq: int
    policy_number: int
    amount: Decimal
    method: str  # cash | transfer | card
    reference: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class RefundRow:
    id: int
    policy_number: int
    endorsement_id: int | None
    amount: Decimal
    created_at: datetime
    is_open: bool  # owed and not yet paid out
    paid_out_at: datetime | None
    paid_out_by: str | None
    reference: str | None
    customer_name: str = ""


@dataclass(frozen=True)
class PlanView:
    """Everything about a policy's money on one screen."""

    policy_number: int
    installments: list[InstallmentRow]
    payments: list[PaymentRow]  # newest first
    refunds: list[RefundRow]
    total: Decimal  # what the installments charge
    paid: Decimal
    open_amount: Decimal  # still to be collected
    refund_due: Decimal  # owed back and not yet paid out
    can_record_payment: bool


@dataclass(frozen=True)
class PremiumChangeResult:
    """What an endorsement did to the plan (for its caller; no screen)."""

    changed: tuple[tuple[int, Decimal, Decimal], ...]  # (seq, amount before, amount after)
    added_seq: int | None
    refund_due: Decimal
    refund_due_id: int | None


# ------------------------------------------------------------------ helpers


def _as_rule(inst: Installment) -> rules.Installment:
    return rules.Installment(inst.seq, inst.due_date, inst.amount, inst.paid)


def _installments(db: Session, policy_number: int, *, lock: bool = False) -> list[Installment]:
    query = (
        select(Installment)
        .where(Installment.policy_number == policy_number)
        .order_by(Installment.seq)
    )
    if lock:
        query = query.with_for_update()
    # As stored now, not as this session last saw them (bulk UPDATEs bypass the session).
    return list(db.exec(query.execution_options(populate_existing=True)).all())


def _owed_back(db: Session, policy_number: int) -> Decimal:
    """Every refund recorded as owed back (paid out or not): part of what was charged."""
    amounts = db.exec(
        select(RefundDue.amount).where(RefundDue.policy_number == policy_number)
    ).all()
    return sum(amounts, ZERO)


def _money(value: Any, field: str) -> Decimal:
    """A programming interface's signed amount: Decimal (or int / plain text), kuruş at most."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        to_kurus(amount)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationFailed(
            "amount.invalid", field=field, name=field, value=str(value)
        ) from None
    return amount


def _visible_numbers(actor: Actor) -> sa.Select:
    return select(Policy.number).where(lookup.visible(actor))


def _require_reader(actor: Actor) -> None:
    actor.require_any("policy.view", "payment.record")


def _reference(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > MAX_REFERENCE:
        raise ValidationFailed("payment.reference_too_long", field="reference", max=MAX_REFERENCE)
    return text


def _installment_row(inst: Installment, today: date) -> InstallmentRow:
    rule = _as_rule(inst)
    is_open = not rule.is_paid
    return InstallmentRow(
        id=inst.id,
        seq=inst.seq,
        due_date=inst.due_date,
        amount=inst.amount,
        paid=inst.paid,
        open_amount=rule.open_amount,
        is_open=is_open,
        overdue=is_open and inst.due_date < today,
    )


def _payment_row(payment: Payment, seq: int) -> PaymentRow:
    return PaymentRow(
        id=payment.id,
        installment_id=payment.installment_id,
        installment_seq=seq,
        policy_number=payment.policy_number,
        amount=payment.amount,
        method=payment.method,
        reference=payment.reference,
        recorded_by=payment.recorded_by_code,
        recorded_at=payment.recorded_at,
    )


def _refund_row(refund: RefundDue, customer_name: str = "") -> RefundRow:
    return RefundRow(
        id=refund.id,
        policy_number=refund.policy_number,
        endorsement_id=refund.endorsement_id,
        amount=refund.amount,
        created_at=refund.created_at,
        is_open=refund.paid_out_at is None,
        paid_out_at=refund.paid_out_at,
        paid_out_by=refund.paid_out_by_code,
        reference=refund.paid_out_reference,
        customer_name=customer_name,
    )


# ------------------------------------------------------------------ inside approvals


def max_installments(db: Session, policy: Policy) -> int:
    """The line's `max_installments` in the policy's own tariff version."""
    version = get_version(db, policy.tariff_version_id)
    if version is None:
        raise NotFound("tariff.not_found")
    return tariff_set_of(version).line(policy.line_code).line.max_installments


def _untouched(db: Session, number: int, plan: list[Installment], gross: Decimal) -> bool:
    """Nothing has happened to the plan since it was made for `gross`: no payment, no
    refund owed, no endorsement's change."""
    paid = db.exec(select(sa.func.count(Payment.id)).where(Payment.policy_number == number)).one()
    owed = db.exec(
        select(sa.func.count(RefundDue.id)).where(RefundDue.policy_number == number)
    ).one()
    return (
        paid == 0
        and owed == 0
        and all(i.endorsement_id is None and i.paid == 0 for i in plan)
        and sum((i.amount for i in plan), ZERO) == gross
    )


def create_plan(db: Session, policy: Policy) -> list[Installment]:
    """The installments of a policy version that has just been approved, in the caller's
    transaction. Refuses more installments than the line allows (`installment_count`).

    A version approved again after un-approval (a later version of the same number): while
    nothing has happened to the plan (no payment, refund or endorsement) it is made anew
    from this version (its premium, start and number of installments); otherwise the plan
    and its payments stay and only the change of gross premium against the un-approved
    version is applied, effective on the start date. The same version again: nothing.
    (Issuing a policy inserts `plan_rows` itself: a number just drawn has no plan yet.)"""
    existing = _installments(db, policy.number, lock=True)
    if existing:
        previous = db.exec(
            select(Policy.gross_premium)
            .where(
                Policy.number == policy.number,
                Policy.version < policy.version,
                Policy.status == PolicyStatus.UNAPPROVED.value,  # approved, then un-approved
            )
            .order_by(Policy.version.desc())
        ).first()
        if previous is None:
            return existing
        if not _untouched(db, policy.number, existing, previous):
            difference = policy.gross_premium - previous
            if difference:
                apply_premium_change(db, policy.number, policy.start_date, difference, None)
            return _installments(db, policy.number)
        for inst in existing:
            db.delete(inst)
        db.flush()  # before the new rows take the same (policy number, seq)
    rows = [
        Installment(**row)
        for row in plan_rows(
            policy.number,
            policy.gross_premium,
            policy.installment_count,
            policy.start_date,
            max_installments(db, policy),
            clock.utcnow(),
        )
    ]
    db.add_all(rows)
    db.flush()
    return rows


def plan_rows(
    number: int, gross: Decimal, count: int, start: date, most: int, now: datetime
) -> list[dict[str, Any]]:
    """The installment rows of a new plan (column values): `create_plan` stores them as
    objects, issuing inserts them in its one statement after the number is drawn."""
    return [
        {
            "policy_number": number,
            "seq": p.seq,
            "due_date": p.due_date,
            "amount": p.amount,
            "paid": ZERO,
            "endorsement_id": None,
            "created_at": now,
        }
        for p in rules.plan(gross, count, start, most)
    ]


def apply_premium_change(
    db: Session,
    policy_number: int,
    effective_date: date,
    gross_change: Decimal,
    endorsement_id: int | None,
) -> PremiumChangeResult:
    """An approved endorsement's signed gross change, in the caller's transaction: more is
    spread over open installments (or becomes a new one), less lowers unpaid amounts from
    the last backwards and the rest is owed back (a `refund_due` row).

    Every row written is checked to be as it was read, so a payment committed meanwhile
    makes this refuse (`Conflict`) instead of deciding on stale figures."""
    change_amount = _money(gross_change, "gross_change")
    current = _installments(db, policy_number, lock=True)
    if not current:
        raise Conflict("installment.no_plan", number=policy_number)
    in_force = sum((i.amount for i in current), ZERO) - _owed_back(db, policy_number)
    change = rules.premium_change(
        [_as_rule(i) for i in current], effective_date, change_amount, in_force
    )
    changed: list[tuple[int, Decimal, Decimal]] = []
    for inst in current:
        new_amount = change.amount_of(inst.seq)
        if new_amount == inst.amount:
            continue
        done = db.execute(
            sa.update(Installment)
            .where(
                Installment.id == inst.id,
                Installment.amount == inst.amount,
                Installment.paid == inst.paid,
            )
            .values(amount=new_amount)
            .execution_options(synchronize_session=False)
        ).rowcount
        if done != 1:
            raise Conflict("installment.changed_meanwhile", number=policy_number)
        changed.append((inst.seq, inst.amount, new_amount))
    added_seq = None
    if change.added is not None:
        db.add(
            Installment(
                policy_number=policy_number,
                seq=change.added.seq,
                due_date=change.added.due_date,
                amount=change.added.amount,
                paid=ZERO,
                endorsement_id=endorsement_id,
                created_at=clock.utcnow(),
            )
        )
        added_seq = change.added.seq
    refund_due_id = None
    if change.refund_due > 0:
        owed = RefundDue(
            policy_number=policy_number,
            endorsement_id=endorsement_id,
            amount=change.refund_due,
            created_at=clock.utcnow(),
        )
        db.add(owed)
        db.flush()
        refund_due_id = owed.id
    db.flush()
    db.expire_all()  # the bulk UPDATEs bypassed the identity map
    return PremiumChangeResult(tuple(changed), added_seq, change.refund_due, refund_due_id)


# ------------------------------------------------------------------ reading


def plan_of(db: Session, actor: Actor, policy_number: Any, today: date | None = None) -> PlanView:
    """A policy's installments, payments and refunds owed, if the actor may see the policy."""
    _require_reader(actor)
    today = today or clock.today()
    number = parse_number(policy_number)
    lookup.current_version(db, number, actor)
    installments = _installments(db, number)
    seq_of = {i.id: i.seq for i in installments}
    payments = db.exec(
        select(Payment)
        .where(Payment.policy_number == number)
        .order_by(Payment.recorded_at.desc(), Payment.id.desc())
    ).all()
    refunds = db.exec(
        select(RefundDue).where(RefundDue.policy_number == number).order_by(RefundDue.id)
    ).all()
    rows = [_installment_row(i, today) for i in installments]
    return PlanView(
        policy_number=number,
        installments=rows,
        payments=[_payment_row(p, seq_of[p.installment_id]) for p in payments],
        refunds=[_refund_row(r) for r in refunds],
        total=sum((r.amount for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        open_amount=sum((r.open_amount for r in rows), ZERO),
        refund_due=sum((r.amount for r in refunds if r.paid_out_at is None), ZERO),
        can_record_payment=actor.can("payment.record") and any(r.is_open for r in rows),
    )


def open_refunds(db: Session, actor: Actor, page: int = 1, size: int = 25) -> Page[RefundRow]:
    """Refunds owed back and not yet paid out, oldest first, on the actor's policies."""
    _require_reader(actor)
    query = (
        select(RefundDue)
        .where(
            RefundDue.paid_out_at.is_(None), RefundDue.policy_number.in_(_visible_numbers(actor))
        )
        .order_by(RefundDue.created_at, RefundDue.id)
    )
    rows, total, page, size = fetch_page(db, query, page, size)
    names = _customer_names(db, {r.policy_number for r in rows})
    return Page(
        rows=[_refund_row(r, names.get(r.policy_number, "")) for r in rows],
        total=total,
        page=page,
        size=size,
    )


def _customer_names(db: Session, numbers: set[int]) -> dict[int, str]:
    if not numbers:
        return {}
    found = db.exec(
        select(Policy.number, Customer.name)
        .join(Customer, Customer.id == Policy.customer_id)
        .where(Policy.number.in_(numbers))
        .order_by(Policy.number, Policy.version)
    ).all()
    return {number: name for number, name in found}  # the latest version's customer wins


# ------------------------------------------------------------------ writing


def record_payment(
    db: Session,
    actor: Actor,
    installment_id: Any,
    amount: Any,
    method: str,
    reference: str = "",
) -> PaymentRow:
    """Staff record a cash or transfer payment against an installment (at most what is due).

    The amount is taken as a Turkish user types it (`1.250,50`) or as a Decimal. Of two
    payments of the same installment at the same moment only what still fits is taken: the
    UPDATE adds the amount only while `amount − paid` still covers it."""
    actor.require("payment.record")
    inst = db.get(Installment, parse_number(installment_id), populate_existing=True)
    if inst is None:
        raise NotFound()
    policy = lookup.current_version(db, inst.policy_number, actor)
    value = parse_amount(amount, "amount", positive=True, code="payment.amount_invalid")
    method = (method or "").strip()
    if method not in STAFF_METHODS:
        raise ValidationFailed("payment.method_invalid", field="method", value=method)
    ref = _reference(reference)
    rules.check_payment(_as_rule(inst), value)
    paid_before = inst.paid
    done = db.execute(
        sa.update(Installment)
        .where(Installment.id == inst.id, Installment.amount - Installment.paid >= value)
        .values(paid=Installment.paid + value)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        db.rollback()
        fresh = db.get(Installment, inst.id)
        db.refresh(fresh)
        rules.check_payment(_as_rule(fresh), value)  # says why: paid meanwhile, or over due
        raise Conflict("installment.changed_meanwhile", number=policy.number)
    db.expire(inst)  # the UPDATE bypassed the session
    payment = Payment(
        installment_id=inst.id,
        policy_number=inst.policy_number,
        amount=value,
        method=method,
        reference=ref,
        recorded_by_code=actor.code,
        recorded_at=clock.utcnow(),
    )
    db.add(payment)
    db.flush()
    audit_log.record(
        db,
        actor,
        "payment.record",
        "payment",
        payment.id,
        {"installment": f"{inst.policy_number}/{inst.seq}", "paid": paid_before},
        {
            "installment": f"{inst.policy_number}/{inst.seq}",
            "paid": paid_before + value,
            "amount": value,
            "method": method,
            "reference": ref,
        },
    )
    db.commit()
    return _payment_row(payment, inst.seq)


def record_refund_paid(
    db: Session, actor: Actor, refund_due_id: Any, reference: str = ""
) -> RefundRow:
    """Staff record that a refund owed back was paid out to the customer, in full, once."""
    actor.require("payment.record")
    refund = db.get(RefundDue, parse_number(refund_due_id), populate_existing=True)
    if refund is None:
        raise NotFound()
    lookup.current_version(db, refund.policy_number, actor)
    ref = _reference(reference)
    if refund.paid_out_at is not None:
        raise ValidationFailed("refund.already_paid_out", field="refund_due_id", id=refund.id)
    values = {
        "paid_out": refund.amount,
        "paid_out_at": clock.utcnow(),
        "paid_out_by_code": actor.code,
        "paid_out_reference": ref,
    }
    done = db.execute(
        sa.update(RefundDue)
        .where(RefundDue.id == refund.id, RefundDue.paid_out_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        db.rollback()
        raise ValidationFailed("refund.already_paid_out", field="refund_due_id", id=refund.id)
    audit_log.record(
        db,
        actor,
        "refund.pay_out",
        "refund_due",
        refund.id,
        {"policy_number": refund.policy_number, "amount": refund.amount, "paid_out": None},
        {"policy_number": refund.policy_number, **values},
    )
    db.commit()
    db.refresh(refund)
    return _refund_row(refund)
