"""Report services: saved formats (data), running a report over the daily production
summary, the API's production report, and exports.

Every figure is added up in the database (GROUP BY over `production_daily`, a few rows a
day per office and preparer), never by loading documents; only the grouped rows come to
Python, where they get their labels and are sorted. Every query carries the viewer's scope
(`actor.visible` over the summary's preparer, office and office path), so an agency user's
report holds only their own records.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from iztim_app.core import clock, dates
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.identity import mask_national_ids_in
from iztim_app.core.db import money_sum
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.lines import known_lines
from iztim_app.core.money import ZERO
from iztim_app.core.organisation.models import Office
from iztim_app.core.reports import export
from iztim_app.core.reports.definition import (
    Known,
    ReportDefinition,
    ReportProblems,
    is_tax,
    measure_kind,
    parse_definition,
    tax_code,
    tax_codes_of,
    to_json,
)
from iztim_app.core.reports.export import Exported
from iztim_app.core.reports.formats import name_key
from iztim_app.core.reports.models import (
    ProductionDaily,
    ProductionDailyTax,
    ProductionMonthly,
    ProductionMonthlyTax,
    ReportFormat,
)
from iztim_app.core.users.actor import Actor
from iztim_app.core.users.models import User
from iztim_app.i18n import translate

MAX_NAME = 120
MAX_DESCRIPTION = 400
EXPORT_FORMATS = ("csv", "xlsx", "pdf")
API_BY = ("line", "channel", "office", "agency", "month")
API_MEASURES = ("policies", "net_premium", "taxes", "gross_premium", "sum_insured")
DASH = "—"

# ------------------------------------------------------------------ DTOs


@dataclass(frozen=True)
class FormatRow:
    id: int
    name: str
    description: str
    predefined: bool
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class FormatView:
    id: int
    name: str
    description: str
    predefined: bool
    updated_by: str
    updated_at: datetime
    definition: ReportDefinition
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # "text" | "count" | "money"


@dataclass(frozen=True)
class ChartPoint:
    label: str
    value: Decimal | int


@dataclass(frozen=True)
class ReportResult:
    definition: ReportDefinition
    date_from: date
    date_to: date
    columns: list[Column]
    rows: list[dict[str, Any]]  # <dim>: label, <dim>_code: raw code, <measure>: int | Decimal
    totals: dict[str, int | Decimal]
    chart: list[ChartPoint]
    name: str = ""  # the format's name when run from one
    lang: str = "tr"
    format_id: int | None = None


# ------------------------------------------------------------------ helpers


def _reader(actor: Actor) -> None:
    actor.require("report.view")


def _definer(actor: Actor) -> None:
    actor.require("report.define")


def _known(db: Session) -> Known:
    """Line and tax codes of the tariff in force (None: no tariff yet, nothing to check)."""
    from iztim_app.core.tariffs.versions import tariff_set_of, version_in_force

    version = version_in_force(db)
    if version is None:
        return Known()
    tariff = tariff_set_of(version)
    taxes = {t.code for lt in tariff.lines.values() for t in lt.taxes}
    return Known(lines=frozenset(tariff.lines), tax_codes=frozenset(taxes))


def _tax_names(db: Session, lang: str) -> dict[str, str]:
    from iztim_app.core.tariffs.versions import tariff_set_of, version_in_force

    version = version_in_force(db)
    if version is None:
        return {}
    names: dict[str, str] = {}
    for lt in tariff_set_of(version).lines.values():
        for t in lt.taxes:
            names.setdefault(t.code, t.name_en if lang == "en" else t.name_tr)
    return names


def _definition(db: Session, raw: dict[str, Any] | ReportDefinition) -> ReportDefinition:
    if isinstance(raw, ReportDefinition):
        raw = to_json(raw)
    return parse_definition(raw, known=_known(db))


def _row(f: ReportFormat) -> FormatRow:
    return FormatRow(f.id, f.name, f.description, f.predefined, f.updated_by, f.updated_at)


def _view(f: ReportFormat) -> FormatView:
    return FormatView(
        id=f.id,
        name=f.name,
        description=f.description,
        predefined=f.predefined,
        updated_by=f.updated_by,
        updated_at=f.updated_at,
        definition=parse_definition(f.definition),
        created_by=f.created_by,
        created_at=f.created_at,
    )


def _find(db: Session, format_id: Any) -> ReportFormat:
    try:
        ident = int(str(format_id).strip())
    except (TypeError, ValueError):
        raise NotFound() from None
    found = db.exec(
        select(ReportFormat)
        .where(ReportFormat.id == ident)
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFound()
    return found


def _stored(f: ReportFormat) -> dict[str, Any]:
    return {"name": f.name, "description": f.description, "definition": dict(f.definition)}


@dataclass(frozen=True)
class Choices:
    """What a report definition may hold, with labels, for the format screen."""

    dimensions: list[tuple[str, str]]
    measures: list[tuple[str, str]]  # the fixed measures, then `tax:<CODE>` of the tariff
    charts: list[tuple[str, str]]
    periods: list[tuple[str, str]]


def choices(db: Session, lang: str = "tr") -> Choices:
    """Codes and labels of dimensions, measures (with the taxes of the tariff in force),
    charts and periods. Labels only, nobody's records: no permission needed."""
    from iztim_app.core.reports.definition import CHARTS, DIMENSIONS, MEASURES, PERIODS

    tax_names = _tax_names(db, lang)
    measures = [(m, translate(f"report.measure.{m}", lang)) for m in MEASURES]
    measures += [
        (f"tax:{code}", _measure_label(f"tax:{code}", lang, tax_names))
        for code in sorted(tax_names)
    ]
    return Choices(
        dimensions=[(d, translate(f"report.dim.{d}", lang)) for d in DIMENSIONS],
        measures=measures,
        charts=[(c, translate(f"report.chart.{c}", lang)) for c in CHARTS],
        periods=[(p, translate(f"report.period.{p}", lang)) for p in PERIODS],
    )


