"""The public verification page (/dogrula): opened from a document's QR code, or filled in
by hand. Not behind sign-in; its own plain look, no menu."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, language_root, language_select
from iztim_app.states.session import SessionState
from iztim_app.states.verify import NOT_VERIFIED, VERIFIED, VerifyState


def _row(row) -> rx.Component:  # noqa: ANN001
    return rx.el.div(
        rx.el.dt(T[row[0]]),
        rx.el.dd(rx.cond(row[2] == "1", T[row[1]], row[1])),
        class_name="iz-kv",
    )


def _answer() -> rx.Component:
    return rx.fragment(
        rx.cond(
            VerifyState.outcome == VERIFIED,
            rx.el.div(
                rx.callout(
                    T["verify.ok"], icon="circle_check", color_scheme="green", role="status"
                ),
                rx.el.dl(rx.foreach(VerifyState.rows, _row), class_name="iz-dl"),
                data_testid="verify-result",
                style={"width": "100%"},
            ),
            rx.fragment(),
        ),
        rx.cond(
            VerifyState.outcome == NOT_VERIFIED,
            rx.callout(
                T["verify.not_verified"],
                icon="triangle_alert",
                color_scheme="red",
                role="alert",
                data_testid="verify-failed",
            ),
            rx.fragment(),
        ),
    )


def _form() -> rx.Component:
    return rx.el.form(
        rx.el.div(
            rx.el.label(T["verify.kind"], html_for="verify-kind", class_name="iz-label"),
            rx.el.select(
                rx.el.option(T["verify.kind.policy"], value="policy"),
                rx.el.option(T["verify.kind.endorsement"], value="endorsement"),
                rx.el.option(T["verify.kind.quote"], value="quote"),
                id="verify-kind",
                name="kind",
                value=VerifyState.kind,
                on_change=VerifyState.choose_kind,
                class_name="iz-input",
            ),
            class_name="iz-field",
        ),
        rx.el.div(
            rx.el.label(T["verify.number"], html_for="verify-number", class_name="iz-label"),
            rx.el.input(
                id="verify-number",
                name="number",
                default_value=VerifyState.number,
                key=VerifyState.number,
                required=True,
                auto_complete="off",
                aria_describedby="verify-number-hint",
                class_name="iz-input",
            ),
            rx.el.div(T["verify.number_hint"], id="verify-number-hint", class_name="iz-help"),
            class_name="iz-field",
        ),
        rx.el.div(
            rx.el.label(T["verify.code"], html_for="verify-code", class_name="iz-label"),
            rx.el.input(
                id="verify-code",
                name="code",
                default_value=VerifyState.code,
                key=VerifyState.code,
                required=True,
                auto_complete="off",
                class_name="iz-input",
            ),
            class_name="iz-field",
        ),
        rx.button(T["verify.submit"], type="submit"),
        on_submit=VerifyState.check,
        class_name="iz-form",
        aria_label=T["verify.title"],
    )


def verify_page() -> rx.Component:
    return language_root(
        SessionState.lang,
        rx.center(
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.text(T["verify.home"], weight="bold", size="4", color="#1c2d5c"),
                        rx.spacer(),
                        language_select("verify-lang"),
                        width="100%",
                        align="center",
                    ),
                    rx.heading(T["verify.title"], size="6", as_="h1"),
                    rx.text(T["verify.intro"], size="2"),
                    _answer(),
                    _form(),
                    rx.text(T["verify.privacy"], size="1", color_scheme="gray"),
                    spacing="4",
                    width="100%",
                ),
                max_width="560px",
                width="100%",
            ),
            min_height="100vh",
            padding="1em",
            background="#eef1f7",
        ),
    )
