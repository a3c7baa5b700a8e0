"""Blocks the printed quote and the printed policy share: the price table and the worksheet."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from iztim_app.core.documents.pdf import Document
from iztim_app.core.money import format_try
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels

Translate = Callable[..., str]


def tax_names(line_tariff: Any, lang: str) -> dict[str, str]:
    """Tax code → the name the taxes file gives it, in `lang` (a missing line: no names)."""
    if line_tariff is None:
        return {}
    return {t.code: (t.name_tr if lang == "tr" else t.name_en) for t in line_tariff.taxes}


def price_block(
    doc: Document,
    t: Translate,
    net: Decimal,
    taxes: dict[str, Decimal],
    gross: Decimal,
    names: dict[str, str] | None = None,
) -> None:
    """Net premium, each tax by its name, gross premium."""
    names = names or {}
    rows = [[t("quote.net"), format_try(net)]]
    rows += [
        [f"{names[code]} ({code})" if code in names else code, format_try(amount)]
        for code, amount in taxes.items()
    ]
    rows.append([t("quote.gross"), format_try(gross)])
    doc.grid([t("pdf.item"), t("pdf.amount")], rows, [120, 60], right=frozenset({1}))


def worksheet_block(
    doc: Document, t: Translate, worksheet: list[dict], lang: str, labels: LineLabels | None
) -> None:
    """How the premium was computed, in the tariff's words."""
    steps = explain(worksheet, lang, labels)
    doc.grid(
        [t("pdf.step"), t("pdf.detail"), t("pdf.amount")],
        [[s["step"], s["detail"], s["amount"]] for s in steps],
        [28, 122, 30],
        right=frozenset({2}),
    )
