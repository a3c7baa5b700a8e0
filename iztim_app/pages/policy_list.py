"""Poliçeler: the policy list with its filters, paged on the server."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import (
    T,
    data_table,
    field,
    messages,
    page_title,
    pager,
    select_field,
)
from iztim_app.pages.policy_parts import POLICY_COLUMNS, policy_row, policy_tabs
from iztim_app.states.policy_list import PolicyListState as L


def policy_list_page() -> rx.Component:
    fe = L.field_errors
    return rx.vstack(
        page_title("nav.policies"),
        policy_tabs("list"),
        messages(L),
        rx.el.form(
            rx.grid(
                field("pol.number", "number", id_prefix="pl"),
                field(
                    "quote.customer",
                    "customer",
                    id_prefix="pl",
                    default_value=L.filters.get("customer", ""),
                ),
                select_field("quote.line", "line", L.line_options, id_prefix="pl"),
                select_field(
                    "quote.status",
                    "status",
                    L.status_options,
                    default_value=L.filters.get("status", ""),
                    id_prefix="pl",
                ),
                field(
                    "pol.issued_from",
                    "date_from",
                    type="date",
                    id_prefix="pl",
                    error=fe.get("date_from", ""),
                ),
                field(
                    "pol.issued_to",
                    "date_to",
                    type="date",
                    id_prefix="pl",
                    error=fe.get("date_to", ""),
                ),
                field("quote.prepared_by", "preparer", id_prefix="pl"),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="3",
            ),
            rx.button(T["common.search"], type="submit"),
            on_submit=L.apply,
            key=L.filters.get("status", "") + L.filters.get("customer", ""),
            class_name="iz-form",
        ),
        rx.cond(
            L.rows.length() > 0,
            data_table(POLICY_COLUMNS, L.rows, policy_row, data_testid="policies"),
            rx.text(T["common.no_rows"], color_scheme="gray", size="2"),
        ),
        pager(L, L.prev_page, L.next_page),
        spacing="4",
        width="100%",
    )
