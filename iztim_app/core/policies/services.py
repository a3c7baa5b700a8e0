"""Policy services: from a quote or directly, preview, issue (numbered), approve/reject,
un-approve into a new draft version, edit and submit the draft, read, list, history.

Every function takes the acting user; a policy outside the actor's scope behaves exactly
like a number that does not exist. A policy is its number; its current version is the row
with the highest version. Rows leave draft only through conditional UPDATEs, so two users
deciding at once get exactly one decision (the other a `Conflict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock, dates, records
from iztim_app.core.audit import services as audit_log
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.commissions import earning
from iztim_app.core.commissions.models import CommissionEntry
from iztim_app.core.customers.models import Customer
from iztim_app.core.customers.services import person_record_ids, search_condition
from iztim_app.core.db import from_kurus, to_kurus
from iztim_app.core.endorsements.models import Endorsement, EndorsementStatus
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.installments import rules as installment_rules
from iztim_app.core.installments import services as installment_services
from iztim_app.core.installments.models import Installment
from iztim_app.core.numbering import DRAW_CTE, DRAWN_NUMBER, draw_params, next_number, parse_number
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.policies import access_codes, in_force, lookup, rules
from iztim_app.core.policies.models import DECISION_COLUMNS, Policy, PolicyStatus
from iztim_app.core.portal.request_models import PortalRequest, RequestStatus
from iztim_app.core.quotes import pricing
from iztim_app.core.quotes import rules as quote_rules
from iztim_app.core.quotes.models import Quote, QuoteStatus
from iztim_app.core.reports import production
from iztim_app.core.reports.posting import LOOK_UP_RATE
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import Actor, limits_cover

POLICY_SEQUENCE = "policy"
FIRST_POLICY_NUMBER = 5000001
MAX_REASON = 400
# The one refusal for a quote number that cannot become a policy: unknown, out of scope,
# not approved, expired or already a policy all read the same.
QUOTE_UNUSABLE = "policy.quote_unusable"


# ------------------------------------------------------------------ inputs and DTOs


@dataclass(frozen=True)
class PolicyInput:
    """What the policy form sends: text as typed, validated here. With `quote_number` the
    policy is issued from that quote (same line and customer, priced on its tariff)."""

    line_code: str
    customer_id: int | str | None
    sum_insured: str | Decimal
    start_date: str | date
    end_date: str | date | None = None
    values: dict[str, str] = field(default_factory=dict)
    installment_count: int | str = 1
    quote_number: int | str | None = None


@dataclass(frozen=True)
class InstallmentLine:
    seq: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PolicyPreview:
    """The finished policy as it will print, before it is saved (no number used)."""

    line_code: str
    customer_id: int
    customer_number: int
    customer_name: str
    customer_kind: str
    customer_group: str
    sum_insured: Decimal
    start_date: date
    end_date: date
    days: int
    values: dict[str, str]
    tariff_version: int
    tariff_version_id: int
    net_premium: Decimal
    taxes: dict[str, Decimal]
    gross_premium: Decimal
    worksheet: list[dict[str, Any]]
    installment_count: int
    installments: list[InstallmentLine]
    quote_number: int | None
    needs_approval: bool  # over the actor's policy limit: it will await approval


@dataclass(frozen=True)
class PolicyView:
    id: int
    number: int
    version: int
    latest_version: int
    is_current: bool
    status: str  # PolicyStatus value
    issue_date: date
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
    installment_count: int
    channel: str
    prepared_by: str
    created_at: datetime
    quote_number: int | None
    renews_policy_number: int | None
    approved_by: str | None
    approved_at: datetime | None
    rejected_by: str | None
    rejected_at: datetime | None
    rejection_reason: str | None
    unapproved_by: str | None
    unapproved_at: datetime | None
    unapproval_reason: str | None
    cancelled_from: date | None
    # Figures in force: after this version's approved endorsements (else its own figures).
    sum_insured_in_force: Decimal
    net_in_force: Decimal
    taxes_in_force: dict[str, Decimal]
    gross_in_force: Decimal
    can_print: bool  # the current version, approved or cancelled


@dataclass(frozen=True)
class IssueResult:
    """A saved policy and what to tell the user: approved at once, or over the limit and
    waiting for a head-office approver of the line (`message` is a catalogue key)."""

    policy: PolicyView
    approved: bool
    limit_exceeded: bool
    message: str


@dataclass(frozen=True)
class PolicyRow:
    id: int
    number: int
    version: int
    issue_date: date
    line_code: str
    customer_number: int
    customer_name: str
    customer_kind: str
    sum_insured: Decimal
    gross_premium: Decimal
    start_date: date
    end_date: date
    status: str
    prepared_by: str
    channel: str


@dataclass(frozen=True)
class VersionRow:
    """One version in a policy's history (every version stays readable)."""

    id: int
    number: int
    version: int
    status: str
    created_at: datetime
    sum_insured: Decimal
    net_premium: Decimal
    gross_premium: Decimal
    prepared_by: str
    approved_by: str | None
    approved_at: datetime | None
    rejected_by: str | None
    rejection_reason: str | None
    unapproved_by: str | None
    unapproved_at: datetime | None
    unapproval_reason: str | None


@dataclass(frozen=True)
class PolicyFilter:
    number: str = ""
    customer: str = ""
    line: str = ""
    status: str = ""
    date_from: date | None = None  # issue date
    date_to: date | None = None
    preparer: str = ""


# ------------------------------------------------------------------ helpers


def _visible(actor: Actor) -> sa.ColumnElement[bool]:
    return lookup.visible(actor)


def _require_reader(actor: Actor) -> None:
    actor.require_ready()  # a pending temporary password: say so, not 'no permission'
    if not (actor.can("policy.view") or actor.can("policy.issue")):
        raise PermissionDenied(permission="policy.view")


