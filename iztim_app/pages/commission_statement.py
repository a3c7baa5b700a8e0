"""Raporlar → Komisyon ekstresi: an agency's commission entries for a period, totals per
line and overall, and the statement as PDF, CSV or Excel."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, data_table, date_range, messages, page_title, pager
from iztim_app.states.commission_statement import CommissionStatementState as S
from iztim_app.states.session import SessionState


def _tabs() -> rx.Component:
    return rx.hstack(
        rx.el.a(T["nav.reports"], href="/raporlar", class_name="iz-tab"),
        rx.el.a(
            T["nav.commission_statement"],
            href="/raporlar/komisyon",
            class_name="iz-tab iz-tab-active",
        ),
        spacing="4",
        class_name="iz-tabs",
    )


def _agency() -> rx.Component:
    """Head office and branches pick an agency; an agency user's own agency is fixed."""
    fe = S.field_errors
    return rx.el.div(
        rx.el.label(T["commission.agency"], html_for="cs-office_id", class_name="iz-label"),
        rx.el.select(
            rx.cond(
                SessionState.is_agency,
                rx.fragment(),
                rx.el.option(T["commission.choose_agency"], value=""),
            ),
            rx.foreach(S.agency_options, lambda o: rx.el.option(o[1], value=o[0])),
            id="cs-office_id",
            name="office_id",
            default_value=S.office_id,
            disabled=SessionState.is_agency,
            class_name="iz-input",
        ),
        rx.cond(
            fe.contains("office_id"),
            rx.el.div(fe["office_id"], class_name="iz-field-error", role="alert"),
            rx.fragment(),
        ),
        class_name="iz-field",
    )


def _form() -> rx.Component:
    fe = S.field_errors
    return rx.el.form(
        rx.hstack(
            _agency(),
            *date_range(fe, "cs", date_from=S.date_from, date_to=S.date_to, required=True),
            rx.button(T["commission.show"], type="submit", data_testid="show-statement"),
            rx.button(
                T["commission.last_month"], type="button", variant="soft", on_click=S.last_month
            ),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=S.apply,
        key=S.date_from + S.date_to + S.office_id,
    )


def _downloads() -> rx.Component:
    def button(fmt: str, key: str) -> rx.Component:
        return rx.button(
            T[key],
            on_click=S.download(fmt),
            loading=S.making == fmt,
            disabled=S.making != "",
            variant="soft",
            data_testid=f"download-{fmt}",
        )

    return rx.hstack(
        button("pdf", "commission.download_pdf"),
        button("csv", "commission.download_csv"),
        button("xlsx", "commission.download_xlsx"),
        spacing="3",
    )


def _summary() -> rx.Component:
    return rx.vstack(
        rx.el.dl(
            rx.el.div(
                rx.el.dt(T["commission.agency"]), rx.el.dd(S.agency_name), class_name="iz-kv"
            ),
            rx.el.div(rx.el.dt(T["commission.period"]), rx.el.dd(S.period), class_name="iz-kv"),
            rx.el.div(
                rx.el.dt(T["commission.total"]),
                rx.el.dd(S.totals["amount"], data_testid="statement-total"),
                class_name="iz-kv",
            ),
            class_name="iz-dl",
        ),
        _downloads(),
        rx.heading(T["commission.by_line"], size="4", as_="h2"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(T["commission.line"]),
                    rx.table.column_header_cell(T["commission.entry_count"]),
                    rx.table.column_header_cell(T["commission.base_net"]),
                    rx.table.column_header_cell(T["commission.amount"]),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.by_line,
                    lambda t: rx.table.row(
                        rx.table.cell(t["line"]),
                        rx.table.cell(t["count"], class_name="iz-num"),
                        rx.table.cell(t["base_net"], class_name="iz-num"),
                        rx.table.cell(t["amount"], class_name="iz-num"),
                    ),
                ),
                rx.table.row(
                    rx.table.row_header_cell(T["commission.total"]),
                    rx.table.cell(S.totals["count"], class_name="iz-num"),
                    rx.table.cell(S.totals["base_net"], class_name="iz-num"),
                    rx.table.cell(S.totals["amount"], class_name="iz-num"),
                    font_weight="700",
                ),
            ),
            size="1",
            width="100%",
            data_testid="line-totals",
        ),
        rx.heading(T["commission.entries"], size="4", as_="h2"),
        rx.cond(
            S.rows.length() > 0,
            data_table(
                [
                    "commission.document",
                    "commission.kind",
                    "commission.day",
                    "commission.line",
                    "commission.customer",
                    "commission.customer_id",
                    "commission.base_net",
                    "commission.rate",
                    "commission.amount",
                ],
                S.rows,
                lambda r: rx.table.row(
                    rx.table.cell(r["label"]),
                    rx.table.cell(r["kind"]),
                    rx.table.cell(r["day"]),
                    rx.table.cell(r["line"]),
                    rx.table.cell(r["customer"]),
                    rx.table.cell(r["customer_id"]),
                    rx.table.cell(r["base_net"], class_name="iz-num"),
                    rx.table.cell(r["rate"], class_name="iz-num"),
                    rx.table.cell(r["amount"], class_name="iz-num"),
                ),
                data_testid="statement-entries",
            ),
            rx.text(T["commission.no_entries"]),
        ),
        pager(S, S.prev_page, S.next_page),
        spacing="3",
        width="100%",
        align="start",
    )


def commission_statement_page() -> rx.Component:
    return rx.vstack(
        page_title("commission.statement_title"),
        _tabs(),
        messages(S),
        _form(),
        rx.cond(S.shown, _summary(), rx.fragment()),
        spacing="4",
        width="100%",
    )
