"""Own password change; also forced after IT resets a password."""

import reflex as rx

from iztim_app.pages.components import T, field, messages
from iztim_app.states.password import PasswordState
from iztim_app.states.session import SessionState


def change_password_form() -> rx.Component:
    fe = PasswordState.field_errors
    return rx.card(
        rx.vstack(
            rx.heading(T["password.change"], size="5", as_="h2"),
            rx.cond(
                SessionState.must_change_password,
                rx.callout(T["auth.must_change_password"], icon="info", color_scheme="amber"),
                rx.fragment(),
            ),
            messages(PasswordState),
            rx.el.form(
                field(
                    "password.current",
                    "current",
                    type="password",
                    required=True,
                    error=fe.get("current", ""),
                    autocomplete="current-password",
                    id_prefix="pw",
                ),
                field(
                    "password.new",
                    "new",
                    type="password",
                    required=True,
                    error=fe.get("new", ""),
                    autocomplete="new-password",
                    id_prefix="pw",
                ),
                field(
                    "password.repeat",
                    "repeat",
                    type="password",
                    required=True,
                    error=fe.get("repeat", ""),
                    autocomplete="new-password",
                    id_prefix="pw",
                ),
                rx.button(T["common.save"], type="submit"),
                on_submit=PasswordState.change,
                key=PasswordState.form_key,
                class_name="iz-form",
            ),
            spacing="3",
        ),
        max_width="480px",
    )


def password_page() -> rx.Component:
    return change_password_form()