# ------------------------------------------------------------------ formats


def list_formats(db: Session, actor: Actor) -> list[FormatRow]:
    """Every saved format, predefined first, then by name (formats are company-wide)."""
    _reader(actor)
    rows = db.exec(
        select(ReportFormat).order_by(ReportFormat.predefined.desc(), ReportFormat.name_key)
    ).all()
    return [_row(f) for f in rows]


def get_format(db: Session, actor: Actor, format_id: Any) -> FormatView:
    _reader(actor)
    return _view(_find(db, format_id))


def _check_format(
    db: Session, name: Any, description: Any, definition: Any, format_id: int | None
) -> tuple[str, str, ReportDefinition]:
    problems: list[ValidationFailed] = []
    text = " ".join(str(name or "").split())
    about = str(description or "").strip()
    if not text:
        problems.append(ValidationFailed("report.name_required", field="name"))
    elif len(text) > MAX_NAME:
        problems.append(ValidationFailed("report.name_too_long", field="name", max=MAX_NAME))
    else:
        clash = db.exec(
            select(ReportFormat.id).where(ReportFormat.name_key == name_key(text))
        ).first()
        if clash is not None and clash != format_id:
            problems.append(ValidationFailed("report.duplicate_name", field="name", name=text))
    if len(about) > MAX_DESCRIPTION:
        problems.append(
            ValidationFailed(
                "report.description_too_long", field="description", max=MAX_DESCRIPTION
            )
        )
    parsed = None
    try:
        parsed = _definition(db, definition if definition is not None else {})
    except ReportProblems as bad:
        problems.extend(bad.problems)
    if problems:
        raise ReportProblems(problems)
    assert parsed is not None
    return text, about, parsed


