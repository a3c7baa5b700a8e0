"""The worksheet in words: each rating step as a line a person reads, in Turkish or English.

Works on the JSON form of the steps (what quotes store), so an old quote is explained
exactly as it was priced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iztim_app.core.money import format_try
from iztim_app.core.tariffs.labels import LineLabels, number_text
from iztim_app.i18n import translate


def _amount(text: Any) -> str:
    return format_try(Decimal(str(text)))


def explain(
    steps: list[dict[str, Any]], lang: str, labels: LineLabels | None = None
) -> list[dict[str, str]]:
    """[{step, detail, amount}] for each worksheet step.

    `labels` (from the tariff version the quote was priced with) names fields, choices and
    customer groups as the tariff files do; without it the codes stand for themselves.
    """
    labels = labels or LineLabels(lang)
    out: list[dict[str, str]] = []
    for s in steps:
        kind = s.get("kind")
        if kind == "rate":
            cells = {"customer_group": s["customer_group"], **(s.get("keys") or {})}
            keys = ", ".join(
                f"{labels.field(k)}: "
                + (labels.group(v) if k == "customer_group" and v != "*" else labels.value(k, v))
                for k, v in cells.items()
            )
            detail = translate(
                "explain.rate",
                lang,
                row=s["row"],
                keys=keys,
                rate=number_text(s["rate_per_mille"]),
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
            field = s["field"]
            value = labels.value(field, s.get("value"))
            if s.get("match") is not None:
                key = "explain.factor_any" if s["match"] == "*" else "explain.factor_value"
                band = ""
            else:
                number_kind = labels.kind(field) or "decimal"
                low = "" if s.get("min") is None else number_text(s["min"], number_kind)
                high = "" if s.get("max") is None else number_text(s["max"], number_kind)
                key, band = "explain.factor", f"[{low} – {high})"
            detail = translate(
                key,
                lang,
                field=labels.field(field),
                value=value,
                row=s["row"],
                band=band,
                multiplier=number_text(s["multiplier"]),
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
                "explain.short_rate", lang, days=s["days"], percent=number_text(s["earned_percent"])
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
            detail = f"{s['code']} · {name} · %{number_text(Decimal(str(s['rate'])) * 100)}"
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
