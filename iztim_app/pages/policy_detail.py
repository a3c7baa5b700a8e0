"""One policy: data and worksheet, versions, approvals, installments and payments,
endorsements and cancellation, audit trail — everything about it in one place."""

from __future__ import annotations

from typing import Any

import reflex as rx

from iztim_app.pages.components import (
    T,
    data_table,
    field,
    field_error,
    key_value,
    label,
    messages,
    page_title,
    select_field,
)
from iztim_app.pages.document_actions import email_button, email_dialog, print_button
from iztim_app.pages.line_form import line_control
from iztim_app.pages.policy_parts import confirm_panel, fixed_select, money_table, policy_tabs
from iztim_app.pages.worksheet import worksheet_table
from iztim_app.states.policy_detail import PolicyDetailState as D


def _cond(test, component) -> rx.Component:  # noqa: ANN001
    return rx.cond(test, component, rx.fragment())


def _data_card(p) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.el.dl(
            key_value("pol.issue_date", p["date"]),
            key_value("quote.line", p["line"]),
            key_value(
                "quote.customer",
                rx.el.a(
                    p["customer"],
                    href="/musteriler/detay?no=" + p["customer_number"],
                    class_name="iz-link",
                ),
            ),
            key_value("quote.kind", p["customer_kind"]),
            key_value("quote.customer_group", p["customer_group"]),
            key_value("quote.sum_insured", p["sum_insured"]),
            key_value("quote.term", p["period"]),
            key_value("installment.count", p["installment_count"]),
            key_value("quote.channel", p["channel"]),
            key_value("quote.prepared_by", p["prepared_by"]),
            key_value("pol.tariff_version", p["tariff_version"]),
            _cond(
                p["quote_number"] != "",
                key_value(
                    "pol.quote_number",
                    rx.el.a(
                        p["quote_number"],
                        href="/teklifler/detay?no=" + p["quote_number"],
                        class_name="iz-link",
                    ),
                    testid="policy-quote",
                ),
            ),
            _cond(
                p["renews"] != "",
                key_value(
                    "pol.renews",
                    rx.el.a(p["renews"], href="/policeler/detay?no=" + p["renews"]),
                ),
            ),
            _cond(
                p["approved_by"] != "",
                key_value("quote.approved_by", p["approved_by"] + " · " + p["approved_at"]),
            ),
            _cond(
                p["rejected_by"] != "",
                key_value("quote.reason", p["rejected_by"] + ": " + p["rejection_reason"]),
            ),
            _cond(
                p["unapproved_by"] != "",
                key_value(
                    "pol.unapproval_reason", p["unapproved_by"] + ": " + p["unapproval_reason"]
                ),
            ),
            _cond(p["cancelled_from"] != "", key_value("pol.cancelled_from", p["cancelled_from"])),
            class_name="iz-dl",
        ),
    )


def _price_card(p) -> rx.Component:  # noqa: ANN001
    return rx.card(
        rx.heading(T["pol.fields"], size="3", as_="h3"),
        rx.el.dl(
            rx.foreach(
                D.values,
                lambda v: rx.el.div(rx.el.dt(v["label"]), rx.el.dd(v["value"]), class_name="iz-kv"),
            ),
            class_name="iz-dl",
        ),
        rx.heading(T["quote.price_title"], size="3", as_="h3", margin_top="10px"),
        money_table(D.taxes, "quote.net", p["net"], "quote.gross", p["gross"], "price"),
        _cond(
            p["in_force_differs"] != "",
            rx.el.dl(
                key_value("pol.sum_insured_in_force", p["sum_insured_in_force"]),
                key_value("pol.gross_in_force", p["gross_in_force"], testid="gross-in-force"),
                class_name="iz-dl",
            ),
        ),
    )


