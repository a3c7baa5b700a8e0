"""The signed-in frame: side menu by task, header with user and office, and the guard
that shows the sign-in form in place of any page when there is no session."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from iztim_app.pages.components import T, language_select
from iztim_app.pages.password import change_password_form
from iztim_app.pages.signin import signin_form
from iztim_app.states.session import SessionState

# route, message key, permission needed to see the menu item (None = everyone)
MENU = (
    ("/", "nav.home", None),
    ("/teklifler", "nav.quotes", "quote.view"),
    ("/musteriler", "customer.title", "quote.view"),
    ("/policeler", "nav.policies", "policy.view"),
    ("/onay", "nav.approvals", "quote.approve"),
    ("/raporlar", "nav.reports", "report.view"),
    ("/tarifeler", "nav.tariffs", "tariff.view"),
    ("/yonetim", "nav.admin", "user.manage"),
)


def _menu_item(route: str, key: str) -> rx.Component:
    return rx.el.a(T[key], href=route, class_name="iz-nav-item")


def sidebar() -> rx.Component:
    items = []
    for route, key, perm in MENU:
        item = _menu_item(route, key)
        items.append(
            item
            if perm is None
            else rx.cond(SessionState.perms.contains(perm), item, rx.fragment())
        )
    items.append(
        rx.cond(
            SessionState.perms.contains("audit.view"),
            _menu_item("/yonetim/denetim", "admin.audit"),
            rx.fragment(),
        )
    )
    return rx.el.nav(
        rx.el.div("İztim", class_name="iz-brand"),
        *items,
        class_name="iz-sidebar",
        aria_label="Ana menü",
    )


def header() -> rx.Component:
    return rx.el.header(
        rx.el.div(
            rx.el.span(SessionState.user_code, class_name="iz-user-code", data_testid="user-code"),
            rx.el.span(" · "),
            rx.el.span(SessionState.office_name, data_testid="office-name"),
            class_name="iz-whoami",
        ),
        rx.hstack(
            language_select("lang-select"),
            rx.el.a(T["password.change"], href="/sifre", class_name="iz-link"),
            rx.button(
                T["auth.sign_out"], on_click=SessionState.sign_out, variant="outline", size="2"
            ),
            spacing="4",
            align="center",
        ),
        class_name="iz-header",
    )


def guarded(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
    """Wraps a page: sign-in form without a session, password change when required."""

    def page() -> rx.Component:
        return rx.cond(
            SessionState.signed_in,
            rx.el.div(
                sidebar(),
                rx.el.div(
                    header(),
                    rx.el.main(
                        rx.cond(
                            SessionState.must_change_password, change_password_form(), content()
                        ),
                        class_name="iz-main",
                    ),
                    class_name="iz-body",
                ),
                class_name="iz-shell",
            ),
            rx.cond(
                SessionState.checked, signin_form(), rx.center(rx.spinner(size="3"), height="100vh")
            ),
        )

    page.__name__ = content.__name__
    return page
