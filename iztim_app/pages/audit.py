"""Yönetim → Denetim kaydı."""

import reflex as rx

from iztim_app.pages.admin_users import admin_tabs
from iztim_app.pages.components import (
    T,
    data_table,
    date_range,
    field,
    messages,
    page_title,
    pager,
)
from iztim_app.states.audit import AuditState as S


def audit_page() -> rx.Component:
    fe = S.field_errors
    return rx.vstack(
        page_title("admin.title"),
        admin_tabs("audit"),
        messages(S),
        rx.el.form(
            rx.grid(
                *date_range(fe, "audit"),
                field("audit.actor", "actor_code", id_prefix="audit"),
                field("audit.via", "via", id_prefix="audit", hint="audit.via_hint"),
                field("audit.action", "action", id_prefix="audit"),
                field("audit.entity", "entity_type", id_prefix="audit"),
                columns=rx.breakpoints(initial="2", md="3"),
                spacing="3",
            ),
            rx.button(T["common.filter"], type="submit"),
            on_submit=S.apply,
            class_name="iz-form",
        ),
        data_table(
            [
                "audit.at",
                "audit.actor",
                "audit.via",
                "audit.action",
                "audit.entity",
                "audit.before",
                "audit.after",
            ],
            S.rows,
            lambda r: rx.table.row(
                rx.table.cell(r["at"], white_space="nowrap"),
                rx.table.cell(r["actor"]),
                rx.table.cell(r["via"], data_testid="audit-via"),
                rx.table.cell(r["action"]),
                rx.table.cell(r["entity"]),
                rx.table.cell(rx.el.code(r["before"]), class_name="iz-json"),
                rx.table.cell(rx.el.code(r["after"]), class_name="iz-json"),
            ),
        ),
        pager(S, S.prev_page, S.next_page),
        spacing="4",
        width="100%",
    )
