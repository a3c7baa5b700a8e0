"""Pieces the policy screens share: the tabs, a policy row, a confirm panel."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T
from iztim_app.states.session import SessionState


def policy_tabs(active: str) -> rx.Component:
    def tab(href: str, key: str, name: str) -> rx.Component:
        return rx.el.a(
            T[key], href=href, class_name="iz-tab" + (" iz-tab-active" if name == active else "")
        )

    return rx.hstack(
        tab("/policeler", "nav.policies", "list"),
        rx.cond(
            SessionState.perms.contains("policy.issue"),
            tab("/policeler/yeni", "pol.new", "new"),
            rx.fragment(),
        ),
        rx.cond(
            SessionState.perms.contains("policy.view"),
            tab("/policeler/toplu-baski", "jobs.batch_link", "batch"),
            rx.fragment(),
        ),
        spacing="4",
        class_name="iz-tabs",
    )


POLICY_COLUMNS = [
    "pol.number",
    "pol.issue_date",
    "quote.line",
    "quote.customer",
    "quote.term",
    "quote.sum_insured",
    "quote.gross",
    "quote.status",
    "quote.prepared_by",
]


def policy_row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(
            rx.el.a(r["number"], href="/policeler/detay?no=" + r["number"], class_name="iz-link")
        ),
        rx.table.cell(r["date"]),
        rx.table.cell(r["line"]),
        rx.table.cell(r["customer"]),
        rx.table.cell(r["term"], white_space="nowrap"),
        rx.table.cell(r["sum_insured"], class_name="iz-num"),
        rx.table.cell(r["gross"], class_name="iz-num"),
        rx.table.cell(rx.badge(r["status_text"], color_scheme=r["color"], data_testid="status")),
        rx.table.cell(r["prepared_by"]),
        data_testid="policy-row-" + r["number"],
    )


def confirm_panel(on_yes, on_no, testid: str) -> rx.Component:  # noqa: ANN001
    """ "Onaylamak istiyor musunuz?" with Evet / Vazgeç, under what is to be confirmed."""
    return rx.callout.root(
        rx.callout.text(T["policy.confirm_question"], weight="bold"),
        rx.hstack(
            rx.button(T["common.yes"], on_click=on_yes, color_scheme="green"),
            rx.button(T["common.cancel"], on_click=on_no, variant="soft", color_scheme="gray"),
            spacing="3",
        ),
        color_scheme="indigo",
        role="alertdialog",
        data_testid=testid,
    )


def money_table(rows, first_key: str, first, last_key: str, last, testid: str) -> rx.Component:  # noqa: ANN001
    """Net, each tax, gross (or any first / rows / last) as a two-column table."""
    return rx.table.root(
        rx.table.body(
            rx.table.row(
                rx.table.row_header_cell(T[first_key]),
                rx.table.cell(first, class_name="iz-num"),
            ),
            rx.foreach(
                rows,
                lambda t: rx.table.row(
                    rx.table.row_header_cell(t["code"]),
                    rx.table.cell(t["amount"], class_name="iz-num"),
                ),
            ),
            rx.table.row(
                rx.table.row_header_cell(T[last_key]),
                rx.table.cell(last, class_name="iz-num"),
            ),
        ),
        size="1",
        data_testid=testid,
    )


def fixed_select(key: str, name: str, options, *, id_prefix: str, error=None) -> rx.Component:  # noqa: ANN001
    """A labelled native select over fixed `(value, catalogue key)` options."""
    html_id = f"{id_prefix}-{name}"
    return rx.el.div(
        rx.el.label(T[key], html_for=html_id, class_name="iz-label"),
        rx.el.select(
            *[rx.el.option(T[text], value=value) for value, text in options],
            id=html_id,
            name=name,
            class_name="iz-input",
        ),
        rx.cond(error, rx.el.div(error, class_name="iz-field-error", role="alert"), rx.fragment())
        if error is not None
        else rx.fragment(),
        class_name="iz-field",
    )
