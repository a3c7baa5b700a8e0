"""Pieces of the report screen: a labelled native select, the format editor."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, field, field_error, select_field
from iztim_app.states.reports import MAX_DIMENSIONS, SORT_KEYS
from iztim_app.states.reports import ReportsState as ST


def native_select(
    key: str,
    name: str,
    options: rx.Var,
    *,
    default_value: rx.Var | str = "",
    errors: rx.Var | None = None,
    id_prefix: str = "rf",
    on_change=None,  # noqa: ANN001
) -> rx.Component:
    """The shared labelled select, its message taken from the screen's `field_errors`."""
    return select_field(
        key,
        name,
        options,
        default_value=default_value,
        error=errors[name] if errors is not None else None,
        id_prefix=id_prefix,
        on_change=on_change,
    )


def _ticks(
    legend_key: str, group: str, options: rx.Var, ticked: rx.Var, error_name: str = ""
) -> rx.Component:
    """A fieldset of checkboxes `group:value`, ticked where `ticked` holds the value."""
    return rx.el.fieldset(
        rx.el.legend(T[legend_key]),
        rx.flex(
            rx.foreach(
                options,
                lambda o: rx.el.div(
                    rx.el.input(
                        type="checkbox",
                        id=f"rf-{group}-" + o[0],
                        name=f"{group}:" + o[0],
                        default_checked=ticked.contains(o[0]),
                    ),
                    rx.el.label(o[1], html_for=f"rf-{group}-" + o[0]),
                    class_name="iz-check",
                ),
            ),
            wrap="wrap",
            spacing="4",
        ),
        field_error(ST.field_errors, error_name) if error_name else rx.fragment(),
        class_name="iz-fieldset",
        data_testid=f"editor-{group}",
    )


def format_editor() -> rx.Component:
    fe = ST.field_errors
    e = ST.editor
    dims = [
        native_select(
            f"rs.dimension_{i}",
            f"dim{i}",
            ST.dimension_options,
            default_value=e.get(f"dim{i}", ""),
        )
        for i in range(1, MAX_DIMENSIONS + 1)
    ]
    sorts = [
        piece
        for i in range(1, SORT_KEYS + 1)
        for piece in (
            native_select(
                f"rs.sort_column_{i}",
                f"sort_col{i}",
                ST.sort_options,
                default_value=e.get(f"sort_col{i}", ""),
            ),
            native_select(
                f"rs.sort_direction_{i}",
                f"sort_dir{i}",
                ST.direction_options,
                default_value=e.get(f"sort_dir{i}", "asc"),
            ),
        )
    ]
    return rx.card(
        rx.el.form(
            rx.vstack(
                rx.heading(ST.editor_title, size="4", as_="h2", data_testid="editor-title"),
                rx.hstack(
                    field(
                        "rs.name",
                        "name",
                        required=True,
                        default_value=e.get("name", ""),
                        error=fe.get("name", ""),
                        id_prefix="rf",
                    ),
                    field(
                        "rs.description",
                        "description",
                        default_value=e.get("description", ""),
                        error=fe.get("description", ""),
                        id_prefix="rf",
                    ),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.el.fieldset(
                    rx.el.legend(T["rs.dimensions"]),
                    rx.hstack(*dims, spacing="3", wrap="wrap"),
                    field_error(fe, "dimensions"),
                    class_name="iz-fieldset",
                ),
                _ticks(
                    "rs.measures", "measure", ST.measure_options, ST.editor_measures, "measures"
                ),
                rx.el.fieldset(
                    rx.el.legend(T["rs.filters"]),
                    _ticks("rs.filter_lines", "line", ST.line_options, ST.editor_lines),
                    _ticks("rs.filter_channels", "channel", ST.channel_options, ST.editor_channels),
                    field_error(fe, "filters"),
                    class_name="iz-fieldset",
                ),
                rx.el.fieldset(
                    rx.el.legend(T["rs.sort"]),
                    rx.hstack(*sorts, spacing="3", wrap="wrap"),
                    field_error(fe, "sort"),
                    class_name="iz-fieldset",
                ),
                rx.hstack(
                    native_select(
                        "rs.chart",
                        "chart",
                        ST.chart_options,
                        default_value=e.get("chart", "bar"),
                        errors=fe,
                    ),
                    native_select(
                        "rs.chart_measure",
                        "chart_measure",
                        ST.measure_options,
                        default_value=e.get("chart_measure", ""),
                        errors=fe,
                    ),
                    native_select(
                        "rs.period",
                        "period",
                        ST.period_options,
                        default_value=e.get("period", "this_month"),
                        errors=fe,
                    ),
                    spacing="3",
                    wrap="wrap",
                    align="start",
                ),
                rx.hstack(
                    rx.button(T["common.save"], type="submit", data_testid="save-format"),
                    rx.button(
                        T["rs.close_editor"],
                        type="button",
                        variant="soft",
                        on_click=ST.close_editor,
                    ),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=ST.save_format,
            key=ST.editor_key,
            class_name="iz-form",
            aria_label=ST.editor_title,
        ),
        width="100%",
        data_testid="format-editor",
    )
