"""Policy DTOs turned into the plain string dicts the screens show."""

from __future__ import annotations

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.money import format_try
from iztim_app.core.policies.services import PolicyRow, PolicyView

STATUSES = ("draft", "awaiting_approval", "approved", "rejected", "unapproved", "cancelled")
STATUS_COLORS = {
    "draft": "blue",
    "awaiting_approval": "amber",
    "approved": "green",
    "rejected": "red",
    "unapproved": "gray",
    "cancelled": "gray",
}


def status_text(status: str, lang: str) -> str:
    return i18n.translate(f"policy_status.{status}", lang)


def row_dict(row: PolicyRow, lang: str, line_names: dict[str, str]) -> dict[str, str]:
    return {
        "number": str(row.number),
        "version": str(row.version),
        "date": clock.format_date(row.issue_date),
        "line": line_names.get(row.line_code, row.line_code),
        "customer": f"{row.customer_name} ({row.customer_number})",
        "term": f"{clock.format_date(row.start_date)} – {clock.format_date(row.end_date)}",
        "sum_insured": format_try(row.sum_insured),
        "gross": format_try(row.gross_premium),
        "status": row.status,
        "status_text": status_text(row.status, lang),
        "color": STATUS_COLORS.get(row.status, "gray"),
        "prepared_by": row.prepared_by,
    }


def _when(value) -> str:  # noqa: ANN001
    return clock.format_date(value) if value else ""


def view_dict(
    view: PolicyView, lang: str, line_names: dict[str, str], group_names: dict[str, str]
) -> dict[str, str]:
    return {
        "number": str(view.number),
        "version": str(view.version),
        "latest_version": str(view.latest_version),
        "is_current": "1" if view.is_current else "",
        "date": clock.format_date(view.issue_date),
        "line": line_names.get(view.line_code, view.line_code),
        "line_code": view.line_code,
        "customer": f"{view.customer_name} ({view.customer_number})",
        "customer_number": str(view.customer_number),
        "customer_kind": i18n.translate(f"kind.{view.customer_kind}", lang),
        "customer_group": group_names.get(view.customer_group, view.customer_group),
        "sum_insured": format_try(view.sum_insured),
        "sum_insured_in_force": format_try(view.sum_insured_in_force),
        "gross_in_force": format_try(view.gross_in_force),
        "in_force_differs": "1" if view.gross_in_force != view.gross_premium else "",
        "period": i18n.translate(
            "quote.term_value",
            lang,
            start=clock.format_date(view.start_date),
            end=clock.format_date(view.end_date),
            days=(view.end_date - view.start_date).days,
        ),
        "net": format_try(view.net_premium),
        "gross": format_try(view.gross_premium),
        "installment_count": str(view.installment_count),
        "status": view.status,
        "status_text": status_text(view.status, lang),
        "color": STATUS_COLORS.get(view.status, "gray"),
        "channel": i18n.translate(f"channel.{view.channel}", lang),
        "prepared_by": view.prepared_by,
        "tariff_version": str(view.tariff_version),
        "quote_number": str(view.quote_number or ""),
        "renews": str(view.renews_policy_number or ""),
        "approved_by": view.approved_by or "",
        "approved_at": _when(view.approved_at),
        "rejected_by": view.rejected_by or "",
        "rejected_at": _when(view.rejected_at),
        "rejection_reason": view.rejection_reason or "",
        "unapproved_by": view.unapproved_by or "",
        "unapproved_at": _when(view.unapproved_at),
        "unapproval_reason": view.unapproval_reason or "",
        "cancelled_from": clock.format_date(view.cancelled_from) if view.cancelled_from else "",
        "awaiting": "1" if view.status == "awaiting_approval" else "",
        "draft": "1" if view.status == "draft" and view.is_current else "",
        "approved": "1" if view.status == "approved" and view.is_current else "",
    }
