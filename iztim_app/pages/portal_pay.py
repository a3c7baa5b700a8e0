"""The portal's payment result page (/portal/odeme/sonuc?siparis=ORDER): the outcome in the
customer's words, what was paid, and the receipt. Owned by helper B."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.portal import _sign_in
from iztim_app.pages.portal_parts import PT, portal_shell, pt_alert, pt_table
from iztim_app.states.portal import PortalState
from iztim_app.states.portal_pay import PortalResultState


def _kv(key: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.el.div(rx.el.dt(PT[key]), rx.el.dd(value), class_name="pt-kv"),
        rx.fragment(),
    )


def _note() -> rx.Component:
    """What this one callback did, when the bank's answer came again or was refused."""
    return rx.cond(
        PortalResultState.note != "",
        rx.el.div(
            PortalResultState.note,
            role="status",
            class_name="pt-info",
            data_testid="portal-result-note",
        ),
        rx.fragment(),
    )


def _result() -> rx.Component:
    s = PortalResultState
    return rx.el.section(
        rx.el.h1(PT["portal.result_title"], class_name="pt-h1"),
        rx.el.div(
            s.message,
            role="status",
            class_name=rx.cond(s.status == "approved", "pt-notice", "pt-alert"),
            data_testid="portal-result-message",
        ),
        _note(),
        rx.el.dl(
            _kv("portal.order", s.order_id),
            _kv("portal.policy", s.policy_number),
            _kv("portal.result_amount", s.amount),
            _kv("portal.result_card", s.card),
            class_name="pt-dl",
            data_testid="portal-result",
        ),
        pt_table(
            ["portal.col.seq", "portal.col.due", "portal.col.amount"],
            rx.foreach(
                s.installments,
                lambda i: rx.el.tr(
                    rx.el.td(i["seq"], class_name="pt-num"),
                    rx.el.td(i["due"]),
                    rx.el.td(i["amount"], class_name="pt-num"),
                ),
            ),
            data_testid="portal-result-installments",
        ),
        rx.el.div(
            rx.cond(
                s.receipt_href != "",
                rx.el.a(
                    PT["portal.receipt"],
                    href=s.receipt_href,
                    class_name="pt-button",
                    data_testid="portal-receipt",
                ),
                rx.fragment(),
            ),
            rx.el.a(PT["portal.back_to_policy"], href=s.policy_href, class_name="pt-link"),
            class_name="pt-actions",
        ),
        class_name="pt-card pt-narrow pt-stack",
    )


def portal_result_page() -> rx.Component:
    return portal_shell(
        rx.cond(
            PortalState.checked,
            rx.cond(
                PortalState.signed_in,
                rx.fragment(
                    pt_alert(PortalResultState.error, "portal-result-error"),
                    rx.cond(
                        PortalResultState.found,
                        _result(),
                        rx.el.div(_note(), class_name="pt-narrow"),
                    ),
                ),
                _sign_in(),
            ),
            rx.fragment(),
        )
    )
