"""Tarifeler: what is in force, version history, upload, activate, compare, try a price."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, field, label, messages, page_title, select_field
from iztim_app.pages.worksheet import worksheet_table
from iztim_app.states.tariffs import TariffState as S


def _lines() -> rx.Component:
    return rx.card(
        rx.heading(T["tariffv.lines"], size="4", as_="h2"),
        rx.text(S.in_force_text, data_testid="tariff-in-force"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(T["tariffv.line"]),
                    rx.table.column_header_cell("Asgari prim / Min. premium"),
                    rx.table.column_header_cell("Teklif geçerlilik (gün)"),
                    rx.table.column_header_cell("Azami taksit"),
                    rx.table.column_header_cell("Vergiler"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.lines,
                    lambda r: rx.table.row(
                        rx.table.cell(r["name"]),
                        rx.table.cell(r["min_premium"], class_name="iz-num"),
                        rx.table.cell(r["valid_days"], class_name="iz-num"),
                        rx.table.cell(r["installments"], class_name="iz-num"),
                        rx.table.cell(r["taxes"]),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        width="100%",
    )


def _versions() -> rx.Component:
    return rx.card(
        rx.heading(T["tariffv.versions"], size="4", as_="h2"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(T["tariffv.number"]),
                    rx.table.column_header_cell(T["tariffv.status"]),
                    rx.table.column_header_cell(T["tariffv.effective_from"]),
                    rx.table.column_header_cell(T["tariffv.uploaded"]),
                    rx.table.column_header_cell(T["tariffv.note"]),
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.versions_rows,
                    lambda r: rx.table.row(
                        rx.table.cell(r["number"]),
                        rx.table.cell(r["status"]),
                        rx.table.cell(r["effective_from"]),
                        rx.table.cell(r["uploaded"]),
                        rx.table.cell(r["note"]),
                        rx.table.cell(
                            rx.hstack(
                                rx.button(
                                    T["tariffv.download"],
                                    size="1",
                                    variant="soft",
                                    on_click=S.download(r["id"]),
                                ),
                                rx.cond(
                                    r["is_draft"] != "",
                                    rx.button(
                                        T["tariffv.discard"],
                                        size="1",
                                        variant="ghost",
                                        color_scheme="red",
                                        on_click=S.discard(r["id"]),
                                    ),
                                    rx.fragment(),
                                ),
                            )
                        ),
                        data_testid="version-row-" + r["number"],
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        rx.el.form(
            rx.hstack(
                select_field(
                    "tariffv.number", "version_id", S.version_options, id_prefix="activate"
                ),
                field(
                    "tariffv.effective_from",
                    "effective_from",
                    type="date",
                    required=True,
                    default_value=S.today_iso,
                    id_prefix="activate",
                    error=S.field_errors.get("effective_from", ""),
                ),
                rx.button(T["tariffv.activate"], type="submit"),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=S.activate,
        ),
        rx.el.form(
            rx.hstack(
                select_field(
                    "tariffv.number", "version_id", S.version_options, id_prefix="download"
                ),
                field("tariffv.download_path", "path", id_prefix="download"),
                rx.button(T["tariffv.download"], type="submit", variant="soft"),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=S.download_file,
        ),
        width="100%",
    )


def _upload_progress() -> rx.Component:
    """While the background check runs: how far it is and which step (read out politely)."""
    return rx.cond(
        S.uploading,
        rx.vstack(
            rx.progress(value=S.upload_progress, max=100, width="100%"),
            rx.hstack(
                rx.spinner(size="1"),
                rx.text(S.upload_step, size="2"),
                align="center",
                spacing="2",
            ),
            aria_live="polite",
            data_testid="upload-progress",
            width="100%",
            margin_top="8px",
        ),
        rx.fragment(),
    )


def _upload() -> rx.Component:
    return rx.card(
        rx.heading(T["tariffv.upload_title"], size="4", as_="h2"),
        rx.text(T["tariffv.upload_help"], size="2", color_scheme="gray"),
        rx.el.div(
            label("tariffv.file", "tariff-upload-input"),
            rx.upload(
                rx.vstack(
                    rx.text(T["tariffv.choose_file"], size="2"),
                    rx.foreach(rx.selected_files("tariff-upload"), lambda f: rx.el.code(f)),
                    align="center",
                ),
                id="tariff-upload",
                accept={"text/csv": [".csv"], "application/zip": [".zip"]},
                max_files=1,
                multiple=False,
                border="1px dashed #aab",
                padding="14px",
                border_radius="8px",
                width="100%",
                input_props={"id": "tariff-upload-input"},
            ),
            class_name="iz-field",
        ),
        rx.hstack(
            rx.el.div(
                label("tariffv.target_path", "tariff-target-path"),
                rx.el.input(
                    id="tariff-target-path",
                    placeholder="kasko/rates.csv",
                    class_name="iz-input",
                    on_blur=S.set_target_path,
                ),
                class_name="iz-field",
            ),
            rx.el.div(
                label("tariffv.note", "tariff-note"),
                rx.el.input(id="tariff-note", class_name="iz-input", on_blur=S.set_note),
                class_name="iz-field",
            ),
            width="100%",
            spacing="3",
        ),
        rx.button(
            T["tariffv.upload"],
            on_click=S.upload(rx.upload_files(upload_id="tariff-upload")),
            loading=S.uploading,
            margin_top="10px",
        ),
        _upload_progress(),
        rx.cond(
            S.problems.length() > 0,
            rx.el.ul(
                rx.foreach(S.problems, lambda p: rx.el.li(rx.el.code(p))),
                class_name="iz-problems",
                data_testid="tariff-problems",
            ),
            rx.fragment(),
        ),
        width="100%",
    )


def _compare() -> rx.Component:
    return rx.card(
        rx.heading(T["tariffv.compare_title"], size="4", as_="h2"),
        rx.el.form(
            rx.hstack(
                select_field("tariffv.older", "older", S.version_options, id_prefix="cmp"),
                select_field("tariffv.newer", "newer", S.version_options, id_prefix="cmp"),
                rx.button(T["tariffv.compare"], type="submit", variant="soft"),
                align="end",
                spacing="3",
            ),
            on_submit=S.compare,
        ),
        rx.cond(
            S.compared,
            rx.cond(
                S.changes.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(T["tariffv.file"]),
                            rx.table.column_header_cell(T["tariffv.change"]),
                            rx.table.column_header_cell(T["tariffv.row"]),
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            S.changes,
                            lambda c: rx.table.row(
                                rx.table.cell(c["file"]),
                                rx.table.cell(c["change"]),
                                rx.table.cell(c["line"]),
                                rx.table.cell(rx.el.code(c["text"])),
                            ),
                        )
                    ),
                    size="1",
                ),
                rx.text(T["tariffv.no_changes"]),
            ),
            rx.fragment(),
        ),
        width="100%",
    )


def _try_price() -> rx.Component:
    fe = S.field_errors
    return rx.card(
        rx.heading(T["tariffv.try_title"], size="4", as_="h2"),
        rx.el.form(
            rx.grid(
                select_field(
                    "tariffv.try_version", "version_id", S.version_options, id_prefix="try"
                ),
                select_field(
                    "tariffv.line",
                    "line",
                    S.line_options,
                    id_prefix="try",
                    error=fe.get("line", ""),
                ),
                select_field(
                    "tariffv.group",
                    "group",
                    S.group_options,
                    id_prefix="try",
                    error=fe.get("customer_group", ""),
                ),
                field(
                    "tariffv.sum_insured",
                    "sum_insured",
                    required=True,
                    id_prefix="try",
                    error=fe.get("sum_insured", ""),
                ),
                field(
                    "tariffv.start",
                    "start",
                    type="date",
                    required=True,
                    default_value=S.today_iso,
                    id_prefix="try",
                    error=fe.get("start", ""),
                ),
                field("tariffv.end", "end", type="date", id_prefix="try", error=fe.get("end", "")),
                columns=rx.breakpoints(initial="1", md="3"),
                spacing="3",
            ),
            rx.el.div(
                label("tariffv.values", "try-values"),
                rx.el.textarea(
                    id="try-values",
                    name="values",
                    rows="5",
                    class_name="iz-input",
                    placeholder="vehicle_type=otomobil\nmodel_year=2022",
                ),
                class_name="iz-field",
            ),
            rx.button(T["tariffv.price"], type="submit"),
            on_submit=S.try_price,
            class_name="iz-form",
        ),
        rx.cond(
            S.price_rows.length() > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.body(
                        rx.foreach(
                            S.price_rows,
                            lambda r: rx.table.row(
                                rx.table.row_header_cell(r["label"]),
                                rx.table.cell(r["amount"], class_name="iz-num"),
                            ),
                        )
                    ),
                    size="1",
                    data_testid="price-result",
                ),
                rx.heading(T["tariffv.worksheet"], size="3", as_="h3"),
                worksheet_table(S.worksheet),
                width="100%",
            ),
            rx.fragment(),
        ),
        width="100%",
    )


def tariffs_page() -> rx.Component:
    return rx.vstack(
        page_title("tariffv.title"),
        messages(S),
        _lines(),
        rx.cond(
            S.perms.contains("tariff.manage"),
            rx.fragment(_upload(), _versions(), _try_price(), _compare()),
            rx.fragment(),
        ),
        spacing="4",
        width="100%",
    )
