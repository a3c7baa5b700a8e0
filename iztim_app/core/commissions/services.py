"""Agency commission rates (set by head office, effective-dated, audited) and the
commission statement of an agency for a period (screen, PDF, CSV/XLSX).

Who sees what: rates and statements follow the office tree like every report — head office
(scope all) every agency, a branch or region user with "office and below" the agencies
under it, an agency user their own agency only (any other agency is "not found"). Inside a
statement, entries follow the reader's record scope too: an agency user sees only the
entries of the policies they prepared (domain rule: never records made under another user
code), so the totals are those of what they see.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.commissions.earning import rate_in_force
from iztim_app.core.commissions.models import CommissionEntry, CommissionRate
from iztim_app.core.customers.identity import mask_national_id
from iztim_app.core.customers.models import Customer
from iztim_app.core.dates import parse_date
from iztim_app.core.db import money_sum
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.lines import known_lines
from iztim_app.core.money import KURUS, ZERO, format_number, parse_amount
from iztim_app.core.organisation.models import Office, OfficeKind
from iztim_app.core.paging import Page, clamp, fetch_page
from iztim_app.core.policies.models import Policy
from iztim_app.core.users.actor import Actor
from iztim_app.core.users.permissions import Scope

MANAGE = "commission.manage"
READ = "report.view"
MAX_RATE = Decimal(100)
EXPORT_FORMATS = ("csv", "xlsx")
MIMES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class CommissionProblems(ValidationFailed):
    """Every problem of a rate form (or a statement's dates) at once; code/field are the
    first one's."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        first = problems[0]
        super().__init__(first.code, field=first.field, **first.params)
        self.problems = tuple(problems)


@dataclass(frozen=True)
class AgencyOption:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class RateRow:
    id: int
    office_id: int
    office_code: str
    office_name: str
    line_code: str
    rate: Decimal
    valid_from: date
    valid_to: date | None  # the day before the next rate starts; None: open-ended
    in_force: bool  # the rate that applies today
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class StatementEntry:
    day: date
    label: str  # "5000001", or "2/5000001" for endorsement 2
    policy_number: int
    endorsement_seq: int | None
    document: str  # policy | endorsement | cancellation | reversal
    line_code: str
    customer_name: str
    customer_id_masked: str
    base_net: Decimal
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LineTotal:
    line_code: str
    count: int
    base_net: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    office_id: int
    office_code: str
    office_name: str
    date_from: date
    date_to: date
    entries: Page[StatementEntry]
    by_line: list[LineTotal]
    count: int
    base_net: Decimal
    total: Decimal


@dataclass(frozen=True)
class Exported:
    filename: str
    content: bytes
    mime: str


# ---------------------------------------------------------------- scope


def _agencies_visible(actor: Actor) -> sa.ColumnElement[bool]:
    """Agency offices this actor may read rates and statements of."""
    is_agency = Office.kind == OfficeKind.AGENCY.value
    if actor.is_agency:
        return sa.and_(is_agency, Office.id == actor.office_id)
    if actor.password_change_pending:
        return sa.false()
    if actor.scope is Scope.ALL:
        return is_agency
    if actor.scope is Scope.OFFICE_TREE:
        return sa.and_(is_agency, Office.path.startswith(actor.office_path))
    return sa.false()  # own office or own records: an agency is never either


def _require_reader(actor: Actor) -> None:
    actor.require_any(READ, MANAGE)


def _office_id(raw: Any) -> int | None:
    if raw in (None, "", 0, "0"):
        return None
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return -1  # never an office: "not found", like a number that does not exist


def _visible_agency(db: Session, actor: Actor, office_id: Any) -> Office:
    """The agency asked for (an agency user: their own when none is given); out of scope
    behaves exactly like an office that does not exist."""
    wanted = _office_id(office_id)
    if wanted is None:
        if not actor.is_agency:
            raise ValidationFailed("commission.agency_required", field="office_id")
        wanted = actor.office_id
    office = db.execute(
        sa.select(Office).where(Office.id == wanted, _agencies_visible(actor))
    ).scalar_one_or_none()
    if office is None:
        raise NotFound()
    return office


def agency_options(db: Session, actor: Actor) -> list[AgencyOption]:
    """The agencies the actor may pick on the rate and statement screens, by name."""
    _require_reader(actor)
    rows = db.execute(
        sa.select(Office.id, Office.code, Office.name)
        .where(_agencies_visible(actor))
        .order_by(Office.name, Office.id)
    ).all()
    return [AgencyOption(r.id, r.code, r.name) for r in rows]


# ---------------------------------------------------------------- rates


def _rate_snapshot(row: CommissionRate | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "office_id": row.office_id,
        "line_code": row.line_code,
        "rate": row.rate,
        "valid_from": row.valid_from,
    }


def _parse_rate(raw: Any) -> Decimal:
    value = parse_amount(
        raw if not isinstance(raw, str) else raw.replace("%", "").strip(),
        "rate",
        code="commission.rate_invalid",
        decimals_code="commission.rate_decimals",
    )
    if value > MAX_RATE:
        raise ValidationFailed("commission.rate_range", field="rate", value=str(raw))
    return value.quantize(KURUS)  # exact (at most two decimals): 20 → 20.00 as stored


def set_rate(
    db: Session,
    actor: Actor,
    office_id: Any,
    line_code: Any,
    rate: Any,
    valid_from: Any,
    *,
    today: date | None = None,
) -> RateRow:
    """A new rate for (agency, line) from `valid_from` (today or later): head office with
    `commission.manage`. A rate not yet in force for the same day is replaced; one already
    in force is history and stays (set a new one from tomorrow). Audited with the rate it
    follows (or replaces) as before."""
    actor.require(MANAGE)
    if actor.is_agency or actor.office_kind != OfficeKind.HEAD_OFFICE.value:
        raise PermissionDenied("commission.head_office_only", permission=MANAGE)
    today = today or clock.today()
    problems: list[ValidationFailed] = []
    office = None
    wanted = _office_id(office_id)
    if wanted is None:
        problems.append(ValidationFailed("commission.agency_required", field="office_id"))
    else:
        office = db.get(Office, wanted) if wanted > 0 else None
        if office is None or office.kind != OfficeKind.AGENCY.value:
            problems.append(ValidationFailed("commission.not_an_agency", field="office_id"))
            office = None
    line = str(line_code or "").strip()
    if line not in known_lines(db):
        problems.append(ValidationFailed("commission.line_unknown", field="line_code", line=line))
    parsed_rate = None
    try:
        parsed_rate = _parse_rate(rate)
    except ValidationFailed as exc:
        problems.append(exc)
    start = None
    try:
        start = parse_date(valid_from, "valid_from")
        if start is not None and start < today:
            problems.append(
                ValidationFailed("commission.valid_from_past", field="valid_from", today=today)
            )
            start = None
    except ValidationFailed as exc:
        problems.append(exc)
    if problems:
        raise CommissionProblems(problems)
    assert office is not None and parsed_rate is not None and start is not None
    same_day = db.execute(
        sa.select(CommissionRate).where(
            CommissionRate.office_id == office.id,
            CommissionRate.line_code == line,
            CommissionRate.valid_from == start,
        )
    ).scalar_one_or_none()
    if same_day is not None and same_day.valid_from <= today:
        raise Conflict("commission.rate_in_force", day=start)
    before = _rate_snapshot(same_day or rate_in_force(db, office.id, line, start))
    try:
        if same_day is not None:
            same_day.rate = parsed_rate
            same_day.created_by_code = actor.code
            same_day.created_at = clock.utcnow()
            row = same_day
        else:
            row = CommissionRate(
                office_id=office.id,
                line_code=line,
                rate=parsed_rate,
                valid_from=start,
                created_by_code=actor.code,
                created_at=clock.utcnow(),
            )
            db.add(row)
        db.flush()
        audit_log.record(
            db,
            actor,
            "commission.rate_set",
            "commission_rate",
            row.id,
            before,
            _rate_snapshot(row),
        )
        db.commit()
    except sa.exc.IntegrityError:
        # Another manager saved a rate for the same agency, line and day meanwhile.
        db.rollback()
        raise Conflict("commission.rate_changed_meanwhile", day=start) from None
    except BaseException:
        db.rollback()
        raise
    return _rate_rows(db, actor, office.id, 1, 1, today, only_id=row.id).rows[0]


def _rate_rows(
    db: Session,
    actor: Actor,
    office_id: int | None,
    page: int,
    size: int,
    today: date,
    only_id: int | None = None,
) -> Page[RateRow]:
    following = (
        sa.func.lead(CommissionRate.valid_from)
        .over(
            partition_by=(CommissionRate.office_id, CommissionRate.line_code),
            order_by=CommissionRate.valid_from,
        )
        .label("next_from")
    )
    inner = (
        sa.select(
            CommissionRate.id,
            CommissionRate.office_id,
            CommissionRate.line_code,
            CommissionRate.rate,
            CommissionRate.valid_from,
            CommissionRate.created_by_code,
            CommissionRate.created_at,
            following,
        )
        .join(Office, Office.id == CommissionRate.office_id)
        .where(_agencies_visible(actor))
    )
    if office_id is not None:
        inner = inner.where(CommissionRate.office_id == office_id)
    sub = inner.subquery()
    query = (
        sa.select(sub, Office.code.label("office_code"), Office.name.label("office_name"))
        .join(Office, Office.id == sub.c.office_id)
        .where(sa.true() if only_id is None else sub.c.id == only_id)
        .order_by(Office.name, sub.c.office_id, sub.c.line_code, sub.c.valid_from.desc())
    )
    rows, total, page, size = fetch_page(db, query, page, size)
    result = []
    for r in rows:
        next_from = r.next_from
        if isinstance(next_from, str):  # SQLite hands a window's date back as text
            next_from = date.fromisoformat(next_from)
        result.append(
            RateRow(
                id=r.id,
                office_id=r.office_id,
                office_code=r.office_code,
                office_name=r.office_name,
                line_code=r.line_code,
                rate=r.rate,
                valid_from=r.valid_from,
                valid_to=next_from - timedelta(days=1) if next_from else None,
                in_force=r.valid_from <= today and (next_from is None or next_from > today),
                created_by=r.created_by_code,
                created_at=r.created_at,
            )
        )
    return Page(result, total, page, size)


def list_rates(
    db: Session, actor: Actor, office_id: Any = None, page: int = 1, size: int = 50
) -> Page[RateRow]:
    """Rates with their validity, paged: head office all agencies (or one), an agency
    user their own agency's."""
    _require_reader(actor)
    wanted = _office_id(office_id)
    if actor.is_agency:
        if wanted is not None and wanted != actor.office_id:
            raise NotFound()
        wanted = actor.office_id
    elif wanted is not None:
        _visible_agency(db, actor, wanted)
    page, size = clamp(page, size)
    return _rate_rows(db, actor, wanted, page, size, clock.today())


# ---------------------------------------------------------------- statement


def _period(date_from: Any, date_to: Any) -> tuple[date, date]:
    problems: list[ValidationFailed] = []
    start = end = None
    try:
        start = parse_date(date_from, "date_from")
    except ValidationFailed as exc:
        problems.append(exc)
    try:
        end = parse_date(date_to, "date_to")
    except ValidationFailed as exc:
        problems.append(exc)
    if start is not None and end is not None and end < start:
        problems.append(ValidationFailed("error.date_range", field="date_to"))
    if problems:
        raise CommissionProblems(problems)
    assert start is not None and end is not None
    return start, end


def _entry_filter(actor: Actor, office: Office, start: date, end: date) -> list[Any]:
    return [
        CommissionEntry.office_id == office.id,
        CommissionEntry.day >= start,
        CommissionEntry.day <= end,
        actor.visible(
            CommissionEntry.prepared_by_id, CommissionEntry.office_id, CommissionEntry.office_path
        ),
    ]


def document_label(policy_number: int, endorsement_seq: int | None) -> str:
    return f"{endorsement_seq}/{policy_number}" if endorsement_seq else str(policy_number)


def _entries_query(conditions: list[Any]) -> sa.Select:
    return (
        sa.select(
            CommissionEntry.day,
            CommissionEntry.policy_number,
            CommissionEntry.endorsement_seq,
            CommissionEntry.document,
            CommissionEntry.line_code,
            CommissionEntry.base_net,
            CommissionEntry.rate,
            CommissionEntry.amount,
            Customer.name.label("customer_name"),
            Customer.national_id.label("national_id"),
        )
        .outerjoin(
            Policy,
            sa.and_(
                Policy.number == CommissionEntry.policy_number,
                Policy.version == CommissionEntry.policy_version,
            ),
        )
        .outerjoin(Customer, Customer.id == Policy.customer_id)
        .where(*conditions)
        .order_by(CommissionEntry.day, CommissionEntry.id)
    )


def _entry(r: Any) -> StatementEntry:
    return StatementEntry(
        day=r.day,
        label=document_label(r.policy_number, r.endorsement_seq),
        policy_number=r.policy_number,
        endorsement_seq=r.endorsement_seq,
        document=r.document,
        line_code=r.line_code,
        customer_name=r.customer_name or "",
        customer_id_masked=mask_national_id(r.national_id or ""),
        base_net=r.base_net,
        rate=r.rate,
        amount=r.amount,
    )


def _statement(
    db: Session,
    actor: Actor,
    office_id: Any,
    date_from: Any,
    date_to: Any,
    page: int,
    size: int,
) -> Statement:
    actor.require(READ)
    office = _visible_agency(db, actor, office_id)
    start, end = _period(date_from, date_to)
    conditions = _entry_filter(actor, office, start, end)
    rows, total, page, size = fetch_page(db, _entries_query(conditions), page, size)
    by_line = [
        LineTotal(r.line_code, int(r.count), r.base_net, r.amount)
        for r in db.execute(
            sa.select(
                CommissionEntry.line_code,
                sa.func.count(CommissionEntry.id).label("count"),
                money_sum(CommissionEntry.base_net).label("base_net"),
                money_sum(CommissionEntry.amount).label("amount"),
            )
            .where(*conditions)
            .group_by(CommissionEntry.line_code)
            .order_by(CommissionEntry.line_code)
        ).all()
    ]
    return Statement(
        office_id=office.id,
        office_code=office.code,
        office_name=office.name,
        date_from=start,
        date_to=end,
        entries=Page([_entry(r) for r in rows], total, page, size),
        by_line=by_line,
        count=sum(t.count for t in by_line),
        base_net=sum((t.base_net for t in by_line), ZERO),
        total=sum((t.amount for t in by_line), ZERO),
    )


def statement(
    db: Session,
    actor: Actor,
    office_id: Any,
    date_from: Any,
    date_to: Any,
    page: int = 1,
    size: int = 50,
) -> Statement:
    """One agency's commission entries between two days (paged), with totals per line and
    overall summed in the database."""
    return _statement(db, actor, office_id, date_from, date_to, page, size)


def _all_entries(db: Session, actor: Actor, office_id: Any, date_from: Any, date_to: Any):  # noqa: ANN202
    """The statement with every entry (for a document): totals as the screen shows them."""
    head = _statement(db, actor, office_id, date_from, date_to, 1, 1)
    office = db.get(Office, head.office_id)
    conditions = _entry_filter(actor, office, head.date_from, head.date_to)
    entries = [_entry(r) for r in db.execute(_entries_query(conditions)).all()]
    return head, entries


def _filename(head: Statement, ext: str) -> str:
    return f"komisyon-{head.office_code}-{head.date_from:%Y%m%d}-{head.date_to:%Y%m%d}.{ext}"


def _audit_print(db: Session, actor: Actor, action: str, head: Statement, fmt: str) -> None:
    audit_log.record(
        db,
        actor,
        action,
        "office",
        head.office_id,
        None,
        {
            "format": fmt,
            "date_from": head.date_from,
            "date_to": head.date_to,
            "entries": head.count,
            "total": head.total,
        },
    )
    db.commit()


def statement_pdf(
    db: Session, actor: Actor, office_id: Any, date_from: Any, date_to: Any, lang: str = "tr"
) -> Exported:
    """The statement as a PDF (every entry, totals per line and overall); audited."""
    from iztim_app.core.commissions import statement_pdf as layout

    head, entries = _all_entries(db, actor, office_id, date_from, date_to)
    names = {code: info.name(lang) for code, info in known_lines(db).items()}
    content = layout.render(head, entries, names, lang)
    _audit_print(db, actor, "commission.statement_print", head, "pdf")
    return Exported(_filename(head, "pdf"), content, MIMES["pdf"])


def neutralise(text: str) -> str:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def statement_export(
    db: Session,
    actor: Actor,
    office_id: Any,
    date_from: Any,
    date_to: Any,
    fmt: str,
    lang: str = "tr",
) -> Exported:
    """The statement's entries as CSV (`;`, comma decimals, UTF-8 with BOM, as Turkish
    Excel reads it) or XLSX (amounts as numbers); text cells neutralised; audited."""
    from iztim_app.i18n import translate

    actor.require(READ)
    fmt = str(fmt or "").lower()
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed("commission.export_format", field="format")
    head, entries = _all_entries(db, actor, office_id, date_from, date_to)
    names = {code: info.name(lang) for code, info in known_lines(db).items()}
    headings = [
        translate(k, lang)
        for k in (
            "commission.document",
            "commission.kind",
            "commission.day",
            "commission.line",
            "commission.customer",
            "commission.customer_id",
            "commission.base_net",
            "commission.rate",
            "commission.amount",
        )
    ]
    rows = [
        [
            e.label,
            translate(f"commission.doc_{e.document}", lang),
            e.day,
            names.get(e.line_code, e.line_code),
            e.customer_name,
            e.customer_id_masked,
            e.base_net,
            e.rate,
            e.amount,
        ]
        for e in entries
    ]
    total_row = [
        translate("commission.total", lang),
        "",
        "",
        "",
        "",
        "",
        head.base_net,
        "",
        head.total,
    ]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in headings])
        for row in [*rows, total_row]:
            writer.writerow([_csv_cell(v) for v in row])
        content = ("\ufeff" + out.getvalue()).encode("utf-8")
    else:
        content = _xlsx(headings, rows, total_row, translate("commission.statement_title", lang))
    _audit_print(db, actor, "commission.statement_export", head, fmt)
    return Exported(_filename(head, fmt), content, MIMES[fmt])


def _csv_cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return format_number(value).replace(".", "")  # 1234,56: a number to Turkish Excel
    if isinstance(value, date):
        return clock.format_date(value)
    return neutralise(str(value))


def _xlsx(headings: list[str], rows: list[list[Any]], total_row: list[Any], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([neutralise(h) for h in headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in [*rows, total_row]:
        sheet.append([v if isinstance(v, Decimal | date) else neutralise(str(v)) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def format_rate(rate: Decimal) -> str:
    """`12.50` → `%12,50`, the Turkish way of writing a percentage."""
    return "%" + format_number(rate)
