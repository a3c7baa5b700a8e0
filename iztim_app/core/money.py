"""Money is Decimal end to end, quantized to kuruş with ROUND_HALF_UP at named steps."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

ZERO = Decimal("0.00")
KURUS = Decimal("0.01")

# For intermediate products (rate × factors × …) that must stay exact until round2:
# the default 28-digit context could round a long product before the named step.
EXACT = Context(prec=100, traps=[InvalidOperation, DivisionByZero, Overflow])


def round2(value: Decimal) -> Decimal:
    """The one rounding step used wherever the rules say `round2`."""
    return value.quantize(KURUS, rounding=ROUND_HALF_UP)


_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_amount(text: str) -> Decimal:
    """Parse an amount a Turkish user typed: `1.250.000,50`, `750.000`, or plain `1234.56`.

    Dots followed by groups of three digits are thousands separators, as users write them.
    """
    cleaned = str(text).strip().replace("₺", "").replace(" ", "").replace("TL", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value


def format_number(value: Decimal, places: int = 2) -> str:
    """`1234.5` → `1.234,50` (dot thousands, comma decimals)."""
    q = Decimal(1).scaleb(-places) if places else Decimal(1)
    text = f"{value.quantize(q, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_try(value: Decimal) -> str:
    """`1234.56` → `1.234,56 ₺`, as Turkish insurance documents print it."""
    return f"{format_number(value)} ₺"
