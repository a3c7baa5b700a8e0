"""Yenilemeler: policies ending in a date range, their renewal state, the renewal action."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, data_table, field, messages, page_title, pager
from iztim_app.states.renewals import RenewalsState as R

COLUMNS = [
    "pol.number",
    "quote.line",
    "quote.customer",
    "renewal.end_date",
    "renewal.state",
    "renewal.renewal_quote",
    "renewal.renewal_policy",
    "",
]


def _link(text, href: str) -> rx.Component:  # noqa: ANN001
    return rx.cond(text != "", rx.el.a(text, href=href + text, class_name="iz-link"), rx.text("–"))


def _row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(_link(r["number"], "/policeler/detay?no=")),
        rx.table.cell(r["line"]),
        rx.table.cell(r["customer"]),
        rx.table.cell(r["end"]),
        rx.table.cell(rx.badge(r["state_text"]), data_testid="renewal-state"),
        rx.table.cell(_link(r["quote"], "/teklifler/detay?no=")),
        rx.table.cell(_link(r["renewal"], "/policeler/detay?no=")),
        rx.table.cell(
            rx.cond(
                r["can_renew"] != "",
                rx.button(
                    T["renewal.action"],
                    on_click=R.renew(r["number"]),
                    size="1",
                    aria_label=T["renewal.action"] + " " + r["number"],
                ),
                rx.fragment(),
            )
        ),
    )


def renewals_page() -> rx.Component:
    fe = R.field_errors
    return rx.vstack(
        page_title("renewal.list_title"),
        messages(R),
        rx.el.form(
            rx.grid(
                field(
                    "renewal.ending_from",
                    "date_from",
                    type="date",
                    id_prefix="rn",
                    default_value=R.filters.get("date_from", ""),
                    error=fe.get("date_from", ""),
                ),
                field(
                    "renewal.ending_to",
                    "date_to",
                    type="date",
                    id_prefix="rn",
                    default_value=R.filters.get("date_to", ""),
                    error=fe.get("date_to", ""),
                ),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="3",
            ),
            rx.button(T["common.search"], type="submit"),
            on_submit=R.apply,
            key=R.filters.get("date_from", "") + R.filters.get("date_to", ""),
            class_name="iz-form",
        ),
        rx.checkbox(
            T["renewal.claim_free"],
            checked=R.claim_free,
            on_change=R.set_claim_free,
            id="rn-claim-free",
        ),
        rx.cond(
            R.rows.length() > 0,
            data_table(COLUMNS, R.rows, _row, data_testid="renewals"),
            rx.text(T["common.no_rows"], color_scheme="gray", size="2"),
        ),
        pager(R, R.prev_page, R.next_page),
        spacing="4",
        width="100%",
    )
