"""Home dashboard."""

import reflex as rx

from iztim_app.pages.components import T
from iztim_app.states.home import HomeState


def _tile(key: str, value, href: str, testid: str) -> rx.Component:  # noqa: ANN001
    return rx.el.a(
        rx.card(
            rx.text(T[key], size="2", color_scheme="gray"),
            rx.text(value, size="7", weight="bold", data_testid=testid),
        ),
        href=href,
        class_name="iz-tile",
    )


def _work() -> rx.Component:
    w = HomeState.work
    return rx.cond(
        w.contains("awaiting"),
        rx.grid(
            _tile(
                "home.awaiting",
                w["awaiting"],
                "/teklifler?durum=awaiting_approval",
                "work-awaiting",
            ),
            _tile("home.approved", w["approved"], "/teklifler?durum=approved", "work-approved"),
            rx.cond(
                w["queue"] != "",
                _tile("home.queue", w["queue"], "/onay", "work-queue"),
                rx.fragment(),
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        rx.fragment(),
    )


def home_page() -> rx.Component:
    return rx.vstack(
        rx.heading(HomeState.welcome, size="6", as_="h1"),
        rx.text(HomeState.office_line),
        _work(),
        rx.grid(
            rx.card(
                rx.heading(T["home.permissions"], size="4", as_="h2"),
                rx.el.ul(rx.foreach(HomeState.permission_names, lambda p: rx.el.li(p))),
            ),
            rx.card(
                rx.heading(T["home.limits"], size="4", as_="h2"),
                rx.cond(
                    HomeState.limits.length() > 0,
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(T["user.limit_line"]),
                                rx.table.column_header_cell(T["user.limit_quote"]),
                                rx.table.column_header_cell(T["user.limit_policy"]),
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                HomeState.limits,
                                lambda r: rx.table.row(
                                    rx.table.cell(r["line"]),
                                    rx.table.cell(r["quote"], class_name="iz-num"),
                                    rx.table.cell(r["policy"], class_name="iz-num"),
                                ),
                            )
                        ),
                        size="1",
                    ),
                    rx.text(T["user.no_limits"], color_scheme="gray"),
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def coming_page(title_key: str):
    def page() -> rx.Component:
        return rx.vstack(
            rx.heading(T[title_key], size="6", as_="h1"),
            rx.callout(T["page.coming"], icon="info"),
            spacing="4",
        )

    page.__name__ = f"coming_{title_key.replace('.', '_')}"
    return page
