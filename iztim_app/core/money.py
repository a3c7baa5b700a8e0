"""Money is Decimal end to end, quantized to kuruş with ROUND_HALF_UP at named steps."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

from iztim_app.core.errors import ValidationFailed

ZERO = Decimal("0.00")
KURUS = Decimal("0.01")

# For intermediate products (rate × factors × …) that must stay exact until round2:
# the default 28-digit context could round a long product before the named step.
EXACT = Context(prec=100, traps=[InvalidOperation, DivisionByZero, Overflow])


def round2(value: Decimal) -> Decimal:
    """The one rounding step used wherever the rules say `round2`."""
    return value.quantize(KURUS, rounding=ROUND_HALF_UP)


# Stored as Numeric(14, 2) / integer kuruş: 0 ≤ x < 10¹² keeps round2 within Decimal precision.
MAX_AMOUNT = Decimal(10) ** 12

_FAST = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")  # `850000`, `1234.56`: the usual case
_PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")  # the tariff contract: `.` decimals only
# As Turkish users type: `1.250.000,50`, `1250000,5`, `750.000` (dots group thousands).
_TURKISH = re.compile(r"(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")
_NOISE = re.compile(r"[\s\u00a0\u202f]|₺|TL", re.IGNORECASE)


def _read(text: str, plain: bool) -> Decimal | None:
    if plain:
        return Decimal(text) if _PLAIN.fullmatch(text) else None
    text = _NOISE.sub("", text)
    if _TURKISH.fullmatch(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if _PLAIN.fullmatch(text):  # `1234.56`, `-5` (refused below as out of range)
        return Decimal(text)
    return None


def parse_amount(
    raw: object,
    field: str,
    *,
    plain: bool = False,
    positive: bool = False,
    code: str = "amount.invalid",
    decimals_code: str = "amount.too_many_decimals",
    name: object = None,
) -> Decimal:
    """The one amount parser (forms, command line, services): a Decimal with kuruş at most.

    Text as a Turkish user types it (`1.250.000,50`, `750.000`, `1234.56`, `12.000 ₺`), or with
    `plain=True` only the tariff contract's `1234.56` (CLI, API, CSV-style input). Decimal and
    int pass through the same checks. More decimals than kuruş are refused with
    `decimals_code`, never rounded; anything else unreadable, negative (or zero with
    `positive`), or ≥ 10¹² is refused with `code`. Both name `field`; the message gets
    `name` (the field's label; default the field) and the `value` as typed.
    """
    if raw.__class__ is str and _FAST.fullmatch(raw):
        value: Decimal | None = Decimal(raw)
    elif isinstance(raw, str):
        value = _read(raw.strip(), plain)
    elif isinstance(raw, Decimal):
        value = raw if raw.is_finite() else None
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    else:
        value = None
    shown = raw.strip() if isinstance(raw, str) else "" if raw is None else str(raw)
    label = field if name is None else name
    if value is None or value < 0 or value >= MAX_AMOUNT or (positive and value == 0):
        raise ValidationFailed(code, field=field, name=label, value=shown)
    if value.as_tuple().exponent < -2 and value != value.quantize(KURUS):  # type: ignore[operator]
        raise ValidationFailed(decimals_code, field=field, name=label, value=shown)
    return value


def format_number(value: Decimal, places: int = 2) -> str:
    """`1234.5` → `1.234,50` (dot thousands, comma decimals)."""
    q = Decimal(1).scaleb(-places) if places else Decimal(1)
    text = f"{value.quantize(q, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_try(value: Decimal) -> str:
    """`1234.56` → `1.234,56 ₺`, as Turkish insurance documents print it."""
    return f"{format_number(value)} ₺"
