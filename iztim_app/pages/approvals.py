"""Onay Kuyruğu: quotes awaiting the approver, oldest first."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, data_table, messages, page_title, pager
from iztim_app.pages.quote_parts import QUOTE_COLUMNS, quote_row
from iztim_app.states.approvals import ApprovalState


def approvals_page() -> rx.Component:
    return rx.vstack(
        page_title("quote.queue_title"),
        messages(ApprovalState),
        rx.cond(
            ApprovalState.rows.length() > 0,
            data_table(QUOTE_COLUMNS, ApprovalState.rows, quote_row),
            rx.callout(T["quote.queue_empty"], icon="check"),
        ),
        pager(ApprovalState, ApprovalState.prev_page, ApprovalState.next_page),
        spacing="4",
        width="100%",
    )
