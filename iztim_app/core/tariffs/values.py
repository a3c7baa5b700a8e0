"""Quote form values: text from the command line or a form, checked against fields.csv.

Each field gets a parser compiled once per loaded tariff; it returns the canonical value
(int, Decimal, str, date, or `yes`/`no` for booleans) or raises ValidationFailed naming
the field. Already-typed values (int, Decimal, date, bool) are accepted as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs import formats

if TYPE_CHECKING:
    from iztim_app.core.tariffs.model import Field

Parser = Callable[[Any], Any]
MAX_AMOUNT = Decimal(10) ** 12
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")


def _to_int(raw: Any) -> int | None:
    if isinstance(raw, str):
        return formats.parse_integer(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        return int(raw)
    return None


def _to_decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, str):
        return formats.parse_decimal(raw)
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    return None


def _to_date(raw: Any) -> date | None:
    if isinstance(raw, str):
        return formats.parse_date(raw)
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    return None


def _to_boolean(raw: Any) -> str | None:
    if isinstance(raw, str):
        return formats.parse_boolean(raw)
    if isinstance(raw, bool):
        return formats.YES if raw else formats.NO
    return None


def _to_text(raw: Any) -> str | None:
    return raw if isinstance(raw, str) else None


_CONVERT: dict[str, tuple[Callable[[Any], Any], str]] = {
    "integer": (_to_int, "pricing.not_integer"),
    "decimal": (_to_decimal, "pricing.not_number"),
    "date": (_to_date, "pricing.not_date"),
    "boolean": (_to_boolean, "pricing.not_boolean"),
    "text": (_to_text, "pricing.not_text"),
    "choice": (_to_text, "pricing.not_text"),
}


def compile_parser(field: Field, choice_values: Iterable[str] = ()) -> Parser:
    """One closure per field, with a fast path for the usual clean text input."""
    slow = _general_parser(field, choice_values)
    if field.type in ("choice", "boolean"):
        yes_no = (formats.YES, formats.NO)
        accepted = frozenset(choice_values if field.type == "choice" else yes_no)

        def parse_key(raw: Any) -> Any:
            if raw.__class__ is str and raw in accepted:
                return raw
            return slow(raw)

        return parse_key
    if field.type == "integer":
        low, high = field.min, field.max

        def parse_integer(raw: Any) -> Any:
            if raw.__class__ is str and raw.isascii() and raw.isdigit():
                value = int(raw)
                if (low is None or value >= low) and (high is None or value <= high):
                    return value
            return slow(raw)

        return parse_integer
    if field.type == "date":

        def parse_date(raw: Any) -> Any:
            if raw.__class__ is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
                try:
                    return date.fromisoformat(raw)
                except ValueError:
                    pass
            return slow(raw)

        return parse_date
    return slow


def _general_parser(field: Field, choice_values: Iterable[str]) -> Parser:
    """Every rule for one field: blank, required, type, choice, bounds."""
    name = field.name
    required = field.required
    convert, bad_code = _CONVERT[field.type]
    low, high = field.min, field.max
    options = frozenset(choice_values) if field.type == "choice" else None
    options_text = ", ".join(sorted(options)) if options else ""

    def parse(raw: Any) -> Any:
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                raw = None
        if raw is None:
            if required:
                raise ValidationFailed("pricing.required", field=name, name=name)
            return None
        value = convert(raw)
        if value is None:
            raise ValidationFailed(bad_code, field=name, name=name, value=str(raw))
        if options is not None and value not in options:
            raise ValidationFailed(
                "pricing.unknown_choice", field=name, name=name, value=value, choices=options_text
            )
        if low is not None and value < low:
            raise ValidationFailed("pricing.below_min", field=name, name=name, value=value, min=low)
        if high is not None and value > high:
            raise ValidationFailed(
                "pricing.above_max", field=name, name=name, value=value, max=high
            )
        return value

    return parse


def parse_values(parsers: Mapping[str, Parser], values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every field of the line parsed; a name the line does not have is an error, not ignored."""
    if values is None:
        values = {}
    elif not values.keys() <= parsers.keys():
        unknown = sorted(values.keys() - parsers.keys())[0]
        raise ValidationFailed(
            "pricing.unknown_field", field=unknown, name=unknown, known=", ".join(parsers)
        )
    get = values.get
    return {name: parse(get(name)) for name, parse in parsers.items()}


def parse_amount(raw: Decimal | int | str, name: str) -> Decimal:
    """A money amount (sum insured, premium): 0 ≤ x < 10¹², kuruş at most, `.` decimals.

    The bound is what `Numeric(14, 2)` stores, and keeps round2 within Decimal precision.
    """
    if isinstance(raw, str):
        raw = raw.strip()
        if _PLAIN_AMOUNT.fullmatch(raw):  # the usual case, checked in one step
            return Decimal(raw)
    value = _to_decimal(raw)
    if (
        value is None or not 0 <= value < MAX_AMOUNT or value.normalize().as_tuple().exponent < -2  # type: ignore[operator]
    ):
        raise ValidationFailed("pricing.bad_amount", field=name, name=name, value=str(raw))
    return value


def parse_date_input(raw: date | str, name: str) -> date:
    """A policy date: a `date` or `YYYY-MM-DD` text (a datetime is refused, not truncated)."""
    value = _to_date(raw.strip() if isinstance(raw, str) else raw)
    if value is None:
        raise ValidationFailed("pricing.not_date", field=name, name=name, value=str(raw))
    return value
