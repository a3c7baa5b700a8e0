"""One customer: identity, contact data (editable), the same person in other portfolios,
their quotes and policies."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import (
    T,
    data_table,
    field,
    key_value,
    messages,
    page_title,
    pager,
)
from iztim_app.pages.policy_parts import POLICY_COLUMNS, policy_row
from iztim_app.pages.quote_parts import QUOTE_COLUMNS, quote_row
from iztim_app.states.customer_detail import CustomerDetailState as D

# The contact fields the form edits (as `customers.update_customer` takes them), input type.
CONTACT_INPUTS = (("tax_office", "text"), ("address", "text"), ("phone", "tel"), ("email", "email"))
SAME_PERSON_COLUMNS = ["customer.number", "customer.name", "customer.phone", "customer.portfolio"]


def _identity(c) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.heading(T["customer.identity"], size="3", as_="h3"),
        rx.el.dl(
            key_value("customer.number", c["number"]),
            key_value("customer.kind", c["kind_text"]),
            key_value("customer.name", c["name"], "customer-name"),
            key_value("customer.national_id", c["national_id"], "customer-national-id"),
            key_value("customer.group", c["group"]),
            key_value("customer.portfolio", c["portfolio"], "customer-portfolio"),
            key_value("customer.created_at", c["created_at"]),
            class_name="iz-dl",
        ),
    )


def _contact_view(c) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        rx.el.dl(
            key_value("customer.tax_office", c["tax_office"]),
            key_value("customer.address", c["address"], "customer-address"),
            key_value("customer.phone", c["phone"], "customer-phone"),
            key_value("customer.email", c["email"], "customer-email"),
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
        *[
            field(
                f"customer.{name}",
                name,
                type=kind,
                default_value=c[name],
                error=fe.get(name, ""),
                id_prefix="ce",
            )
            for name, kind in CONTACT_INPUTS
        ],
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
                            data_table(QUOTE_COLUMNS, D.quotes, quote_row),
                            pager(D, D.prev_page, D.next_page),
                            width="100%",
                        ),
                        rx.text(T["customer.no_quotes"]),
                    ),
                    width="100%",
                    data_testid="customer-quotes",
                ),
                rx.card(
                    rx.heading(T["customer.policies"], size="3", as_="h3"),
                    rx.cond(
                        D.policies_total > 0,
                        rx.vstack(
                            data_table(POLICY_COLUMNS, D.policies, policy_row),
                            rx.cond(
                                D.policies_total > D.policies.length(),
                                rx.el.a(
                                    T["customer.all_policies"],
                                    href="/policeler?musteri=" + c["number"],
                                    class_name="iz-link",
                                ),
                                rx.fragment(),
                            ),
                            width="100%",
                        ),
                        rx.text(T["customer.no_policies"]),
                    ),
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
