"""Teklif istatistikleri: counts and premiums by line and customer kind, with a chart."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, date_range, messages, page_title
from iztim_app.pages.quote_parts import quote_tabs
from iztim_app.states.quote_stats import QuoteStatsState as ST


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
                *date_range(fe, "qs", date_from=ST.date_from, date_to=ST.date_to),
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
