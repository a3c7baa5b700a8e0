"""The rating worksheet (hesap dökümü): how a price was reached, step by step.

Each step is a small frozen value with a `kind` the UI switches on; numbers stay Decimal
and become strings only in `to_json_dict()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from iztim_app.core.money import EXACT, KURUS
from iztim_app.core.tariffs.formats import decimal_text


def json_value(value: Any) -> Any:
    """Decimal → plain string (`"1234.50"`), date → ISO text; containers recursively."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    return value


def trimmed(value: Decimal) -> Decimal:
    """An exact intermediate without trailing zeros, keeping two places (`23800.00`)."""
    value = value.normalize(EXACT)
    places = -value.as_tuple().exponent  # type: ignore[operator]
    return value.quantize(KURUS) if places < 2 else value


# Each step class's field names but `kind`, in order: `fields()` is slow per call.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


class Step:
    __slots__ = ()
    kind: str

    def to_json_dict(self) -> dict[str, Any]:
        names = _FIELD_NAMES.get(type(self))
        if names is None:
            names = tuple(f.name for f in fields(self) if f.name != "kind")  # type: ignore[arg-type]
            _FIELD_NAMES[type(self)] = names
        data: dict[str, Any] = {"kind": self.kind}
        for name in names:
            data[name] = json_value(getattr(self, name))
        return data


@dataclass(frozen=True, slots=True)
class RateStep(Step):
    """The rates.csv row used; `keys` holds that row's cells (`*` where it is a wildcard)."""

    row: int
    customer_group: str
    keys: dict[str, str]
    sum_insured: Decimal
    rate_per_mille: Decimal
    fixed: Decimal
    base: Decimal  # sum_insured × rate_per_mille / 1000 + fixed
    kind: str = field(default="rate", init=False)


@dataclass(frozen=True, slots=True)
class FactorStep(Step):
    """One factor: the quote's value, the factors.csv row it matched, the running amount."""

    factor: str
    field: str
    value: str  # the quote's value as text, "" when empty
    row: int
    match: str | None  # the row's `value` cell, for choice/boolean/text factors
    min: Decimal | None  # the row's band, for numeric factors (None = open)
    max: Decimal | None
    multiplier: Decimal
    amount: Decimal  # base × multipliers so far, unrounded
    kind: str = field(default="factor", init=False)


@dataclass(frozen=True, slots=True)
class ShortRateStep(Step):
    """A term under 365 days earns only part of the annual premium."""

    days: int
    row: int
    up_to_days: int
    earned_percent: Decimal
    amount: Decimal
    kind: str = field(default="short_rate", init=False)


@dataclass(frozen=True, slots=True)
class NetStep(Step):
    net_raw: Decimal
    rounded: Decimal  # round2(net_raw)
    min_premium: Decimal
    min_premium_applied: bool
    net: Decimal
    kind: str = field(default="net", init=False)


@dataclass(frozen=True, slots=True)
class TaxStep(Step):
    code: str
    name_tr: str
    name_en: str
    rate: Decimal
    base: Decimal  # the net premium
    amount: Decimal  # round2(base × rate)
    kind: str = field(default="tax", init=False)


@dataclass(frozen=True, slots=True)
class GrossStep(Step):
    net: Decimal
    taxes: Decimal
    gross: Decimal
    kind: str = field(default="gross", init=False)
