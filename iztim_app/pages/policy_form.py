"""Yeni poliçe: from a quote or directly, the line's form, installments, preview as it will
print and the confirmation; also the draft editor after an un-approval."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, field, field_error, key_value, label, messages, page_title
from iztim_app.pages.line_form import customer_box, line_form_card, price_card
from iztim_app.pages.policy_parts import confirm_panel, policy_tabs
from iztim_app.states.policy_form import PolicyFormState as F


def _quote_box() -> rx.Component:
    return rx.card(
        rx.heading(T["pol.from_quote"], size="3", as_="h3"),
        rx.el.form(
            rx.hstack(
                field(
                    "pol.quote_number",
                    "quote_number",
                    id_prefix="pq",
                    default_value=F.quote_number,
                    error=F.field_errors.get("quote_number", ""),
                ),
                rx.button(T["pol.fill_from_quote"], type="submit", variant="soft"),
                rx.cond(
                    F.quote_number != "",
                    rx.button(
                        T["pol.issue_directly"],
                        type="button",
                        variant="outline",
                        on_click=F.issue_directly,
                    ),
                    rx.fragment(),
                ),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=F.use_quote,
            key=F.quote_key,
        ),
        rx.cond(
            F.quote_number != "",
            rx.text(T["pol.from_quote_note"], " ", F.quote_number, size="2", color_scheme="gray"),
            rx.text(T["pol.direct_note"], size="2", color_scheme="gray"),
        ),
        width="100%",
    )


def _installments_field() -> rx.Component:
    return rx.el.div(
        label("installment.count", "p-installments", required=True),
        rx.el.select(
            rx.foreach(F.installment_options, lambda n: rx.el.option(n, value=n)),
            id="p-installments",
            value=F.installment_count,
            on_change=F.set_installments,
            class_name="iz-input",
        ),
        field_error(F.field_errors, "installment_count"),
        class_name="iz-field",
    )


def _installment_table(rows) -> rx.Component:  # noqa: ANN001
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(T["installment.seq"]),
                rx.table.column_header_cell(T["installment.due_date"]),
                rx.table.column_header_cell(T["installment.amount"]),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda i: rx.table.row(
                    rx.table.cell(i["seq"]),
                    rx.table.cell(i["due_date"]),
                    rx.table.cell(i["amount"], class_name="iz-num"),
                ),
            )
        ),
        size="1",
        data_testid="installments-plan",
    )


def _printed() -> rx.Component:
    """The policy as it will print: shown before the question, no number yet."""
    p = F.printed
    return rx.card(
        rx.heading(T["pol.preview_title"], size="4", as_="h2"),
        rx.text(T["pol.preview_no_number"], size="2", color_scheme="gray"),
        rx.grid(
            rx.el.dl(
                key_value("quote.line", p["line"]),
                key_value("quote.customer", p["customer"]),
                key_value("quote.customer_group", p["customer_group"]),
                key_value("quote.sum_insured", p["sum_insured"]),
                key_value("quote.term", p["period"]),
                key_value("installment.count", p["installment_count"]),
                rx.cond(
                    p["quote_number"] != "",
                    key_value("pol.quote_number", p["quote_number"]),
                    rx.fragment(),
                ),
                key_value("pol.tariff_version", p["tariff_version"]),
                class_name="iz-dl",
            ),
            rx.el.dl(
                rx.foreach(
                    F.printed_values,
                    lambda v: rx.el.div(
                        rx.el.dt(v["label"]), rx.el.dd(v["value"]), class_name="iz-kv"
                    ),
                ),
                class_name="iz-dl",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.heading(T["quote.price_title"], size="3", as_="h3"),
        rx.table.root(
            rx.table.body(
                rx.foreach(
                    F.price_rows,
                    lambda r: rx.table.row(
                        rx.table.row_header_cell(r["label"]),
                        rx.table.cell(r["amount"], class_name="iz-num"),
                    ),
                )
            ),
            size="1",
        ),
        _installment_table(F.installments),
        rx.cond(
            p["needs_approval"] != "",
            rx.callout(T["policy.needs_approval_note"], icon="info", color_scheme="amber"),
            rx.fragment(),
        ),
        confirm_panel(F.confirm, F.cancel_confirm, "confirm-policy"),
        width="100%",
        data_testid="policy-preview",
    )


def policy_form_page() -> rx.Component:
    locked = (F.quote_number != "") | (F.editing != "")
    return rx.vstack(
        page_title("nav.policies"),
        policy_tabs("new"),
        messages(F),
        rx.cond(F.editing != "", rx.fragment(), _quote_box()),
        rx.cond(
            locked,
            rx.cond(
                F.customer.contains("id"),
                rx.callout(
                    F.customer["name"] + " · " + F.customer["number"] + " · " + F.customer["group"],
                    icon="user",
                    color_scheme="indigo",
                    data_testid="selected-customer",
                ),
                rx.fragment(),
            ),
            customer_box(F),
        ),
        line_form_card(F, _installments_field(), locked=locked, heading="pol.fields"),
        price_card(
            F,
            "policy.needs_approval_note",
            rx.cond(
                F.installments.length() > 0,
                rx.vstack(
                    rx.heading(T["installment.title"], size="2", as_="h4"),
                    _installment_table(F.installments),
                ),
                rx.fragment(),
            ),
        ),
        rx.cond(
            F.confirming,
            _printed(),
            rx.button(
                T["pol.preview"],
                on_click=F.show_preview,
                size="3",
                disabled=F.price_rows.length() == 0,
            ),
        ),
        spacing="4",
        width="100%",
    )
