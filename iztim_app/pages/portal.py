"""The customer portal's pages: sign-in and "Poliçelerim" at /portal, one policy at
/portal/police?no=N with its installments, endorsements, documents and the card payment.
Owned by helper B."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.portal_parts import (
    PT,
    portal_shell,
    pt_alert,
    pt_field,
    pt_notice,
    pt_table,
)
from iztim_app.states.portal import PortalHomeState, PortalState
from iztim_app.states.portal_pay import PortalPolicyState


def _sign_in() -> rx.Component:
    return rx.el.section(
        rx.el.h1(PT["portal.sign_in_title"], class_name="pt-h1"),
        rx.el.p(PT["portal.sign_in_intro"], class_name="pt-lead"),
        pt_alert(PortalState.sign_in_error, "portal-sign-in-error"),
        rx.el.form(
            pt_field(
                "portal.number",
                "number",
                "portal-number",
                required=True,
                auto_complete="username",
                input_mode="numeric",
                max_length=20,
            ),
            pt_field(
                "portal.access_code",
                "access_code",
                "portal-code",
                hint="portal.code_hint",
                required=True,
                auto_complete="off",
                auto_capitalize="characters",
                max_length=32,
            ),
            rx.el.button(PT["portal.sign_in"], type="submit", class_name="pt-button"),
            on_submit=PortalState.sign_in,
            reset_on_submit=False,
            class_name="pt-form",
            aria_label=PT["portal.sign_in_title"],
        ),
        class_name="pt-card pt-narrow",
    )


def _policy_row(row) -> rx.Component:  # noqa: ANN001
    return rx.el.tr(
        rx.el.td(rx.el.a(row["number"], href=row["href"], class_name="pt-link")),
        rx.el.td(row["line"]),
        rx.el.td(row["start"], " – ", row["end"]),
        rx.el.td(
            rx.el.span(PT[row["status_key"]], class_name="pt-badge pt-badge-" + row["status"])
        ),
        rx.el.td(row["premium"], class_name="pt-num"),
        rx.el.td(row["unpaid"], class_name="pt-num"),
        rx.el.td(rx.el.a(PT["portal.open"], href=row["href"], class_name="pt-link")),
    )


def _home() -> rx.Component:
    return rx.el.section(
        rx.el.h1(PT["portal.my_policies"], class_name="pt-h1"),
        rx.cond(
            PortalHomeState.policies.length() > 0,
            pt_table(
                [
                    "portal.col.number",
                    "portal.col.line",
                    "portal.col.term",
                    "portal.col.status",
                    "portal.col.premium",
                    "portal.col.unpaid",
                    "portal.open",
                ],
                rx.foreach(PortalHomeState.policies, _policy_row),
                data_testid="portal-policies",
            ),
            rx.el.p(PT["portal.no_policies"], class_name="pt-muted"),
        ),
        class_name="pt-card",
    )


def portal_page() -> rx.Component:
    return portal_shell(
        rx.cond(
            PortalState.checked,
            rx.cond(PortalState.signed_in, _home(), _sign_in()),
            rx.fragment(),
        )
    )


# ------------------------------------------------------------------ one policy


def _kv(key: str, value: rx.Var | rx.Component) -> rx.Component:
    return rx.el.div(rx.el.dt(PT[key]), rx.el.dd(value), class_name="pt-kv")


def _installment_row(row) -> rx.Component:  # noqa: ANN001
    return rx.el.tr(
        rx.el.td(
            rx.cond(
                row["payable"] == "1",
                rx.el.span(
                    rx.el.input(
                        type="checkbox",
                        id="pi-" + row["seq"],
                        name="i" + row["seq"],
                        default_checked=row["seq"] == PortalPolicyState.first_unpaid,
                        class_name="pt-check",
                    ),
                    rx.el.label(
                        row["choose_label"], html_for="pi-" + row["seq"], class_name="pt-hidden"
                    ),
                ),
                rx.el.span("—", aria_hidden="true"),
            )
        ),
        rx.el.td(row["seq"], class_name="pt-num"),
        rx.el.td(row["due"]),
        rx.el.td(row["amount"], class_name="pt-num"),
        rx.el.td(row["paid"], class_name="pt-num"),
        rx.el.td(row["remaining"], class_name="pt-num"),
        rx.el.td(rx.el.span(PT[row["state_key"]], class_name="pt-badge pt-badge-" + row["state"])),
        data_testid="installment-" + row["seq"],
    )


def _installments() -> rx.Component:
    table = pt_table(
        [
            "portal.col.choose",
            "portal.col.seq",
            "portal.col.due",
            "portal.col.amount",
            "portal.col.paid",
            "portal.col.remaining",
            "portal.col.state",
        ],
        rx.foreach(PortalPolicyState.installments, _installment_row),
        data_testid="portal-installments",
    )
    return rx.el.section(
        rx.el.h2(PT["portal.installments"], class_name="pt-h2"),
        rx.cond(
            PortalPolicyState.first_unpaid != "",
            rx.el.form(
                rx.el.p(PT["portal.choose_hint"], class_name="pt-muted"),
                table,
                pt_alert(PortalPolicyState.pay_error, "portal-pay-error"),
                rx.el.button(
                    PT["portal.pay"],
                    type="submit",
                    class_name="pt-button",
                    disabled=PortalPolicyState.paying,
                ),
                on_submit=PortalPolicyState.choose,
                class_name="pt-form",
                key=PortalPolicyState.form_key,
            ),
            rx.el.div(table, pt_notice(PT["portal.all_paid"], "portal-all-paid")),
        ),
        class_name="pt-card",
    )


def _card_form() -> rx.Component:
    errors = PortalPolicyState.card_errors
    return rx.el.section(
        rx.el.h2(PT["portal.pay_title"], class_name="pt-h2", id="portal-pay-title"),
        rx.el.p(PortalPolicyState.pay_seqs_text),
        rx.el.p(PortalPolicyState.pay_total, class_name="pt-total", data_testid="portal-pay-total"),
        rx.el.form(
            rx.el.div(
                pt_field(
                    "payment.card_number",
                    "card_number",
                    "card-number",
                    error=errors["card_number"],
                    auto_complete="cc-number",
                    auto_focus=True,
                    input_mode="numeric",
                    max_length=23,
                    required=True,
                ),
                pt_field(
                    "payment.card_holder",
                    "holder",
                    "card-holder",
                    error=errors["holder"],
                    auto_complete="cc-name",
                    max_length=64,
                    required=True,
                ),
                class_name="pt-row",
            ),
            rx.el.div(
                pt_field(
                    "payment.expiry",
                    "expiry",
                    "card-expiry",
                    error=errors["expiry"],
                    auto_complete="cc-exp",
                    placeholder="AA/YY",
                    max_length=7,
                    required=True,
                ),
                pt_field(
                    "payment.cvv",
                    "cvv",
                    "card-cvv",
                    error=errors["cvv"],
                    auto_complete="cc-csc",
                    input_mode="numeric",
                    type="password",
                    max_length=4,
                    required=True,
                ),
                class_name="pt-row",
            ),
            rx.el.p(PT["portal.pay_note"], class_name="pt-muted"),
            rx.el.div(
                rx.el.button(
                    PT["portal.pay_submit"],
                    type="submit",
                    class_name="pt-button",
                    disabled=PortalPolicyState.redirecting,
                ),
                rx.el.button(
                    PT["portal.pay_cancel"],
                    type="button",
                    on_click=PortalPolicyState.cancel_payment,
                    class_name="pt-button pt-button-quiet",
                ),
                class_name="pt-actions",
            ),
            on_submit=PortalPolicyState.pay,
            reset_on_submit=True,
            class_name="pt-form",
            aria_labelledby="portal-pay-title",
            key=PortalPolicyState.form_key,
        ),
        rx.cond(
            PortalPolicyState.redirecting,
            rx.el.p(PT["portal.redirecting"], role="status", class_name="pt-notice"),
            rx.fragment(),
        ),
        class_name="pt-card pt-pay",
        data_testid="portal-card-form",
    )


def _endorsement_row(row) -> rx.Component:  # noqa: ANN001
    return rx.el.tr(
        rx.el.td(row["label"]),
        rx.el.td(PT[row["kind_key"]]),
        rx.el.td(row["effective"]),
        rx.el.td(row["change"], class_name="pt-num"),
    )


def _endorsements() -> rx.Component:
    return rx.el.section(
        rx.el.h2(PT["portal.endorsements"], class_name="pt-h2"),
        rx.cond(
            PortalPolicyState.endorsements.length() > 0,
            pt_table(
                [
                    "portal.col.endorsement",
                    "portal.col.kind",
                    "portal.col.effective",
                    "portal.col.change",
                ],
                rx.foreach(PortalPolicyState.endorsements, _endorsement_row),
                data_testid="portal-endorsements",
            ),
            rx.el.p(PT["portal.no_endorsements"], class_name="pt-muted"),
        ),
        class_name="pt-card",
    )


def _documents() -> rx.Component:
    return rx.el.section(
        rx.el.h2(PT["portal.documents"], class_name="pt-h2"),
        rx.el.ul(
            rx.foreach(
                PortalPolicyState.documents,
                lambda d: rx.el.li(rx.el.a(d["text"], href=d["href"], class_name="pt-link")),
            ),
            class_name="pt-docs",
            data_testid="portal-documents",
        ),
        class_name="pt-card",
    )


def _policy() -> rx.Component:
    p = PortalPolicyState.policy
    return rx.fragment(
        rx.el.section(
            rx.el.h1(PT["portal.policy"], " ", p["number"], class_name="pt-h1"),
            rx.el.dl(
                _kv("portal.col.line", p["line"]),
                _kv("portal.col.term", rx.el.span(p["start"], " – ", p["end"])),
                _kv(
                    "portal.col.status",
                    rx.el.span(PT[p["status_key"]], class_name="pt-badge pt-badge-" + p["status"]),
                ),
                _kv("portal.col.premium", p["premium"]),
                _kv("portal.col.unpaid", p["unpaid"]),
                class_name="pt-dl",
                data_testid="portal-policy",
            ),
            class_name="pt-card",
        ),
        _installments(),
        rx.cond(PortalPolicyState.paying, _card_form(), rx.fragment()),
        _endorsements(),
        _documents(),
    )


def portal_policy_page() -> rx.Component:
    return portal_shell(
        rx.el.nav(rx.el.a("← ", PT["portal.my_policies"], href="/portal", class_name="pt-link")),
        rx.cond(
            PortalState.checked,
            rx.cond(
                PortalState.signed_in,
                rx.fragment(
                    pt_alert(PortalPolicyState.error, "portal-policy-error"),
                    rx.cond(PortalPolicyState.found, _policy(), rx.fragment()),
                ),
                _sign_in(),
            ),
            rx.fragment(),
        ),
    )