def _reason_form(key: str, button_key: str, on_submit, prefix: str, color: str) -> rx.Component:  # noqa: ANN001
    return rx.el.form(
        rx.hstack(
            field(key, "reason", required=True, id_prefix=prefix),
            rx.button(T[button_key], type="submit", color_scheme=color, variant="soft"),
            align="end",
            spacing="3",
        ),
        on_submit=on_submit,
    )


def _actions(p) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        rx.hstack(
            _cond(
                D.can_decide,
                rx.button(T["quote.approve"], on_click=D.approve, color_scheme="green"),
            ),
            _cond(
                D.can_edit,
                rx.button(T["pol.edit_draft"], on_click=D.edit_draft, variant="outline"),
            ),
            _cond(
                D.can_edit,
                rx.button(T["pol.submit_draft"], on_click=D.submit_draft),
            ),
            _cond(
                D.can_print,
                rx.hstack(
                    print_button(D, "policy"),
                    email_button(D, "policy"),
                    spacing="3",
                ),
            ),
            spacing="3",
        ),
        _cond(
            D.can_decide,
            _reason_form("quote.reason", "quote.reject", D.reject, "reject", "red"),
        ),
        _cond(
            D.can_unapprove,
            _reason_form("pol.unapproval_reason", "pol.unapprove", D.unapprove, "unapprove", "red"),
        ),
        spacing="3",
        width="100%",
    )


def _versions_card() -> rx.Component:
    return rx.card(
        rx.heading(T["pol.versions"], size="3", as_="h3"),
        data_table(
            [
                "pol.version",
                "quote.status",
                "pol.created_at",
                "quote.sum_insured",
                "quote.gross",
                "quote.prepared_by",
            ],
            D.versions,
            lambda v: rx.table.row(
                rx.table.cell(
                    rx.el.a(
                        v["version"],
                        href="/policeler/detay?no=" + D.policy["number"] + "&v=" + v["version"],
                        class_name="iz-link",
                        font_weight=rx.cond(v["shown"] != "", "700", "400"),
                    )
                ),
                rx.table.cell(rx.badge(v["status_text"], color_scheme=v["color"])),
                rx.table.cell(v["created_at"]),
                rx.table.cell(v["sum_insured"], class_name="iz-num"),
                rx.table.cell(v["gross"], class_name="iz-num"),
                rx.table.cell(v["prepared_by"]),
            ),
            data_testid="versions",
        ),
        rx.heading(T["pol.decisions"], size="3", as_="h3", margin_top="10px"),
        rx.cond(
            D.decisions.length() > 0,
            data_table(
                ["pol.version", "pol.decision", "pol.by", "pol.at", "pol.reason"],
                D.decisions,
                lambda d: rx.table.row(
                    rx.table.cell(d["version"]),
                    rx.table.cell(d["what"]),
                    rx.table.cell(d["who"]),
                    rx.table.cell(d["at"]),
                    rx.table.cell(d["reason"]),
                ),
                data_testid="decisions",
            ),
            rx.text(T["pol.no_decisions"], size="2", color_scheme="gray"),
        ),
        width="100%",
    )


def _payment_form() -> rx.Component:
    fe = D.field_errors
    open_rows = D.installments
    return rx.el.form(
        rx.heading(T["payment.record"], size="2", as_="h4", margin_top="12px"),
        rx.grid(
            rx.el.div(
                label("installment.seq", "pay-installment_id", required=True),
                rx.el.select(
                    rx.foreach(
                        open_rows,
                        lambda i: rx.cond(
                            i["is_open"] != "",
                            rx.el.option(
                                i["seq"] + " · " + i["due_date"] + " · " + i["open"],
                                value=i["id"],
                            ),
                            rx.fragment(),
                        ),
                    ),
                    id="pay-installment_id",
                    name="installment_id",
                    class_name="iz-input",
                ),
                class_name="iz-field",
            ),
            field(
                "payment.amount",
                "amount",
                required=True,
                id_prefix="pay",
                error=fe.get("amount", ""),
            ),
            fixed_select(
                "payment.method",
                "method",
                [("cash", "payment.method_cash"), ("transfer", "payment.method_transfer")],
                id_prefix="pay",
                error=fe.get("method", ""),
            ),
            field("payment.reference", "reference", id_prefix="pay", error=fe.get("reference", "")),
            columns=rx.breakpoints(initial="1", md="4"),
            spacing="3",
        ),
        rx.button(T["payment.record"], type="submit"),
        on_submit=D.record_payment,
        key=D.pay_key,
        class_name="iz-form",
    )


