"""Quote DTOs turned into the plain string dicts the screens show."""

from __future__ import annotations

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.money import format_try
from iztim_app.core.quotes.services import QuoteRow, QuoteView
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels

STATUS_COLORS = {
    "approved": "green",
    "awaiting_approval": "amber",
    "rejected": "red",
    "superseded": "gray",
    "expired": "gray",
}


def row_dict(row: QuoteRow, lang: str, line_names: dict[str, str]) -> dict[str, str]:
    return {
        "number": str(row.number),
        "date": clock.format_date(row.quote_date),
        "line": line_names.get(row.line_code, row.line_code),
        "customer": f"{row.customer_name} ({row.customer_number})",
        "sum_insured": format_try(row.sum_insured),
        "gross": format_try(row.gross_premium),
        "status": row.status,
        "status_text": i18n.translate(f"quote_status.{row.status}", lang),
        "color": STATUS_COLORS.get(row.status, "gray"),
        "prepared_by": row.prepared_by,
        "channel": i18n.translate(f"channel.{row.channel}", lang),
    }


def view_dict(
    view: QuoteView,
    lang: str,
    line_names: dict[str, str],
    group_names: dict[str, str] | None = None,
) -> dict[str, str]:
    return {
        "number": str(view.number),
        "date": clock.format_date(view.quote_date),
        "valid_until": clock.format_date(view.valid_until),
        "line": line_names.get(view.line_code, view.line_code),
        "line_code": view.line_code,
        "customer": f"{view.customer_name} ({view.customer_number})",
        "customer_kind": i18n.translate(f"kind.{view.customer_kind}", lang),
        "customer_email": view.customer_email,
        "customer_group": (group_names or {}).get(view.customer_group, view.customer_group),
        "sum_insured": format_try(view.sum_insured),
        "period": term_text(view, lang),
        "net": format_try(view.net_premium),
        "gross": format_try(view.gross_premium),
        "status": view.status,
        "status_text": i18n.translate(f"quote_status.{view.status}", lang),
        "color": STATUS_COLORS.get(view.status, "gray"),
        "channel": i18n.translate(f"channel.{view.channel}", lang),
        "prepared_by": view.prepared_by,
        "approved_by": view.approved_by or "",
        "approved_at": clock.format_date(view.approved_at) if view.approved_at else "",
        "rejected_by": view.rejected_by or "",
        "rejection_reason": view.rejection_reason or "",
        "revises": str(view.revises_number or ""),
        "superseded_by": str(view.superseded_by_number or ""),
        "can_print": "1" if view.can_print else "",
        "policy_number": str(view.policy_number or ""),
        "renews": str(view.renews_policy_number or ""),
        "awaiting": "1" if view.status == "awaiting_approval" else "",
        "tariff_version": str(view.tariff_version),
    }


def taxes_rows(view: QuoteView) -> list[dict[str, str]]:
    return [{"code": code, "amount": format_try(amount)} for code, amount in view.taxes.items()]


def worksheet_rows(
    steps: list[dict], lang: str, labels: LineLabels | None = None
) -> list[dict[str, str]]:
    return explain(steps, lang, labels)


def term_text(view: QuoteView, lang: str) -> str:
    """The insurance term, noon to noon as the policy runs: `01.12.2026 12:00 – 01.12.2027
    12:00 (365 gün)`."""
    return i18n.translate(
        "quote.term_value",
        lang,
        start=clock.format_date(view.start_date),
        end=clock.format_date(view.end_date),
        days=(view.end_date - view.start_date).days,
    )