def _require_editor(actor: Actor) -> None:
    """Editing and submitting a draft changes a policy that was approved: never agencies."""
    actor.require("policy.issue")
    if actor.is_agency:
        raise PermissionDenied("policy.agency_never_changes", permission="policy.issue")


def _current_version_of():  # noqa: ANN202
    """Subquery: number → highest version."""
    return (
        select(Policy.number.label("number"), sa.func.max(Policy.version).label("version"))
        .group_by(Policy.number)
        .subquery()
    )


def _find(db: Session, actor: Actor, number: Any, version: Any = None) -> Policy:
    """The current version (or the one asked for) of a visible policy."""
    query = select(Policy).where(Policy.number == parse_number(number), _visible(actor))
    if version not in (None, ""):
        query = query.where(Policy.version == parse_number(version))
    else:
        query = query.order_by(Policy.version.desc())
    policy = db.exec(query).first()
    if policy is None:
        raise NotFound()
    return policy


# No such quote, or one outside the caller's scope (the two indistinguishable): the API's
# 404. Screens show it in QUOTE_UNUSABLE's words, so they do not reveal that a quote exists.
QUOTE_UNKNOWN = "policy.quote_unknown"


# What issuing and the policy form read of a quote, with the pricing columns of its tariff
# version (`versions.pricing_tariff`): one plain row, one statement, no ORM object.
_TARIFF_VERSION = versions.TariffVersion.__table__
_QUOTE_ROW = sa.select(
    *(
        Quote.__table__.c[name]
        for name in (
            "id",
            "number",
            "status",
            "valid_until",
            "policy_number",
            "line_code",
            "customer_id",
            "sum_insured",
            "start_date",
            "end_date",
            "values",
            "tariff_version_id",
            "renews_policy_number",
        )
    ),
    _TARIFF_VERSION.c.number.label("tariff_number"),
    _TARIFF_VERSION.c.sha256.label("tariff_sha256"),
).select_from(
    Quote.__table__.outerjoin(
        _TARIFF_VERSION, _TARIFF_VERSION.c.id == Quote.__table__.c.tariff_version_id
    )
)


def _quote_statement(actor: Actor) -> sa.Select:
    """The quote, with its customer (`c_…`) when the actor may price for that customer."""
    table, customer = Quote.__table__, pricing.CUSTOMER_TABLE
    return (
        _QUOTE_ROW.add_columns(*(c.label(f"c_{c.name}") for c in pricing.CUSTOMER_COLUMNS))
        .outerjoin(
            customer,
            sa.and_(customer.c.id == table.c.customer_id, pricing.customer_visible(actor)),
        )
        .where(
            table.c.number == sa.bindparam("n"),
            actor.visible(table.c.prepared_by_id, table.c.office_id, table.c.office_path),
        )
    )


def _claim_statement(actor: Actor) -> sa.Select:
    """`_quote_statement` for issuing: the quote locked (a portal request for it is made
    under the same lock) with its open portal request (`r_id`, `r_quote_number`; at most
    one is open) and, for an agency, the rate in force for the quote's line on `:rate_day`
    (`earning.rate_columns`): what issuing needs before the number is drawn, in one
    statement."""
    table = Quote.__table__
    statement = (
        _quote_statement(actor)
        .add_columns(_REQUEST.c.id.label("r_id"), _REQUEST.c.quote_number.label("r_quote_number"))
        .outerjoin(
            _REQUEST,
            sa.and_(
                _REQUEST.c.quote_id == table.c.id,
                _REQUEST.c.status == RequestStatus.OPEN.value,
            ),
        )
        .with_for_update(of=table)
    )
    if quote_rules.channel_for(actor.office_kind).value == earning.AGENCY:
        statement = statement.add_columns(
            *earning.rate_columns(actor.office_id, table.c.line_code, sa.bindparam("rate_day"))
        )
    return statement


def _quote(
    db: Session, actor: Actor, number: Any, today: date, claim_on: date | None = None
) -> sa.Row:
    """A quote that may become a policy now (a plain row, `_QUOTE_ROW`). Refused as
    QUOTE_UNKNOWN when the caller sees no such quote, as QUOTE_UNUSABLE when a visible one
    cannot be used (not approved, expired, already a policy): the API answers 404 and 409
    for the two. With `claim_on` (issuing, its Turkish day), claimed: `_claim_statement`'s
    row, the quote locked until the transaction ends."""
    try:
        n = int(str(number).strip())
    except (TypeError, ValueError):
        n = None
    quote = None
    if n is not None:
        if claim_on is None:
            statement = pricing.scoped("policy.quote", actor, _quote_statement)
            quote = db.connection().execute(statement, {"n": n}).first()
        else:
            statement = pricing.scoped("policy.quote.claim", actor, _claim_statement)
            quote = db.connection().execute(statement, {"n": n, "rate_day": claim_on}).first()
    if quote is None:
        raise ValidationFailed(QUOTE_UNKNOWN, field="quote_number", number=str(number or ""))
    if rules.quote_problem(quote.status, quote.valid_until, quote.policy_number, today):
        raise ValidationFailed(QUOTE_UNUSABLE, field="quote_number", number=str(number or ""))
    return quote


@dataclass(frozen=True)
class _Priced:
    form: pricing.PricedForm
    installment_count: int
    quote: sa.Row | None  # `_QUOTE_ROW`


