"""The signed-in frame: side menu by task, header with user and office, and the guard
that shows the sign-in form in place of any page when there is no session."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from iztim_app.pages.components import T, language_root, language_select
from iztim_app.pages.password import change_password_form
from iztim_app.pages.signin import signin_form
from iztim_app.states.notifications import NotificationsState
from iztim_app.states.session import SessionState

# route, message key, permission needed to see the menu item (None = everyone)
MENU = (
    ("/", "nav.home", None),
    ("/teklifler", "nav.quotes", "quote.view"),
    ("/musteriler", "customer.title", "quote.view"),
    ("/policeler", "nav.policies", "policy.view"),
    ("/odemeler", "nav.payments", "policy.view"),
    ("/portal-talepleri", "portal_requests.nav", "quote.view"),
    ("/yenilemeler", "renewal.list_title", "quote.create"),
    ("/onay", "nav.approvals", "quote.approve"),
    ("/raporlar", "nav.reports", "report.view"),
    ("/tarifeler", "nav.tariffs", "tariff.view"),
    ("/yonetim", "nav.admin", "user.manage"),
    ("/yonetim/komisyon", "nav.commission_rates", "commission.manage"),
)


def _menu_item(route: str, key: str) -> rx.Component:
    if route == "/onay":  # the approval queue's size beside its name
        return rx.el.a(
            T[key],
            rx.cond(
                NotificationsState.queue_count > 0,
                rx.badge(
                    NotificationsState.queue_count,
                    color_scheme="orange",
                    margin_left="8px",
                    title=NotificationsState.queue_label,
                    data_testid="queue-badge",
                ),
                rx.fragment(),
            ),
            href=route,
            class_name="iz-nav-item",
        )
    return rx.el.a(T[key], href=route, class_name="iz-nav-item")


def notifications_menu() -> rx.Component:
    """Decisions on the user's documents since they last looked, in a popover."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                T["notifications.title"],
                rx.cond(
                    NotificationsState.unread > 0,
                    rx.badge(NotificationsState.unread, color_scheme="red"),
                    rx.fragment(),
                ),
                variant="ghost",
                size="2",
                data_testid="notifications",
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.cond(
                    NotificationsState.items.length() > 0,
                    rx.el.ul(
                        rx.foreach(
                            NotificationsState.items,
                            lambda n: rx.el.li(
                                rx.el.a(n["text"], href=n["href"], class_name="iz-link"),
                                rx.text(n["when"], size="1", color_scheme="gray"),
                            ),
                        ),
                        data_testid="notification-items",
                    ),
                    rx.text(T["notifications.none"], color_scheme="gray"),
                ),
                rx.cond(NotificationsState.more != "", rx.text(NotificationsState.more, size="1")),
                rx.cond(
                    NotificationsState.unread > 0,
                    rx.button(
                        T["notifications.mark_seen"],
                        on_click=NotificationsState.mark_seen,
                        size="1",
                        variant="outline",
                    ),
                    rx.fragment(),
                ),
                spacing="2",
            ),
            max_width="420px",
        ),
    )


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
            notifications_menu(),
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
        return language_root(
            SessionState.lang,
            rx.cond(
                SessionState.signed_in,
                rx.el.div(
                    sidebar(),
                    rx.el.div(
                        header(),
                        rx.el.main(
                            rx.cond(
                                SessionState.must_change_password,
                                change_password_form(),
                                content(),
                            ),
                            class_name="iz-main",
                        ),
                        class_name="iz-body",
                    ),
                    class_name="iz-shell",
                ),
                rx.cond(
                    SessionState.checked,
                    signin_form(),
                    rx.center(rx.spinner(size="3"), height="100vh"),
                ),
            ),
            class_name="iz-lang-root",
        )

    page.__name__ = content.__name__
    return page
