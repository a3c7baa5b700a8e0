"""A loaded tariff set: the CSV rows as immutable values, plus a rating index per line.

The index is compiled once when a `LineTariff` is built, so pricing a quote is a few
dict lookups and bisects over pre-parsed Decimals instead of scanning CSV rows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import round2
from iztim_app.core.tariffs.formats import WILDCARD
from iztim_app.core.tariffs.values import Parser, compile_parser

FIELD_TYPES = ("integer", "decimal", "text", "choice", "date", "boolean")
NUMERIC_TYPES = frozenset({"integer", "decimal"})
KEY_TYPES = frozenset({"choice", "boolean"})
VALUE_MATCH_TYPES = frozenset({"choice", "boolean", "text"})
GROUP_KINDS = ("individual", "corporate")
CANCELLATION_METHODS = ("pro_rata", "short_rate", "none", "full")

CUSTOMER_GROUP = "customer_group"  # the first column of rates.csv
# Values a factor may use besides the line's own fields (all matched by bands).
SUM_INSURED = "sum_insured"
AGE = "age"
VEHICLE_AGE = "vehicle_age"
BIRTH_DATE = "birth_date"
MODEL_YEAR = "model_year"
DERIVED_VALUES = (SUM_INSURED, AGE, VEHICLE_AGE)
# Names of the standard form fields and derived values; a line field may not shadow them.
RESERVED_FIELD_NAMES = frozenset(
    {"customer", CUSTOMER_GROUP, "start_date", "end_date", *DERIVED_VALUES}
)

_NEG_INF = Decimal("-Infinity")
_POS_INF = Decimal("Infinity")


@dataclass(frozen=True, slots=True)
class Line:
    code: str
    name_tr: str
    name_en: str
    min_premium: Decimal
    quote_valid_days: int
    max_installments: int
    min_retained: Decimal

    def name(self, lang: str | None) -> str:
        return self.name_en if lang == "en" else self.name_tr


@dataclass(frozen=True, slots=True)
class CustomerGroup:
    code: str
    name_tr: str
    name_en: str
    kind: str  # individual | corporate

    def name(self, lang: str | None) -> str:
        return self.name_en if lang == "en" else self.name_tr


@dataclass(frozen=True, slots=True)
class Tax:
    code: str
    name_tr: str
    name_en: str
    rate: Decimal  # a fraction of the net premium
    line_no: int = 0


@dataclass(frozen=True, slots=True)
class ShortRateRow:
    up_to_days: int
    earned_percent: Decimal
    line_no: int = 0


@dataclass(frozen=True, slots=True)
class CancellationReason:
    code: str
    name_tr: str
    name_en: str
    method: str  # pro_rata | short_rate | none | full

    def name(self, lang: str | None) -> str:
        return self.name_en if lang == "en" else self.name_tr


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label_tr: str
    label_en: str
    type: str
    required: bool
    min: Decimal | None = None
    max: Decimal | None = None
    help_tr: str = ""
    help_en: str = ""

    def label(self, lang: str | None) -> str:
        return self.label_en if lang == "en" else self.label_tr


@dataclass(frozen=True, slots=True)
class Choice:
    field: str
    value: str
    label_tr: str
    label_en: str

    def label(self, lang: str | None) -> str:
        return self.label_en if lang == "en" else self.label_tr


@dataclass(frozen=True, slots=True)
class RateRow:
    """`keys` line up with `LineTariff.rate_keys`; any cell may be `*`."""

    customer_group: str
    keys: tuple[str, ...]
    rate_per_mille: Decimal
    fixed: Decimal
    line_no: int = 0

    @property
    def stars(self) -> int:
        return (self.customer_group == WILDCARD) + self.keys.count(WILDCARD)


@dataclass(frozen=True, slots=True)
class FactorRow:
    """Matches on `value` (choice/boolean/text fields) or on `min <= x < max` (numbers)."""

    factor: str
    field: str
    value: str | None
    min: Decimal | None
    max: Decimal | None
    multiplier: Decimal
    line_no: int = 0


class RateIndex:
    """Rate rows grouped by wildcard pattern, most specific pattern first.

    For each pattern one dict lookup on the quote's values at the pattern's concrete
    columns finds the row. Ties between patterns with the same `*` count are rejected on
    load, so the first hit is the only winner.
    """

    __slots__ = ("_patterns",)

    def __init__(self, rows: tuple[RateRow, ...], keys: tuple[str, ...]) -> None:
        names = (CUSTOMER_GROUP, *keys)
        groups: dict[tuple[int, ...], dict[Hashable, RateRow]] = {}
        for row in rows:
            cells = (row.customer_group, *row.keys)
            concrete = tuple(i for i, cell in enumerate(cells) if cell != WILDCARD)
            table = groups.setdefault(concrete, {})
            table.setdefault(_project(cells, concrete), row)
        ordered = sorted(groups.items(), key=lambda item: -len(item[0]))
        self._patterns = tuple(
            (_getter(tuple(names[i] for i in concrete)), table) for concrete, table in ordered
        )

    def find(self, quote: Mapping[str, Any]) -> RateRow | None:
        """`quote` maps `customer_group` and every key field to the quote's value."""
        for getter, table in self._patterns:
            row = table.get(getter(quote))
            if row is not None:
                return row
        return None


