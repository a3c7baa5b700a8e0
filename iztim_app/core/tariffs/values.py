"""Quote form values: text from the command line or a form, checked against fields.csv.

Each field gets a parser compiled once per loaded tariff; it returns the canonical value
(int, Decimal, str, date, or `yes`/`no` for booleans) or raises ValidationFailed naming
the field. Already-typed values (int, Decimal, date, bool) are accepted as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from iztim_app.core import dates
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import parse_amount as parse_money
from iztim_app.core.tariffs import formats
from iztim_app.core.tariffs.labels import number_text
from iztim_app.i18n import CATALOGUE, Label

if TYPE_CHECKING:
    from iztim_app.core.tariffs.model import Field

Parser = Callable[[Any], Any]


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
        return dates.read_date(raw, iso_only=True)
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    return None


def _to_boolean(raw: Any) -> str | None:
    if isinstance(raw, str):
        return formats.parse_boolean(raw)
    if isinstance(raw, bool):
        return formats.YES if raw else formats.NO
    return None


def field_label(name: str) -> Label | str:
    """What a message calls a standard field (`sum_insured`, `start_date`, …): its label from
    the catalogue (`field.<name>`); a name without one stays as it is."""
    key = f"field.{name}"
    return Label.of(key) if key in CATALOGUE else name


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
    label = Label(field.label_tr, field.label_en)  # messages name the field by its label
    required = field.required
    convert, bad_code = _CONVERT[field.type]
    low, high = field.min, field.max
    kind = field.type

    def bound(value: Any) -> str:
        return number_text(value, kind)

    options = frozenset(choice_values) if field.type == "choice" else None
    options_text = ", ".join(sorted(options)) if options else ""

    def parse(raw: Any) -> Any:
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                raw = None
        if raw is None:
            if required:
                raise ValidationFailed("pricing.required", field=name, name=label)
            return None
        value = convert(raw)
        if value is None:
            raise ValidationFailed(bad_code, field=name, name=label, value=str(raw))
        if options is not None and value not in options:
            raise ValidationFailed(
                "pricing.unknown_choice", field=name, name=label, value=value, choices=options_text
            )
        if low is not None and value < low:
            raise ValidationFailed(
                "pricing.below_min", field=name, name=label, value=value, min=bound(low)
            )
        if high is not None and value > high:
            raise ValidationFailed(
                "pricing.above_max", field=name, name=label, value=value, max=bound(high)
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
    """A money amount of the tariff contract (sum insured, premium): the one amount parser
    with `.` decimals only (money.parse_amount), refused as `pricing.bad_amount`."""
    return parse_money(
        raw,
        name,
        plain=True,
        code="pricing.bad_amount",
        decimals_code="pricing.bad_amount",
        name=field_label(name),
    )


def parse_date_input(raw: date | str, name: str) -> date:
    """A policy date of the tariff contract: the one date parser, `YYYY-MM-DD` only."""
    return dates.parse_date(  # type: ignore[return-value]
        raw,
        name,
        iso_only=True,
        code="pricing.not_date",
        required_code="pricing.not_date",
        name=field_label(name),
    )