def _price(
    db: Session,
    actor: Actor,
    inp: PolicyInput,
    today: date,
    *,
    version: versions.TariffVersion | None = None,
    claim_on: date | None = None,
) -> _Priced:
    """Validates and prices the form. From a quote: the quote's line, customer and tariff
    version (`claim_on`: issuing's day, the quote claimed, see `_quote`); an edited draft:
    the policy's own tariff version (`version`)."""
    quote = None
    if inp.quote_number not in (None, ""):
        quote = _quote(db, actor, inp.quote_number, today, claim_on)
        if str(inp.line_code) != quote.line_code:
            raise ValidationFailed("policy.quote_mismatch", field="line")
        if str(inp.customer_id) != str(quote.customer_id):
            raise ValidationFailed("policy.quote_mismatch", field="customer")
        version = None
        if quote.tariff_sha256 is not None:  # read with the quote: no second statement
            version, _ = versions.pricing_tariff(
                db, quote.tariff_version_id, quote.tariff_number, quote.tariff_sha256
            )
        # The customer was read with the quote (the form's: checked equal above).
        form = pricing.price_form(
            db,
            inp,
            actor=actor,
            on=today,
            version=version,
            customer=pricing.customer_of(quote, "c_"),
        )
    else:
        form = pricing.price_form(db, inp, actor=actor, on=today, version=version)
    line = form.tariff.lines[inp.line_code].line
    count = installment_rules.check_count(inp.installment_count, line.max_installments)
    return _Priced(form, count, quote)


def _taxes_json(taxes: dict[str, Decimal]) -> dict[str, str]:
    return {code: str(amount) for code, amount in taxes.items()}


def _figures(policy: Policy) -> dict[str, Any]:
    """What the audit trail keeps of a version's priced data."""
    return {
        "number": policy.number,
        "version": policy.version,
        "line": policy.line_code,
        "sum_insured": policy.sum_insured,
        "start_date": policy.start_date,
        "end_date": policy.end_date,
        "values": dict(policy.values),
        "net_premium": policy.net_premium,
        "gross_premium": policy.gross_premium,
        "installment_count": policy.installment_count,
        "status": policy.status,
    }


def _on_approved(db: Session, policy: Policy) -> None:
    """Side effects of a version becoming approved, called explicitly inside the same
    transaction: the installment plan (kept, and adjusted, when a version is re-approved),
    the portal access code (made once per policy) and the day's production. (Issuing makes
    the same rows itself around the number's draw: see `issue`.)"""
    installment_services.create_plan(db, policy)
    access_codes.ensure(db, policy)
    production.post_policy(db, policy)


# ------------------------------------------------------------------ from a quote, preview


def from_quote(
    db: Session, actor: Actor, quote_number: Any, today: date | None = None
) -> PolicyInput:
    """The policy form filled in from an approved, unexpired quote not yet a policy."""
    actor.require("policy.issue")
    quote = _quote(db, actor, quote_number, today or clock.today())
    return PolicyInput(
        line_code=quote.line_code,
        customer_id=quote.customer_id,
        sum_insured=quote.sum_insured,
        start_date=quote.start_date,
        end_date=quote.end_date,
        values={k: str(v) for k, v in quote.values.items()},
        installment_count=1,
        quote_number=quote.number,
    )


def preview(
    db: Session,
    actor: Actor,
    inp: PolicyInput,
    today: date | None = None,
    draft: Any = None,
) -> PolicyPreview:
    """The finished policy as it will print, with its installments; nothing is stored and
    no number is used. With `draft` (a policy number), the edited draft of that policy,
    priced exactly as `update_draft` will save it (on the policy's own tariff version)."""
    actor.require("policy.issue")
    today = today or clock.today()
    if draft not in (None, ""):
        _, priced = _price_draft(db, actor, draft, inp, today)
    else:
        priced = _price(db, actor, inp, today)
    form, result = priced.form, priced.form.result
    plan = installment_rules.plan(
        result.gross_premium,
        priced.installment_count,
        form.start,
        form.tariff.lines[inp.line_code].line.max_installments,
    )
    return PolicyPreview(
        line_code=inp.line_code,
        customer_id=form.customer.id,
        customer_number=form.customer.number,
        customer_name=form.customer.name,
        customer_kind=form.customer.kind,
        customer_group=form.customer.customer_group,
        sum_insured=form.sum_insured,
        start_date=form.start,
        end_date=result.end,
        days=result.days,
        values=dict(form.values),
        tariff_version=form.version.number,
        tariff_version_id=form.version.id,
        net_premium=result.net_premium,
        taxes=dict(result.taxes),
        gross_premium=result.gross_premium,
        worksheet=[step.to_json_dict() for step in result.worksheet],
        installment_count=priced.installment_count,
        installments=[InstallmentLine(i.seq, i.due_date, i.amount) for i in plan],
        quote_number=priced.quote.number if priced.quote else None,
        needs_approval=not quote_rules.within_limit(
            actor.policy_limit(inp.line_code), form.sum_insured
        ),
    )


# ------------------------------------------------------------------ issuing


def _result(db: Session, actor: Actor, policy: Policy) -> IssueResult:
    approved = policy.status == PolicyStatus.APPROVED.value
    return IssueResult(
        policy=get_policy(db, actor, policy.number),
        approved=approved,
        limit_exceeded=not approved,
        message="policy.issued_approved" if approved else "policy.issued_awaiting",
    )


