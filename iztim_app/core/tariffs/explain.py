"""The worksheet in words: each rating step as a line a person reads, in Turkish or English.

Works on the JSON form of the steps (what quotes store), so an old quote is explained
exactly as it was priced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iztim_app.core.money import format_number, format_try
from iztim_app.i18n import translate


def _amount(text: Any) -> str:
    return format_try(Decimal(str(text)))


def _num(text: Any, places: int = 2) -> str:
    """Whole numbers without decimals (bands, percentages), others with `places`."""
    value = Decimal(str(text))
    if value == value.to_integral_value():
        places = 0
    return format_number(value, places)


def explain(steps: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """[{step, detail, amount}] for each worksheet step."""
    out: list[dict[str, str]] = []
    for s in steps:
        kind = s.get("kind")
        if kind == "rate":
            keys = ", ".join(f"{k}={v}" for k, v in (s.get("keys") or {}).items())
            detail = translate(
                "explain.rate",
                lang,
                row=s["row"],
                group=s["customer_group"],
                keys=keys,
                rate=_num(s["rate_per_mille"], 4),
                sum_insured=_amount(s["sum_insured"]),
                fixed=_amount(s["fixed"]),
            )
            out.append(
                {
                    "step": translate("explain.step.rate", lang),
                    "detail": detail,
                    "amount": _amount(s["base"]),
                }
            )
        elif kind == "factor":
            if s.get("match") is not None:
                band = s["match"]
            else:
                low = "" if s.get("min") is None else _num(s["min"])
                high = "" if s.get("max") is None else _num(s["max"])
                band = f"[{low} – {high})"
            detail = translate(
                "explain.factor",
                lang,
                factor=s["factor"],
                field=s["field"],
                value=s.get("value") or "—",
                row=s["row"],
                band=band,
                multiplier=_num(s["multiplier"], 4),
            )
            out.append(
                {
                    "step": translate("explain.step.factor", lang),
                    "detail": detail,
                    "amount": _amount(s["amount"]),
                }
            )
        elif kind == "short_rate":
            detail = translate(
                "explain.short_rate", lang, days=s["days"], percent=_num(s["earned_percent"])
            )
            out.append(
                {
                    "step": translate("explain.step.short_rate", lang),
                    "detail": detail,
                    "amount": _amount(s["amount"]),
                }
            )
        elif kind == "net":
            key = "explain.net_min" if s.get("min_premium_applied") else "explain.net"
            detail = translate(key, lang, raw=_amount(s["net_raw"]), min=_amount(s["min_premium"]))
            out.append(
                {
                    "step": translate("explain.step.net", lang),
                    "detail": detail,
                    "amount": _amount(s["net"]),
                }
            )
        elif kind == "tax":
            name = s.get("name_en") if lang == "en" else s.get("name_tr")
            detail = f"{s['code']} · {name} · %{_num(Decimal(str(s['rate'])) * 100)}"
            out.append(
                {
                    "step": translate("explain.step.tax", lang),
                    "detail": detail,
                    "amount": _amount(s["amount"]),
                }
            )
        elif kind == "gross":
            detail = translate(
                "explain.gross", lang, net=_amount(s["net"]), taxes=_amount(s["taxes"])
            )
            out.append(
                {
                    "step": translate("explain.step.gross", lang),
                    "detail": detail,
                    "amount": _amount(s["gross"]),
                }
            )
    return out