def _empty_key(_quote: Mapping[str, Any]) -> tuple[()]:
    return ()


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Hashable]:
    return itemgetter(*names) if names else _empty_key


def _project(cells: tuple[str, ...], concrete: tuple[int, ...]) -> Hashable:
    """The same shape `_getter` returns: a scalar for one column, a tuple otherwise."""
    if len(concrete) == 1:
        return cells[concrete[0]]
    return tuple(cells[i] for i in concrete)


class ValueFactor:
    """A factor on a choice/boolean/text field: one dict lookup (or the `*` row)."""

    __slots__ = ("name", "field", "_by_value", "_any")

    def __init__(self, name: str, field_name: str, rows: list[FactorRow]) -> None:
        self.name = name
        self.field = field_name
        self._by_value = {row.value: row for row in rows if row.value != WILDCARD}
        self._any = next((row for row in rows if row.value == WILDCARD), None)

    def find(self, value: Any) -> FactorRow | None:
        if self._any is not None:
            return self._any
        return self._by_value.get(value)


class BandFactor:
    """A factor on a number: bisect over the sorted, non-overlapping `min` bounds."""

    __slots__ = ("name", "field", "_lows", "_highs", "_rows")

    def __init__(self, name: str, field_name: str, rows: list[FactorRow]) -> None:
        self.name = name
        self.field = field_name
        ordered = sorted(rows, key=lambda r: _NEG_INF if r.min is None else r.min)
        self._rows = tuple(ordered)
        self._lows = [_NEG_INF if r.min is None else r.min for r in ordered]
        self._highs = [_POS_INF if r.max is None else r.max for r in ordered]

    def find(self, value: Any) -> FactorRow | None:
        if value is None:  # an empty optional field matches only a fully open band
            if len(self._rows) == 1 and self._lows[0] == _NEG_INF and self._highs[0] == _POS_INF:
                return self._rows[0]
            return None
        i = bisect_right(self._lows, value) - 1
        if i >= 0 and value < self._highs[i]:
            return self._rows[i]
        return None


Factor = ValueFactor | BandFactor


class RatingIndex:
    """Everything `price` needs for one line, compiled once at load."""

    __slots__ = (
        "parsers",
        "rates",
        "key_fields",
        "factors",
        "needs_age",
        "needs_vehicle_age",
        "min_premium",
        "taxes",
    )

    def __init__(self, tariff: LineTariff) -> None:
        options: dict[str, list[str]] = {}
        for choice in tariff.choices:
            options.setdefault(choice.field, []).append(choice.value)
        self.parsers: dict[str, Parser] = {
            f.name: compile_parser(f, options.get(f.name, ())) for f in tariff.fields
        }
        self.rates = RateIndex(tariff.rates, tariff.rate_keys)
        self.key_fields = tariff.rate_keys
        types = {f.name: f.type for f in tariff.fields}
        by_factor: dict[str, list[FactorRow]] = {}
        for row in tariff.factors:  # dict keeps the file order of first appearance
            by_factor.setdefault(row.factor, []).append(row)
        factors: list[Factor] = []
        for name, rows in by_factor.items():
            field_name = rows[0].field
            kind = ValueFactor if types.get(field_name) in VALUE_MATCH_TYPES else BandFactor
            factors.append(kind(name, field_name, rows))
        self.factors = tuple(factors)
        used = {f.field for f in self.factors}
        self.needs_age = AGE in used
        self.needs_vehicle_age = VEHICLE_AGE in used
        self.min_premium = round2(tariff.line.min_premium)
        self.taxes = tuple((tax.code, tax.rate) for tax in tariff.taxes)


@dataclass(frozen=True)
class LineTariff:
    """One line of business: its form, rates, factors and taxes."""

    line: Line
    fields: tuple[Field, ...] = ()
    choices: tuple[Choice, ...] = ()
    rate_keys: tuple[str, ...] = ()
    rates: tuple[RateRow, ...] = ()
    factors: tuple[FactorRow, ...] = ()
    taxes: tuple[Tax, ...] = ()
    index: RatingIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", RatingIndex(self))

    @property
    def code(self) -> str:
        return self.line.code

    def get_field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def choices_for(self, field_name: str) -> tuple[Choice, ...]:
        return tuple(c for c in self.choices if c.field == field_name)


@dataclass(frozen=True)
class TariffSet:
    """A whole tariff folder; `lines` keeps the order of lines.csv."""

    lines: Mapping[str, LineTariff]
    customer_groups: Mapping[str, CustomerGroup]
    short_rate: tuple[ShortRateRow, ...]
    cancellation_reasons: Mapping[str, CancellationReason]
    _short_rate_days: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        days = tuple(row.up_to_days for row in self.short_rate)
        object.__setattr__(self, "_short_rate_days", days)

    def line(self, code: str) -> LineTariff:
        tariff = self.lines.get(code)
        if tariff is None:
            raise ValidationFailed(
                "pricing.unknown_line", field="line", line=code, known=", ".join(self.lines)
            )
        return tariff

    def short_rate_row(self, days: int) -> ShortRateRow | None:
        """The first row with `up_to_days >= days`."""
        i = bisect_left(self._short_rate_days, days)
        return self.short_rate[i] if i < len(self.short_rate) else None
