"""Teklifler: list, detail, new quote / revision, statistics; and the approval queue."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import (
    T,
    data_table,
    field,
    field_error,
    label,
    messages,
    page_title,
    pager,
    select_field,
)
from iztim_app.pages.worksheet import worksheet_table
from iztim_app.states.approvals import ApprovalState
from iztim_app.states.quote_detail import QuoteDetailState as D
from iztim_app.states.quote_form import QuoteFormState as F
from iztim_app.states.quote_list import QuoteListState as L
from iztim_app.states.quote_stats import QuoteStatsState as ST
from iztim_app.states.session import SessionState


def quote_tabs(active: str) -> rx.Component:
    def tab(href: str, key: str, name: str) -> rx.Component:
        return rx.el.a(
            T[key], href=href, class_name="iz-tab" + (" iz-tab-active" if name == active else "")
        )

    return rx.hstack(
        tab("/teklifler", "quote.title", "list"),
        rx.cond(
            SessionState.perms.contains("quote.create"),
            tab("/teklifler/yeni", "quote.new", "new"),
            rx.fragment(),
        ),
        tab("/teklifler/istatistik", "quote.stats", "stats"),
        spacing="4",
        class_name="iz-tabs",
    )


def status_badge(row) -> rx.Component:  # noqa: ANN001
    return rx.badge(row["status_text"], color_scheme=row["color"], data_testid="status")


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
        rx.table.cell(status_badge(r)),
        rx.table.cell(r["prepared_by"]),
        data_testid="quote-row-" + r["number"],
    )


# ---------------------------------------------------------------- list


def quote_list_page() -> rx.Component:
    fe = L.field_errors
    return rx.vstack(
        page_title("quote.title"),
        quote_tabs("list"),
        messages(L),
        rx.el.form(
            rx.grid(
                field("quote.number", "number", id_prefix="ql"),
                field("quote.customer", "customer", id_prefix="ql"),
                select_field("quote.line", "line_code", L.line_options, id_prefix="ql"),
                select_field(
                    "quote.status",
                    "status",
                    L.status_options,
                    default_value=L.filters.get("status", ""),
                    id_prefix="ql",
                ),
                field(
                    "common.date_from",
                    "date_from",
                    type="date",
                    id_prefix="ql",
                    error=fe.get("date_from", ""),
                ),
                field(
                    "common.date_to",
                    "date_to",
                    type="date",
                    id_prefix="ql",
                    error=fe.get("date_to", ""),
                ),
                field("quote.prepared_by", "prepared_by", id_prefix="ql"),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="3",
            ),
            rx.button(T["common.search"], type="submit"),
            on_submit=L.apply,
            key=L.filters.get("status", ""),
            class_name="iz-form",
        ),
        data_table(QUOTE_COLUMNS, L.rows, _quote_row),
        pager(L, L.prev_page, L.next_page),
        spacing="4",
        width="100%",
    )


# ---------------------------------------------------------------- detail


def _kv(key: str, value) -> rx.Component:  # noqa: ANN001
    return rx.el.div(rx.el.dt(T[key]), rx.el.dd(value), class_name="iz-kv")


def _price_table(rows) -> rx.Component:  # noqa: ANN001
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


def quote_detail_page() -> rx.Component:
    q = D.quote
    return rx.vstack(
        page_title("quote.title"),
        quote_tabs("detail"),
        messages(D),
        rx.cond(
            q.contains("number"),
            rx.vstack(
                rx.hstack(
                    rx.heading(T["quote.number"], " ", q["number"], size="5", as_="h2"),
                    rx.badge(
                        q["status_text"],
                        color_scheme=q["color"],
                        size="2",
                        data_testid="quote-status",
                    ),
                    align="center",
                    spacing="3",
                ),
                rx.cond(
                    q["awaiting"] != "",
                    rx.callout(T["quote.awaiting_note"], icon="clock", color_scheme="amber"),
                    rx.fragment(),
                ),
                rx.grid(
                    rx.card(
                        rx.el.dl(
                            _kv("quote.date", q["date"]),
                            _kv("quote.valid_until", q["valid_until"]),
                            _kv("quote.line", q["line"]),
                            _kv("quote.customer", q["customer"]),
                            _kv("quote.kind", q["customer_kind"]),
                            _kv("quote.customer_group", q["customer_group"]),
                            _kv("quote.sum_insured", q["sum_insured"]),
                            _kv("quote.start", q["period"]),
                            _kv("quote.channel", q["channel"]),
                            _kv("quote.prepared_by", q["prepared_by"]),
                            rx.cond(
                                q["approved_by"] != "",
                                _kv(
                                    "quote.approved_by", q["approved_by"] + " · " + q["approved_at"]
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["rejected_by"] != "",
                                _kv(
                                    "quote.reason", q["rejected_by"] + ": " + q["rejection_reason"]
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["revises"] != "",
                                _kv(
                                    "quote.revises",
                                    rx.el.a(
                                        q["revises"], href="/teklifler/detay?no=" + q["revises"]
                                    ),
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["superseded_by"] != "",
                                _kv(
                                    "quote.superseded_by",
                                    rx.el.a(
                                        q["superseded_by"],
                                        href="/teklifler/detay?no=" + q["superseded_by"],
                                    ),
                                ),
                                rx.fragment(),
                            ),
                            class_name="iz-dl",
                        ),
                    ),
                    rx.card(
                        rx.heading(T["quote.fields"], size="3", as_="h3"),
                        rx.el.dl(
                            rx.foreach(
                                D.values,
                                lambda v: rx.el.div(
                                    rx.el.dt(v["label"]), rx.el.dd(v["value"]), class_name="iz-kv"
                                ),
                            ),
                            class_name="iz-dl",
                        ),
                        rx.heading(T["quote.price_title"], size="3", as_="h3", margin_top="10px"),
                        rx.table.root(
                            rx.table.body(
                                rx.table.row(
                                    rx.table.row_header_cell(T["quote.net"]),
                                    rx.table.cell(q["net"], class_name="iz-num"),
                                ),
                                rx.foreach(
                                    D.taxes,
                                    lambda t: rx.table.row(
                                        rx.table.row_header_cell(t["code"]),
                                        rx.table.cell(t["amount"], class_name="iz-num"),
                                    ),
                                ),
                                rx.table.row(
                                    rx.table.row_header_cell(T["quote.gross"]),
                                    rx.table.cell(q["gross"], class_name="iz-num"),
                                ),
                            ),
                            size="1",
                            data_testid="price",
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.card(
                    rx.heading(T["quote.worksheet"], size="3", as_="h3"),
                    worksheet_table(D.worksheet),
                    width="100%",
                ),
                rx.hstack(
                    rx.cond(
                        SessionState.perms.contains("quote.create") & (q["superseded_by"] == ""),
                        rx.button(T["quote.revise"], on_click=D.revise, variant="outline"),
                        rx.fragment(),
                    ),
                    rx.cond(
                        D.can_decide,
                        rx.button(T["quote.approve"], on_click=D.approve, color_scheme="green"),
                        rx.fragment(),
                    ),
                    rx.cond(
                        q["can_print"] != "",
                        rx.button(T["quote.print"], on_click=D.print_pdf, variant="soft"),
                        rx.fragment(),
                    ),
                    spacing="3",
                ),
                rx.cond(
                    q["can_print"] != "",
                    rx.el.form(
                        rx.hstack(
                            field(
                                "outbox.email",
                                "email",
                                type="email",
                                required=True,
                                default_value=q["customer_email"],
                                error=D.field_errors.get("email", ""),
                                id_prefix="send",
                            ),
                            rx.button(T["outbox.send"], type="submit", variant="soft"),
                            align="end",
                            spacing="3",
                        ),
                        on_submit=D.send_email,
                        key=q["number"],
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    D.can_decide,
                    rx.el.form(
                        rx.hstack(
                            field("quote.reason", "reason", required=True, id_prefix="reject"),
                            rx.button(
                                T["quote.reject"], type="submit", color_scheme="red", variant="soft"
                            ),
                            align="end",
                            spacing="3",
                        ),
                        on_submit=D.reject,
                    ),
                    rx.fragment(),
                ),
                spacing="4",
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="4",
        width="100%",
    )


# ---------------------------------------------------------------- new quote / revision


def _control(f) -> rx.Component:  # noqa: ANN001
    name = f["name"]
    html_id = "q-" + name
    on_blur = lambda v: F.set_value(name, v)  # noqa: E731
    return rx.match(
        f["type"],
        (
            "choice",
            rx.el.select(
                rx.el.option("—", value=""),
                rx.foreach(F.choices[name], lambda o: rx.el.option(o[1], value=o[0])),
                id=html_id,
                value=F.values[name],
                on_change=lambda v: F.set_value(name, v),
                class_name="iz-input",
            ),
        ),
        (
            "boolean",
            rx.el.select(
                rx.el.option("—", value=""),
                rx.el.option(T["common.yes"], value="yes"),
                rx.el.option(T["common.no"], value="no"),
                id=html_id,
                value=F.values[name],
                on_change=lambda v: F.set_value(name, v),
                class_name="iz-input",
            ),
        ),
        (
            "date",
            rx.el.input(
                type="date",
                id=html_id,
                default_value=F.values[name],
                on_blur=on_blur,
                class_name="iz-input",
            ),
        ),
        rx.el.input(
            id=html_id,
            default_value=F.values[name],
            on_blur=on_blur,
            class_name="iz-input",
            input_mode=rx.cond(
                (f["type"] == "integer") | (f["type"] == "decimal"), "decimal", "text"
            ),
        ),
    )


def _line_field(f) -> rx.Component:  # noqa: ANN001
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
        _control(f),
        rx.cond(f["help"] != "", rx.el.div(f["help"], class_name="iz-help"), rx.fragment()),
        rx.cond(f["bounds"] != "", rx.el.div(f["bounds"], class_name="iz-help"), rx.fragment()),
        field_error(F.field_errors, name),
        class_name="iz-field",
    )


def _customer_box() -> rx.Component:
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


def quote_form_page() -> rx.Component:
    fe = F.field_errors
    return rx.vstack(
        page_title("quote.title"),
        quote_tabs("new"),
        messages(F),
        _customer_box(),
        rx.card(
            rx.heading(T["quote.fields"], size="3", as_="h3"),
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
                    rx.foreach(F.fields, _line_field),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="3",
                    width="100%",
                ),
                key=F.form_key,
            ),
            width="100%",
        ),
        rx.card(
            rx.heading(T["quote.price_title"], size="3", as_="h3"),
            rx.cond(
                F.price_rows.length() > 0,
                rx.vstack(
                    _price_table(F.price_rows),
                    rx.cond(
                        F.needs_approval,
                        rx.callout(
                            T["quote.needs_approval_note"], icon="info", color_scheme="amber"
                        ),
                        rx.fragment(),
                    ),
                    rx.heading(T["quote.worksheet"], size="2", as_="h4"),
                    worksheet_table(F.worksheet),
                    width="100%",
                ),
                rx.text(T["quote.no_price"], color_scheme="gray", size="2"),
            ),
            width="100%",
        ),
        rx.button(T["quote.save"], on_click=F.save, size="3", disabled=F.price_rows.length() == 0),
        spacing="4",
        width="100%",
    )


# ---------------------------------------------------------------- statistics


def quote_stats_page() -> rx.Component:
    fe = ST.field_errors
    headers = [
        "quote.line",
        "quote.kind",
        "quote.stats_count",
        "quote.stats_approved",
        "quote.stats_converted",
        "quote.stats_rate",
        "quote.sum_insured",
        "quote.net",
        "quote.gross",
    ]
    return rx.vstack(
        page_title("quote.stats"),
        quote_tabs("stats"),
        messages(ST),
        rx.el.form(
            rx.hstack(
                field(
                    "common.date_from",
                    "date_from",
                    type="date",
                    default_value=ST.date_from,
                    id_prefix="qs",
                    error=fe.get("date_from", ""),
                ),
                field(
                    "common.date_to",
                    "date_to",
                    type="date",
                    default_value=ST.date_to,
                    id_prefix="qs",
                    error=fe.get("date_to", ""),
                ),
                rx.button(T["quote.show"], type="submit"),
                align="end",
                spacing="3",
            ),
            on_submit=ST.apply,
        ),
        rx.recharts.bar_chart(
            rx.recharts.bar(
                data_key="individual", name=T["kind.individual"], fill="#4455cc", stack_id="a"
            ),
            rx.recharts.bar(
                data_key="corporate", name=T["kind.corporate"], fill="#e8a33d", stack_id="a"
            ),
            rx.recharts.x_axis(data_key="line"),
            rx.recharts.y_axis(width=100),
            rx.recharts.legend(),
            rx.recharts.graphing_tooltip(),
            data=ST.chart,
            height=300,
            width="100%",
        ),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(T[h]) for h in headers])),
            rx.table.body(
                rx.foreach(
                    ST.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(r["line"]),
                        rx.table.cell(r["kind"]),
                        rx.table.cell(r["count"], class_name="iz-num"),
                        rx.table.cell(r["approved"], class_name="iz-num"),
                        rx.table.cell(r["converted"], class_name="iz-num"),
                        rx.table.cell(r["rate"], class_name="iz-num"),
                        rx.table.cell(r["sum_insured"], class_name="iz-num"),
                        rx.table.cell(r["net"], class_name="iz-num"),
                        rx.table.cell(r["gross"], class_name="iz-num"),
                    ),
                ),
                rx.cond(
                    ST.totals.contains("count"),
                    rx.table.row(
                        rx.table.row_header_cell(T["quote.total"]),
                        rx.table.cell(""),
                        rx.table.cell(ST.totals["count"], class_name="iz-num"),
                        rx.table.cell(ST.totals["approved"], class_name="iz-num"),
                        rx.table.cell(ST.totals["converted"], class_name="iz-num"),
                        rx.table.cell(ST.totals["rate"], class_name="iz-num"),
                        rx.table.cell(ST.totals["sum_insured"], class_name="iz-num"),
                        rx.table.cell(ST.totals["net"], class_name="iz-num"),
                        rx.table.cell(ST.totals["gross"], class_name="iz-num"),
                        font_weight="700",
                    ),
                    rx.fragment(),
                ),
            ),
            size="1",
            width="100%",
            data_testid="stats-table",
        ),
        spacing="4",
        width="100%",
    )


# ---------------------------------------------------------------- approval queue


def approvals_page() -> rx.Component:
    return rx.vstack(
        page_title("quote.queue_title"),
        messages(ApprovalState),
        rx.cond(
            ApprovalState.rows.length() > 0,
            data_table(QUOTE_COLUMNS, ApprovalState.rows, _quote_row),
            rx.callout(T["quote.queue_empty"], icon="check"),
        ),
        pager(ApprovalState, ApprovalState.prev_page, ApprovalState.next_page),
        spacing="4",
        width="100%",
    )
