"""Onay Kuyruğu: quotes, policies and endorsements awaiting the approver, oldest first."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, data_table, messages, page_title, pager
from iztim_app.pages.policy_parts import POLICY_COLUMNS, policy_row
from iztim_app.pages.quote_parts import QUOTE_COLUMNS, quote_row
from iztim_app.states.approvals import ApprovalState


def _endorsement_row(e) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(
            rx.el.a(e["label"], href="/policeler/detay?no=" + e["number"], class_name="iz-link")
        ),
        rx.table.cell(e["kind"]),
        rx.table.cell(e["line"]),
        rx.table.cell(e["customer"]),
        rx.table.cell(e["effective_date"]),
        rx.table.cell(e["sum_insured_after"], class_name="iz-num"),
        rx.table.cell(e["gross_change"], class_name="iz-num"),
        rx.table.cell(e["prepared_by"]),
    )


def approvals_page() -> rx.Component:
    return rx.vstack(
        page_title("quote.queue_title"),
        messages(ApprovalState),
        rx.heading(T["pol.queue_quotes"], size="4", as_="h2"),
        rx.cond(
            ApprovalState.rows.length() > 0,
            data_table(QUOTE_COLUMNS, ApprovalState.rows, quote_row),
            rx.callout(T["quote.queue_empty"], icon="check"),
        ),
        pager(ApprovalState, ApprovalState.prev_page, ApprovalState.next_page),
        rx.cond(
            ApprovalState.policies_total > 0,
            rx.vstack(
                rx.heading(T["pol.queue_policies"], size="4", as_="h2"),
                data_table(
                    POLICY_COLUMNS,
                    ApprovalState.policy_rows,
                    policy_row,
                    data_testid="queue-policies",
                ),
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.cond(
            ApprovalState.endorsements_total > 0,
            rx.vstack(
                rx.heading(T["pol.queue_endorsements"], size="4", as_="h2"),
                data_table(
                    [
                        "endorsement.number",
                        "endorsement.kind",
                        "quote.line",
                        "quote.customer",
                        "endorsement.effective_date",
                        "endorsement.sum_insured_after",
                        "endorsement.gross_change",
                        "quote.prepared_by",
                    ],
                    ApprovalState.endorsement_rows,
                    _endorsement_row,
                    data_testid="queue-endorsements",
                ),
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="4",
        width="100%",
    )