def issue(db: Session, actor: Actor, inp: PolicyInput, today: date | None = None) -> IssueResult:
    """Saves the policy with the next company-wide number: approved when the actor's policy
    limit for the line covers it (the actor is the approver), else awaiting approval.

    The number is drawn inside the transaction: anything failing after it rolls back and
    gives the number back, so numbers stay gapless. The sequence row stays locked from the
    draw to COMMIT, and every issuer queues on it, so everything that does not need the
    number happens before the draw (pricing, the quote claimed, its portal request looked
    up, the installment plan, the commission rate, the production summary); then the rows
    that carry the number are written (`_write_issued`) and committed. On PostgreSQL the
    draw is part of that one statement, sent together with COMMIT, so the row is locked for
    one round trip (a renewal quote draws first: its check must see earlier renewals)."""
    actor.require("policy.issue")
    today = today or clock.today()
    now = clock.utcnow()  # the approval's time: its Turkish day is the commission's
    priced = _price(db, actor, inp, today, claim_on=production.turkish_day(now))
    form, result, quote = priced.form, priced.form.result, priced.quote
    status = rules.initial_status(actor.policy_limit(inp.line_code), form.sum_insured)
    approved = status is PolicyStatus.APPROVED
    row = {
        "number": 0,  # drawn below: the sequence row stays locked from the draw to commit
        "version": 1,
        "status": status.value,
        "issue_date": today,
        "line_code": inp.line_code,
        "customer_id": form.customer.id,
        "customer_group": form.customer.customer_group,
        "customer_kind": form.customer.kind,
        "sum_insured": form.sum_insured,
        "start_date": form.start,
        "end_date": result.end,
        "values": dict(form.values),
        "tariff_version_id": form.version.id,
        "net_premium": result.net_premium,
        "taxes": _taxes_json(result.taxes),
        "gross_premium": result.gross_premium,
        "worksheet": [step.to_json_dict() for step in result.worksheet],
        "installment_count": priced.installment_count,
        "channel": quote_rules.channel_for(actor.office_kind).value,
        "prepared_by_id": actor.user_id or None,
        "prepared_by_code": actor.code,
        "office_id": actor.office_id,
        "office_path": actor.office_path,
        "created_at": now,
        "quote_id": quote.id if quote else None,
        # A policy from a renewal quote renews the quote's expiring policy (core/renewals).
        "renews_policy_number": quote.renews_policy_number if quote else None,
        "approved_by_code": actor.code if approved else None,
        "approved_at": now if approved else None,
    } | dict.fromkeys(DECISION_COLUMNS - {"approved_by_code", "approved_at"})
    customer = form.customer.number, form.customer.name, form.customer.email
    tariff_version, quote_number = form.version.number, quote.number if quote else None
    try:
        # The quote was claimed with its open portal request (`_claim_statement`).
        request = _OpenRequest(quote.r_id, quote.r_quote_number) if quote and quote.r_id else None
        plan: list[dict[str, Any]] = []
        entry = None
        renewal = quote is not None and quote.renews_policy_number is not None
        drawn_by_write = db.get_bind().dialect.name == "postgresql" and not renewal
        # Then the summary's upsert is sent with the write, just before it (one round trip
        # fewer; the number is still drawn after the summary rows are locked).
        queue: list[records.Queued] | None = [] if drawn_by_write else None
        if approved:
            plan = installment_services.plan_rows(
                0,
                row["gross_premium"],
                row["installment_count"],
                row["start_date"],
                form.tariff.lines[inp.line_code].line.max_installments,
                clock.utcnow(),
            )
            # an agency's rate was read with the quote (`_claim_statement`)
            rate = earning.rate_of(quote) if quote is not None else LOOK_UP_RATE
            entry = production.post_issued(db, _Stored(row), rate, queue)
        if drawn_by_write:
            number: Any = records.DRAWN  # drawn by the write statement itself (one round trip)
        else:
            number = next_number(db, POLICY_SEQUENCE, start=FIRST_POLICY_NUMBER)
            if renewal:
                # After the number is drawn: issues at the same moment wait on the sequence
                # row, so the second one sees the first one's renewal.
                _check_not_renewed(db, quote.renews_policy_number)
        row["number"] = number
        audits = [
            audit_log.event_row(
                actor,
                "policy.issue",
                "policy",
                number,
                None,
                _figures(_Stored(row))
                | {
                    "customer": customer[0],
                    "quote": quote_number,
                    "approved_by": row["approved_by_code"],
                },
            )
        ]
        if quote is not None:
            audits.append(
                audit_log.event_row(
                    actor,
                    "quote.convert",
                    "quote",
                    quote_number,
                    {"policy_number": None},
                    {"policy_number": number},
                )
            )
        rows: list[tuple[sa.Table, list[dict[str, Any]]]] = [(_AUDIT, audits)]
        if approved:
            rows.append((_INSTALLMENT, [r | {"policy_number": number} for r in plan]))
            rows.append((_ACCESS_CODE, [access_codes.new_row(number)]))
            if entry is not None:
                rows.append((_COMMISSION, [entry | {"policy_number": number}]))
        policy_id, row["number"] = _write_issued(db, actor, row, quote, request, rows, queue or [])
        db.commit()  # on PostgreSQL the write statement has committed: bookkeeping only
    except BaseException:
        db.rollback()
        raise
    finally:
        db.expire_all()  # the quote's link was written by a plain UPDATE
    # The view shows what was stored, built from the values written (as the columns store
    # them: money in kuruş), the customer and tariff version read above: nothing re-read.
    stored = _Stored(row | _as_stored(row), id=policy_id)
    figures = in_force.figures(stored, [])
    view = _view_of(
        stored,
        customer=customer,
        tariff_version=tariff_version,
        quote_number=quote_number,
        latest=1,
        in_force=(figures.sum_insured, figures.net_premium, figures.taxes, figures.gross_premium),
    )
    return IssueResult(
        policy=view,
        approved=approved,
        limit_exceeded=not approved,
        message="policy.issued_approved" if approved else "policy.issued_awaiting",
    )


class _Stored:
    """A policy's column values as attributes (what the postings, the audit figures and the
    view read), for a row issuing inserts with a plain INSERT instead of an ORM object."""

    def __init__(self, row: dict[str, Any], **more: Any) -> None:
        self.__dict__.update(row, **more)


_MONEY = ("sum_insured", "net_premium", "gross_premium")


def _as_stored(row: dict[str, Any]) -> dict[str, Any]:
    """Money as read back from its column (whole kuruş, two places)."""
    return {name: from_kurus(to_kurus(row[name])) for name in _MONEY}


