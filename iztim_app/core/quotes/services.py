"""Quote services: price, save (numbered, immutable), revise, approve/reject, list, statistics.

Every function takes the acting user; records outside the actor's scope behave exactly
like numbers that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock, dates
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.models import Customer
from iztim_app.core.customers.services import person_record_ids, search_condition
from iztim_app.core.db import money_sum
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.numbering import next_number, parse_number
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.quotes import pricing, rules
from iztim_app.core.quotes.models import Quote, QuoteStatus
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import Actor, limits_cover
from iztim_app.i18n import translate

QUOTE_SEQUENCE = "quote"
FIRST_QUOTE_NUMBER = 1000001
MAX_REASON = 400


# ------------------------------------------------------------------ inputs and DTOs


@dataclass(frozen=True)
class QuoteInput:
    """What the form sends: text as typed, validated here."""

    line_code: str
    customer_id: int | str | None
    sum_insured: str | Decimal
    start_date: str | date
    end_date: str | date | None = None
    values: dict[str, str] = field(default_factory=dict)
    # Renewals only (core/renewals): the expiring policy, and the day whose tariff prices the
    # quote (the new start) instead of today's. Screens never set them.
    renews_policy_number: int | None = None
    tariff_date: date | None = None


@dataclass(frozen=True)
class PricePreview:
    net_premium: Decimal
    taxes: dict[str, Decimal]
    gross_premium: Decimal
    worksheet: list[dict[str, Any]]
    tariff_version: int
    needs_approval: bool


@dataclass(frozen=True)
class QuoteRow:
    id: int
    number: int
    quote_date: date
    line_code: str
    customer_number: int
    customer_name: str
    customer_kind: str
    sum_insured: Decimal
    gross_premium: Decimal
    status: str  # includes "expired" for open quotes past validity
    prepared_by: str
    channel: str


@dataclass(frozen=True)
class QuoteView:
    id: int
    number: int
    quote_date: date
    valid_until: date
    line_code: str
    customer_id: int
    customer_number: int
    customer_name: str
    customer_kind: str
    customer_group: str
    customer_email: str
    sum_insured: Decimal
    start_date: date
    end_date: date
    values: dict[str, Any]
    tariff_version: int
    tariff_version_id: int
    net_premium: Decimal
    taxes: dict[str, Decimal]
    gross_premium: Decimal
    worksheet: list[dict[str, Any]]
    status: str
    stored_status: str
    channel: str
    prepared_by: str
    approved_by: str | None
    approved_at: datetime | None
    rejected_by: str | None
    rejection_reason: str | None
    revises_number: int | None
    superseded_by_number: int | None
    can_print: bool  # approved, unexpired: may be printed, e-mailed, turned into a policy
    renews_policy_number: int | None = None  # a renewal quote: the expiring policy
    policy_number: int | None = None  # the policy it became, once converted


@dataclass(frozen=True)
class QuoteFilter:
    number: str = ""
    customer: str = ""
    line_code: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    prepared_by: str = ""


@dataclass(frozen=True)
class StatsRow:
    line_code: str
    customer_kind: str
    count: int
    sum_insured: Decimal
    net_premium: Decimal
    gross_premium: Decimal
    approved: int
    converted: int  # became policies


# ------------------------------------------------------------------ helpers


def _visible(actor: Actor):  # noqa: ANN202
    return actor.visible(Quote.prepared_by_id, Quote.office_id, Quote.office_path)


def _require_reader(actor: Actor) -> None:
    actor.require_any("quote.view", "quote.create")


def _find(db: Session, actor: Actor, number, *, lock: bool = False) -> Quote:  # noqa: ANN001
    query = select(Quote).where(Quote.number == parse_number(number), _visible(actor))
    if lock:
        query = query.with_for_update()
    quote = db.exec(query).first()
    if quote is None:
        raise NotFound()
    return quote


def _price(db: Session, actor: Actor, inp: QuoteInput, today: date) -> pricing.PricedForm:
    return pricing.price_form(db, inp, actor=actor, on=inp.tariff_date or today)


# ------------------------------------------------------------------ pricing and saving


def preview(db: Session, actor: Actor, inp: QuoteInput, today: date | None = None) -> PricePreview:
    """The price and worksheet as the form changes; nothing is stored."""
    actor.require("quote.create")
    today = today or clock.today()
    form = _price(db, actor, inp, today)
    version, result, sum_insured = form.version, form.result, form.sum_insured
    return PricePreview(
        net_premium=result.net_premium,
        taxes=dict(result.taxes),
        gross_premium=result.gross_premium,
        worksheet=[step.to_json_dict() for step in result.worksheet],
        tariff_version=version.number,
        needs_approval=not rules.within_limit(actor.quote_limit(inp.line_code), sum_insured),
    )


def save_quote(
    db: Session,
    actor: Actor,
    inp: QuoteInput,
    *,
    revises: int | str | None = None,
    today: date | None = None,
    channel: str | None = None,
) -> QuoteView:
    """Saves a new quote with the next number and today's date.

    A revision (`revises`) supersedes its original."""
    actor.require("quote.create")
    today = today or clock.today()
    original = None
    if revises not in (None, ""):
        original = _find(db, actor, revises)
        if original.status == QuoteStatus.SUPERSEDED.value:
            raise Conflict("quote.already_superseded", number=original.number)
    form = _price(db, actor, inp, today)
    customer, version, result, sum_insured = (
        form.customer,
        form.version,
        form.result,
        form.sum_insured,
    )
    start = form.start
    line = form.tariff.lines[inp.line_code].line
    status = rules.initial_status(actor.quote_limit(inp.line_code), sum_insured)
    now = clock.utcnow()
    quote = Quote(
        number=next_number(db, QUOTE_SEQUENCE, start=FIRST_QUOTE_NUMBER),
        quote_date=today,
        valid_until=rules.valid_until(today, line.quote_valid_days),
        line_code=inp.line_code,
        customer_id=customer.id,
        customer_group=customer.customer_group,
        customer_kind=customer.kind,
        sum_insured=sum_insured,
        start_date=start,
        end_date=result.end,
        values={k: str(v) for k, v in (inp.values or {}).items() if str(v).strip() != ""},
        tariff_version_id=version.id,
        net_premium=result.net_premium,
        taxes={code: str(amount) for code, amount in result.taxes.items()},
        gross_premium=result.gross_premium,
        worksheet=[step.to_json_dict() for step in result.worksheet],
        channel=channel or rules.channel_for(actor.office_kind).value,
        prepared_by_id=actor.user_id or None,
        prepared_by_code=actor.code,
        office_id=actor.office_id,
        office_path=actor.office_path,
        created_at=now,
        revises_id=original.id if original else None,
        # A revision of a renewal quote still renews the same policy.
        renews_policy_number=inp.renews_policy_number
        or (original.renews_policy_number if original else None),
        status=status.value,
        approved_by_code=actor.code if status is QuoteStatus.APPROVED else None,
        approved_at=now if status is QuoteStatus.APPROVED else None,
    )
    db.add(quote)
    db.flush()
    if original is not None:
        previous_status = original.status  # the UPDATE below refreshes `original` in the session
        # Only one revision may supersede a quote, also when two are saved at once.
        taken = db.execute(
            sa.update(Quote)
            .where(Quote.id == original.id, Quote.superseded_by_id.is_(None))
            .values(status=QuoteStatus.SUPERSEDED.value, superseded_by_id=quote.id)
        ).rowcount
        if taken != 1:
            db.rollback()
            raise Conflict("quote.already_superseded", number=original.number)
        audit_log.record(
            db,
            actor,
            "quote.supersede",
            "quote",
            original.number,
            {"status": previous_status},
            {"status": QuoteStatus.SUPERSEDED.value, "superseded_by": quote.number},
        )
    audit_log.record(
        db,
        actor,
        "quote.create",
        "quote",
        quote.number,
        None,
        {
            "number": quote.number,
            "line": quote.line_code,
            "customer": customer.number,
            "sum_insured": sum_insured,
            "gross_premium": quote.gross_premium,
            "status": quote.status,
            "revises": original.number if original else None,
        }
        | ({"renews": quote.renews_policy_number} if quote.renews_policy_number else {}),
    )
    db.commit()
    return get_quote(
        db, actor, quote.number, today=today, customer=customer, tariff_number=version.number
    )


# ------------------------------------------------------------------ reading


_VERSION_NUMBER = sa.select(versions.TariffVersion.__table__.c.number).where(
    versions.TariffVersion.__table__.c.id == sa.bindparam("id")
)


def _view(
    db: Session,
    quote: Quote,
    today: date,
    *,
    customer: Any = None,
    tariff_number: int | None = None,
) -> QuoteView:
    """The quote as shown. `customer` (number, name, email) and `tariff_number`: what the
    caller has just read (saving), else read here (the version's number only, never its
    zip)."""
    if customer is None:
        customer = db.get(Customer, quote.customer_id)
    if tariff_number is None:
        tariff_number = (
            db.connection()
            .execute(_VERSION_NUMBER, {"id": quote.tariff_version_id})
            .scalar_one_or_none()
        )
    revises = db.get(Quote, quote.revises_id) if quote.revises_id else None
    superseded_by = db.get(Quote, quote.superseded_by_id) if quote.superseded_by_id else None
    status = rules.display_status(quote.status, quote.valid_until, today)
    return QuoteView(
        id=quote.id,
        number=quote.number,
        quote_date=quote.quote_date,
        valid_until=quote.valid_until,
        line_code=quote.line_code,
        customer_id=quote.customer_id,
        customer_number=customer.number,
        customer_name=customer.name,
        customer_kind=quote.customer_kind,
        customer_group=quote.customer_group,
        customer_email=customer.email,
        sum_insured=quote.sum_insured,
        start_date=quote.start_date,
        end_date=quote.end_date,
        values=dict(quote.values),
        tariff_version=tariff_number or 0,
        tariff_version_id=quote.tariff_version_id,
        net_premium=quote.net_premium,
        taxes={code: Decimal(amount) for code, amount in quote.taxes.items()},
        gross_premium=quote.gross_premium,
        worksheet=list(quote.worksheet),
        status=status,
        stored_status=quote.status,
        channel=quote.channel,
        prepared_by=quote.prepared_by_code,
        approved_by=quote.approved_by_code,
        approved_at=quote.approved_at,
        rejected_by=quote.rejected_by_code,
        rejection_reason=quote.rejection_reason,
        revises_number=revises.number if revises else None,
        superseded_by_number=superseded_by.number if superseded_by else None,
        can_print=status == QuoteStatus.APPROVED.value,
        renews_policy_number=quote.renews_policy_number,
        policy_number=quote.policy_number,
    )


def get_quote(
    db: Session, actor: Actor, number, today: date | None = None, **known: Any
) -> QuoteView:  # noqa: ANN001
    """`known`: `_view`'s customer / tariff_number when the caller has them (saving)."""
    _require_reader(actor)
    return _view(db, _find(db, actor, number), today or clock.today(), **known)