def _money_card() -> rx.Component:
    plan = D.plan
    return rx.card(
        rx.heading(T["installment.title"], size="3", as_="h3"),
        rx.cond(
            D.installments.length() > 0,
            rx.fragment(
                data_table(
                    [
                        "installment.seq",
                        "installment.due_date",
                        "installment.amount",
                        "installment.paid",
                        "installment.open_amount",
                        "installment.status",
                    ],
                    D.installments,
                    lambda i: rx.table.row(
                        rx.table.cell(i["seq"]),
                        rx.table.cell(i["due_date"]),
                        rx.table.cell(i["amount"], class_name="iz-num"),
                        rx.table.cell(i["paid"], class_name="iz-num"),
                        rx.table.cell(i["open"], class_name="iz-num"),
                        rx.table.cell(rx.badge(i["status_text"], color_scheme=i["color"])),
                        data_testid="installment-" + i["seq"],
                    ),
                ),
                rx.el.dl(
                    key_value("installment.total", plan["total"]),
                    key_value("installment.paid", plan["paid"], testid="plan-paid"),
                    key_value("installment.open_amount", plan["open"], testid="plan-open"),
                    class_name="iz-dl",
                ),
            ),
            rx.text(T["pol.no_plan"], size="2", color_scheme="gray"),
        ),
        _cond(D.can_pay, _payment_form()),
        _cond(
            D.payments.length() > 0,
            rx.vstack(
                rx.heading(T["payment.title"], size="2", as_="h4"),
                data_table(
                    [
                        "installment.seq",
                        "payment.amount",
                        "payment.method",
                        "payment.reference",
                        "payment.recorded_by",
                        "payment.recorded_at",
                    ],
                    D.payments,
                    lambda r: rx.table.row(
                        rx.table.cell(r["seq"]),
                        rx.table.cell(r["amount"], class_name="iz-num"),
                        rx.table.cell(r["method"]),
                        rx.table.cell(r["reference"]),
                        rx.table.cell(r["recorded_by"]),
                        rx.table.cell(r["recorded_at"]),
                    ),
                    data_testid="payments",
                ),
                width="100%",
            ),
        ),
        _cond(
            D.refunds.length() > 0,
            rx.vstack(
                rx.heading(T["refund.title"], size="2", as_="h4"),
                rx.el.dl(
                    key_value("pol.refund_due", plan["refund_due"], testid="refund-due"),
                    class_name="iz-dl",
                ),
                data_table(
                    ["refund.amount", "pol.created_at", "installment.status", "refund.paid_out"],
                    D.refunds,
                    lambda r: rx.table.row(
                        rx.table.cell(r["amount"], class_name="iz-num"),
                        rx.table.cell(r["created_at"]),
                        rx.table.cell(r["state"]),
                        rx.table.cell(
                            rx.cond(
                                D.can_pay_out & (r["is_open"] != ""),
                                rx.button(
                                    T["refund.record_paid"],
                                    size="1",
                                    variant="soft",
                                    on_click=D.pay_out_refund(r["id"]),
                                ),
                                rx.text(r["paid_out"], size="2"),
                            )
                        ),
                    ),
                    data_testid="refunds",
                ),
                width="100%",
            ),
        ),
        width="100%",
        data_testid="money",
    )


