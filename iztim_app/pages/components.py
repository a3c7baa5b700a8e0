"""Small building blocks every screen uses: labelled fields, messages, pagers."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.vars.base import Var, VarData
from reflex_base.components.component import field as prop
from reflex_base.utils.imports import ImportVar

from iztim_app.i18n.browser import catalogue
from iztim_app.states.session import SessionState

# The catalogue in the tab's language, from the browser's static module (no backend state).
T = catalogue(SessionState.lang)


class _DocumentLanguage(rx.Fragment):
    """Keeps `<html lang>` on the tab's language. Radix portals (popovers, menus, toasts)
    render under <body>, outside the page's root element, so they take the document's
    language. An effect in the page's own bundle: the CSP allows no inline script."""

    language: Var[str] = prop(default=Var.create("tr"), is_javascript_property=False)

    def add_hooks(self) -> list[str | Var]:
        lang = str(self.language)
        return [
            Var(
                f"useEffect(() => {{ document.documentElement.lang = {lang}; }}, [{lang}]);",
                _var_data=VarData.merge(
                    self.language._get_all_var_data(),
                    VarData(imports={"react": [ImportVar(tag="useEffect")]}),
                ),
            )
        ]


def language_root(
    lang: Var,
    *children: rx.Component,
    element: Callable[..., rx.Component] = rx.el.div,
    **props,  # noqa: ANN003
) -> rx.Component:
    """A layout's root `element` in the language `lang` (a state's language var): CSS
    `text-transform` upper-cases by the nearest `lang` (English 'POLICY NO', not the
    Turkish dotted 'POLİCY NO'), and screen readers read the texts in it."""
    return element(_DocumentLanguage.create(language=lang), *children, lang=lang, **props)


def label(key: str, html_for: str, required: bool = False) -> rx.Component:
    """The required mark sits beside the label, so the field's accessible name stays clean."""
    text = rx.el.label(T[key], html_for=html_for, class_name="iz-label")
    if not required:
        return text
    return rx.el.div(
        text,
        rx.el.span("*", class_name="iz-required", aria_hidden="true"),
        class_name="iz-label-row",
    )


def field(
    key: str,
    name: str,
    *,
    type: str = "text",
    required: bool = False,
    default_value: rx.Var | str = "",
    error: rx.Var | None = None,
    autocomplete: str = "off",
    id_prefix: str = "f",
    hint: str = "",
) -> rx.Component:
    """A labelled input; the label's `for` makes it reachable by screen readers and tests.
    `hint` (a catalogue key): a help line under the input, read out with it."""
    html_id = f"{id_prefix}-{name}"
    described = {"aria_describedby": f"{html_id}-hint"} if hint else {}
    return rx.el.div(
        label(key, html_id, required),
        rx.el.input(
            id=html_id,
            name=name,
            type=type,
            required=required,
            default_value=default_value,
            auto_complete=autocomplete,
            class_name="iz-input",
            **described,
        ),
        rx.el.div(T[hint], id=f"{html_id}-hint", class_name="iz-help") if hint else rx.fragment(),
        rx.cond(error, rx.el.div(error, class_name="iz-field-error", role="alert"), rx.fragment()),
        class_name="iz-field",
    )


def select_field(
    key: str,
    name: str,
    options: rx.Var,
    *,
    default_value: rx.Var | str = "",
    error: rx.Var | None = None,
    id_prefix: str = "f",
    required: bool = False,
    on_change=None,  # noqa: ANN001
) -> rx.Component:
    """A native select over `[[value, text], …]`; native so forms and tests treat it plainly."""
    html_id = f"{id_prefix}-{name}"
    events = {"on_change": on_change} if on_change is not None else {}
    return rx.el.div(
        label(key, html_id, required),
        rx.el.select(
            rx.foreach(options, lambda o: rx.el.option(o[1], value=o[0])),
            id=html_id,
            name=name,
            default_value=default_value,
            class_name="iz-input",
            **events,
        ),
        rx.cond(error, rx.el.div(error, class_name="iz-field-error", role="alert"), rx.fragment()),
        class_name="iz-field",
    )


def checkbox(
    text: rx.Var | str, name: str, checked: rx.Var | bool, html_id: str | rx.Var
) -> rx.Component:
    return rx.el.div(
        rx.el.input(type="checkbox", id=html_id, name=name, default_checked=checked),
        rx.el.label(text, html_for=html_id),
        class_name="iz-check",
    )


