"""Money is Decimal end to end, quantized to kuruş with ROUND_HALF_UP at named steps."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
KURUS = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """The one rounding step used wherever the rules say `round2`."""
    return value.quantize(KURUS, rounding=ROUND_HALF_UP)


def parse_decimal(text: str) -> Decimal:
    """Parse user or CSV text; accepts Turkish `1.234,56` and plain `1234.56`."""
    cleaned = str(text).strip().replace("₺", "").replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return value


def format_number(value: Decimal, places: int = 2) -> str:
    """`1234.5` → `1.234,50` (dot thousands, comma decimals)."""
    q = Decimal(1).scaleb(-places) if places else Decimal(1)
    text = f"{value.quantize(q, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_try(value: Decimal) -> str:
    """`1234.56` → `1.234,56 ₺`, as Turkish insurance documents print it."""
    return f"{format_number(value)} ₺"
