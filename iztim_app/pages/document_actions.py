"""Yazdır and E-posta gönder for a document, and the e-mail dialog they share.

Shown only where the document prints (the caller's condition); the services refuse the
rest anyway. `state` is a screen state mixing in `DocumentActions`.
"""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, field


def print_button(state, kind: str, seq="", aria_label=None, size: str = "2") -> rx.Component:  # noqa: ANN001
    """Downloads the PDF (the screen's print handler; the service audits it)."""
    extra = {"aria_label": aria_label} if aria_label is not None else {}
    return rx.button(
        T["print.print"],
        on_click=state.print_document(kind, seq),
        variant="soft",
        size=size,
        **extra,
    )


def email_button(state, kind: str, seq="", aria_label=None, size: str = "2") -> rx.Component:  # noqa: ANN001
    """Opens the e-mail dialog for that document, the customer's address filled in."""
    extra = {"aria_label": aria_label} if aria_label is not None else {}
    return rx.button(
        T["print.email"], on_click=state.open_email(kind, seq), variant="soft", size=size, **extra
    )


def email_dialog(state) -> rx.Component:  # noqa: ANN001
    """One dialog per screen: the document named, the address (editable), Gönder/Vazgeç."""
    doc = state.email_doc
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T["print.email_title"]),
            rx.dialog.description(doc["text"], weight="bold", data_testid="email-document"),
            rx.text(T["print.email_note"], size="2", color_scheme="gray"),
            rx.el.form(
                rx.vstack(
                    rx.box(
                        field(
                            "outbox.email",
                            "email",
                            type="email",
                            required=True,
                            default_value=state.email_address,
                            error=state.field_errors.get("email", ""),
                            autocomplete="email",
                            id_prefix="send",
                        ),
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T["print.cancel"],
                                type="button",
                                variant="soft",
                                color_scheme="gray",
                            )
                        ),
                        rx.button(T["print.send"], type="submit"),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=state.send_email,
            ),
            max_width="460px",
        ),
        open=doc.contains("kind"),
        on_open_change=state.email_open_change,
    )
