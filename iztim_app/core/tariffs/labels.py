"""Codes and numbers of a tariff as a person reads them.

A line's field names, choice values, `yes`/`no` and customer group codes become the labels
its tariff files give (in the reader's language); numbers print by what they count: a
year or a count as `1990`, money as `1.234,56`. Screens, the worksheet and messages all
format through here, so no screen shows a code where a label exists.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from iztim_app.core.clock import format_date
from iztim_app.core.money import format_number, format_try
from iztim_app.i18n import CATALOGUE, translate

if TYPE_CHECKING:
    from iztim_app.core.tariffs.model import LineTariff, TariffSet

MONEY = "money"
INTEGER = "integer"
DECIMAL = "decimal"
# The kinds of the values every line has besides its own fields (see tariffs.md).
STANDARD_KINDS = {"sum_insured": MONEY, "age": INTEGER, "vehicle_age": INTEGER}
WILDCARD = "*"


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def number_text(value: Any, kind: str | None = DECIMAL) -> str:
    """One number as shown on screens and in messages.

    `integer` (years, counts, days): plain digits, `1990`, never `1.990`;
    `money`: `1.234,56` (a whole amount as `250.000`);
    `decimal`: thousands dots and only the decimals it has (`0,75`, `1.500`).
    Anything else that is not a number is shown as it is.
    """
    number = _decimal(value)
    if number is None:
        return str(value)
    whole = number == number.to_integral_value()
    if kind == INTEGER and whole:
        return str(int(number))
    if whole:
        return format_number(number, 0)
    if kind == MONEY:
        return format_number(number, 2)
    places = -number.normalize().as_tuple().exponent  # type: ignore[operator]
    return format_number(number, max(places, 0))


class LineLabels:
    """The names one line's tariff gives its codes, in one language.

    Holds plain data only (`data`), so a screen's state can keep it between events and
    rebuild it with `LineLabels(lang, data)`. Without a tariff (or for a code the tariff does
    not know) the standard names from the catalogue are used, and an unknown code shows
    itself rather than nothing.
    """

    def __init__(self, lang: str | None, data: dict[str, Any] | None = None) -> None:
        self.lang = lang
        self.data: dict[str, Any] = data or {"fields": {}, "choices": {}, "groups": {}}

    @classmethod
    def of(
        cls, tariff_set: TariffSet | None, line_code: str | None, lang: str | None
    ) -> LineLabels:
        """The labels of `line_code` (fields, choices) and of every customer group."""
        if tariff_set is None:
            return cls(lang)
        groups = {code: g.name(lang) for code, g in tariff_set.customer_groups.items()}
        line = tariff_set.lines.get(line_code) if line_code else None
        return cls.of_line(line, lang, groups)

    @classmethod
    def of_line(
        cls, line: LineTariff | None, lang: str | None, groups: dict[str, str] | None = None
    ) -> LineLabels:
        """The labels of one line's fields and choices; `groups` maps group code → name."""
        data: dict[str, Any] = {"fields": {}, "choices": {}, "groups": dict(groups or {})}
        if line is not None:
            data["fields"] = {f.name: [f.label(lang), f.type] for f in line.fields}
            for c in line.choices:
                data["choices"].setdefault(c.field, {})[c.value] = c.label(lang)
        return cls(lang, data)

    def field(self, name: str) -> str:
        """The form label of a line field, or the catalogue's name of a standard value."""
        found = self.data["fields"].get(name)
        if found is not None:
            return found[0]
        key = f"field.{name}"
        return translate(key, self.lang) if key in CATALOGUE else name

    def kind(self, name: str) -> str:
        """`integer`, `decimal`, `choice`, … for a line field; `money` for the sum insured."""
        found = self.data["fields"].get(name)
        return found[1] if found is not None else STANDARD_KINDS.get(name, "")

    def value(self, name: str, value: Any) -> str:
        """A quote's value (or a tariff cell) of field `name` as its label."""
        if value is None or value == "":
            return "—"
        text = str(value)
        if text == WILDCARD:
            return translate("explain.any", self.lang)
        kind = self.kind(name)
        if kind == "choice":
            return self.data["choices"].get(name, {}).get(text, text)
        if kind == "boolean" or (kind == "" and text in ("yes", "no")):
            return translate(f"common.{text}", self.lang) if text in ("yes", "no") else text
        if kind == "date" or isinstance(value, date):
            try:
                return format_date(value if isinstance(value, date) else date.fromisoformat(text))
            except ValueError:
                return text
        if kind == MONEY:
            number = _decimal(value)
            return format_try(number) if number is not None else text
        if kind in (INTEGER, DECIMAL):
            return number_text(value, kind)
        return text

    def group(self, code: str) -> str:
        """A customer group's name from the customer groups file."""
        return self.data["groups"].get(code, code)
