"""Ödemeler (staff, /odemeler): every card payment attempt with its result, and the failed
3D Secure attempts with the bank's reason in a list of their own."""

from __future__ import annotations

from types import SimpleNamespace

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
from iztim_app.states.payment_attempts import STATUSES
from iztim_app.states.payment_attempts import PaymentAttemptsState as S

# The result filter's choices, named by the catalogue in the browser's language.
STATUS_OPTIONS = rx.Var.create(
    [["", T["common.all"]], *[[s, T[f"pscr.status.{s}"]] for s in STATUSES]]
)

ALL_COLUMNS = [
    "pscr.col_at",
    "pscr.col_order",
    "pscr.col_customer",
    "pscr.col_policy",
    "pscr.col_amount",
    "pscr.col_status",
    "pscr.col_reason",
    "pscr.col_transaction",
]
FAILED_COLUMNS = [
    "pscr.col_at",
    "pscr.col_order",
    "pscr.col_customer",
    "pscr.col_policy",
    "pscr.col_amount",
    "pscr.col_status",
    "pscr.col_reason",
    "pscr.col_md_status",
]


def _status(r) -> rx.Component:  # noqa: ANN001
    color = rx.match(
        r["status"],
        ("approved", "green"),
        ("review", "orange"),
        ("declined", "red"),
        ("auth_failed", "red"),
        ("failed", "red"),
        "gray",
    )
    return rx.badge(r["status_text"], color_scheme=color, data_status=r["status"])


def _reason(r) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        rx.text(r["reason"], size="2"),
        rx.cond(
            r["reason_code"] != "",
            rx.text(r["reason_code"], size="1", color_scheme="gray", font_family="monospace"),
            rx.fragment(),
        ),
        spacing="0",
        min_width="10em",
    )


def _scrolling(table: rx.Component) -> rx.Component:
    """A wide table scrolls sideways inside the page instead of being cut off."""
    return rx.box(table, overflow_x="auto", width="100%")


def _policy(r, *, with_installments: bool) -> rx.Component:  # noqa: ANN001
    """The policy (a link to it) and, under it, the installments the attempt was for."""
    link = rx.el.a(r["policy"], href="/policeler/detay?no=" + r["policy"], class_name="iz-link")
    if not with_installments:
        return link
    return rx.vstack(
        link,
        rx.text(T["pscr.installments"], " ", r["installments"], size="1", color_scheme="gray"),
        spacing="0",
    )


def _amount(r) -> rx.Component:  # noqa: ANN001
    """The amount and, under it, the card's last four digits."""
    return rx.vstack(
        rx.text(r["amount"], white_space="nowrap"),
        rx.text(r["card"], size="1", color_scheme="gray", white_space="nowrap"),
        spacing="0",
        align="end",
    )


def _all_row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(r["at"], white_space="nowrap"),
        rx.table.cell(rx.text(r["order_id"], size="1", font_family="monospace")),
        rx.table.cell(r["customer"]),
        rx.table.cell(_policy(r, with_installments=True)),
        rx.table.cell(_amount(r)),
        rx.table.cell(_status(r)),
        rx.table.cell(_reason(r)),
        rx.table.cell(r["transaction_id"]),
        data_testid="attempt-row",
    )


def _failed_row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(r["at"], white_space="nowrap"),
        rx.table.cell(rx.text(r["order_id"], size="1", font_family="monospace")),
        rx.table.cell(r["customer"]),
        rx.table.cell(_policy(r, with_installments=False)),
        rx.table.cell(_amount(r)),
        rx.table.cell(_status(r)),
        rx.table.cell(_reason(r)),
        rx.table.cell(r["md_status"]),
        data_testid="failed-row",
    )


def _filters() -> rx.Component:
    fe = S.field_errors
    return rx.el.form(
        rx.hstack(
            select_field(
                "pscr.filter_status",
                "status",
                STATUS_OPTIONS,
                default_value=S.filters.get("status", ""),
                id_prefix="pay",
            ),
            field(
                "pscr.filter_policy",
                "policy_number",
                default_value=S.filters.get("policy_number", ""),
                error=fe.get("policy_number", ""),
                id_prefix="pay",
            ),
            rx.button(T["common.filter"], type="submit"),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=S.apply,
        key=S.filters.get("status", "") + "|" + S.filters.get("policy_number", ""),
        class_name="iz-form",
    )


def _failed_pager() -> rx.Component:
    view = SimpleNamespace(
        page=S.failed_page,
        pages=S.failed_pages,
        total=S.failed_total,
    )
    return rx.el.nav(
        pager(view, S.failed_prev_page, S.failed_next_page), aria_label=T["pscr.failed_pager"]
    )


def payment_attempts_page() -> rx.Component:
    return rx.vstack(
        page_title("pscr.title"),
        rx.text(T["pscr.intro"], size="2", color_scheme="gray"),
        messages(S),
        _filters(),
        rx.el.section(
            rx.heading(T["pscr.all_title"], size="4", as_="h2", id="all-title"),
            rx.cond(
                S.total > 0,
                rx.fragment(
                    _scrolling(data_table(ALL_COLUMNS, S.rows, _all_row)),
                    rx.el.nav(pager(S, S.prev_page, S.next_page), aria_label=T["pscr.all_pager"]),
                ),
                rx.text(T["pscr.none"], size="2"),
            ),
            aria_labelledby="all-title",
            data_testid="all-attempts",
            width="100%",
        ),
        rx.el.section(
            rx.heading(T["pscr.failed_title"], size="4", as_="h2", id="failed-title"),
            rx.text(T["pscr.failed_intro"], size="2", color_scheme="gray"),
            rx.cond(
                S.failed_total > 0,
                rx.fragment(
                    _scrolling(data_table(FAILED_COLUMNS, S.failed_rows, _failed_row)),
                    _failed_pager(),
                ),
                rx.text(T["pscr.none_failed"], size="2"),
            ),
            aria_labelledby="failed-title",
            data_testid="failed-attempts",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
