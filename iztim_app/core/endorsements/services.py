"""Endorsement and cancellation services: preview, create, approve/reject, list, queue.

Every endorsement is priced on the POLICY's own tariff version, customer group, start and
end (domain.md, "The arithmetic"); the pure figures come from `rules`. Records hang on the
policy: an endorsement is visible exactly when its policy is (out of scope = unknown).

One open endorsement per policy: while one awaits approval no other is created, so the
figures in force it was priced on cannot change under it. Creating takes the policy's
endorsement sequence first (`numbering.next_number`, a row lock held to commit), then reads
the policy's state, so two users endorsing or cancelling one policy at the same moment are
served one after the other and the second sees the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock, dates
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.models import Customer
from iztim_app.core.endorsements import rules
from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.endorsements.rules import (
    EndorsementKind,
    EndorsementStatus,
    InForce,
    PriorChange,
)
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.installments import services as installments
from iztim_app.core.money import ZERO, parse_amount
from iztim_app.core.numbering import next_number, parse_number
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.policies import in_force, lookup
from iztim_app.core.policies.models import Policy, PolicyStatus
from iztim_app.core.quotes.rules import within_limit
from iztim_app.core.reports import production
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.rating import price
from iztim_app.core.users.actor import Actor, limits_cover

MAX_TEXT = 400
AWAITING = EndorsementStatus.AWAITING_APPROVAL.value
APPROVED = EndorsementStatus.APPROVED.value
REJECTED = EndorsementStatus.REJECTED.value
CANCELLATION = EndorsementKind.CANCELLATION.value


# ------------------------------------------------------------------ DTOs


@dataclass(frozen=True)
class FiguresInForce:
    """A policy's figures after every approved endorsement of its current version."""

    policy_number: int
    policy_id: int
    policy_status: str
    line_code: str
    start_date: date
    end_date: date
    sum_insured: Decimal
    values: dict[str, str]
    net_premium: Decimal
    taxes: dict[str, Decimal]
    gross_premium: Decimal
    last_effective_date: date | None  # of the last approved endorsement
    endorsement_count: int  # approved endorsements on this version
    cancelled_from: date | None


@dataclass(frozen=True)
class EndorsementPreview:
    """An increase / decrease / information change as it would be saved."""

    policy_number: int
    kind: str
    effective_date: date
    description: str
    values: dict[str, str]
    sum_insured_before: Decimal
    sum_insured_after: Decimal
    annual_net_before: Decimal  # N_old: the full-term net premium of the values in force
    annual_net_after: Decimal  # N_new
    remaining_days: int
    term_days: int
    net_change: Decimal
    taxes_change: dict[str, Decimal]
    gross_change: Decimal
    net_in_force_before: Decimal
    gross_in_force_before: Decimal
    net_in_force_after: Decimal
    taxes_in_force_after: dict[str, Decimal]
    gross_in_force_after: Decimal
    worksheet: list[dict[str, Any]]  # the new values' pricing
    needs_approval: bool


@dataclass(frozen=True)
class CancellationPreview:
    policy_number: int
    cancel_date: date
    reason_code: str
    reason_name: str
    method: str
    description: str
    sum_insured: Decimal
    net_in_force: Decimal
    taxes_in_force: dict[str, Decimal]
    gross_in_force: Decimal
    earned: Decimal
    refund: Decimal
    tax_refunds: dict[str, Decimal]
    gross_refund: Decimal
    base_refund: Decimal  # the original premium's part of the refund
    change_refunds: tuple[Decimal, ...]  # each approved endorsement's part, in order
    days: int
    elapsed: int
    earned_percent: Decimal | None
    min_retained_applied: bool
    needs_approval: bool


