"""Yeni teklif / revision: customer, the line's generated form, live price and worksheet."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, messages, page_title
from iztim_app.pages.line_form import customer_box, line_form_card, price_card
from iztim_app.pages.quote_parts import quote_tabs
from iztim_app.states.quote_form import QuoteFormState as F


def quote_form_page() -> rx.Component:
    return rx.vstack(
        page_title("quote.title"),
        quote_tabs("new"),
        messages(F),
        customer_box(F),
        line_form_card(F),
        price_card(F),
        rx.button(T["quote.save"], on_click=F.save, size="3", disabled=F.price_rows.length() == 0),
        spacing="4",
        width="100%",
    )
