"""The one source of 'now', so tests can move time (throttling, expiry) without sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TURKEY = ZoneInfo("Europe/Istanbul")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Business dates are Turkish calendar dates."""
    return datetime.now(TURKEY).date()


def format_date(value: date | datetime | None) -> str:
    """`25.11.2026` as Turkish documents print dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TURKEY)
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")
