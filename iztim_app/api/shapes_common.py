"""JSON forms shared by every endpoint: amounts as strings with two decimals, dates
`YYYY-MM-DD`, timestamps ISO 8601 with offset (api.md, Conventions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from iztim_app.core.money import KURUS


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(KURUS))


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def taxes(values: dict[str, Decimal] | None) -> dict[str, str]:
    return {code: money(Decimal(amount)) for code, amount in (values or {}).items()}