def save_format(
    db: Session,
    actor: Actor,
    name: Any,
    description: Any,
    definition: dict[str, Any] | ReportDefinition,
    format_id: int | None = None,
) -> FormatView:
    """A new format, or a change to a saved one (`format_id`); every problem at once.
    Predefined formats are the shipped data: they are not changed, a copy is saved instead."""
    _definer(actor)
    existing = _find(db, format_id) if format_id not in (None, "") else None
    if existing is not None and existing.predefined:
        raise Conflict("report.format_predefined")
    text, about, parsed = _check_format(
        db, name, description, definition, existing.id if existing else None
    )
    now = clock.utcnow()
    try:
        if existing is None:
            saved = ReportFormat(
                name=text,
                name_key=name_key(text),
                description=about,
                definition=to_json(parsed),
                predefined=False,
                created_by=actor.code,
                created_at=now,
                updated_by=actor.code,
                updated_at=now,
            )
            db.add(saved)
            db.flush()
            audit_log.record(
                db, actor, "report.format_create", "report_format", saved.id, None, _stored(saved)
            )
        else:
            before = _stored(existing)
            existing.name = text
            existing.name_key = name_key(text)
            existing.description = about
            existing.definition = to_json(parsed)
            existing.updated_by = actor.code
            existing.updated_at = now
            db.add(existing)
            db.flush()
            saved = existing
            audit_log.record(
                db, actor, "report.format_change", "report_format", saved.id, before, _stored(saved)
            )
        db.commit()
    except IntegrityError:
        db.rollback()  # the same name saved by someone else at this moment
        raise ReportProblems(
            [ValidationFailed("report.duplicate_name", field="name", name=text)]
        ) from None
    except BaseException:
        db.rollback()
        raise
    return _view(_find(db, saved.id))


def delete_format(db: Session, actor: Actor, format_id: Any) -> None:
    _definer(actor)
    found = _find(db, format_id)
    if found.predefined:
        raise Conflict("report.format_predefined")
    try:
        before = _stored(found)
        ident = found.id
        db.delete(found)
        db.flush()
        audit_log.record(db, actor, "report.format_delete", "report_format", ident, before, None)
        db.commit()
    except BaseException:
        db.rollback()
        raise


# ------------------------------------------------------------------ dates


def period_dates(period: str, today: date | None = None) -> tuple[date, date] | None:
    """The date range a format's period means today (None for `custom`)."""
    today = today or clock.today()

    def month_range(year: int, month: int) -> tuple[date, date]:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])

    if period == "this_month":
        return month_range(today.year, today.month)
    if period == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return month_range(last.year, last.month)
    if period == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if period == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None


def _dates(date_from: Any, date_to: Any, period: str) -> tuple[date, date]:
    if date_from in (None, "") and date_to in (None, ""):
        derived = period_dates(period)
        if derived is not None:
            return derived
    start = dates.parse_date(date_from, "date_from")
    end = dates.parse_date(date_to, "date_to")
    dates.check_order(start, end, "date_to")
    assert start is not None and end is not None
    return start, end


# ------------------------------------------------------------------ running


PD = ProductionDaily.__table__
PT = ProductionDailyTax.__table__
PM = ProductionMonthly.__table__
PMT = ProductionMonthlyTax.__table__
_DIM_COLUMN = {
    "line": "line_code",
    "channel": "channel",
    "office": "office_id",
    "agency": "agency_id",
    "month": "month",
    "day": "day",
    "year": "year",
    "customer_kind": "customer_kind",
    "preparer": "prepared_by_id",
}
_MEASURE_COLUMN = {
    "policies": "policies",
    "issued": "issued",
    "cancelled": "cancelled",
    "endorsements": "endorsements",
    "sum_insured": "sum_insured",
    "net_premium": "net_premium",
    "taxes": "taxes_total",
    "gross_premium": "gross_premium",
    "commission": "commission",
}
_CHRONOLOGICAL = frozenset({"month", "day", "year"})


def _ids_of_offices(db: Session, codes: tuple[str, ...]) -> list[int]:
    return list(db.exec(select(Office.id).where(Office.code.in_(codes))).all())


def _ids_of_users(db: Session, codes: tuple[str, ...]) -> list[int]:
    folded = [c.lower() for c in codes]
    return list(db.exec(select(User.id).where(sa.func.lower(User.code).in_(folded))).all())


