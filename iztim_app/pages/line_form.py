"""The line's generated form, its customer box and the live price: the quote and policy
forms show the same pieces over their own state (a `LineFormState`)."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import (
    T,
    field,
    field_error,
    label,
    select_field,
)
from iztim_app.pages.worksheet import worksheet_table


def price_table(rows) -> rx.Component:  # noqa: ANN001
    return rx.table.root(
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(r["label"]),
                    rx.table.cell(r["amount"], class_name="iz-num"),
                ),
            )
        ),
        size="1",
        data_testid="price",
    )


def line_control(f, html_id: str, choices, bind) -> rx.Component:  # noqa: ANN001
    """One control of a line's generated form (fields.csv). `bind(kind)` gives the value and
    event props of a "select" or an "input": the live quote/policy form binds on change, the
    endorsement form is read by name when submitted."""
    return rx.match(
        f["type"],
        (
            "choice",
            rx.el.select(
                rx.el.option("—", value=""),
                rx.foreach(choices, lambda o: rx.el.option(o[1], value=o[0])),
                id=html_id,
                class_name="iz-input",
                **bind("select"),
            ),
        ),
        (
            "boolean",
            rx.el.select(
                rx.el.option("—", value=""),
                rx.el.option(T["common.yes"], value="yes"),
                rx.el.option(T["common.no"], value="no"),
                id=html_id,
                class_name="iz-input",
                **bind("select"),
            ),
        ),
        ("date", rx.el.input(type="date", id=html_id, class_name="iz-input", **bind("input"))),
        rx.el.input(
            id=html_id,
            class_name="iz-input",
            input_mode=rx.cond(
                (f["type"] == "integer") | (f["type"] == "decimal"), "decimal", "text"
            ),
            **bind("input"),
        ),
    )


def _control(F, f) -> rx.Component:  # noqa: ANN001
    name = f["name"]

    def bind(kind: str) -> dict:
        if kind == "select":
            return {"value": F.values[name], "on_change": lambda v: F.set_value(name, v)}
        return {"default_value": F.values[name], "on_blur": lambda v: F.set_value(name, v)}

    return line_control(f, "q-" + name, F.choices[name], bind)


def _line_field(F, f) -> rx.Component:  # noqa: ANN001
    name = f["name"]
    return rx.el.div(
        rx.el.div(
            rx.el.label(f["label"], html_for="q-" + name, class_name="iz-label"),
            rx.cond(
                f["required"] != "",
                rx.el.span("*", class_name="iz-required", aria_hidden="true"),
                rx.fragment(),
            ),
            class_name="iz-label-row",
        ),
        _control(F, f),
        rx.cond(f["help"] != "", rx.el.div(f["help"], class_name="iz-help"), rx.fragment()),
        rx.cond(f["bounds"] != "", rx.el.div(f["bounds"], class_name="iz-help"), rx.fragment()),
        field_error(F.field_errors, name),
        class_name="iz-field",
    )


def customer_box(F) -> rx.Component:  # noqa: ANN001, N803
    fe = F.field_errors
    return rx.card(
        rx.heading(T["quote.customer"], size="3", as_="h3"),
        rx.cond(
            F.customer.contains("id"),
            rx.callout(
                F.customer["name"]
                + " · "
                + F.customer["number"]
                + " · "
                + F.customer["national_id"]
                + " · "
                + F.customer["group"],
                icon="user",
                color_scheme="indigo",
                data_testid="selected-customer",
            ),
            rx.fragment(),
        ),
        field_error(fe, "customer"),
        rx.el.form(
            rx.hstack(
                field("quote.customer_search", "customer_search", id_prefix="qc"),
                rx.button(T["common.search"], type="submit", variant="soft"),
                rx.button(
                    T["quote.new_customer"],
                    type="button",
                    variant="outline",
                    on_click=F.toggle_new_customer,
                ),
                align="end",
                spacing="3",
                width="100%",
            ),
            on_submit=F.search_customers,
        ),
        rx.foreach(
            F.customer_results,
            lambda c: rx.hstack(
                rx.button(
                    T["quote.choose"],
                    size="1",
                    variant="soft",
                    on_click=F.pick_customer(c["id"]),
                    data_testid="pick-customer-" + c["number"],
                ),
                rx.text(
                    c["name"] + " · " + c["number"] + " · " + c["national_id"] + " · " + c["kind"],
                    size="2",
                ),
                align="center",
            ),
        ),
        rx.cond(
            F.show_new_customer,
            rx.el.form(
                rx.grid(
                    select_field(
                        "quote.c_kind",
                        "kind",
                        [
                            ["individual", "Bireysel / Individual"],
                            ["corporate", "Kurumsal / Corporate"],
                        ],
                        id_prefix="nc",
                    ),
                    field(
                        "quote.c_national_id",
                        "national_id",
                        required=True,
                        id_prefix="nc",
                        error=fe.get("national_id", ""),
                    ),
                    field(
                        "quote.c_name",
                        "name",
                        required=True,
                        id_prefix="nc",
                        error=fe.get("name", ""),
                    ),
                    field(
                        "quote.c_tax_office",
                        "tax_office",
                        id_prefix="nc",
                        error=fe.get("tax_office", ""),
                    ),
                    select_field(
                        "quote.c_group",
                        "customer_group",
                        F.group_options,
                        id_prefix="nc",
                        error=fe.get("customer_group", ""),
                    ),
                    field("quote.c_phone", "phone", id_prefix="nc", error=fe.get("phone", "")),
                    field(
                        "quote.c_email",
                        "email",
                        type="email",
                        id_prefix="nc",
                        error=fe.get("email", ""),
                    ),
                    field(
                        "quote.c_address", "address", id_prefix="nc", error=fe.get("address", "")
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                ),
                rx.button(T["common.save"], type="submit"),
                on_submit=F.create_customer,
                key=F.new_customer_key,
                class_name="iz-form",
            ),
            rx.fragment(),
        ),
        width="100%",
    )


def line_form_card(F, *extra, locked=False, heading: str = "quote.fields") -> rx.Component:  # noqa: ANN001, N803
    """Line, sum insured, term (`extra` fields after it) and the line's own fields; `locked`:
    the line is fixed (a policy from a quote, a draft)."""
    fe = F.field_errors
    return rx.card(
        rx.heading(T[heading], size="3", as_="h3"),
        rx.el.div(
            rx.grid(
                rx.el.div(
                    label("quote.line", "q-line", required=True),
                    rx.el.select(
                        rx.el.option(T["quote.choose_line"], value=""),
                        rx.foreach(F.line_options, lambda o: rx.el.option(o[1], value=o[0])),
                        id="q-line",
                        value=F.line_code,
                        on_change=F.choose_line,
                        disabled=locked,
                        class_name="iz-input",
                    ),
                    field_error(fe, "line"),
                    class_name="iz-field",
                ),
                rx.el.div(
                    label("quote.sum_insured", "q-sum_insured", required=True),
                    rx.el.input(
                        id="q-sum_insured",
                        default_value=F.sum_insured,
                        on_blur=F.set_sum_insured,
                        input_mode="decimal",
                        class_name="iz-input",
                        placeholder="850.000",
                    ),
                    field_error(fe, "sum_insured"),
                    class_name="iz-field",
                ),
                rx.el.div(
                    label("quote.start", "q-start", required=True),
                    rx.el.input(
                        id="q-start",
                        type="date",
                        default_value=F.start_date,
                        on_blur=F.set_start,
                        class_name="iz-input",
                    ),
                    field_error(fe, "start_date"),
                    class_name="iz-field",
                ),
                rx.el.div(
                    label("quote.end", "q-end"),
                    rx.el.input(
                        id="q-end",
                        type="date",
                        default_value=F.end_date,
                        on_blur=F.set_end,
                        class_name="iz-input",
                    ),
                    field_error(fe, "end_date"),
                    class_name="iz-field",
                ),
                *extra,
                rx.foreach(F.fields, lambda f: _line_field(F, f)),
                columns=rx.breakpoints(initial="1", md="3"),
                spacing="3",
                width="100%",
            ),
            key=F.form_key,
        ),
        width="100%",
    )


def price_card(F, note_key: str = "quote.needs_approval_note", *after) -> rx.Component:  # noqa: ANN001, N803
    """The price, the over-limit note and the worksheet (`after`: more under it)."""
    return rx.card(
        rx.heading(T["quote.price_title"], size="3", as_="h3"),
        rx.cond(
            F.price_rows.length() > 0,
            rx.vstack(
                price_table(F.price_rows),
                rx.cond(
                    F.needs_approval,
                    rx.callout(T[note_key], icon="info", color_scheme="amber"),
                    rx.fragment(),
                ),
                rx.heading(T["quote.worksheet"], size="2", as_="h4"),
                worksheet_table(F.worksheet),
                *after,
                width="100%",
            ),
            rx.text(T["quote.no_price"], color_scheme="gray", size="2"),
        ),
        width="100%",
    )