_POLICY = Policy.__table__
_QUOTE = Quote.__table__
_AUDIT = AuditEvent.__table__
_INSTALLMENT = Installment.__table__
_ACCESS_CODE = access_codes.PolicyAccessCode.__table__
_COMMISSION = CommissionEntry.__table__


_REQUEST = PortalRequest.__table__


@dataclass(frozen=True)
class _OpenRequest:
    """The quote's open portal request, closed by issuing (`portal.requests`)."""

    id: int
    quote_number: int


# Built once per shape (the tables written and their columns).
_ISSUE_WRITES: dict[tuple[Any, ...], sa.TextClause] = {}
# The statement refuses itself when the quote's link is taken (an error, not a count: the
# COMMIT sent with it must find the transaction failed). Not a constant: never folded early.
_REFUSED = (
    f"CAST(CASE WHEN (SELECT count(*) FROM q) = 1 THEN '1' ELSE '{QUOTE_UNUSABLE}' END AS int)"
)


def _issue_statement(
    db: Session,
    row: dict[str, Any],
    linked: bool,
    requested: tuple[dict[str, Any], dict[str, Any]] | None,
    drawn: bool,
    rows: list[tuple[sa.Table, list[dict[str, Any]]]],
) -> sa.TextClause:
    """PostgreSQL: the number's draw (`drawn`), the policy, the quote's link, the portal
    request closed (`requested`: its values and audit row) and `rows` in ONE statement
    (data-modifying CTEs), each table's rows one JSON parameter (`core/records`). Answers
    the policy id and number."""
    closing = tuple(map(tuple, requested)) if requested else None
    shape = (tuple(row), linked, closing, drawn, *((t.name, tuple(r[0])) for t, r in rows if r))
    statement = _ISSUE_WRITES.get(shape)
    if statement is None:
        dialect = db.get_bind().dialect
        number = DRAWN_NUMBER if drawn else ":number"
        into = DRAWN_NUMBER if drawn else None

        def insert(table: sa.Table, columns: Any, param: str, where: str | None = None) -> str:
            return records.insert_sql(table, list(columns), param, dialect, drawn=into, where=where)

        ctes = [DRAW_CTE] if drawn else []
        ctes.append(f"p AS ({insert(_POLICY, row, 'p')} RETURNING id)")
        ctes += [f"t{k} AS ({insert(t, r[0], f't{k}')})" for k, (t, r) in enumerate(rows) if r]
        answer = f"(SELECT id FROM p), {number}"
        if linked:
            ctes.append(
                f"q AS (UPDATE quote SET policy_number = {number} WHERE id = :q_id"
                f" AND policy_number IS NULL AND status = '{QuoteStatus.APPROVED.value}'"
                " RETURNING id)"
            )
            answer += f", {_REFUSED}"
        if requested:  # closed while still open; its audit row only then
            done, audit = requested
            still_open = f"t.id = :r_id AND t.status = '{RequestStatus.OPEN.value}'"
            update = records.update_sql(_REQUEST, list(done), "r", dialect, still_open, drawn=into)
            ctes.append(f"r AS ({update})")
            ctes.append(f"ra AS ({insert(_AUDIT, audit, 'ra', 'EXISTS (SELECT 1 FROM r)')})")
        statement = sa.text(f"WITH {', '.join(ctes)} SELECT {answer}")
        _ISSUE_WRITES[shape] = statement
    return statement


def _write_issued(
    db: Session,
    actor: Actor,
    row: dict[str, Any],
    quote: sa.Row | None,  # `_QUOTE_ROW`
    request: Any,
    rows: list[tuple[sa.Table, list[dict[str, Any]]]],
    queue: list[records.Queued],
) -> tuple[int, int]:
    """Writes the rows that carry the number: the policy, the quote's link (once: a second
    policy from it at the same moment finds the link taken and is refused like any unusable
    quote), the quote's open portal request closed, and `rows` (audit, installments, access
    code, commission). On PostgreSQL in ONE statement sent with COMMIT, after the `queue`d
    ones (the summary's upsert), in one round trip (the number, when it is `records.DRAWN`,
    drawn in it: the sequence row is locked while the server runs it and commits);
    elsewhere one statement per table (the queue is empty), the caller commits. Returns the
    policy's id and number."""
    from iztim_app.core.portal import requests as portal_requests  # noqa: PLC0415

    number = row["number"]
    dialect = db.get_bind().dialect
    if dialect.name == "postgresql":
        drawn = number == records.DRAWN
        params: dict[str, Any] = {"p": records.as_json(_POLICY, [row], dialect)}
        for k, (table, r) in enumerate(rows):  # the names `_issue_statement` gave them
            if r:
                params[f"t{k}"] = records.as_json(table, r, dialect)
        params |= draw_params(POLICY_SEQUENCE, FIRST_POLICY_NUMBER) if drawn else {"number": number}
        if quote is not None:
            params["q_id"] = quote.id
        closing = None
        if request is not None:
            done = portal_requests.done_values(actor, number)
            audit = portal_requests.done_audit_row(actor, request, number)
            closing = done, audit
            params |= {
                "r_id": request.id,
                "r": records.as_json(_REQUEST, [done], dialect),
                "ra": records.as_json(_AUDIT, [audit], dialect),
            }
        statement = _issue_statement(db, row, quote is not None, closing, drawn, rows)
        try:
            policy_id, number, *_ = records.execute_and_commit(db, statement, params, queue)
        except sa.exc.DataError as exc:  # `_REFUSED`: the quote's link is taken
            if QUOTE_UNUSABLE not in str(exc.orig):
                raise
            raise _unusable(quote) from None
        return int(policy_id), int(number)
    policy_id = db.execute(sa.insert(_POLICY).returning(_POLICY.c.id), row).scalar_one()
    if quote is not None:
        taken = db.execute(
            sa.update(_QUOTE)
            .where(
                _QUOTE.c.id == quote.id,
                _QUOTE.c.policy_number.is_(None),
                _QUOTE.c.status == QuoteStatus.APPROVED.value,
            )
            .values(policy_number=number)
        ).rowcount
        if taken != 1:
            raise _unusable(quote)
    for table, r in rows:
        if r:
            db.execute(sa.insert(table), r)
    if request is not None:
        portal_requests.quote_became_policy(
            db, actor, quote.id, number, looked_up=True, request=request
        )
    return int(policy_id), int(number)


