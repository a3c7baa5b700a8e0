"""Teklifler: the quote list with its filters, paged on the server."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import (
    T,
    data_table,
    date_range,
    field,
    messages,
    page_title,
    pager,
    select_field,
)
from iztim_app.pages.quote_parts import QUOTE_COLUMNS, quote_row, quote_tabs
from iztim_app.states.quote_list import QuoteListState as L


def quote_list_page() -> rx.Component:
    fe = L.field_errors
    return rx.vstack(
        page_title("quote.title"),
        quote_tabs("list"),
        messages(L),
        rx.el.form(
            rx.grid(
                field("quote.number", "number", id_prefix="ql"),
                field("quote.customer", "customer", id_prefix="ql"),
                select_field("quote.line", "line_code", L.line_options, id_prefix="ql"),
                select_field(
                    "quote.status",
                    "status",
                    L.status_options,
                    default_value=L.filters.get("status", ""),
                    id_prefix="ql",
                ),
                *date_range(fe, "ql"),
                field("quote.prepared_by", "prepared_by", id_prefix="ql"),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="3",
            ),
            rx.button(T["common.search"], type="submit"),
            on_submit=L.apply,
            key=L.filters.get("status", ""),
            class_name="iz-form",
        ),
        data_table(QUOTE_COLUMNS, L.rows, quote_row),
        pager(L, L.prev_page, L.next_page),
        spacing="4",
        width="100%",
    )
