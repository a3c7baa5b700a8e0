"""The one date parser for forms, the command line and services.

Policy dates are plain `date`s. Accepted text: ISO `2026-11-25` (what `<input type="date">`,
the command line and tariff files send) and, unless `iso_only`, Turkish `25.11.2026` as
people type it. A datetime is refused, not truncated.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from iztim_app.core.errors import ValidationFailed

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TURKISH = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def read_date(text: str, *, iso_only: bool = False) -> date | None:
    """The date in `text`, or None when it is not one (`2026-02-30` is not)."""
    try:
        if _ISO.fullmatch(text):
            return date.fromisoformat(text)
        match = None if iso_only else _TURKISH.fullmatch(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def parse_date(
    raw: object,
    field: str,
    *,
    required: bool = True,
    iso_only: bool = False,
    code: str = "date.invalid",
    required_code: str = "error.required",
    name: object = None,
) -> date | None:
    """A date from a form, the command line or a caller; a refusal names `field`.

    Blank gives None when optional and `required_code` when required; anything unreadable
    gives `code`. Messages get the field's `name` (its label; default the field) and `value`.
    """
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    text = raw.strip() if isinstance(raw, str) else None
    label = field if name is None else name
    if raw is None or text == "":
        if required:
            raise ValidationFailed(required_code, field=field, name=label, value="")
        return None
    value = None if text is None else read_date(text, iso_only=iso_only)
    if value is None:
        raise ValidationFailed(code, field=field, name=label, value=str(raw))
    return value


def check_order(start: date | None, end: date | None, field: str) -> None:
    """An end before its start is refused beside the end's field (`error.date_range`)."""
    if start is not None and end is not None and end < start:
        raise ValidationFailed("error.date_range", field=field)