@dataclass(frozen=True)
class EndorsementView:
    id: int
    policy_number: int
    seq: int
    label: str  # `seq/POLICYNO`, as printed
    kind: str
    description: str
    line_code: str
    effective_date: date
    status: str
    values: dict[str, str]
    sum_insured_after: Decimal
    net_change: Decimal
    taxes_change: dict[str, Decimal]
    gross_change: Decimal
    net_in_force_after: Decimal
    taxes_in_force_after: dict[str, Decimal]
    gross_in_force_after: Decimal
    reason_code: str | None
    method: str | None
    earned: Decimal | None
    refund: Decimal | None
    tax_refunds: dict[str, Decimal]
    gross_refund: Decimal | None
    prepared_by: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    rejected_by: str | None
    rejected_at: datetime | None
    rejection_reason: str | None


@dataclass(frozen=True)
class QueueRow:
    id: int
    policy_number: int
    seq: int
    label: str
    kind: str
    line_code: str
    customer_name: str
    effective_date: date
    sum_insured_after: Decimal
    gross_change: Decimal
    prepared_by: str
    created_at: datetime


# ------------------------------------------------------------------ finding


def label(seq: int, policy_number: int) -> str:
    return f"{seq}/{policy_number}"


def _approved_on(db: Session, policy: Policy) -> list[Endorsement]:
    return in_force.approved_endorsements(db, policy)


def _in_force(policy: Policy, approved: list[Endorsement]) -> FiguresInForce:
    now = in_force.figures(policy, approved)
    return FiguresInForce(
        policy_number=policy.number,
        policy_id=policy.id,
        policy_status=policy.status,
        line_code=policy.line_code,
        start_date=policy.start_date,
        end_date=policy.end_date,
        sum_insured=now.sum_insured,
        values={str(k): str(v) for k, v in now.values.items()},
        net_premium=now.net_premium,
        taxes=now.taxes,
        gross_premium=now.gross_premium,
        last_effective_date=max((e.effective_date for e in approved), default=None),
        endorsement_count=len(approved),
        cancelled_from=policy.cancelled_from,
    )


def figures_in_force(db: Session, policy_number: int) -> FiguresInForce:
    """The figures in force of a policy (no scope check: callers have found the policy)."""
    policy = lookup.current_version(db, policy_number)
    return _in_force(policy, _approved_on(db, policy))


def _tariff_of(db: Session, policy: Policy) -> TariffSet:
    version = db.get(versions.TariffVersion, policy.tariff_version_id)
    if version is None:
        raise NotFound("tariff.not_found")
    return versions.tariff_set_of(version)


def _as_rules_in_force(figures: FiguresInForce) -> InForce:
    return InForce(figures.sum_insured, figures.net_premium, figures.taxes, figures.gross_premium)


def _require_creator(actor: Actor, permission: str) -> None:
    """Only insurer staff with the permission; never agencies, whatever is granted."""
    actor.require(permission)
    if actor.is_agency:
        raise PermissionDenied("endorsement.agency_refused", permission=permission)


def _require_approver(actor: Actor) -> None:
    """Endorsements follow the policies' approval rules: deciding is head-office work."""
    lookup.require_head_office(actor, "policy.approve")


def _require_reader(actor: Actor) -> None:
    actor.require_any("policy.view", "policy.issue", "endorsement.create", "cancellation.create")


def _text(raw: Any, field_name: str, code: str) -> str:
    text = (raw if isinstance(raw, str) else "" if raw is None else str(raw)).strip()
    if not text:
        raise ValidationFailed(code, field=field_name)
    if len(text) > MAX_TEXT:
        raise ValidationFailed("endorsement.text_too_long", field=field_name, max=MAX_TEXT)
    return text


@dataclass(frozen=True)
class _State:
    policy: Policy
    figures: FiguresInForce
    approved: list[Endorsement]
    tariff: TariffSet


