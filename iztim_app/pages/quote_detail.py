"""One quote: its data, price, worksheet and the actions its status allows."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, field, key_value, messages, page_title
from iztim_app.pages.document_actions import email_button, email_dialog, print_button
from iztim_app.pages.quote_parts import quote_tabs
from iztim_app.pages.worksheet import worksheet_table
from iztim_app.states.quote_detail import QuoteDetailState as D
from iztim_app.states.session import SessionState


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
                            key_value("quote.date", q["date"]),
                            key_value("quote.valid_until", q["valid_until"]),
                            key_value("quote.line", q["line"]),
                            key_value("quote.customer", q["customer"]),
                            key_value("quote.kind", q["customer_kind"]),
                            key_value("quote.customer_group", q["customer_group"]),
                            key_value("quote.sum_insured", q["sum_insured"]),
                            key_value("quote.term", q["period"]),
                            key_value("quote.channel", q["channel"]),
                            key_value("quote.prepared_by", q["prepared_by"]),
                            rx.cond(
                                q["approved_by"] != "",
                                key_value(
                                    "quote.approved_by", q["approved_by"] + " · " + q["approved_at"]
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["rejected_by"] != "",
                                key_value(
                                    "quote.reason", q["rejected_by"] + ": " + q["rejection_reason"]
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["revises"] != "",
                                key_value(
                                    "quote.revises",
                                    rx.el.a(
                                        q["revises"], href="/teklifler/detay?no=" + q["revises"]
                                    ),
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["superseded_by"] != "",
                                key_value(
                                    "quote.superseded_by",
                                    rx.el.a(
                                        q["superseded_by"],
                                        href="/teklifler/detay?no=" + q["superseded_by"],
                                    ),
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["renews"] != "",
                                key_value(
                                    "quote.renews",
                                    rx.el.a(
                                        q["renews"],
                                        href="/policeler/detay?no=" + q["renews"],
                                    ),
                                ),
                                rx.fragment(),
                            ),
                            rx.cond(
                                q["policy_number"] != "",
                                key_value(
                                    "quote.its_policy",
                                    rx.el.a(
                                        q["policy_number"],
                                        href="/policeler/detay?no=" + q["policy_number"],
                                        data_testid="its-policy",
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
                        rx.hstack(
                            print_button(D, "quote"),
                            email_button(D, "quote"),
                            spacing="3",
                        ),
                        rx.fragment(),
                    ),
                    rx.cond(
                        D.can_convert,
                        rx.link(
                            T["quote.to_policy"],
                            href="/policeler/yeni?teklif=" + q["number"],
                            data_testid="to-policy",
                        ),
                        rx.fragment(),
                    ),
                    spacing="3",
                    align="center",
                ),
                email_dialog(D),
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
