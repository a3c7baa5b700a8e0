"""The sign-in form, shown in place of any page opened without a session."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, language_select
from iztim_app.states.session import SessionState


def _demo_box() -> rx.Component:
    return rx.cond(
        SessionState.demo_sign_ins.length() > 0,
        rx.el.div(
            rx.text(SessionState.demo_password_note, weight="bold", size="2"),
            rx.el.ul(
                rx.foreach(
                    SessionState.demo_sign_ins,
                    lambda row: rx.el.li(rx.el.code(row[0]), " — ", row[1]),
                ),
            ),
            class_name="iz-demo",
            data_testid="demo-sign-ins",
        ),
        rx.fragment(),
    )


def signin_form() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading(T["auth.title"], size="6", as_="h1"),
                rx.el.form(
                    rx.vstack(
                        rx.el.div(
                            rx.el.label(
                                T["auth.user_code"],
                                html_for="signin-user-code",
                                class_name="iz-label",
                            ),
                            rx.el.input(
                                id="signin-user-code",
                                name="user_code",
                                auto_complete="username",
                                required=True,
                                class_name="iz-input",
                                auto_focus=True,
                            ),
                            class_name="iz-field",
                        ),
                        rx.el.div(
                            rx.el.label(
                                T["auth.password"],
                                html_for="signin-password",
                                class_name="iz-label",
                            ),
                            rx.el.input(
                                id="signin-password",
                                name="password",
                                type="password",
                                auto_complete="current-password",
                                required=True,
                                class_name="iz-input",
                            ),
                            class_name="iz-field",
                        ),
                        rx.cond(
                            SessionState.sign_in_error != "",
                            rx.callout(
                                SessionState.sign_in_error,
                                icon="triangle_alert",
                                color_scheme="red",
                                role="alert",
                            ),
                            rx.fragment(),
                        ),
                        rx.button(T["auth.sign_in"], type="submit", size="3", width="100%"),
                        width="100%",
                        spacing="3",
                    ),
                    on_submit=SessionState.sign_in,
                    reset_on_submit=False,
                    width="100%",
                ),
                language_select("signin-lang", hidden_label=False),
                _demo_box(),
                spacing="4",
                width="100%",
            ),
            width="min(420px, 94vw)",
            size="4",
        ),
        min_height="100vh",
        class_name="iz-signin",
    )