def _open_state(db: Session, actor: Actor, policy_number: Any, *, cancelling: bool) -> _State:
    """The policy, if it can take an endorsement now: approved, not cancelled, nothing open."""
    policy = lookup.current_version(db, policy_number, actor)
    approved = _approved_on(db, policy)
    if policy.status == PolicyStatus.CANCELLED.value or any(
        e.kind == CANCELLATION for e in approved
    ):
        code = "endorsement.already_cancelled" if cancelling else "endorsement.policy_cancelled"
        raise ValidationFailed(code, field="policy_number", number=policy.number)
    if policy.status != PolicyStatus.APPROVED.value:
        raise ValidationFailed(
            "endorsement.policy_not_approved", field="policy_number", number=policy.number
        )
    waiting = db.exec(
        select(Endorsement)
        .where(Endorsement.policy_number == policy.number, Endorsement.status == AWAITING)
        .order_by(Endorsement.seq)
        .limit(1)
    ).first()
    if waiting is not None:
        code = (
            "endorsement.cancellation_waiting"
            if waiting.kind == CANCELLATION
            else "endorsement.one_waiting"
        )
        raise ValidationFailed(
            code, field="policy_number", label=label(waiting.seq, waiting.policy_number)
        )
    return _State(policy, _in_force(policy, approved), approved, _tariff_of(db, policy))


# ------------------------------------------------------------------ pricing (no writes)


def _sum_insured(raw: Any, current: Decimal) -> Decimal:
    """The new sum insured as typed; blank keeps the one in force. Zero or less is refused
    as such (a decrease to nothing is a cancellation), not as an unreadable amount."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return current
    text = str(raw).strip()
    if text.startswith("-") and text[1:].strip()[:1].isdigit():
        rules.check_sum_insured(Decimal(-1))
    amount = parse_amount(raw, "sum_insured", code="endorsement.sum_insured_invalid")
    rules.check_sum_insured(amount)
    return amount


def _merged_values(in_force: dict[str, str], given: dict[str, Any] | None) -> dict[str, str]:
    """The form's values over those in force; a blank value clears the field."""
    merged = dict(in_force)
    for key, value in (given or {}).items():
        text = "" if value is None else str(value)
        if text.strip() == "":
            merged.pop(str(key), None)
        else:
            merged[str(key)] = text
    return merged


def _price_endorsement(
    state: _State,
    actor: Actor,
    kind: Any,
    effective_date: Any,
    values: dict[str, Any] | None,
    sum_insured: Any,
    description: Any,
) -> EndorsementPreview:
    policy, figures, tariff = state.policy, state.figures, state.tariff
    kind = str(kind or "").strip()
    rules.check_kind_known(kind)
    text = _text(description, "description", "endorsement.description_required")
    effective = dates.parse_date(effective_date, "effective_date")
    rules.check_effective_date(policy.start_date, policy.end_date, effective)
    rules.check_not_before(figures.last_effective_date, effective, "effective_date")
    new_si = _sum_insured(sum_insured, figures.sum_insured)
    new_values = _merged_values(figures.values, values)
    group, line = policy.customer_group, policy.line_code
    start, end = policy.start_date, policy.end_date
    old = price(tariff, line, group, figures.sum_insured, start, end, figures.values)
    new = price(tariff, line, group, new_si, start, end, new_values)
    change = rules.premium_change(
        old.net_premium,
        new.net_premium,
        start,
        end,
        effective,
        rules.tax_rates_of(tariff, line),
    )
    rules.check_kind(kind, change.net_change)
    after = rules.after_change(_as_rules_in_force(figures), change, new_si)
    return EndorsementPreview(
        policy_number=policy.number,
        kind=kind,
        effective_date=effective,
        description=text,
        values=new_values,
        sum_insured_before=figures.sum_insured,
        sum_insured_after=new_si,
        annual_net_before=old.net_premium,
        annual_net_after=new.net_premium,
        remaining_days=(end - effective).days,
        term_days=(end - start).days,
        net_change=change.net_change,
        taxes_change=dict(change.taxes_change),
        gross_change=change.gross_change,
        net_in_force_before=figures.net_premium,
        gross_in_force_before=figures.gross_premium,
        net_in_force_after=after.net,
        taxes_in_force_after=dict(after.taxes),
        gross_in_force_after=after.gross,
        worksheet=[step.to_json_dict() for step in new.worksheet],
        needs_approval=not within_limit(actor.policy_limit(line), new_si),
    )


