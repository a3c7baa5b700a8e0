"""One customer: identity, contact data (editable), the same person in other portfolios,
their quotes; policies join in the next release."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, data_table, field, messages, page_title, pager
from iztim_app.states.customer_detail import CustomerDetailState as D

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
SAME_PERSON_COLUMNS = ["customer.number", "customer.name", "customer.phone", "customer.portfolio"]


def _kv(key: str, value, testid: str = "") -> rx.Component:  # noqa: ANN001
    dd = rx.el.dd(value, data_testid=testid) if testid else rx.el.dd(value)
    return rx.el.div(rx.el.dt(T[key]), dd, class_name="iz-kv")


def _identity(c) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.heading(T["customer.identity"], size="3", as_="h3"),
        rx.el.dl(
            _kv("customer.number", c["number"]),
            _kv("customer.kind", c["kind_text"]),
            _kv("customer.name", c["name"], "customer-name"),
            _kv("customer.national_id", c["national_id"], "customer-national-id"),
            _kv("customer.group", c["group"]),
            _kv("customer.portfolio", c["portfolio"], "customer-portfolio"),
            _kv("customer.created_at", c["created_at"]),
            class_name="iz-dl",
        ),
    )


def _contact_view(c) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        rx.el.dl(
            _kv("customer.tax_office", c["tax_office"]),
            _kv("customer.address", c["address"], "customer-address"),
            _kv("customer.phone", c["phone"], "customer-phone"),
            _kv("customer.email", c["email"], "customer-email"),
            class_name="iz-dl",
        ),
        rx.cond(
            D.can_edit,
            rx.button(T["customer.edit_contact"], on_click=D.start_edit, variant="outline"),
            rx.fragment(),
        ),
        spacing="3",
        width="100%",
    )


def _contact_form(c) -> rx.Component:  # noqa: ANN001
    fe = D.field_errors
    return rx.el.form(
        field(
            "customer.tax_office",
            "tax_office",
            default_value=c["tax_office"],
            error=fe.get("tax_office", ""),
            id_prefix="ce",
        ),
        field(
            "customer.address",
            "address",
            default_value=c["address"],
            error=fe.get("address", ""),
            id_prefix="ce",
        ),
        field(
            "customer.phone",
            "phone",
            type="tel",
            default_value=c["phone"],
            error=fe.get("phone", ""),
            id_prefix="ce",
        ),
        field(
            "customer.email",
            "email",
            type="email",
            default_value=c["email"],
            error=fe.get("email", ""),
            id_prefix="ce",
        ),
        rx.hstack(
            rx.button(T["common.save"], type="submit"),
            rx.button(T["common.cancel"], type="button", variant="soft", on_click=D.cancel_edit),
            spacing="3",
        ),
        on_submit=D.save_contact,
        key=D.edit_key,
        class_name="iz-form",
        no_validate=True,
    )


def _quote_row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(
            rx.el.a(r["number"], href="/teklifler/detay?no=" + r["number"], class_name="iz-link")
        ),
        rx.table.cell(r["date"]),
        rx.table.cell(r["line"]),
        rx.table.cell(r["customer"]),
        rx.table.cell(r["sum_insured"], class_name="iz-num"),
        rx.table.cell(r["gross"], class_name="iz-num"),
        rx.table.cell(rx.badge(r["status_text"], color_scheme=r["color"], data_testid="status")),
        rx.table.cell(r["prepared_by"]),
        data_testid="quote-row-" + r["number"],
    )


def _same_person_row(r) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(
            rx.el.a(r["number"], href="/musteriler/detay?no=" + r["number"], class_name="iz-link")
        ),
        rx.table.cell(r["name"]),
        rx.table.cell(r["phone"]),
        rx.table.cell(r["portfolio"]),
        data_testid="same-person-" + r["number"],
    )


def customer_detail_page() -> rx.Component:
    c = D.customer
    return rx.vstack(
        page_title("customer.detail_title"),
        rx.el.a(T["customer.title"], href="/musteriler", class_name="iz-link"),
        messages(D),
        rx.cond(
            c.contains("number"),
            rx.vstack(
                rx.heading(c["name"], " (", c["number"], ")", size="5", as_="h2"),
                rx.grid(
                    _identity(c),
                    rx.card(
                        rx.heading(T["customer.contact"], size="3", as_="h3"),
                        rx.cond(D.editing, _contact_form(c), _contact_view(c)),
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(
                    D.same_person.length() > 0,
                    rx.card(
                        rx.heading(T["customer.same_person"], size="3", as_="h3"),
                        rx.text(T["customer.same_person_note"], size="2", color_scheme="gray"),
                        data_table(SAME_PERSON_COLUMNS, D.same_person, _same_person_row),
                        width="100%",
                        data_testid="same-person",
                    ),
                    rx.fragment(),
                ),
                rx.card(
                    rx.heading(T["customer.quotes"], size="3", as_="h3"),
                    rx.cond(
                        D.total > 0,
                        rx.vstack(
                            data_table(QUOTE_COLUMNS, D.quotes, _quote_row),
                            pager(D, D.prev_page, D.next_page),
                            width="100%",
                        ),
                        rx.text(T["customer.no_quotes"]),
                    ),
                    width="100%",
                    data_testid="customer-quotes",
                ),
                # Policies (next release) get their own card here, listed like the quotes.
                rx.card(
                    rx.heading(T["customer.policies"], size="3", as_="h3"),
                    rx.text(T["customer.policies_coming"], size="2", color_scheme="gray"),
                    width="100%",
                    data_testid="customer-policies",
                ),
                spacing="4",
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="4",
        width="100%",
    )