def _endorse_control(f) -> rx.Component:  # noqa: ANN001
    name = f["name"]
    html_id = "e-" + name
    bound = {"name": "v_" + name, "default_value": D.endorse_values[name]}
    return rx.el.div(
        rx.el.label(f["label"], html_for=html_id, class_name="iz-label"),
        line_control(f, html_id, D.endorse_choices[name], lambda _kind: bound),
        field_error(D.field_errors, name),
        class_name="iz-field",
    )


def _priced_form(
    heading: str,
    fields: list[rx.Component],
    button: rx.Component,
    on_submit: Any,
    priced: Any,
    preview: rx.Component,
) -> rx.Component:
    """The endorsement and the cancellation forms share one frame: the fields, a preview
    button, and the priced preview once the server has priced it."""
    return rx.vstack(
        rx.heading(T[heading], size="2", as_="h4"),
        rx.el.form(
            rx.grid(
                *fields,
                columns=rx.breakpoints(initial="1", md="3"),
                spacing="3",
                width="100%",
            ),
            button,
            on_submit=on_submit,
            key=D.endorse_key,
            class_name="iz-form",
        ),
        _cond(priced, preview),
        width="100%",
    )


def _needs_approval(preview: Any) -> rx.Component:
    """The note that a priced endorsement or cancellation will wait for an approver."""
    return _cond(
        preview["needs_approval"] != "",
        rx.callout(T["pol.endorsement_needs_approval"], icon="info", color_scheme="amber"),
    )


def _endorse_form() -> rx.Component:
    fe = D.field_errors
    e = D.endorse_preview
    return _priced_form(
        "endorsement.new",
        [
            fixed_select(
                "endorsement.kind",
                "kind",
                [(k, f"endorsement.kind.{k}") for k in ("increase", "decrease", "information")],
                id_prefix="e",
                error=fe.get("kind", ""),
            ),
            field(
                "endorsement.effective_date",
                "effective_date",
                type="date",
                required=True,
                id_prefix="e",
                error=fe.get("effective_date", ""),
            ),
            field(
                "endorsement.sum_insured_after",
                "sum_insured",
                required=True,
                id_prefix="e",
                default_value=D.endorse_sum_insured,
                error=fe.get("sum_insured", ""),
            ),
            field(
                "endorsement.description",
                "description",
                required=True,
                id_prefix="e",
                error=fe.get("description", ""),
            ),
            rx.foreach(D.endorse_fields, _endorse_control),
        ],
        rx.button(T["pol.preview"], type="submit", variant="soft"),
        D.preview_endorsement,
        e.contains("kind"),
        rx.card(
            rx.el.dl(
                key_value("endorsement.kind", e["kind"]),
                key_value("endorsement.effective_date", e["effective_date"]),
                key_value("pol.days", e["days"]),
                key_value("endorsement.sum_insured_after", e["sum_insured_after"]),
                key_value("endorsement.net_change", e["net_change"]),
                class_name="iz-dl",
            ),
            money_table(
                D.endorse_taxes,
                "endorsement.net_change",
                e["net_change"],
                "endorsement.gross_change",
                e["gross_change"],
                "endorsement-change",
            ),
            rx.el.dl(
                key_value("pol.gross_in_force", e["gross_in_force_after"]),
                class_name="iz-dl",
            ),
            _needs_approval(e),
            confirm_panel(D.confirm_pending, D.cancel_pending, "confirm-endorsement"),
            width="100%",
            data_testid="endorsement-preview",
        ),
    )