def _price_cancellation(
    state: _State, actor: Actor, cancel_date: Any, reason_code: Any, description: Any
) -> CancellationPreview:
    policy, figures, tariff = state.policy, state.figures, state.tariff
    code = str(reason_code or "").strip()
    reason = tariff.cancellation_reasons.get(code)
    if reason is None:
        raise ValidationFailed("endorsement.reason_unknown", field="reason_code", reason=code)
    text = _text(description, "description", "endorsement.description_required")
    cancel = dates.parse_date(cancel_date, "cancel_date")
    changes = [
        PriorChange(e.net_change, e.effective_date) for e in state.approved if e.net_change != 0
    ]
    result = rules.cancellation(
        tariff,
        policy.line_code,
        policy.net_premium,
        policy.start_date,
        policy.end_date,
        cancel,
        code,
        changes,
        _as_rules_in_force(figures),
        figures.last_effective_date,
    )
    return CancellationPreview(
        policy_number=policy.number,
        cancel_date=cancel,
        reason_code=code,
        reason_name=reason.name(actor.lang),
        method=result.method,
        description=text,
        sum_insured=figures.sum_insured,
        net_in_force=figures.net_premium,
        taxes_in_force=dict(figures.taxes),
        gross_in_force=figures.gross_premium,
        earned=result.earned,
        refund=result.refund,
        tax_refunds=dict(result.tax_refunds),
        gross_refund=result.gross_refund,
        base_refund=result.base_refund,
        change_refunds=result.change_refunds,
        days=result.days,
        elapsed=result.elapsed,
        earned_percent=result.earned_percent,
        min_retained_applied=result.min_retained_applied,
        needs_approval=not within_limit(actor.policy_limit(policy.line_code), figures.sum_insured),
    )


def preview_endorsement(
    db: Session,
    actor: Actor,
    policy_number: Any,
    kind: Any,
    effective_date: Any,
    values: dict[str, Any] | None,
    sum_insured: Any,
    description: Any,
) -> EndorsementPreview:
    """The change and the figures after it, as the form changes; nothing is stored."""
    _require_creator(actor, "endorsement.create")
    state = _open_state(db, actor, policy_number, cancelling=False)
    return _price_endorsement(state, actor, kind, effective_date, values, sum_insured, description)


def preview_cancellation(
    db: Session,
    actor: Actor,
    policy_number: Any,
    cancel_date: Any,
    reason_code: Any,
    description: Any,
) -> CancellationPreview:
    """Earned premium, refund and every tax refund by the reason's method; nothing stored."""
    _require_creator(actor, "cancellation.create")
    state = _open_state(db, actor, policy_number, cancelling=True)
    return _price_cancellation(state, actor, cancel_date, reason_code, description)


# ------------------------------------------------------------------ saving


def _save(
    db: Session,
    actor: Actor,
    state: _State,
    seq: int,
    row: dict[str, Any],
    sum_insured_after: Decimal,
) -> Endorsement:
    policy = state.policy
    within = within_limit(actor.policy_limit(policy.line_code), sum_insured_after)
    now = clock.utcnow()
    endorsement = Endorsement(
        policy_number=policy.number,
        policy_id=policy.id,
        seq=seq,
        line_code=policy.line_code,
        sum_insured_after=sum_insured_after,
        status=APPROVED if within else AWAITING,
        prepared_by_id=actor.user_id or None,
        prepared_by_code=actor.code,
        office_id=actor.office_id,
        office_path=actor.office_path,
        created_at=now,
        approved_by_code=actor.code if within else None,
        approved_at=now if within else None,
        **row,
    )
    db.add(endorsement)
    db.flush()
    audit_log.record(
        db,
        actor,
        "endorsement.create",
        "endorsement",
        label(seq, policy.number),
        None,
        {
            "policy": policy.number,
            "seq": seq,
            "kind": endorsement.kind,
            "effective_date": endorsement.effective_date,
            "sum_insured_after": sum_insured_after,
            "net_change": endorsement.net_change,
            "gross_change": endorsement.gross_change,
            "refund": endorsement.refund,
            "status": endorsement.status,
        },
    )
    if within:
        _take_effect(db, actor, endorsement)
    return endorsement