def messages(state) -> rx.Component:  # noqa: ANN001
    return rx.fragment(
        rx.cond(
            state.error != "",
            rx.callout(
                state.error,
                icon="triangle_alert",
                color_scheme="red",
                role="alert",
                class_name="iz-msg",
            ),
            rx.fragment(),
        ),
        rx.cond(
            state.message != "",
            rx.callout(
                state.message,
                icon="check",
                color_scheme="green",
                role="status",
                class_name="iz-msg",
            ),
            rx.fragment(),
        ),
    )


def text_of(key: str, **params: rx.Var) -> rx.Var:
    """A catalogue text with its `{name}` placeholders filled in the browser from vars.

    Why not a computed var in the state: one reading the language (a `SessionState` var)
    makes Reflex load that state from Redis with every event of the tab, on any screen."""
    text = T[key]
    for name, value in params.items():
        text = text.replace("{" + name + "}", value.to_string())
    return text


def pager(state, on_prev, on_next) -> rx.Component:  # noqa: ANN001
    """Previous / "Sayfa 2 / 5" / next and the row count, from the state's `page`, `pages`
    and `total` (a screen with two lists passes an object naming the other three)."""
    return rx.hstack(
        rx.button(
            T["common.previous"],
            on_click=on_prev,
            disabled=state.page <= 1,
            variant="soft",
            size="1",
        ),
        rx.text(text_of("common.page", page=state.page, pages=state.pages), size="2"),
        rx.button(
            T["common.next"],
            on_click=on_next,
            disabled=state.page >= state.pages,
            variant="soft",
            size="1",
        ),
        rx.text(text_of("common.total_rows", count=state.total), size="2", color_scheme="gray"),
        align="center",
        spacing="3",
        class_name="iz-pager",
    )


def page_title(key: str) -> rx.Component:
    return rx.heading(T[key], size="6", as_="h1", class_name="iz-title")


def language_select(html_id: str, hidden_label: bool = True) -> rx.Component:
    """Türkçe / English, saved for the user when signed in."""
    return rx.el.div(
        rx.el.label(
            T["nav.language"],
            html_for=html_id,
            class_name="iz-visually-hidden" if hidden_label else "iz-label",
        ),
        rx.el.select(
            rx.el.option("Türkçe", value="tr"),
            rx.el.option("English", value="en"),
            id=html_id,
            value=SessionState.lang,
            on_change=SessionState.set_language,
            class_name="iz-input iz-lang",
        ),
        class_name="iz-lang-row",
    )


def data_table(header_keys: list[str], rows, render_row, **props) -> rx.Component:  # noqa: ANN001, ANN003
    """A list screen's table: translated headings, `render_row(dto)` for each row."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(*[rx.table.column_header_cell(T[k] if k else "") for k in header_keys])
        ),
        rx.table.body(rx.foreach(rows, render_row)),
        size="1",
        width="100%",
        **props,
    )


def key_value(key: str, value, testid: str = "") -> rx.Component:  # noqa: ANN001
    """One term and its value inside an `rx.el.dl(class_name="iz-dl")` of a detail card."""
    dd = rx.el.dd(value, data_testid=testid) if testid else rx.el.dd(value)
    return rx.el.div(rx.el.dt(T[key]), dd, class_name="iz-kv")


def field_error(errors, name) -> rx.Component:  # noqa: ANN001
    """The message beside a field, from a screen's `field_errors` (announced to screen readers)."""
    return rx.cond(
        errors.contains(name),
        rx.el.div(errors[name], class_name="iz-field-error", role="alert"),
        rx.fragment(),
    )


def date_range(
    errors,  # noqa: ANN001
    id_prefix: str,
    *,
    date_from: rx.Var | str = "",
    date_to: rx.Var | str = "",
    required: bool = False,
) -> tuple[rx.Component, rx.Component]:
    """The "from" / "to" date pair of a filter form (fields `date_from` and `date_to`, ids
    `<id_prefix>-date_from` / `<id_prefix>-date_to`), each with its message from the screen's
    `field_errors`; splat it into the form's row: `rx.hstack(*date_range(fe, "qs"), ...)`."""
    return (
        field(
            "common.date_from",
            "date_from",
            type="date",
            required=required,
            default_value=date_from,
            id_prefix=id_prefix,
            error=errors.get("date_from", ""),
        ),
        field(
            "common.date_to",
            "date_to",
            type="date",
            required=required,
            default_value=date_to,
            id_prefix=id_prefix,
            error=errors.get("date_to", ""),
        ),
    )