def _cancel_form() -> rx.Component:
    fe = D.field_errors
    c = D.cancel_preview
    return _priced_form(
        "pol.cancellation",
        [
            select_field(
                "endorsement.reason_code",
                "reason_code",
                D.reason_options,
                id_prefix="c",
                error=fe.get("reason_code", ""),
            ),
            field(
                "endorsement.cancel_date",
                "cancel_date",
                type="date",
                required=True,
                id_prefix="c",
                error=fe.get("cancel_date", ""),
            ),
            field(
                "endorsement.description",
                "description",
                required=True,
                id_prefix="c",
                error=fe.get("description", ""),
            ),
        ],
        rx.button(T["pol.preview"], type="submit", variant="soft", color_scheme="red"),
        D.preview_cancellation,
        c.contains("reason"),
        rx.card(
            rx.el.dl(
                key_value("endorsement.cancel_date", c["cancel_date"]),
                key_value("endorsement.reason_code", c["reason"]),
                key_value("endorsement.method", c["method"]),
                key_value("pol.days_elapsed", c["days"]),
                key_value("pol.gross_in_force", c["gross_in_force"]),
                key_value("endorsement.earned", c["earned"], testid="cancel-earned"),
                key_value("endorsement.refund", c["refund"], testid="cancel-refund"),
                class_name="iz-dl",
            ),
            money_table(
                D.cancel_taxes,
                "endorsement.refund",
                c["refund"],
                "endorsement.gross_refund",
                c["gross_refund"],
                "cancel-refunds",
            ),
            _cond(
                c["min_retained"] != "",
                rx.callout(T["endorsement.min_retained_applied"], icon="info"),
            ),
            _needs_approval(c),
            confirm_panel(D.confirm_pending, D.cancel_pending, "confirm-cancellation"),
            width="100%",
            data_testid="cancellation-preview",
        ),
    )


def _endorsement_row(e) -> rx.Component:  # noqa: ANN001
    return rx.table.row(
        rx.table.cell(e["label"]),
        rx.table.cell(e["kind"]),
        rx.table.cell(e["effective_date"]),
        rx.table.cell(e["description"]),
        rx.table.cell(e["sum_insured_after"], class_name="iz-num"),
        rx.table.cell(e["gross_change"], class_name="iz-num"),
        rx.table.cell(e["gross_refund"], class_name="iz-num"),
        rx.table.cell(rx.badge(e["status_text"], color_scheme=e["color"])),
        rx.table.cell(e["prepared_by"]),
        rx.table.cell(
            rx.cond(
                D.can_decide_endorsements & (e["awaiting"] != ""),
                rx.button(
                    T["endorsement.approve"],
                    size="1",
                    color_scheme="green",
                    on_click=D.approve_endorsement(e["seq"]),
                    data_testid="approve-endorsement-" + e["seq"],
                ),
                rx.text(e["decided"], size="1"),
            )
        ),
        rx.table.cell(
            _cond(
                e["printable"] != "",
                rx.vstack(
                    print_button(D, "endorsement", e["seq"], e["print_label"], size="1"),
                    email_button(D, "endorsement", e["seq"], e["email_label"], size="1"),
                    spacing="1",
                    align="stretch",
                ),
            )
        ),
        data_testid="endorsement-" + e["seq"],
    )


def _endorsements_card() -> rx.Component:
    return rx.card(
        rx.heading(T["endorsement.title"], size="3", as_="h3"),
        rx.cond(
            D.endorsements.length() > 0,
            data_table(
                [
                    "endorsement.number",
                    "endorsement.kind",
                    "endorsement.effective_date",
                    "endorsement.description",
                    "endorsement.sum_insured_after",
                    "endorsement.gross_change",
                    "endorsement.gross_refund",
                    "quote.status",
                    "quote.prepared_by",
                    "",
                    "print.document_column",
                ],
                D.endorsements,
                _endorsement_row,
                data_testid="endorsements",
            ),
            rx.text(T["pol.no_endorsements"], size="2", color_scheme="gray"),
        ),
        _cond(
            D.can_decide_endorsements & D.endorsement_awaiting,
            rx.el.form(
                rx.hstack(
                    field("endorsement.number", "seq", id_prefix="ereject"),
                    field("endorsement.rejection_reason", "reason", id_prefix="ereject"),
                    rx.button(
                        T["endorsement.reject"], type="submit", color_scheme="red", variant="soft"
                    ),
                    align="end",
                    spacing="3",
                ),
                on_submit=D.reject_endorsement,
            ),
        ),
        _cond(D.can_endorse, _endorse_form()),
        _cond(D.can_cancel, _cancel_form()),
        width="100%",
    )