def _unusable(quote: Quote) -> ValidationFailed:
    return ValidationFailed(QUOTE_UNUSABLE, field="quote_number", number=str(quote.number))


def _check_not_renewed(db: Session, expiring: int) -> None:
    """A policy is renewed once: a second renewal quote of it never becomes a policy while
    a renewal policy stands (its current version anything but rejected)."""
    current = _current_version_of()
    existing = db.exec(
        select(sa.func.min(Policy.number))
        .join(
            current, sa.and_(current.c.number == Policy.number, current.c.version == Policy.version)
        )
        .where(
            Policy.renews_policy_number == expiring,
            Policy.status != PolicyStatus.REJECTED.value,
        )
    ).one()
    existing = existing[0] if isinstance(existing, tuple | sa.Row) else existing
    if existing is not None:
        raise ValidationFailed(
            "policy.already_renewed", field="quote_number", policy=expiring, renewal=existing
        )


# ------------------------------------------------------------------ approval


def _approvable_condition(actor: Actor) -> sa.ColumnElement[bool]:
    return limits_cover(actor.policy_limits, Policy.line_code, Policy.sum_insured)


def _move(
    db: Session,
    actor: Actor,
    policy: Policy,
    from_status: PolicyStatus,
    values: dict[str, Any],
    action: str,
    *,
    audit_after: dict[str, Any] | None = None,
) -> None:
    """One conditional UPDATE: the row changes only while it is still in `from_status`;
    otherwise someone else was first, and the caller's transaction is rolled back."""
    changed = db.execute(
        sa.update(Policy)
        .where(Policy.id == policy.id, Policy.status == from_status.value)
        .values(**values)
    ).rowcount
    if changed != 1:
        db.rollback()
        current = db.get(Policy, policy.id)
        db.refresh(current)
        raise Conflict("policy.already_decided", number=policy.number, status=current.status)
    audit_log.record(
        db,
        actor,
        action,
        "policy",
        policy.number,
        {"version": policy.version, "status": from_status.value},
        {"version": policy.version, **values, **(audit_after or {})},
    )


def approval_queue(db: Session, actor: Actor, page: int = 1, size: int = 20) -> Page[PolicyRow]:
    """Awaiting policies this head-office approver's limits cover, oldest first."""
    lookup.require_head_office(actor, "policy.approve")
    query = (
        select(Policy, Customer)
        .join(Customer, Customer.id == Policy.customer_id)
        .where(
            _visible(actor),
            Policy.status == PolicyStatus.AWAITING_APPROVAL.value,
            _approvable_condition(actor),
        )
        .order_by(Policy.created_at, Policy.number)
    )
    return _rows(db, query, page, size)


def _decide(
    db: Session, actor: Actor, number: Any, values: dict[str, Any], action: str
) -> PolicyView:
    lookup.require_head_office(actor, "policy.approve")
    policy = _find(db, actor, number)
    if policy.status != PolicyStatus.AWAITING_APPROVAL.value:
        raise Conflict("policy.already_decided", number=policy.number, status=policy.status)
    if not rules.may_decide(
        actor.office_kind, actor.is_agency, actor.policy_limit(policy.line_code), policy.sum_insured
    ):
        raise PermissionDenied("policy.over_approver_limit", permission="policy.approve")
    try:
        _move(db, actor, policy, PolicyStatus.AWAITING_APPROVAL, values, action)
        if values["status"] == PolicyStatus.APPROVED.value:
            db.refresh(policy)
            _on_approved(db, policy)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    db.expire_all()
    return get_policy(db, actor, policy.number)


def approve(db: Session, actor: Actor, number: Any) -> PolicyView:
    return _decide(
        db,
        actor,
        number,
        {
            "status": PolicyStatus.APPROVED.value,
            "approved_by_code": actor.code,
            "approved_at": clock.utcnow(),
        },
        "policy.approve",
    )


def _reason(reason: Any) -> str:
    text = str(reason or "").strip()
    if not text:
        raise ValidationFailed("policy.reason_required", field="reason")
    return text[:MAX_REASON]


def reject(db: Session, actor: Actor, number: Any, reason: str) -> PolicyView:
    lookup.require_head_office(actor, "policy.approve")
    text = _reason(reason)
    return _decide(
        db,
        actor,
        number,
        {
            "status": PolicyStatus.REJECTED.value,
            "rejected_by_code": actor.code,
            "rejected_at": clock.utcnow(),
            "rejection_reason": text,
        },
        "policy.reject",
    )


# ------------------------------------------------------------------ un-approval and drafts


def _open_endorsements(db: Session, policy: Policy) -> int:
    return int(
        db.exec(
            select(sa.func.count(Endorsement.id)).where(
                Endorsement.policy_id == policy.id,
                Endorsement.status != EndorsementStatus.REJECTED.value,
            )
        ).one()
    )


