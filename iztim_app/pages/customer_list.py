"""Müşteriler: the customers list; one search box (number, TCKN/VKN or name)."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, data_table, field, messages, page_title, pager
from iztim_app.states.customer_list import CustomerListState as S

CUSTOMER_COLUMNS = [
    "customer.number",
    "customer.name",
    "customer.kind",
    "customer.national_id",
    "customer.group",
    "customer.phone",
    "customer.portfolio",
]


def _customer_row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(
            rx.el.a(r["number"], href="/musteriler/detay?no=" + r["number"], class_name="iz-link")
        ),
        rx.table.cell(r["name"]),
        rx.table.cell(r["kind"]),
        rx.table.cell(r["national_id"], white_space="nowrap"),
        rx.table.cell(r["group"]),
        rx.table.cell(r["phone"], white_space="nowrap"),
        rx.table.cell(r["portfolio"]),
        data_testid="customer-row-" + r["number"],
    )


def customer_list_page() -> rx.Component:
    return rx.vstack(
        page_title("customer.title"),
        messages(S),
        rx.el.form(
            rx.hstack(
                rx.box(
                    field(
                        "customer.search",
                        "search",
                        id_prefix="cl",
                        default_value=S.search,
                        hint="customer.search_hint",
                    ),
                    flex="1",
                ),
                rx.button(T["common.search"], type="submit"),
                align="center",
                spacing="3",
                width="100%",
            ),
            on_submit=S.apply,
            class_name="iz-form",
        ),
        rx.cond(
            S.total > 0,
            data_table(CUSTOMER_COLUMNS, S.rows, _customer_row),
            rx.text(T["customer.none_found"], data_testid="no-customers"),
        ),
        pager(S, S.prev_page, S.next_page),
        spacing="4",
        width="100%",
    )
