"""Raporlar: run a saved format between two dates, its chart, table and exports; the formats
list and (with `report.define`) the format editor."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, date_range, messages, page_title, pager
from iztim_app.pages.report_parts import format_editor, native_select
from iztim_app.states.reports import ReportsState as ST
from iztim_app.states.session import SessionState

CAN_DEFINE = SessionState.perms.contains("report.define")


def report_tabs() -> rx.Component:
    """Raporlar | Komisyon ekstresi (the commission statement is its own page)."""
    return rx.hstack(
        rx.el.a(T["rs.tab_run"], href="/raporlar", class_name="iz-tab iz-tab-active"),
        rx.el.a(
            T["rs.commission_link"],
            href="/raporlar/komisyon",
            class_name="iz-tab",
            data_testid="commission-link",
        ),
        spacing="4",
        class_name="iz-tabs",
    )


def _run_form() -> rx.Component:
    fe = ST.field_errors
    return rx.card(
        rx.el.form(
            rx.hstack(
                native_select(
                    "rs.format",
                    "format_id",
                    ST.format_options,
                    default_value=ST.selected_id,
                    errors=fe,
                    id_prefix="run",
                    on_change=ST.choose_format,
                ),
                *date_range(fe, "run", date_from=ST.date_from, date_to=ST.date_to),
                rx.button(
                    T["rs.run"],
                    type="submit",
                    loading=ST.running,
                    disabled=ST.running | (ST.exporting != ""),
                    data_testid="run-report",
                ),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=ST.run,
            key=ST.run_key,
            aria_label=T["rs.tab_run"],
        ),
        _progress(),
        width="100%",
    )


def _progress() -> rx.Component:
    """While the background run or export works: how far, which step (read out politely)."""
    return rx.cond(
        ST.running | (ST.exporting != ""),
        rx.vstack(
            rx.cond(
                ST.running,
                rx.progress(value=ST.progress, max=100, width="100%"),
                rx.fragment(),
            ),
            rx.hstack(
                rx.spinner(size="1"),
                rx.text(ST.step, size="2"),
                align="center",
                spacing="2",
            ),
            aria_live="polite",
            role="status",
            data_testid="report-progress",
            width="100%",
            margin_top="8px",
        ),
        rx.fragment(),
    )


def _num(kind) -> rx.Var:  # noqa: ANN001
    return rx.cond(kind == "text", "", "iz-num")


# Axis figures the Turkish way (1.800.000); the bars' values are whole liras or counts.
TURKISH_TICKS = rx.vars.FunctionStringVar.create("(v) => Number(v).toLocaleString('tr-TR')")


def _chart() -> rx.Component:
    common = [
        # Every category named, slanted so that long ones ("Kasko / 2026-12") fit.
        rx.recharts.x_axis(
            data_key="label",
            interval=0,
            angle=-20,
            text_anchor="end",
            height=110,
            tick={"fontSize": 11},
        ),
        rx.recharts.y_axis(width=110, tick_formatter=TURKISH_TICKS),
        rx.recharts.graphing_tooltip(),
    ]
    return rx.match(
        ST.chart_kind,
        (
            "bar",
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="value", name=ST.chart_title, fill="#4455cc"),
                *common,
                data=ST.chart,
                height=380,
                width="100%",
                margin={"top": 10, "right": 20, "left": 60, "bottom": 10},
            ),
        ),
        (
            "line",
            rx.recharts.line_chart(
                rx.recharts.line(
                    data_key="value", name=ST.chart_title, stroke="#4455cc", type_="monotone"
                ),
                *common,
                data=ST.chart,
                height=380,
                width="100%",
                margin={"top": 10, "right": 20, "left": 60, "bottom": 10},
            ),
        ),
        (
            "pie",
            rx.recharts.pie_chart(
                rx.recharts.pie(
                    # Each slice labelled with its share (%42), never a raw figure; the
                    # legend names them.
                    rx.recharts.label_list(data_key="share", position="outside"),
                    data=ST.chart,
                    data_key="value",
                    name_key="label",
                    label=False,
                    outer_radius=105,
                ),
                rx.recharts.legend(),
                rx.recharts.graphing_tooltip(),
                height=340,
                width="100%",
            ),
        ),
        rx.fragment(),
    )


def _table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.foreach(
                    ST.columns,
                    lambda c: rx.table.column_header_cell(c["label"], class_name=_num(c["kind"])),
                )
            )
        ),
        rx.table.body(
            rx.foreach(
                ST.rows,
                lambda r: rx.table.row(
                    rx.foreach(
                        ST.columns,
                        lambda c: rx.table.cell(r[c["key"]], class_name=_num(c["kind"])),
                    )
                ),
            ),
            rx.table.row(
                rx.foreach(
                    ST.columns,
                    lambda c: rx.table.cell(
                        ST.totals.get(c["key"], ""), class_name=_num(c["kind"])
                    ),
                ),
                font_weight="700",
                data_testid="report-totals",
            ),
        ),
        size="1",
        width="100%",
        data_testid="report-table",
    )


def _exports() -> rx.Component:
    busy = ST.running | (ST.exporting != "")

    def button(fmt: str, key: str) -> rx.Component:
        return rx.button(
            T[key],
            on_click=ST.export(fmt),
            loading=ST.exporting == fmt,
            disabled=busy,
            variant="soft",
            size="2",
            data_testid=f"export-{fmt}",
        )

    return rx.hstack(
        rx.text(T["rs.export"], size="2", weight="bold"),
        button("csv", "rs.export_csv"),
        button("xlsx", "rs.export_xlsx"),
        button("pdf", "rs.export_pdf"),
        spacing="2",
        align="center",
        role="group",
        aria_label=T["rs.export"],
    )


def _result() -> rx.Component:
    return rx.cond(
        ST.has_result,
        rx.card(
            rx.vstack(
                rx.heading(ST.result_title, size="4", as_="h2", data_testid="report-title"),
                _exports(),
                rx.cond(
                    ST.chart_kind != "none",
                    rx.vstack(
                        rx.text(ST.chart_title, size="2", color_scheme="gray"),
                        rx.el.div(_chart(), width="100%", data_testid="report-chart"),
                        width="100%",
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    ST.total > 0,
                    rx.fragment(_table(), pager(ST, ST.prev_page, ST.next_page)),
                    rx.text(T["rs.no_rows"], color_scheme="gray"),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.fragment(),
    )


def _format_actions(f) -> rx.Component:  # noqa: ANN001
    return rx.hstack(
        rx.button(
            T["rs.choose"],
            on_click=ST.choose_format(f["id"]),
            size="1",
            variant="soft",
            aria_label=T["rs.choose"] + ": " + f["name"],
        ),
        rx.cond(
            CAN_DEFINE,
            rx.fragment(
                rx.cond(
                    f["predefined"] == "",
                    rx.button(
                        T["rs.edit"],
                        on_click=ST.edit_format(f["id"]),
                        size="1",
                        variant="soft",
                        aria_label=T["rs.edit"] + ": " + f["name"],
                    ),
                    rx.fragment(),
                ),
                rx.button(
                    T["rs.copy"],
                    on_click=ST.copy_format(f["id"]),
                    size="1",
                    variant="soft",
                    aria_label=T["rs.copy"] + ": " + f["name"],
                ),
                rx.cond(
                    f["predefined"] == "",
                    rx.button(
                        T["common.delete"],
                        on_click=ST.ask_delete(f["id"]),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        aria_label=T["common.delete"] + ": " + f["name"],
                    ),
                    rx.fragment(),
                ),
            ),
            rx.fragment(),
        ),
        spacing="2",
    )


def _delete_confirm() -> rx.Component:
    return rx.cond(
        ST.deleting_id != "",
        rx.callout.root(
            rx.callout.text(ST.delete_question, weight="bold"),
            rx.hstack(
                rx.button(
                    T["common.delete"],
                    on_click=ST.confirm_delete,
                    color_scheme="red",
                    size="2",
                    data_testid="confirm-delete",
                ),
                rx.button(T["common.cancel"], on_click=ST.cancel_delete, variant="soft", size="2"),
                spacing="2",
            ),
            color_scheme="orange",
            role="alertdialog",
        ),
        rx.fragment(),
    )


def _formats() -> rx.Component:
    headers = ["rs.col_name", "rs.col_description", "rs.col_kind", "rs.col_updated", ""]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(T["rs.tab_formats"], size="4", as_="h2"),
                rx.cond(
                    CAN_DEFINE,
                    rx.button(
                        T["rs.new_format"],
                        on_click=ST.new_format,
                        size="2",
                        data_testid="new-format",
                    ),
                    rx.fragment(),
                ),
                justify="between",
                width="100%",
                align="center",
            ),
            _delete_confirm(),
            rx.cond(CAN_DEFINE & ST.editor_open, format_editor(), rx.fragment()),
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(T[h] if h else "") for h in headers])
                ),
                rx.table.body(
                    rx.foreach(
                        ST.formats,
                        lambda f: rx.table.row(
                            rx.table.cell(f["name"]),
                            rx.table.cell(f["description"]),
                            rx.table.cell(f["kind"]),
                            rx.table.cell(f["updated"]),
                            rx.table.cell(_format_actions(f)),
                            data_testid="format-row",
                        ),
                    )
                ),
                size="1",
                width="100%",
                data_testid="formats-table",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def reports_page() -> rx.Component:
    return rx.vstack(
        page_title("rs.title"),
        report_tabs(),
        messages(ST),
        _run_form(),
        _result(),
        _formats(),
        spacing="4",
        width="100%",
    )
