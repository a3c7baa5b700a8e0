"""The customer portal's own shell (header, language, sign-out), apart from the staff
layout. Owned by helper B.

Interface other portal pages rely on (keep it): `portal_shell(*children)`; `PT` is the
catalogue in the customer's language (`PT["key"]`); `pt_field`, `pt_table`, `pt_alert`,
`pt_notice` are the portal's form field, table and messages."""

from __future__ import annotations

import reflex as rx

from iztim_app.i18n.browser import catalogue
from iztim_app.pages.components import language_root
from iztim_app.states.portal import PortalState

PT = catalogue(PortalState.lang)


def language_select(html_id: str = "portal-lang") -> rx.Component:
    return rx.el.div(
        rx.el.label(PT["nav.language"], html_for=html_id, class_name="pt-hidden"),
        rx.el.select(
            rx.el.option("Türkçe", value="tr"),
            rx.el.option("English", value="en"),
            id=html_id,
            value=PortalState.lang,
            on_change=PortalState.set_language,
            class_name="pt-lang",
        ),
    )


def _header() -> rx.Component:
    return rx.el.header(
        rx.el.a(
            rx.el.span("İ", class_name="pt-logo", aria_hidden="true"),
            rx.el.span(
                rx.el.span(PT["portal.brand"], class_name="pt-brand-name"),
                rx.el.span(PT["portal.title"], class_name="pt-brand-sub"),
                class_name="pt-brand-text",
            ),
            href="/portal",
            class_name="pt-brand",
        ),
        rx.cond(
            PortalState.signed_in,
            rx.el.nav(
                rx.el.a(PT["portal.my_policies"], href="/portal", class_name="pt-nav-link"),
                rx.el.a(PT["portal.nav_quote"], href="/portal/teklif", class_name="pt-nav-link"),
                aria_label=PT["portal.nav"],
                class_name="pt-nav",
            ),
            rx.fragment(),
        ),
        rx.el.div(
            rx.cond(
                PortalState.signed_in,
                rx.el.span(PortalState.customer_name, class_name="pt-who"),
                rx.fragment(),
            ),
            language_select(),
            rx.cond(
                PortalState.signed_in,
                rx.el.button(
                    PT["portal.sign_out"],
                    type="button",
                    on_click=PortalState.sign_out,
                    class_name="pt-button pt-button-quiet",
                ),
                rx.fragment(),
            ),
            class_name="pt-header-side",
        ),
        class_name="pt-header",
    )


def portal_shell(*children: rx.Component) -> rx.Component:
    return language_root(
        PortalState.lang,
        _header(),
        rx.el.main(*children, class_name="pt-main"),
        rx.el.footer(PT["portal.privacy"], class_name="pt-footer"),
        element=rx.box,
        class_name="pt-page",
    )


def pt_alert(text: rx.Var, test_id: str = "portal-error") -> rx.Component:
    return rx.cond(
        text != "",
        rx.el.div(text, role="alert", class_name="pt-alert", data_testid=test_id),
        rx.fragment(),
    )


def pt_notice(text: rx.Var, test_id: str = "portal-notice") -> rx.Component:
    return rx.cond(
        text != "",
        rx.el.div(text, role="status", class_name="pt-notice", data_testid=test_id),
        rx.fragment(),
    )


def pt_field(
    key: str,
    name: str,
    html_id: str,
    *,
    error: rx.Var | None = None,
    hint: str = "",
    **props,  # noqa: ANN003
) -> rx.Component:
    """A labelled, uncontrolled input; its message (if any) beside it."""
    described = f"{html_id}-error" if error is not None else None
    parts = [
        rx.el.label(PT[key], html_for=html_id, class_name="pt-label"),
        rx.el.input(
            id=html_id,
            name=name,
            class_name="pt-input",
            aria_describedby=described,
            **props,
        ),
    ]
    if hint:
        parts.append(rx.el.div(PT[hint], class_name="pt-hint"))
    if error is not None:
        parts.append(
            rx.cond(
                error != "",
                rx.el.div(error, id=described, class_name="pt-field-error", role="alert"),
                rx.fragment(),
            )
        )
    return rx.el.div(*parts, class_name="pt-field")


def pt_table(header_keys: list[str], body: rx.Component, **props) -> rx.Component:  # noqa: ANN003
    return rx.el.div(
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(PT[k], scope="col") for k in header_keys])),
            rx.el.tbody(body),
            class_name="pt-table",
            **props,
        ),
        class_name="pt-table-wrap",
    )
