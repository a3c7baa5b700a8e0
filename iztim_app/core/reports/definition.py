"""A report format's definition: what to group by, what to add up, filters, sort, chart.

Pure: no database. `parse_definition` reads the JSON a screen, the API or formats.json
sends and reports every problem at once (`ReportProblems`), each naming its field;
`to_json` writes it back, so a saved format reads back equal with every setting.
Filter values are raw codes, never database ids, so a definition means the same in every
installation: line and tax codes, channel and customer-kind codes, office and agency codes
(`S-ISTANBUL`), preparer user codes, months `2026-12`, days `2026-12-01`, years `2026`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from iztim_app.core.errors import ValidationFailed

DIMENSIONS = (
    "line",
    "channel",
    "office",
    "agency",
    "month",
    "day",
    "year",
    "customer_kind",
    "preparer",
)
MEASURES = (
    "policies",
    "issued",
    "cancelled",
    "endorsements",
    "sum_insured",
    "net_premium",
    "taxes",
    "gross_premium",
    "commission",
)  # + "tax:<CODE>"
COUNT_MEASURES = frozenset({"policies", "issued", "cancelled", "endorsements"})
CHARTS = ("bar", "line", "pie", "none")
PERIODS = ("custom", "this_month", "last_month", "this_year", "last_year")
DIRECTIONS = ("asc", "desc")
CHANNELS = ("head_office", "branch", "agency", "portal")
CUSTOMER_KINDS = ("individual", "corporate")
MAX_DIMENSIONS = 3
MAX_MEASURES = 20
MAX_FILTER_VALUES = 200
TAX_PREFIX = "tax:"

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
_TAX = re.compile(r"[A-Z][A-Z0-9_]{0,15}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_YEAR = re.compile(r"[0-9]{4}")


class ReportProblems(ValidationFailed):
    """Every problem of a report definition at once; code/field are the first one's."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        first = problems[0]
        super().__init__(first.code, field=first.field, **first.params)
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ReportDefinition:
    dimensions: tuple[str, ...]  # 0..3, in order
    measures: tuple[str, ...]  # 1..n
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: tuple[tuple[str, str], ...] = ()
    chart: str = "none"
    chart_measure: str = ""
    period: str = "custom"


@dataclass(frozen=True)
class Known:
    """What the database knows, for the checks a pure reading cannot make."""

    lines: frozenset[str] | None = None
    tax_codes: frozenset[str] | None = None


def is_tax(measure: str) -> bool:
    return measure.startswith(TAX_PREFIX)


def tax_code(measure: str) -> str:
    return measure[len(TAX_PREFIX) :]


def measure_kind(measure: str) -> str:
    """ "count" or "money" (a column's kind in results and exports)."""
    return "count" if measure in COUNT_MEASURES else "money"


def _strings(raw: Any) -> list[str] | None:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(raw, list | tuple):
        return [str(v).strip() if v is not None else "" for v in raw]
    return None


def _filter_value_ok(dim: str, value: str, known: Known) -> bool:
    if dim == "line":
        return bool(_CODE.fullmatch(value)) and (known.lines is None or value in known.lines)
    if dim == "channel":
        return value in CHANNELS
    if dim == "customer_kind":
        return value in CUSTOMER_KINDS
    if dim == "month":
        match = _MONTH.fullmatch(value)
        return bool(match) and 1 <= int(match.group(2)) <= 12
    if dim == "day":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return len(value) == 10
    if dim == "year":
        return bool(_YEAR.fullmatch(value))
    return bool(_CODE.fullmatch(value))  # office, agency, preparer: codes


def _measures(raw: Any, known: Known, problems: list[ValidationFailed]) -> tuple[str, ...]:
    values = _strings(raw)
    if values is None:
        problems.append(ValidationFailed("report.measures_invalid", field="measures"))
        return ()
    if not values:
        problems.append(ValidationFailed("report.measures_required", field="measures"))
        return ()
    if len(values) > MAX_MEASURES:
        problems.append(
            ValidationFailed("report.too_many_measures", field="measures", max=MAX_MEASURES)
        )
    out: list[str] = []
    for value in values:
        ok = value in MEASURES or (
            is_tax(value)
            and bool(_TAX.fullmatch(tax_code(value)))
            and (known.tax_codes is None or tax_code(value) in known.tax_codes)
        )
        if not ok:
            problems.append(
                ValidationFailed("report.unknown_measure", field="measures", value=value)
            )
        elif value in out:
            problems.append(
                ValidationFailed("report.duplicate_measure", field="measures", value=value)
            )
        else:
            out.append(value)
    return tuple(out)


