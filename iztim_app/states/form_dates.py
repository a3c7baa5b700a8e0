"""Dates as forms send them (ISO text from `<input type="date">`), read in one place."""

from __future__ import annotations

from datetime import date

from iztim_app.core.errors import ValidationFailed


def form_date(text: object, field: str, *, required: bool = False) -> date | None:
    """None for an empty optional field; a message beside `field` for anything unreadable."""
    text = str(text or "").strip()
    if not text and not required:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("error.invalid", field=field) from None
