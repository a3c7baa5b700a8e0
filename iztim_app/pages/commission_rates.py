"""Yönetim → Komisyon oranları: the head office sets an agency's rate on a line from a day
on; the table shows every rate with its validity."""

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
from iztim_app.states.commission_rates import CommissionRatesState as S
from iztim_app.states.session import SessionState

CAN_MANAGE = SessionState.perms.contains("commission.manage") & ~SessionState.is_agency


def _form() -> rx.Component:
    fe = S.field_errors
    return rx.card(
        rx.heading(T["commission.new_rate"], size="4", as_="h2"),
        rx.text(T["commission.rates_intro"], size="2", color_scheme="gray"),
        rx.el.form(
            rx.grid(
                select_field(
                    "commission.agency",
                    "office_id",
                    S.agency_options,
                    error=fe.get("office_id", ""),
                    id_prefix="rate",
                    required=True,
                ),
                select_field(
                    "commission.line",
                    "line_code",
                    S.line_options,
                    error=fe.get("line_code", ""),
                    id_prefix="rate",
                    required=True,
                ),
                field(
                    "commission.rate",
                    "rate",
                    required=True,
                    error=fe.get("rate", ""),
                    id_prefix="rate",
                    hint="commission.rate_hint",
                ),
                field(
                    "commission.valid_from",
                    "valid_from",
                    type="date",
                    required=True,
                    default_value=S.today,
                    error=fe.get("valid_from", ""),
                    id_prefix="rate",
                ),
                columns=rx.breakpoints(initial="1", md="4"),
                spacing="3",
            ),
            rx.button(T["commission.save_rate"], type="submit", data_testid="save-rate"),
            on_submit=S.save_rate,
            key=S.form_key,
            class_name="iz-form",
        ),
        width="100%",
    )


def _filter() -> rx.Component:
    return rx.el.form(
        rx.hstack(
            rx.el.div(
                rx.el.label(T["commission.agency"], html_for="rates-filter", class_name="iz-label"),
                rx.el.select(
                    rx.el.option(T["commission.all_agencies"], value=""),
                    rx.foreach(S.agency_options, lambda o: rx.el.option(o[1], value=o[0])),
                    id="rates-filter",
                    name="office_id",
                    default_value=S.filter_office,
                    class_name="iz-input",
                ),
                class_name="iz-field",
            ),
            rx.button(T["commission.filter"], type="submit", variant="soft"),
            align="end",
            spacing="3",
        ),
        on_submit=S.apply_filter,
    )


def commission_rates_page() -> rx.Component:
    return rx.vstack(
        page_title("commission.rates_title"),
        messages(S),
        rx.cond(CAN_MANAGE, _form(), rx.fragment()),
        _filter(),
        rx.cond(
            S.rows.length() > 0,
            data_table(
                [
                    "commission.agency",
                    "commission.line",
                    "commission.rate",
                    "commission.valid_from",
                    "commission.valid_to",
                    "commission.status",
                    "commission.set_by",
                ],
                S.rows,
                lambda r: rx.table.row(
                    rx.table.cell(r["agency"]),
                    rx.table.cell(r["line"]),
                    rx.table.cell(r["rate"], class_name="iz-num"),
                    rx.table.cell(r["valid_from"]),
                    rx.table.cell(r["valid_to"]),
                    rx.table.cell(r["status"]),
                    rx.table.cell(r["set_by"]),
                ),
                data_testid="rates-table",
            ),
            rx.text(T["commission.no_rates"]),
        ),
        pager(S, S.prev_page, S.next_page),
        spacing="4",
        width="100%",
    )