def _rows(db: Session, query: sa.Select, page: int, size: int, today: date) -> Page[QuoteRow]:
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(
        rows=[
            QuoteRow(
                id=q.id,
                number=q.number,
                quote_date=q.quote_date,
                line_code=q.line_code,
                customer_number=c.number,
                customer_name=c.name,
                customer_kind=q.customer_kind,
                sum_insured=q.sum_insured,
                gross_premium=q.gross_premium,
                status=rules.display_status(q.status, q.valid_until, today),
                prepared_by=q.prepared_by_code,
                channel=q.channel,
            )
            for q, c in rows
        ],
        total=total,
        page=page,
        size=size,
    )


def list_quotes(
    db: Session,
    actor: Actor,
    flt: QuoteFilter,
    page: int = 1,
    size: int = 20,
    today: date | None = None,
) -> Page[QuoteRow]:
    _require_reader(actor)
    today = today or clock.today()
    dates.check_order(flt.date_from, flt.date_to, "date_to")
    query = (
        select(Quote, Customer)
        .join(Customer, Customer.id == Quote.customer_id)
        .where(_visible(actor))
    )
    if flt.number.strip():
        query = query.where(Quote.number == _parse_number_or_zero(flt.number))
    customer = search_condition(flt.customer)
    if customer is not None:
        query = query.where(customer)
    if flt.line_code:
        query = query.where(Quote.line_code == flt.line_code)
    if flt.status == "expired":
        query = query.where(Quote.status.in_(rules.OPEN_STATUSES), Quote.valid_until < today)
    elif flt.status in {s.value for s in QuoteStatus}:
        query = query.where(Quote.status == flt.status)
        if flt.status in rules.OPEN_STATUSES:
            query = query.where(Quote.valid_until >= today)
    if flt.date_from:
        query = query.where(Quote.quote_date >= flt.date_from)
    if flt.date_to:
        query = query.where(Quote.quote_date <= flt.date_to)
    if flt.prepared_by.strip():
        query = query.where(
            sa.func.lower(Quote.prepared_by_code) == flt.prepared_by.strip().lower()
        )
    return _rows(db, query.order_by(Quote.number.desc()), page, size, today)