def unapprove(db: Session, actor: Actor, number: Any, reason: str) -> PolicyView:
    """Removes the approval (head office, `policy.unapprove`, with a reason): the approved
    version becomes `unapproved` and stays readable; a new version (same number) is created
    as a draft copying everything, to be edited and approved again."""
    lookup.require_head_office(actor, "policy.unapprove")
    text = _reason(reason)
    policy = _find(db, actor, number)
    if policy.status != PolicyStatus.APPROVED.value:
        raise Conflict("policy.not_approved", number=policy.number, status=policy.status)
    if _open_endorsements(db, policy):
        raise Conflict("policy.has_endorsements", number=policy.number)
    copied = {
        c.key: getattr(policy, c.key)
        for c in sa.inspect(Policy).column_attrs
        if c.key not in {"id", "version", "status", "created_at"} | DECISION_COLUMNS
    }
    now = clock.utcnow()
    try:
        _move(
            db,
            actor,
            policy,
            PolicyStatus.APPROVED,
            {
                "status": PolicyStatus.UNAPPROVED.value,
                "unapproved_by_code": actor.code,
                "unapproved_at": now,
                "unapproval_reason": text,
            },
            "policy.unapprove",
            audit_after={"draft_version": policy.version + 1},
        )
        production.reverse_policy(db, policy)
        draft = Policy(
            **copied,
            version=policy.version + 1,
            status=PolicyStatus.DRAFT.value,
            created_at=now,
        )
        db.add(draft)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    db.expire_all()
    return get_policy(db, actor, policy.number)


def _draft(db: Session, actor: Actor, number: Any) -> Policy:
    policy = _find(db, actor, number)
    if policy.status != PolicyStatus.DRAFT.value:
        raise Conflict("policy.not_draft", number=policy.number, status=policy.status)
    return policy


def _price_draft(
    db: Session, actor: Actor, number: Any, inp: PolicyInput, today: date
) -> tuple[Policy, _Priced]:
    """The one pricing of an edited draft (its preview and its save): on the policy's own
    tariff version; line and customer stay the policy's."""
    _require_editor(actor)
    policy = _draft(db, actor, number)
    if str(inp.line_code) != policy.line_code:
        raise ValidationFailed("policy.fixed_on_draft", field="line")
    if str(inp.customer_id) != str(policy.customer_id):
        raise ValidationFailed("policy.fixed_on_draft", field="customer")
    version = versions.get_version(db, policy.tariff_version_id)
    return policy, _price(db, actor, replace(inp, quote_number=None), today, version=version)


