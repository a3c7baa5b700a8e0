"""The text formats of the tariff contract, shared by CSV cells and quote input.

Decimals use `.` (no thousands separator, no exponent), dates are `YYYY-MM-DD` (read by
the one date parser, core/dates.py, with `iso_only`), booleans are `yes` / `no`. Each
parser returns None for text that does not fit, so callers decide whether that is a load
Problem or a ValidationFailed.
"""

from __future__ import annotations

import re
from decimal import Decimal

WILDCARD = "*"
YES = "yes"
NO = "no"

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
_CODE = re.compile(r"[\w.\-]+")


def parse_integer(text: str) -> int | None:
    return int(text) if _INTEGER.fullmatch(text) else None


def parse_decimal(text: str) -> Decimal | None:
    """Strict: `1234.5` yes; `1,5`, `1e3`, `NaN` no (a CSV typo must not slip through)."""
    return Decimal(text) if _DECIMAL.fullmatch(text) else None


def parse_boolean(text: str) -> str | None:
    """Canonical `yes` / `no`: the same text rates.csv and factors.csv cells hold."""
    lowered = text.lower()
    return lowered if lowered in (YES, NO) else None


def is_identifier(text: str) -> bool:
    return _IDENTIFIER.fullmatch(text) is not None


def is_code(text: str) -> bool:
    """Codes of groups, taxes and reasons: letters, digits, `_`, `.`, `-`; never `*`."""
    return _CODE.fullmatch(text) is not None


def decimal_text(value: Decimal) -> str:
    """Plain notation for JSON and messages (`0.0000001`, never `1E-7`)."""
    return format(value, "f")
