"""/portal/teklif: get a quote (the staff form's line form and price card), ask for a
policy by quote number (with the law's note), my quotes and my requests."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.line_form import line_form_card, price_card
from iztim_app.pages.portal_parts import PT, portal_shell, pt_alert, pt_field, pt_notice, pt_table
from iztim_app.states.portal import PortalState
from iztim_app.states.portal_quote import PortalQuoteState as F


def _sign_in_link() -> rx.Component:
    return rx.el.a(PT["portal.sign_in"], href="/portal", class_name="pt-button")


def _customer_line() -> rx.Component:
    return rx.el.p(
        PT["portal_quote.for_customer"],
        ": ",
        rx.el.strong(F.customer["name"]),
        " · ",
        F.customer["number"],
        data_testid="portal-quote-customer",
    )


def _quote_form() -> rx.Component:
    return rx.el.section(
        rx.el.h2(PT["portal_quote.title"], class_name="pt-h2"),
        rx.el.p(PT["portal_quote.intro"], class_name="pt-hint"),
        _customer_line(),
        line_form_card(F),
        price_card(F, "portal_quote.needs_approval_note"),
        rx.el.button(
            PT["portal_quote.save"],
            type="button",
            on_click=F.save,
            disabled=F.price_rows.length() == 0,
            class_name="pt-button",
            data_testid="portal-quote-save",
        ),
        class_name="pt-card",
    )


def _request_form() -> rx.Component:
    return rx.el.section(
        rx.el.h2(PT["portal_request.title"], class_name="pt-h2"),
        rx.el.p(PT["portal_request.law_note"], class_name="pt-notice", data_testid="law-note"),
        rx.el.form(
            pt_field(
                "portal_request.quote_number",
                "quote_number",
                "pr-quote_number",
                error=F.field_errors.get("quote_number", ""),
                default_value=F.quote_number,
                input_mode="numeric",
                auto_complete="off",
            ),
            rx.el.button(PT["portal_request.ask"], type="submit", class_name="pt-button"),
            on_submit=F.ask_for_policy,
            key=F.request_key,
        ),
        class_name="pt-card",
    )


def _my_quotes() -> rx.Component:
    return rx.el.section(
        rx.el.h2(PT["portal_quote.my_quotes"], class_name="pt-h2"),
        rx.cond(
            F.my_quotes.length() > 0,
            pt_table(
                [
                    "portal_quote.col_number",
                    "portal_quote.col_date",
                    "portal_quote.col_line",
                    "portal_quote.col_premium",
                    "portal_quote.col_valid_until",
                    "portal_quote.col_status",
                ],
                rx.foreach(
                    F.my_quotes,
                    lambda q: rx.el.tr(
                        rx.el.td(q["number"]),
                        rx.el.td(q["date"]),
                        rx.el.td(q["line"]),
                        rx.el.td(q["gross"], class_name="pt-num"),
                        rx.el.td(q["valid_until"]),
                        rx.el.td(q["status"]),
                    ),
                ),
                data_testid="my-quotes",
            ),
            rx.el.p(PT["portal_quote.no_quotes"], class_name="pt-hint"),
        ),
        class_name="pt-card",
    )


def _my_requests() -> rx.Component:
    return rx.el.section(
        rx.el.h2(PT["portal_request.my_requests"], class_name="pt-h2"),
        rx.cond(
            F.my_requests.length() > 0,
            pt_table(
                [
                    "portal_request.col_request",
                    "portal_request.col_date",
                    "portal_quote.col_number",
                    "portal_quote.col_line",
                    "portal_quote.col_premium",
                    "portal_request.col_status",
                    "portal_request.col_note",
                ],
                rx.foreach(
                    F.my_requests,
                    lambda r: rx.el.tr(
                        rx.el.td(r["id"]),
                        rx.el.td(r["date"]),
                        rx.el.td(r["quote_number"]),
                        rx.el.td(r["line"]),
                        rx.el.td(r["gross"], class_name="pt-num"),
                        rx.el.td(r["status"]),
                        rx.el.td(r["note"]),
                    ),
                ),
                data_testid="my-requests",
            ),
            rx.el.p(PT["portal_request.no_requests"], class_name="pt-hint"),
        ),
        class_name="pt-card",
    )


def portal_quote_page() -> rx.Component:
    return portal_shell(
        rx.el.h1(PT["portal_quote.page_title"], class_name="pt-h1"),
        pt_alert(F.error),
        pt_notice(F.message),
        rx.cond(
            PortalState.signed_in,
            rx.fragment(_quote_form(), _request_form(), _my_quotes(), _my_requests()),
            rx.cond(PortalState.checked, _sign_in_link(), rx.fragment()),
        ),
    )
