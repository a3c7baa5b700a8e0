"""The rating worksheet table: one row per step, in words, with the running amount."""

import reflex as rx


def worksheet_table(rows) -> rx.Component:  # noqa: ANN001
    return rx.table.root(
        rx.table.body(
            rx.foreach(
                rows,
                lambda w: rx.table.row(
                    rx.table.cell(w["step"], white_space="nowrap", font_weight="600"),
                    rx.table.cell(w["detail"]),
                    rx.table.cell(w["amount"], class_name="iz-num"),
                ),
            )
        ),
        size="1",
        width="100%",
        data_testid="worksheet",
    )