def _begin(db: Session, actor: Actor, policy_number: Any, cancelling: bool) -> tuple[int, _State]:
    """Takes the policy's next endorsement number first (serialising creators of one
    policy), then reads the state the new endorsement is priced on."""
    number = lookup.current_version(db, policy_number, actor).number
    seq = next_number(db, f"endorsement:{number}", 1)
    return seq, _open_state(db, actor, number, cancelling=cancelling)


def create_endorsement(
    db: Session,
    actor: Actor,
    policy_number: Any,
    kind: Any,
    effective_date: Any,
    values: dict[str, Any] | None,
    sum_insured: Any,
    description: Any,
) -> EndorsementView:
    """Saves an increase / decrease / information endorsement `seq/POLICYNO`: approved at once
    within the preparer's policy limit for the line, else waiting for an approver."""
    _require_creator(actor, "endorsement.create")
    try:
        seq, state = _begin(db, actor, policy_number, cancelling=False)
        p = _price_endorsement(state, actor, kind, effective_date, values, sum_insured, description)
        saved = _save(
            db,
            actor,
            state,
            seq,
            {
                "kind": p.kind,
                "description": p.description,
                "effective_date": p.effective_date,
                "values": p.values,
                "annual_net_after": p.annual_net_after,
                "net_change": p.net_change,
                "gross_change": p.gross_change,
                "taxes_change": rules.money_json(p.taxes_change),
                "net_in_force_after": p.net_in_force_after,
                "gross_in_force_after": p.gross_in_force_after,
                "taxes_in_force_after": rules.money_json(p.taxes_in_force_after),
            },
            p.sum_insured_after,
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return get_endorsement(db, actor, saved.policy_number, saved.seq)


def create_cancellation(
    db: Session,
    actor: Actor,
    policy_number: Any,
    cancel_date: Any,
    reason_code: Any,
    description: Any,
) -> EndorsementView:
    """Saves the cancellation (fesih) endorsement; once approved the policy is cancelled from
    `cancel_date` and the gross refund flows into the installments / refund due."""
    _require_creator(actor, "cancellation.create")
    try:
        seq, state = _begin(db, actor, policy_number, cancelling=True)
        p = _price_cancellation(state, actor, cancel_date, reason_code, description)
        old = price(
            state.tariff,
            state.policy.line_code,
            state.policy.customer_group,
            state.figures.sum_insured,
            state.policy.start_date,
            state.policy.end_date,
            state.figures.values,
        )
        # Everything refunded, as a negative change; the figures after it as for any change.
        change = rules.Change(-p.refund, {c: -a for c, a in p.tax_refunds.items()}, -p.gross_refund)
        after = rules.after_change(_as_rules_in_force(state.figures), change, p.sum_insured)
        saved = _save(
            db,
            actor,
            state,
            seq,
            {
                "kind": CANCELLATION,
                "description": p.description,
                "effective_date": p.cancel_date,
                "values": dict(state.figures.values),
                "annual_net_after": old.net_premium,
                "net_change": change.net_change,
                "gross_change": change.gross_change,
                "taxes_change": rules.money_json(change.taxes_change),
                "net_in_force_after": after.net,
                "gross_in_force_after": after.gross,
                "taxes_in_force_after": rules.money_json(after.taxes),
                "reason_code": p.reason_code,
                "method": p.method,
                "earned": p.earned,
                "refund": p.refund,
                "tax_refunds": rules.money_json(p.tax_refunds),
            },
            p.sum_insured,
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return get_endorsement(db, actor, saved.policy_number, saved.seq)


# ------------------------------------------------------------------ taking effect


def _take_effect(db: Session, actor: Actor, endorsement: Endorsement) -> None:
    """An endorsement just approved: the policy must still be the approved version it was
    priced on; a cancellation cancels it (once: a conditional UPDATE); the premium change
    goes to the installments."""
    policy_id, number = endorsement.policy_id, endorsement.policy_number
    effective, gross = endorsement.effective_date, endorsement.gross_change
    endorsement_id, seq = endorsement.id, endorsement.seq
    if endorsement.kind == CANCELLATION:
        changed = db.execute(
            sa.update(Policy)
            .where(
                Policy.id == policy_id,
                Policy.status == PolicyStatus.APPROVED.value,
                Policy.cancelled_from.is_(None),
            )
            .values(status=PolicyStatus.CANCELLED.value, cancelled_from=effective)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            raise Conflict("endorsement.policy_changed", number=number)
        audit_log.record(
            db,
            actor,
            "policy.cancel",
            "policy",
            number,
            {"status": PolicyStatus.APPROVED.value},
            {
                "status": PolicyStatus.CANCELLED.value,
                "cancelled_from": effective,
                "endorsement": label(seq, number),
            },
        )
    else:
        # Locked (PostgreSQL; SQLite already holds the write lock): an un-approval committing
        # meanwhile is seen here, never after.
        status = db.execute(
            sa.select(Policy.status).where(Policy.id == policy_id).with_for_update()
        ).scalar_one()
        if status != PolicyStatus.APPROVED.value:
            raise Conflict("endorsement.policy_changed", number=number)
    if gross != 0:
        installments.apply_premium_change(db, number, effective, gross, endorsement_id)
    production.post_endorsement(db, endorsement)


# ------------------------------------------------------------------ approval


def _find(db: Session, actor: Actor, policy_number: Any, seq: Any) -> Endorsement:
    seq_no = parse_number(seq)
    found = db.exec(
        select(Endorsement)
        .join(Policy, Policy.id == Endorsement.policy_id)
        .where(
            Endorsement.policy_number == parse_number(policy_number),
            Endorsement.seq == seq_no,
            lookup.visible(actor),
        )
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFound()
    return found


def _decide(
    db: Session, actor: Actor, policy_number: Any, seq: Any, values: dict, action: str
) -> EndorsementView:
    _require_approver(actor)
    endorsement = _find(db, actor, policy_number, seq)
    if not within_limit(actor.policy_limit(endorsement.line_code), endorsement.sum_insured_after):
        raise PermissionDenied("endorsement.over_approver_limit")
    try:
        # One decision only: the row changes only while it still awaits approval.
        changed = db.execute(
            sa.update(Endorsement)
            .where(Endorsement.id == endorsement.id, Endorsement.status == AWAITING)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            db.rollback()
            current = _find(db, actor, policy_number, seq)
            raise Conflict(
                "endorsement.already_decided",
                label=label(current.seq, current.policy_number),
                status=current.status,
            )
        audit_log.record(
            db,
            actor,
            action,
            "endorsement",
            label(endorsement.seq, endorsement.policy_number),
            {"status": AWAITING},
            dict(values),
        )
        if values["status"] == APPROVED:
            _take_effect(db, actor, endorsement)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return get_endorsement(db, actor, endorsement.policy_number, endorsement.seq)


def approve_endorsement(db: Session, actor: Actor, policy_number: Any, seq: Any) -> EndorsementView:
    """Approved like a policy: `policy.approve` and a policy limit on the line covering the
    sum insured after the endorsement."""
    return _decide(
        db,
        actor,
        policy_number,
        seq,
        {"status": APPROVED, "approved_by_code": actor.code, "approved_at": clock.utcnow()},
        "endorsement.approve",
    )


def reject_endorsement(
    db: Session, actor: Actor, policy_number: Any, seq: Any, reason: Any
) -> EndorsementView:
    _require_approver(actor)
    text = _text(reason, "reason", "endorsement.reason_required")
    return _decide(
        db,
        actor,
        policy_number,
        seq,
        {
            "status": REJECTED,
            "rejected_by_code": actor.code,
            "rejected_at": clock.utcnow(),
            "rejection_reason": text,
        },
        "endorsement.reject",
    )


# ------------------------------------------------------------------ reading


def _view(e: Endorsement) -> EndorsementView:
    tax_refunds = rules.money_map(e.tax_refunds or {})
    return EndorsementView(
        id=e.id,
        policy_number=e.policy_number,
        seq=e.seq,
        label=label(e.seq, e.policy_number),
        kind=e.kind,
        description=e.description,
        line_code=e.line_code,
        effective_date=e.effective_date,
        status=e.status,
        values={str(k): str(v) for k, v in e.values.items()},
        sum_insured_after=e.sum_insured_after,
        net_change=e.net_change,
        taxes_change=rules.money_map(e.taxes_change),
        gross_change=e.gross_change,
        net_in_force_after=e.net_in_force_after,
        taxes_in_force_after=rules.money_map(e.taxes_in_force_after),
        gross_in_force_after=e.gross_in_force_after,
        reason_code=e.reason_code,
        method=e.method,
        earned=e.earned,
        refund=e.refund,
        tax_refunds=tax_refunds,
        gross_refund=None if e.refund is None else e.refund + sum(tax_refunds.values(), ZERO),
        prepared_by=e.prepared_by_code,
        created_at=e.created_at,
        approved_by=e.approved_by_code,
        approved_at=e.approved_at,
        rejected_by=e.rejected_by_code,
        rejected_at=e.rejected_at,
        rejection_reason=e.rejection_reason,
    )


def get_endorsement(db: Session, actor: Actor, policy_number: Any, seq: Any) -> EndorsementView:
    _require_reader(actor)
    return _view(_find(db, actor, policy_number, seq))


def list_endorsements(db: Session, actor: Actor, policy_number: Any) -> list[EndorsementView]:
    """Every endorsement of the policy (all versions), in number order."""
    _require_reader(actor)
    policy = lookup.current_version(db, policy_number, actor)
    rows = db.exec(
        select(Endorsement)
        .where(Endorsement.policy_number == policy.number)
        .order_by(Endorsement.seq)
        .execution_options(populate_existing=True)
    ).all()
    return [_view(e) for e in rows]


def _approvable(actor: Actor):  # noqa: ANN202
    return limits_cover(actor.policy_limits, Endorsement.line_code, Endorsement.sum_insured_after)


def endorsement_queue(db: Session, actor: Actor, page: int = 1, size: int = 20) -> Page[QueueRow]:
    """Endorsements and cancellations awaiting this approver (permission and limit), oldest
    first."""
    _require_approver(actor)
    query = (
        select(Endorsement, Customer.name)
        .join(Policy, Policy.id == Endorsement.policy_id)
        .join(Customer, Customer.id == Policy.customer_id)
        .where(Endorsement.status == AWAITING, lookup.visible(actor), _approvable(actor))
        .order_by(Endorsement.created_at, Endorsement.id)
    )
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(
        rows=[
            QueueRow(
                id=e.id,
                policy_number=e.policy_number,
                seq=e.seq,
                label=label(e.seq, e.policy_number),
                kind=e.kind,
                line_code=e.line_code,
                customer_name=name,
                effective_date=e.effective_date,
                sum_insured_after=e.sum_insured_after,
                gross_change=e.gross_change,
                prepared_by=e.prepared_by_code,
                created_at=e.created_at,
            )
            for e, name in rows
        ],
        total=total,
        page=page,
        size=size,
    )


__all__ = [
    "CancellationPreview",
    "EndorsementPreview",
    "EndorsementView",
    "FiguresInForce",
    "QueueRow",
    "approve_endorsement",
    "create_cancellation",
    "create_endorsement",
    "endorsement_queue",
    "figures_in_force",
    "get_endorsement",
    "list_endorsements",
    "preview_cancellation",
    "preview_endorsement",
    "reject_endorsement",
]
