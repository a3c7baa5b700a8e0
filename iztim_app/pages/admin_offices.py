"""Yönetim → Ofisler."""

import reflex as rx

from iztim_app.pages.admin_users import admin_tabs
from iztim_app.pages.components import T, data_table, field, messages, page_title, select_field
from iztim_app.states.admin_offices import OfficesState as S


def offices_page() -> rx.Component:
    fe = S.field_errors
    return rx.vstack(
        page_title("admin.title"),
        admin_tabs("offices"),
        messages(S),
        rx.card(
            rx.heading(T["admin.new_office"], size="4", as_="h2"),
            rx.el.form(
                rx.grid(
                    field(
                        "office.code",
                        "code",
                        required=True,
                        error=fe.get("code", ""),
                        id_prefix="office",
                    ),
                    field(
                        "office.name",
                        "name",
                        required=True,
                        error=fe.get("name", ""),
                        id_prefix="office",
                    ),
                    select_field(
                        "office.kind",
                        "kind",
                        S.kind_options,
                        error=fe.get("kind", ""),
                        id_prefix="office",
                        required=True,
                    ),
                    select_field(
                        "office.parent",
                        "parent_id",
                        S.parent_options,
                        error=fe.get("parent_id", ""),
                        id_prefix="office",
                    ),
                    select_field(
                        "office.agency_kind",
                        "agency_kind",
                        S.agency_kind_options,
                        error=fe.get("agency_kind", ""),
                        id_prefix="office",
                    ),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="3",
                ),
                rx.button(T["common.save"], type="submit"),
                on_submit=S.create,
                key=S.form_key,
                class_name="iz-form",
            ),
            width="100%",
        ),
        data_table(
            ["office.name", "office.code", "office.kind", "office.parent", "user.status"],
            S.rows,
            lambda r: rx.table.row(
                rx.table.cell(rx.el.span(r["name"], style={"padding_left": r["indent"]})),
                rx.table.cell(r["code"]),
                rx.table.cell(r["kind"]),
                rx.table.cell(r["parent"]),
                rx.table.cell(r["active"]),
            ),
        ),
        spacing="4",
        width="100%",
    )