def customer_quotes(
    db: Session,
    actor: Actor,
    customer_number,  # noqa: ANN001
    page: int = 1,
    size: int = 20,
    today: date | None = None,
) -> Page[QuoteRow]:
    """The customer page's quotes: on this record and the same person's other records the
    actor sees (other portfolios, for head office), each quote within the actor's scope."""
    _require_reader(actor)
    ids = person_record_ids(db, actor, customer_number)
    query = (
        select(Quote, Customer)
        .join(Customer, Customer.id == Quote.customer_id)
        .where(_visible(actor), Quote.customer_id.in_(ids))
        .order_by(Quote.number.desc())
    )
    return _rows(db, query, page, size, today or clock.today())


def _parse_number_or_zero(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return 0


# ------------------------------------------------------------------ approval


def _approvable_condition(actor: Actor):  # noqa: ANN202
    return limits_cover(actor.quote_limits, Quote.line_code, Quote.sum_insured)


def approval_queue(
    db: Session, actor: Actor, page: int = 1, size: int = 20, today: date | None = None
) -> Page[QuoteRow]:
    """Awaiting quotes this approver's permission and limits cover, oldest first."""
    actor.require("quote.approve")
    today = today or clock.today()
    query = (
        select(Quote, Customer)
        .join(Customer, Customer.id == Quote.customer_id)
        .where(
            _visible(actor),
            Quote.status == QuoteStatus.AWAITING_APPROVAL.value,
            Quote.valid_until >= today,
            _approvable_condition(actor),
        )
        .order_by(Quote.created_at, Quote.number)
    )
    return _rows(db, query, page, size, today)


def _decide(
    db: Session, actor: Actor, number, today: date | None, values: dict, action: str
) -> QuoteView:  # noqa: ANN001
    actor.require("quote.approve")
    today = today or clock.today()
    quote = _find(db, actor, number)
    if not rules.within_limit(actor.quote_limit(quote.line_code), quote.sum_insured):
        raise PermissionDenied("quote.over_approver_limit")
    if rules.is_expired(quote.status, quote.valid_until, today):
        raise Conflict("quote.expired", number=quote.number)
    # One decision only: the row changes only while it still awaits approval.
    changed = db.execute(
        sa.update(Quote)
        .where(Quote.id == quote.id, Quote.status == QuoteStatus.AWAITING_APPROVAL.value)
        .values(**values)
    ).rowcount
    if changed != 1:
        db.rollback()
        current = db.get(Quote, quote.id)
        db.refresh(current)
        raise Conflict("quote.already_decided", number=quote.number, status=current.status)
    audit_log.record(
        db,
        actor,
        action,
        "quote",
        quote.number,
        {"status": QuoteStatus.AWAITING_APPROVAL.value},
        {k: v for k, v in values.items()},
    )
    db.commit()
    db.expire_all()
    return get_quote(db, actor, quote.number, today=today)


def approve(db: Session, actor: Actor, number, today: date | None = None) -> QuoteView:  # noqa: ANN001
    return _decide(
        db,
        actor,
        number,
        today,
        {
            "status": QuoteStatus.APPROVED.value,
            "approved_by_code": actor.code,
            "approved_at": clock.utcnow(),
        },
        "quote.approve",
    )


def reject(db: Session, actor: Actor, number, reason: str, today: date | None = None) -> QuoteView:  # noqa: ANN001
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("quote.reason_required", field="reason")
    return _decide(
        db,
        actor,
        number,
        today,
        {
            "status": QuoteStatus.REJECTED.value,
            "rejected_by_code": actor.code,
            "rejected_at": clock.utcnow(),
            "rejection_reason": reason[:MAX_REASON],
        },
        "quote.reject",
    )


# ------------------------------------------------------------------ statistics


def statistics(db: Session, actor: Actor, date_from: date, date_to: date) -> list[StatsRow]:
    """Quotes between two dates by line and individual/corporate, aggregated in the database."""
    actor.require_any("report.view", "quote.view")
    if date_from is None or date_to is None:
        raise ValidationFailed(
            "error.required", field="date_from" if date_from is None else "date_to"
        )
    dates.check_order(date_from, date_to, "date_to")
    approved = sa.case((Quote.status == QuoteStatus.APPROVED.value, 1), else_=0)
    converted = sa.case((Quote.policy_number.is_not(None), 1), else_=0)
    query = (
        select(
            Quote.line_code,
            Quote.customer_kind,
            sa.func.count(Quote.id),
            money_sum(Quote.sum_insured),
            money_sum(Quote.net_premium),
            money_sum(Quote.gross_premium),
            sa.func.sum(approved),
            sa.func.sum(converted),
        )
        .where(_visible(actor), Quote.quote_date >= date_from, Quote.quote_date <= date_to)
        .group_by(Quote.line_code, Quote.customer_kind)
        .order_by(Quote.line_code, Quote.customer_kind)
    )
    return [
        StatsRow(
            line,
            kind,
            int(count),
            si,
            net,
            gross,
            int(appr or 0),
            int(conv or 0),
        )
        for line, kind, count, si, net, gross, appr, conv in db.exec(query).all()
    ]


# ------------------------------------------------------------------ printing


def field_rows(db: Session, view: QuoteView, lang: str) -> list[tuple[str, str]]:
    """The line's own fields of a quote as label → readable value, in form order."""
    tariff = versions.tariff_set_of(db.get(versions.TariffVersion, view.tariff_version_id))
    line = tariff.lines.get(view.line_code)
    if line is None:
        return [(k, str(v)) for k, v in view.values.items()]
    rows: list[tuple[str, str]] = []
    for f in line.fields:
        if f.name not in view.values:
            continue
        raw = str(view.values[f.name])
        choice = next((c for c in line.choices_for(f.name) if c.value == raw), None)
        if choice is not None:
            raw = choice.label(lang)
        elif f.type == "boolean":
            raw = translate("common.yes" if raw == "yes" else "common.no", lang)
        elif f.type == "date":
            try:
                raw = clock.format_date(date.fromisoformat(raw))
            except ValueError:
                pass
        rows.append((f.label(lang), raw))
    return rows


# ------------------------------------------------------------------ dashboard


@dataclass(frozen=True)
class WorkSummary:
    awaiting: int  # open quotes in my scope waiting for an approver
    approved: int  # approved quotes still valid: ready to become policies
    queue: int | None  # quotes waiting for my own decision (approvers only)


def work_summary(db: Session, actor: Actor, today: date | None = None) -> WorkSummary:
    """What needs attention, for the home screen; counted in the database, within scope."""
    _require_reader(actor)
    today = today or clock.today()

    def count(status: str) -> int:
        query = select(sa.func.count(Quote.id)).where(
            _visible(actor), Quote.status == status, Quote.valid_until >= today
        )
        return int(db.exec(query).one())

    queue = approval_queue(db, actor, 1, 1, today).total if actor.can("quote.approve") else None
    return WorkSummary(
        awaiting=count(QuoteStatus.AWAITING_APPROVAL.value),
        approved=count(QuoteStatus.APPROVED.value),
        queue=queue,
    )