def _dimensions(raw: Any, problems: list[ValidationFailed]) -> tuple[str, ...]:
    values = _strings(raw)
    if values is None:
        problems.append(ValidationFailed("report.dimensions_invalid", field="dimensions"))
        return ()
    if len(values) > MAX_DIMENSIONS:
        problems.append(
            ValidationFailed("report.too_many_dimensions", field="dimensions", max=MAX_DIMENSIONS)
        )
    out: list[str] = []
    for value in values:
        if value not in DIMENSIONS:
            problems.append(
                ValidationFailed("report.unknown_dimension", field="dimensions", value=value)
            )
        elif value in out:
            problems.append(
                ValidationFailed("report.duplicate_dimension", field="dimensions", value=value)
            )
        else:
            out.append(value)
    return tuple(out)


def _filters(
    raw: Any, known: Known, problems: list[ValidationFailed]
) -> dict[str, tuple[str, ...]]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        problems.append(ValidationFailed("report.filters_invalid", field="filters"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for dim, values_raw in raw.items():
        dim = str(dim)
        if dim not in DIMENSIONS:
            problems.append(
                ValidationFailed("report.unknown_filter_dimension", field="filters", value=dim)
            )
            continue
        values = _strings(values_raw)
        if not values or len(values) > MAX_FILTER_VALUES:
            problems.append(
                ValidationFailed("report.filter_values_required", field=f"filters.{dim}")
            )
            continue
        bad = [v for v in values if not _filter_value_ok(dim, v, known)]
        for value in bad:
            problems.append(
                ValidationFailed(
                    "report.bad_filter_value", field=f"filters.{dim}", dimension=dim, value=value
                )
            )
        if not bad:
            out[dim] = tuple(dict.fromkeys(values))
    return out


def _sort(
    raw: Any,
    dimensions: tuple[str, ...],
    measures: tuple[str, ...],
    problems: list[ValidationFailed],
) -> tuple[tuple[str, str], ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list | tuple):
        problems.append(ValidationFailed("report.sort_invalid", field="sort"))
        return ()
    out: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, dict):
            key, direction = str(item.get("key", "")), str(item.get("dir", "asc"))
        elif isinstance(item, list | tuple) and len(item) == 2:
            key, direction = str(item[0]), str(item[1])
        elif isinstance(item, str):
            key, _, direction = item.partition(":")
            direction = direction or "asc"
        else:
            problems.append(ValidationFailed("report.sort_invalid", field="sort"))
            continue
        if key not in dimensions and key not in measures:
            problems.append(ValidationFailed("report.bad_sort_key", field="sort", value=key))
        elif direction not in DIRECTIONS:
            problems.append(
                ValidationFailed("report.bad_sort_direction", field="sort", value=direction)
            )
        elif key in (k for k, _ in out):
            problems.append(ValidationFailed("report.bad_sort_key", field="sort", value=key))
        else:
            out.append((key, direction))
    return tuple(out)


def parse_definition(raw: dict[str, Any], *, known: Known | None = None) -> ReportDefinition:
    """The definition in `raw`, or `ReportProblems` listing every problem found."""
    known = known or Known()
    problems: list[ValidationFailed] = []
    if not isinstance(raw, dict):
        raise ReportProblems([ValidationFailed("report.definition_invalid", field="definition")])
    dimensions = _dimensions(raw.get("dimensions"), problems)
    measures = _measures(raw.get("measures"), known, problems)
    filters = _filters(raw.get("filters"), known, problems)
    sort = _sort(raw.get("sort"), dimensions, measures, problems)
    chart = str(raw.get("chart") or "none")
    if chart not in CHARTS:
        problems.append(ValidationFailed("report.unknown_chart", field="chart", value=chart))
    chart_measure = str(raw.get("chart_measure") or "")
    if chart_measure and chart_measure not in measures:
        problems.append(
            ValidationFailed(
                "report.chart_measure_invalid", field="chart_measure", value=chart_measure
            )
        )
    if not chart_measure and measures:
        chart_measure = measures[0]
    period = str(raw.get("period") or "custom")
    if period not in PERIODS:
        problems.append(ValidationFailed("report.unknown_period", field="period", value=period))
    if problems:
        raise ReportProblems(problems)
    return ReportDefinition(
        dimensions=dimensions,
        measures=measures,
        filters=filters,
        sort=sort,
        chart=chart,
        chart_measure=chart_measure,
        period=period,
    )


def to_json(d: ReportDefinition) -> dict[str, Any]:
    """The JSON stored and sent: `parse_definition(to_json(d)) == d`."""
    return {
        "dimensions": list(d.dimensions),
        "measures": list(d.measures),
        "filters": {dim: list(values) for dim, values in d.filters.items()},
        "sort": [[key, direction] for key, direction in d.sort],
        "chart": d.chart,
        "chart_measure": d.chart_measure,
        "period": d.period,
    }


def tax_codes_of(d: ReportDefinition) -> list[str]:
    return [tax_code(m) for m in d.measures if is_tax(m)]


def used_dimensions(d: ReportDefinition) -> Iterable[str]:
    return (*d.dimensions, *(k for k in d.filters if k not in d.dimensions))