def _conditions(
    db: Session, actor: Actor, table: sa.Table, d: ReportDefinition
) -> list[sa.ColumnElement[bool]]:
    """The viewer's scope and the definition's filters, on a summary table."""
    c = table.c
    out = [actor.visible(c.prepared_by_id, c.office_id, c.office_path)]
    for dim, values in d.filters.items():
        column = c[_DIM_COLUMN[dim]]
        if dim in ("office", "agency"):
            out.append(column.in_(_ids_of_offices(db, values)))
        elif dim == "preparer":
            out.append(column.in_(_ids_of_users(db, values)))
        elif dim == "year":
            out.append(column.in_([int(v) for v in values]))
        elif dim == "day":
            out.append(column.in_([date.fromisoformat(v) for v in values]))
        else:
            out.append(column.in_(list(values)))
    return out


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def spans(start: date, end: date, by_day: bool) -> list[tuple[str, Any, Any]]:
    """The date range as pieces of the summary: ("month", first, last) for the whole months
    inside it (read from the monthly rows) and ("day", first, last) for the part-months at
    its ends; all days when the report groups or filters by day."""
    if by_day:
        return [("day", start, end)]
    first = start if start.day == 1 else _month_end(start) + timedelta(days=1)
    last = end if end == _month_end(end) else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return [("day", start, end)]
    out: list[tuple[str, Any, Any]] = [("month", first.strftime("%Y-%m"), last.strftime("%Y-%m"))]
    if start < first:
        out.insert(0, ("day", start, first - timedelta(days=1)))
    if last < end:
        out.append(("day", last + timedelta(days=1), end))
    return out


def _aggregate(column: Any, kind: str) -> Any:
    if kind == "money":
        return money_sum(column)
    return sa.func.coalesce(sa.func.sum(column), 0)


def _summed(
    db: Session,
    actor: Actor,
    d: ReportDefinition,
    pieces: list[tuple[str, Any, Any]],
    tables: dict[str, sa.Table],
    groups: list[str],
    figures: list[tuple[str, str]],
    where: Any = None,
) -> sa.Select:
    """One GROUP BY over the pieces (each piece grouped first, then added up): `groups` are
    column names, `figures` (column name, "money" | "count"; column "*" counts rows)."""
    selects = []
    for period, lo, hi in pieces:
        t = tables[period]
        keys = [t.c[g] for g in groups]
        sums = [
            (sa.func.count() if col == "*" else _aggregate(t.c[col], kind)).label(f"m{j}")
            for j, (col, kind) in enumerate(figures)
        ]
        q = sa.select(*(k.label(f"g{i}") for i, k in enumerate(keys)), *sums).where(
            *_conditions(db, actor, t, d), t.c[period] >= lo, t.c[period] <= hi
        )
        if where is not None:
            q = q.where(where(t))
        selects.append(q.group_by(*keys) if keys else q)
    if len(selects) == 1:
        return selects[0]
    u = sa.union_all(*selects).subquery()
    keys = [u.c[f"g{i}"] for i in range(len(groups))]
    sums = [
        _aggregate(u.c[f"m{j}"], "count" if col == "*" else kind)
        for j, (col, kind) in enumerate(figures)
    ]
    q = sa.select(*keys, *sums)
    return q.group_by(*keys) if keys else q