def update_draft(
    db: Session, actor: Actor, number: Any, inp: PolicyInput, today: date | None = None
) -> PolicyView:
    """Edits the draft version (after un-approval), re-priced on the policy's own tariff
    version; line and customer stay the policy's."""
    today = today or clock.today()
    policy, priced = _price_draft(db, actor, number, inp, today)
    form, result = priced.form, priced.form.result
    before = _figures(policy)
    changes: dict[str, Any] = {
        "sum_insured": form.sum_insured,
        "start_date": form.start,
        "end_date": result.end,
        "values": dict(form.values),
        "net_premium": result.net_premium,
        "taxes": _taxes_json(result.taxes),
        "gross_premium": result.gross_premium,
        "worksheet": [step.to_json_dict() for step in result.worksheet],
        "installment_count": priced.installment_count,
    }
    try:
        # Only while it is still a draft: a draft submitted meanwhile is not edited.
        changed = db.execute(
            sa.update(Policy)
            .where(Policy.id == policy.id, Policy.status == PolicyStatus.DRAFT.value)
            .values(**changes)
        ).rowcount
        if changed != 1:
            raise Conflict("policy.not_draft", number=policy.number)
        db.refresh(policy)
        audit_log.record(
            db, actor, "policy.update_draft", "policy", policy.number, before, _figures(policy)
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    db.expire_all()
    return get_policy(db, actor, policy.number)


def submit_draft(db: Session, actor: Actor, number: Any) -> IssueResult:
    """The edited draft goes for approval again: approved within the actor's policy limit
    (the actor is the approver), else awaiting a head-office approver."""
    _require_editor(actor)
    policy = _draft(db, actor, number)
    status = rules.initial_status(actor.policy_limit(policy.line_code), policy.sum_insured)
    values: dict[str, Any] = {"status": status.value}
    if status is PolicyStatus.APPROVED:
        values |= {"approved_by_code": actor.code, "approved_at": clock.utcnow()}
    try:
        _move(db, actor, policy, PolicyStatus.DRAFT, values, "policy.submit")
        if status is PolicyStatus.APPROVED:
            db.refresh(policy)
            _on_approved(db, policy)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    db.expire_all()
    return _result(db, actor, db.get(Policy, policy.id))


# ------------------------------------------------------------------ reading


def _in_force(db: Session, policy: Policy) -> tuple[Decimal, Decimal, dict[str, Decimal], Decimal]:
    """Sum insured, net, taxes and gross in force: the latest approved endorsement's
    figures after it, else the version's own."""
    figures = in_force.figures(policy, in_force.approved_endorsements(db, policy))
    return figures.sum_insured, figures.net_premium, figures.taxes, figures.gross_premium


def _view(db: Session, policy: Policy) -> PolicyView:
    customer = db.get(Customer, policy.customer_id)
    version = versions.get_version(db, policy.tariff_version_id)
    quote = db.get(Quote, policy.quote_id) if policy.quote_id else None
    latest = db.exec(
        select(sa.func.max(Policy.version)).where(Policy.number == policy.number)
    ).one()
    latest = int(latest[0] if isinstance(latest, tuple | sa.Row) else latest)
    return _view_of(
        policy,
        customer=(customer.number, customer.name, customer.email),
        tariff_version=version.number if version else 0,
        quote_number=quote.number if quote else None,
        latest=latest,
        in_force=_in_force(db, policy),
    )


def _view_of(
    policy: Any,
    *,
    customer: tuple[int, str, str],
    tariff_version: int,
    quote_number: int | None,
    latest: int,
    in_force: tuple[Decimal, Decimal, dict[str, Decimal], Decimal],
) -> PolicyView:
    """The view of a stored version (`policy`: the row or its values) given what it refers
    to: the customer's number, name and e-mail, the tariff version's number, the quote's
    number, the latest version and the figures in force."""
    si, net, taxes, gross = in_force
    return PolicyView(
        id=policy.id,
        number=policy.number,
        version=policy.version,
        latest_version=latest,
        is_current=policy.version == latest,
        status=policy.status,
        issue_date=policy.issue_date,
        line_code=policy.line_code,
        customer_id=policy.customer_id,
        customer_number=customer[0],
        customer_name=customer[1],
        customer_kind=policy.customer_kind,
        customer_group=policy.customer_group,
        customer_email=customer[2],
        sum_insured=policy.sum_insured,
        start_date=policy.start_date,
        end_date=policy.end_date,
        values=dict(policy.values),
        tariff_version=tariff_version,
        tariff_version_id=policy.tariff_version_id,
        net_premium=policy.net_premium,
        taxes={code: Decimal(v) for code, v in policy.taxes.items()},
        gross_premium=policy.gross_premium,
        worksheet=list(policy.worksheet),
        installment_count=policy.installment_count,
        channel=policy.channel,
        prepared_by=policy.prepared_by_code,
        created_at=policy.created_at,
        quote_number=quote_number,
        renews_policy_number=policy.renews_policy_number,
        approved_by=policy.approved_by_code,
        approved_at=policy.approved_at,
        rejected_by=policy.rejected_by_code,
        rejected_at=policy.rejected_at,
        rejection_reason=policy.rejection_reason,
        unapproved_by=policy.unapproved_by_code,
        unapproved_at=policy.unapproved_at,
        unapproval_reason=policy.unapproval_reason,
        cancelled_from=policy.cancelled_from,
        sum_insured_in_force=si,
        net_in_force=net,
        taxes_in_force=taxes,
        gross_in_force=gross,
        can_print=policy.version == latest and rules.printable(policy.status),
    )


def get_policy(db: Session, actor: Actor, number: Any, version: Any = None) -> PolicyView:
    """The current version of a policy, or the version asked for (history)."""
    _require_reader(actor)
    return _view(db, _find(db, actor, number, version))


def history(db: Session, actor: Actor, number: Any) -> list[VersionRow]:
    """Every version of the policy, newest first."""
    _require_reader(actor)
    rows = db.exec(
        select(Policy)
        .where(Policy.number == parse_number(number), _visible(actor))
        .order_by(Policy.version.desc())
    ).all()
    if not rows:
        raise NotFound()
    return [
        VersionRow(
            id=p.id,
            number=p.number,
            version=p.version,
            status=p.status,
            created_at=p.created_at,
            sum_insured=p.sum_insured,
            net_premium=p.net_premium,
            gross_premium=p.gross_premium,
            prepared_by=p.prepared_by_code,
            approved_by=p.approved_by_code,
            approved_at=p.approved_at,
            rejected_by=p.rejected_by_code,
            rejection_reason=p.rejection_reason,
            unapproved_by=p.unapproved_by_code,
            unapproved_at=p.unapproved_at,
            unapproval_reason=p.unapproval_reason,
        )
        for p in rows
    ]


def _rows(db: Session, query: sa.Select, page: int, size: int) -> Page[PolicyRow]:
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(
        rows=[
            PolicyRow(
                id=p.id,
                number=p.number,
                version=p.version,
                issue_date=p.issue_date,
                line_code=p.line_code,
                customer_number=c.number,
                customer_name=c.name,
                customer_kind=p.customer_kind,
                sum_insured=p.sum_insured,
                gross_premium=p.gross_premium,
                start_date=p.start_date,
                end_date=p.end_date,
                status=p.status,
                prepared_by=p.prepared_by_code,
                channel=p.channel,
            )
            for p, c in rows
        ],
        total=total,
        page=page,
        size=size,
    )


def _current_rows(actor: Actor) -> sa.Select:
    """Current versions of the visible policies, with their customers."""
    current = _current_version_of()
    return (
        select(Policy, Customer)
        .join(
            current, sa.and_(current.c.number == Policy.number, current.c.version == Policy.version)
        )
        .join(Customer, Customer.id == Policy.customer_id)
        .where(_visible(actor))
    )


def list_policies(
    db: Session, actor: Actor, flt: PolicyFilter, page: int = 1, size: int = 20
) -> Page[PolicyRow]:
    """The policies list: current versions, filtered, newest number first, paged."""
    _require_reader(actor)
    dates.check_order(flt.date_from, flt.date_to, "date_to")
    query = _current_rows(actor)
    if flt.number.strip():
        try:
            query = query.where(Policy.number == int(flt.number.strip()))
        except ValueError:
            query = query.where(sa.false())
    customer = search_condition(flt.customer)
    if customer is not None:
        query = query.where(customer)
    if flt.line:
        query = query.where(Policy.line_code == flt.line)
    if flt.status:
        query = query.where(Policy.status == flt.status)
    if flt.date_from:
        query = query.where(Policy.issue_date >= flt.date_from)
    if flt.date_to:
        query = query.where(Policy.issue_date <= flt.date_to)
    if flt.preparer.strip():
        query = query.where(sa.func.lower(Policy.prepared_by_code) == flt.preparer.strip().lower())
    return _rows(db, query.order_by(Policy.number.desc()), page, size)


def customer_policies(
    db: Session, actor: Actor, customer_number: Any, page: int = 1, size: int = 20
) -> Page[PolicyRow]:
    """The customer page's policies: on this record and the same person's other records the
    actor sees, each policy within the actor's scope; current versions."""
    _require_reader(actor)
    ids = person_record_ids(db, actor, customer_number)
    query = _current_rows(actor).where(Policy.customer_id.in_(ids))
    return _rows(db, query.order_by(Policy.number.desc()), page, size)
