"""Portal talepleri: customers' requests for a policy from a quote, with "Poliçeye
dönüştür" (the normal policy form from the quote) and "Reddet" (with a reason)."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import (
    T,
    data_table,
    field_error,
    label,
    messages,
    page_title,
    pager,
    select_field,
)
from iztim_app.states.portal_requests import PortalRequestsState as S

COLUMNS = [
    "portal_request.col_request",
    "portal_request.col_date",
    "portal_requests.col_customer",
    "portal_quote.col_number",
    "portal_quote.col_line",
    "portal_requests.col_sum_insured",
    "portal_quote.col_premium",
    "portal_quote.col_valid_until",
    "portal_requests.col_quote_status",
    "portal_request.col_status",
    "portal_request.col_note",
    "portal_requests.col_actions",
]


def _actions(r) -> rx.Component:  # noqa: ANN001
    return rx.hstack(
        rx.cond(
            r["convert"] != "",
            rx.el.a(
                T["portal_requests.convert"],
                href="/policeler/yeni?teklif=" + r["quote_number"],
                class_name="iz-link",
                data_testid="convert-" + r["id"],
            ),
            rx.fragment(),
        ),
        rx.cond(
            r["open"] != "",
            rx.button(
                T["portal_requests.reject"],
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.start_reject(r["id"]),
                data_testid="reject-" + r["id"],
            ),
            rx.fragment(),
        ),
        spacing="3",
        align="center",
    )


def _row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(r["id"]),
        rx.table.cell(r["date"]),
        rx.table.cell(r["customer"]),
        rx.table.cell(
            rx.el.a(
                r["quote_number"],
                href="/teklifler/detay?no=" + r["quote_number"],
                class_name="iz-link",
            )
        ),
        rx.table.cell(r["line"]),
        rx.table.cell(r["sum_insured"], class_name="iz-num"),
        rx.table.cell(r["gross"], class_name="iz-num"),
        rx.table.cell(r["valid_until"]),
        rx.table.cell(rx.badge(r["quote_status"], color_scheme=r["quote_color"])),
        rx.table.cell(rx.badge(r["status"], color_scheme=r["color"])),
        rx.table.cell(r["note"]),
        rx.table.cell(_actions(r)),
    )


def _reject_form() -> rx.Component:
    return rx.cond(
        S.rejecting != "",
        rx.card(
            rx.el.form(
                rx.heading(
                    T["portal_requests.reject_confirm"] + " · " + S.rejecting, size="3", as_="h2"
                ),
                rx.el.div(
                    label("portal_requests.reason", "pr-reason", required=True),
                    rx.el.textarea(
                        id="pr-reason", name="reason", class_name="iz-input", max_length=400
                    ),
                    field_error(S.field_errors, "reason"),
                    class_name="iz-field",
                ),
                rx.hstack(
                    rx.button(
                        T["portal_requests.reject_confirm"], type="submit", color_scheme="red"
                    ),
                    rx.button(
                        T["portal_requests.cancel"],
                        type="button",
                        variant="soft",
                        on_click=S.cancel_reject,
                    ),
                    spacing="3",
                ),
                on_submit=S.reject,
                key=S.reject_key,
                class_name="iz-form",
            ),
            width="100%",
        ),
        rx.fragment(),
    )


def portal_requests_page() -> rx.Component:
    return rx.vstack(
        page_title("portal_requests.title"),
        rx.text(T["portal_requests.intro"], size="2", color_scheme="gray"),
        messages(S),
        rx.box(
            select_field(
                "portal_requests.filter_status",
                "status",
                S.status_options,
                default_value=S.status,
                id_prefix="pr",
                on_change=S.set_status,
            ),
            max_width="260px",
        ),
        _reject_form(),
        rx.cond(
            S.rows.length() > 0,
            data_table(COLUMNS, S.rows, _row, data_testid="portal-requests"),
            rx.callout(T["common.no_rows"], icon="info"),
        ),
        pager(S, S.prev_page, S.next_page),
        spacing="4",
        width="100%",
    )