def _grouped(
    db: Session, actor: Actor, d: ReportDefinition, start: date, end: date
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Dimension values → measures, added up in the database over the daily and monthly
    summary rows."""
    pieces = spans(start, end, "day" in d.dimensions or "day" in d.filters)
    groups_by = [_DIM_COLUMN[dim] for dim in d.dimensions]
    plain = [m for m in d.measures if not is_tax(m)]
    figures = [(_MEASURE_COLUMN[m], measure_kind(m)) for m in plain] or [("*", "count")]
    query = _summed(db, actor, d, pieces, {"day": PD, "month": PM}, groups_by, figures)
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    n = len(groups_by)
    for row in db.execute(query):
        key = tuple(_normal(v) for v in row[:n])
        values = zip(plain, row[n:], strict=False)
        groups[key] = {m: int(v) if measure_kind(m) == "count" else v for m, v in values}
    codes = tax_codes_of(d)
    if codes:
        tquery = _summed(
            db,
            actor,
            d,
            pieces,
            {"day": PT, "month": PMT},
            [*groups_by, "tax_code"],
            [("amount", "money")],
            where=lambda t: t.c.tax_code.in_(codes),
        )
        for row in db.execute(tquery):
            key = tuple(_normal(v) for v in row[:n])
            groups.setdefault(key, {m: _zero(m) for m in plain})[f"tax:{row[n]}"] = row[n + 1]
    if not groups_by and not groups:
        groups[()] = {}
    for values in groups.values():
        for m in d.measures:
            values.setdefault(m, _zero(m))
    return groups


def _zero(measure: str) -> int | Decimal:
    return 0 if measure_kind(measure) == "count" else ZERO


def _normal(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)  # SQLite hands a grouped date back as text
        except ValueError:
            return value
    return value


@dataclass
class _Labels:
    """Display labels and raw codes for the grouped values, looked up once per report."""

    db: Session
    lang: str
    lines: dict[str, str] = field(default_factory=dict)
    offices: dict[int, tuple[str, str]] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)

    def load(self, groups: dict[tuple[Any, ...], dict[str, Any]], dims: tuple[str, ...]) -> None:
        self.lines = {code: info.name(self.lang) for code, info in known_lines(self.db).items()}
        office_ids = {
            k[i] for k in groups for i, dim in enumerate(dims) if dim in ("office", "agency")
        }
        user_ids = {k[i] for k in groups for i, dim in enumerate(dims) if dim == "preparer"}
        if office_ids:
            rows = self.db.exec(
                select(Office.id, Office.code, Office.name).where(Office.id.in_(office_ids))
            ).all()
            self.offices = {i: (code, name) for i, code, name in rows}
        if user_ids:
            rows = self.db.exec(select(User.id, User.code).where(User.id.in_(user_ids))).all()
            self.users = dict(rows)

    def of(self, dim: str, value: Any) -> tuple[str, str]:
        """(label, code) of one grouped value."""
        if dim == "line":
            return self.lines.get(value, value), value
        if dim == "channel":
            return translate(f"channel.{value}", self.lang), value
        if dim == "customer_kind":
            return translate(f"customer.kind.{value}", self.lang), value
        if dim in ("office", "agency"):
            if not value:
                return translate("report.no_agency", self.lang), ""
            code, name = self.offices.get(value, (str(value), str(value)))
            return str(mask_national_ids_in(name)), code
        if dim == "preparer":
            code = self.users.get(value)
            return (code, code) if code else (translate("report.no_preparer", self.lang), "")
        if dim == "day":
            shown = value if isinstance(value, date) else date.fromisoformat(str(value))
            return clock.format_date(shown), shown.isoformat()
        return str(value), str(value)  # month "2026-12", year


def _measure_label(measure: str, lang: str, tax_names: dict[str, str]) -> str:
    if is_tax(measure):
        code = tax_code(measure)
        return translate("report.measure.tax", lang, name=tax_names.get(code, code))
    return translate(f"report.measure.{measure}", lang)


def _sort_rows(rows: list[dict[str, Any]], d: ReportDefinition) -> None:
    """Stable sorts, last key first: the definition's order, then every dimension ascending
    (months and days by date, names the Turkish way)."""
    keys = list(d.sort) + [(dim, "asc") for dim in d.dimensions if dim not in dict(d.sort)]
    for key, direction in reversed(keys):
        if key in d.dimensions:
            if key in _CHRONOLOGICAL:
                rows.sort(key=lambda r, k=key: r[f"{k}_code"], reverse=direction == "desc")
            else:
                rows.sort(key=lambda r, k=key: name_key(str(r[k])), reverse=direction == "desc")
        else:
            rows.sort(key=lambda r, k=key: r[k], reverse=direction == "desc")


def _result(
    db: Session,
    actor: Actor,
    d: ReportDefinition,
    start: date,
    end: date,
    lang: str,
    name: str = "",
    format_id: int | None = None,
) -> ReportResult:
    groups = _grouped(db, actor, d, start, end)
    labels = _Labels(db, lang)
    labels.load(groups, d.dimensions)
    rows: list[dict[str, Any]] = []
    for key, values in groups.items():
        row: dict[str, Any] = {}
        for dim, value in zip(d.dimensions, key, strict=True):
            row[dim], row[f"{dim}_code"] = labels.of(dim, value)
        row |= {m: values[m] for m in d.measures}
        rows.append(row)
    _sort_rows(rows, d)
    tax_names = _tax_names(db, lang) if tax_codes_of(d) else {}
    columns = [Column(dim, translate(f"report.dim.{dim}", lang), "text") for dim in d.dimensions]
    columns += [Column(m, _measure_label(m, lang, tax_names), measure_kind(m)) for m in d.measures]
    totals: dict[str, int | Decimal] = {m: sum((r[m] for r in rows), _zero(m)) for m in d.measures}
    chart: list[ChartPoint] = []
    if d.chart != "none":
        total_label = translate("report.total", lang)
        chart = [
            ChartPoint(
                " / ".join(str(r[dim]) for dim in d.dimensions) or total_label, r[d.chart_measure]
            )
            for r in rows
        ]
    return ReportResult(
        definition=d,
        date_from=start,
        date_to=end,
        columns=columns,
        rows=rows,
        totals=totals,
        chart=chart,
        name=name,
        lang=lang,
        format_id=format_id,
    )


def run_report(
    db: Session,
    actor: Actor,
    definition: dict[str, Any] | ReportDefinition,
    date_from: Any,
    date_to: Any,
    lang: str = "tr",
) -> ReportResult:
    """A report by definition over the dates (both required, or both empty for the
    definition's period); in the actor's scope."""
    _reader(actor)
    d = _definition(db, definition)
    start, end = _dates(date_from, date_to, d.period)
    return _result(db, actor, d, start, end, lang)


def run_format(
    db: Session,
    actor: Actor,
    format_id: Any,
    date_from: Any = None,
    date_to: Any = None,
    lang: str = "tr",
) -> ReportResult:
    """A saved format, over the dates given or its period."""
    _reader(actor)
    found = _find(db, format_id)
    d = parse_definition(found.definition)
    start, end = _dates(date_from, date_to, d.period)
    return _result(db, actor, d, start, end, lang, name=found.name, format_id=found.id)


def production_report(
    db: Session, actor: Actor, date_from: Any, date_to: Any, by: list[str] | str
) -> ReportResult:
    """`GET /api/v1/reports/production`: policies, premiums and sums insured grouped by any of
    line, channel, office, agency, month (company-wide when `by` is empty)."""
    _reader(actor)
    wanted = [b.strip() for b in (by.split(",") if isinstance(by, str) else by or []) if b.strip()]
    problems = [
        ValidationFailed("report.unknown_by", field="by", value=b)
        for b in wanted
        if b not in API_BY
    ]
    if problems:
        raise ReportProblems(problems)
    start = dates.parse_date(date_from, "from", iso_only=True)
    end = dates.parse_date(date_to, "to", iso_only=True)
    dates.check_order(start, end, "to")
    d = parse_definition(
        {"dimensions": list(dict.fromkeys(wanted)), "measures": list(API_MEASURES)}
    )
    return _result(db, actor, d, start, end, "tr")


def as_api(result: ReportResult) -> dict[str, Any]:
    """The API's answer: raw codes for the groupings (office and agency codes, `null` for
    sales outside agencies), amounts as strings with two decimals."""

    def shown(values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for m in result.definition.measures:
            v = values[m]
            out[m] = v if measure_kind(m) == "count" else f"{v:.2f}"
        return out

    rows = []
    for r in result.rows:
        keys = {dim: (r[f"{dim}_code"] or None) for dim in result.definition.dimensions}
        rows.append(keys | shown(r))
    return {"rows": rows, "totals": shown(result.totals)}


# ------------------------------------------------------------------ exports


def export_report(
    db: Session, actor: Actor, result: ReportResult, fmt: str, lang: str = "tr"
) -> Exported:
    """The report as CSV, Excel or PDF (text cells neutralised against formulas); audited
    `report.export` with the format's name, the dates and the row count."""
    _reader(actor)
    kind = str(fmt or "").strip().lower()
    if kind not in EXPORT_FORMATS:
        raise ValidationFailed("report.export_format_invalid", field="fmt", value=str(fmt))
    exported = export.render(result, kind, lang, printed_by=actor.code)  # no write open yet
    try:
        audit_log.record(
            db,
            actor,
            "report.export",
            "report",
            result.format_id if result.format_id is not None else "-",
            None,
            {
                "format": result.name,
                "file": kind,
                "date_from": result.date_from,
                "date_to": result.date_to,
                "rows": len(result.rows),
                "definition": to_json(result.definition),
            },
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return exported
