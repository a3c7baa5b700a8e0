"""Pieces the quote screens share: the tabs, the status badge, a quote row."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T
from iztim_app.states.session import SessionState


def quote_tabs(active: str) -> rx.Component:
    def tab(href: str, key: str, name: str) -> rx.Component:
        return rx.el.a(
            T[key], href=href, class_name="iz-tab" + (" iz-tab-active" if name == active else "")
        )

    return rx.hstack(
        tab("/teklifler", "quote.title", "list"),
        rx.cond(
            SessionState.perms.contains("quote.create"),
            tab("/teklifler/yeni", "quote.new", "new"),
            rx.fragment(),
        ),
        tab("/teklifler/istatistik", "quote.stats", "stats"),
        spacing="4",
        class_name="iz-tabs",
    )


def status_badge(row) -> rx.Component:  # noqa: ANN001
    return rx.badge(row["status_text"], color_scheme=row["color"], data_testid="status")


QUOTE_COLUMNS = [
    "quote.number",
    "quote.date",
    "quote.line",
    "quote.customer",
    "quote.sum_insured",
    "quote.gross",
    "quote.status",
    "quote.prepared_by",
]


def quote_row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(
            rx.el.a(r["number"], href="/teklifler/detay?no=" + r["number"], class_name="iz-link")
        ),
        rx.table.cell(r["date"]),
        rx.table.cell(r["line"]),
        rx.table.cell(r["customer"]),
        rx.table.cell(r["sum_insured"], class_name="iz-num"),
        rx.table.cell(r["gross"], class_name="iz-num"),
        rx.table.cell(status_badge(r)),
        rx.table.cell(r["prepared_by"]),
        data_testid="quote-row-" + r["number"],
    )