def _renewal_link(key: str, number, href: str, testid: str) -> rx.Component:  # noqa: ANN001
    return _cond(
        number != "",
        key_value(key, rx.el.a(number, href=href + number, class_name="iz-link"), testid=testid),
    )


def _renewal_card() -> rx.Component:
    """The renewal in one place: its state, the renewal quote and policy, the action."""
    r = D.renewal
    return rx.card(
        rx.heading(T["renewal.title"], size="3", as_="h3"),
        rx.el.dl(
            key_value("renewal.state", rx.badge(r["state_text"]), testid="policy-renewal-state"),
            key_value("renewal.window_opens", r["opens"]),
            _renewal_link(
                "renewal.renewal_quote", r["quote"], "/teklifler/detay?no=", "renewal-quote"
            ),
            _renewal_link(
                "renewal.renewal_policy", r["renewal"], "/policeler/detay?no=", "renewal-policy"
            ),
            class_name="iz-dl",
        ),
        _cond(
            r["can_renew"] != "",
            rx.hstack(
                rx.checkbox(
                    T["renewal.claim_free_year"],
                    checked=D.renewal_claim_free,
                    on_change=D.set_renewal_claim_free,
                    id="pd-claim-free",
                ),
                rx.button(T["renewal.action"], on_click=D.renew, data_testid="renew-policy"),
                align="center",
                spacing="3",
            ),
        ),
        width="100%",
        data_testid="policy-renewal",
    )


def _audit_card() -> rx.Component:
    return rx.card(
        rx.heading(T["pol.audit"], size="3", as_="h3"),
        data_table(
            ["pol.at", "pol.by", "pol.action", "audit.via"],
            D.audit_rows,
            lambda a: rx.table.row(
                rx.table.cell(a["at"]),
                rx.table.cell(a["actor"]),
                rx.table.cell(a["action"]),
                rx.table.cell(a["via"], data_testid="policy-audit-via"),
            ),
        ),
        width="100%",
    )


def policy_detail_page() -> rx.Component:
    p = D.policy
    return rx.vstack(
        page_title("nav.policies"),
        policy_tabs("detail"),
        messages(D),
        _cond(
            p.contains("number"),
            rx.vstack(
                rx.hstack(
                    rx.heading(T["pol.number"], " ", p["number"], size="5", as_="h2"),
                    rx.badge(
                        p["status_text"],
                        color_scheme=p["color"],
                        size="2",
                        data_testid="policy-status",
                    ),
                    rx.text(T["pol.version"], " ", p["version"], size="2", color_scheme="gray"),
                    align="center",
                    spacing="3",
                ),
                _cond(
                    p["is_current"] == "",
                    rx.callout.root(
                        rx.callout.text(
                            T["pol.old_version_note"],
                            " ",
                            rx.el.a(
                                T["pol.show_current"],
                                href="/policeler/detay?no=" + p["number"],
                                class_name="iz-link",
                            ),
                        ),
                        color_scheme="gray",
                    ),
                ),
                _cond(
                    p["awaiting"] != "",
                    rx.callout(T["pol.awaiting_note"], icon="clock", color_scheme="amber"),
                ),
                _cond(
                    p["draft"] != "",
                    rx.callout(T["pol.draft_note"], icon="pencil", color_scheme="blue"),
                ),
                rx.grid(
                    _data_card(p),
                    _price_card(p),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                _actions(p),
                email_dialog(D),
                rx.card(
                    rx.heading(T["quote.worksheet"], size="3", as_="h3"),
                    worksheet_table(D.worksheet),
                    width="100%",
                ),
                _money_card(),
                _endorsements_card(),
                _cond(D.renewal.contains("state"), _renewal_card()),
                _versions_card(),
                _cond(D.audit_rows.length() > 0, _audit_card()),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )
