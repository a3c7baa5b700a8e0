"""Yönetim → Kullanıcılar."""

from __future__ import annotations

import reflex as rx

from iztim_app.pages.components import T, checkbox, field, messages, page_title, pager, select_field
from iztim_app.states.admin_users import UsersState as S
from iztim_app.states.session import SessionState

LANG_OPTIONS = [["tr", "Türkçe"], ["en", "English"]]


def admin_tabs(active: str) -> rx.Component:
    def tab(href: str, key: str, name: str) -> rx.Component:
        return rx.el.a(
            T[key], href=href, class_name="iz-tab" + (" iz-tab-active" if name == active else "")
        )

    return rx.hstack(
        tab("/yonetim", "admin.users", "users"),
        tab("/yonetim/ofisler", "admin.offices", "offices"),
        tab("/yonetim/denetim", "admin.audit", "audit"),
        rx.cond(
            SessionState.perms.contains("commission.manage"),
            tab("/yonetim/komisyon", "nav.commission_rates", "commissions"),
            rx.fragment(),
        ),
        spacing="4",
        class_name="iz-tabs",
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.el.form(
            rx.hstack(
                rx.el.label(
                    T["common.search"], html_for="user-search", class_name="iz-visually-hidden"
                ),
                rx.el.input(
                    id="user-search",
                    name="search",
                    placeholder="…",
                    class_name="iz-input",
                    default_value=S.search,
                ),
                rx.button(T["common.search"], type="submit", variant="soft"),
                rx.button(T["admin.new_user"], type="button", on_click=S.toggle_create),
                spacing="2",
                align="center",
            ),
            on_submit=S.do_search,
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(T["user.code"]),
                    rx.table.column_header_cell(T["user.name"]),
                    rx.table.column_header_cell(T["user.office"]),
                    rx.table.column_header_cell(T["user.role"]),
                    rx.table.column_header_cell(T["user.status"]),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(
                            rx.el.button(
                                r["code"],
                                type="button",
                                on_click=S.open_user(r["id"]),
                                class_name="iz-link-button",
                                data_testid="user-row-" + r["code"],
                            )
                        ),
                        rx.table.cell(r["name"]),
                        rx.table.cell(r["office"]),
                        rx.table.cell(r["role"]),
                        rx.table.cell(r["status"]),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        pager(S, S.prev_page, S.next_page),
        width="100%",
        spacing="3",
    )


def _create_form() -> rx.Component:
    fe = S.field_errors
    return rx.card(
        rx.heading(T["admin.new_user"], size="4", as_="h2"),
        rx.el.form(
            field(
                "user.code", "code", required=True, error=fe.get("code", ""), id_prefix="new-user"
            ),
            field(
                "user.name", "name", required=True, error=fe.get("name", ""), id_prefix="new-user"
            ),
            field(
                "user.email", "email", type="email", error=fe.get("email", ""), id_prefix="new-user"
            ),
            select_field(
                "user.office",
                "office_id",
                S.office_options,
                error=fe.get("office_id", ""),
                id_prefix="new-user",
                required=True,
            ),
            select_field(
                "user.role",
                "role",
                S.role_options,
                error=fe.get("role", ""),
                id_prefix="new-user",
                required=True,
            ),
            select_field("user.language", "lang", LANG_OPTIONS, id_prefix="new-user"),
            field(
                "user.initial_password",
                "password",
                type="password",
                required=True,
                error=fe.get("password", ""),
                autocomplete="new-password",
                id_prefix="new-user",
            ),
            rx.hstack(
                rx.button(T["common.save"], type="submit"),
                rx.button(
                    T["common.cancel"], type="button", variant="soft", on_click=S.toggle_create
                ),
            ),
            on_submit=S.create,
            key=S.create_key,
            class_name="iz-form",
        ),
    )


def _perm_box(title_key: str, perms) -> rx.Component:  # noqa: ANN001
    return rx.el.fieldset(
        rx.el.legend(T[title_key]),
        rx.foreach(
            perms,
            lambda p: checkbox(
                p["label"],
                "perm:" + p["code"],
                S.selected_perms.contains(p["code"]),
                "perm-" + p["code"],
            ),
        ),
        class_name="iz-fieldset",
    )


def _detail() -> rx.Component:
    fe = S.field_errors
    sel = S.selected
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(sel["code"], size="5", as_="h2"),
                rx.badge(sel["role_name"]),
                rx.cond(
                    sel["locked"] != "",
                    rx.badge(T["user.locked_badge"], color_scheme="red"),
                    rx.fragment(),
                ),
                rx.cond(
                    sel["active"] != "",
                    rx.fragment(),
                    rx.badge(T["user.disabled"], color_scheme="gray"),
                ),
                rx.spacer(),
                rx.button(T["common.back"], variant="ghost", on_click=S.close_user),
                width="100%",
                align="center",
            ),
            rx.cond(
                sel["is_agency"] != "",
                rx.callout(T["user.agency_note"], icon="info", size="1"),
                rx.fragment(),
            ),
            rx.el.form(
                field(
                    "user.name",
                    "name",
                    required=True,
                    default_value=sel["name"],
                    error=fe.get("name", ""),
                    id_prefix="edit-user",
                ),
                field(
                    "user.email",
                    "email",
                    type="email",
                    default_value=sel["email"],
                    error=fe.get("email", ""),
                    id_prefix="edit-user",
                ),
                select_field(
                    "user.office",
                    "office_id",
                    S.office_options,
                    default_value=sel["office_id"],
                    error=fe.get("office_id", ""),
                    id_prefix="edit-user",
                ),
                select_field(
                    "user.scope",
                    "view_scope",
                    S.scope_options,
                    default_value=sel["view_scope"],
                    error=fe.get("view_scope", ""),
                    id_prefix="edit-user",
                ),
                select_field(
                    "user.language",
                    "lang",
                    LANG_OPTIONS,
                    default_value=sel["lang"],
                    id_prefix="edit-user",
                ),
                rx.button(T["common.save"], type="submit"),
                on_submit=S.save_user,
                key=S.detail_key,
                class_name="iz-form",
            ),
            rx.hstack(
                rx.button(
                    rx.cond(sel["active"] != "", T["user.disable"], T["user.enable"]),
                    variant="outline",
                    on_click=S.toggle_active,
                ),
                rx.cond(
                    sel["locked"] != "",
                    rx.button(T["user.unlock"], variant="outline", on_click=S.unlock),
                    rx.fragment(),
                ),
                rx.button(
                    T["user.reset_password"],
                    variant="outline",
                    color_scheme="orange",
                    on_click=S.reset_password,
                ),
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                S.temporary_password != "",
                rx.callout(S.temporary_password, icon="key", color_scheme="amber"),
                rx.fragment(),
            ),
            rx.divider(),
            rx.el.form(
                rx.hstack(
                    select_field(
                        "user.role",
                        "role",
                        S.role_options,
                        default_value=sel["role"],
                        id_prefix="role-user",
                    ),
                    rx.button(T["user.apply_role"], type="submit", variant="soft"),
                    align="end",
                    spacing="3",
                ),
                on_submit=S.apply_role,
                key=S.detail_key,
            ),
            rx.el.form(
                rx.grid(
                    _perm_box("user.permissions_do", S.perm_do),
                    _perm_box("user.permissions_see", S.perm_see),
                    columns="2",
                    spacing="4",
                ),
                rx.button(T["user.save_permissions"], type="submit"),
                on_submit=S.save_permissions,
                key=S.detail_key,
                class_name="iz-form",
            ),
            rx.divider(),
            rx.heading(T["user.limits"], size="4", as_="h3"),
            rx.cond(
                S.selected_limits.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(T["user.limit_line"]),
                            rx.table.column_header_cell(T["user.limit_quote"]),
                            rx.table.column_header_cell(T["user.limit_policy"]),
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            S.selected_limits,
                            lambda r: rx.table.row(
                                rx.table.cell(r["line"]),
                                rx.table.cell(r["quote"], class_name="iz-num"),
                                rx.table.cell(r["policy"], class_name="iz-num"),
                                rx.table.cell(
                                    rx.button(
                                        T["common.delete"],
                                        size="1",
                                        variant="ghost",
                                        color_scheme="red",
                                        on_click=S.remove_limit(r["line_code"]),
                                    )
                                ),
                            ),
                        )
                    ),
                    size="1",
                ),
                rx.text(T["user.no_limits"], color_scheme="gray", size="2"),
            ),
            rx.el.form(
                rx.hstack(
                    select_field(
                        "user.limit_line",
                        "line_code",
                        S.line_options,
                        id_prefix="limit",
                        error=fe.get("line_code", ""),
                    ),
                    field(
                        "user.limit_quote",
                        "quote_limit",
                        required=True,
                        id_prefix="limit",
                        error=fe.get("quote_limit", ""),
                    ),
                    field(
                        "user.limit_policy",
                        "policy_limit",
                        required=True,
                        id_prefix="limit",
                        error=fe.get("policy_limit", ""),
                    ),
                    rx.button(T["user.set_limit"], type="submit"),
                    align="end",
                    spacing="3",
                    wrap="wrap",
                ),
                on_submit=S.set_limit,
                key=S.detail_key,
            ),
            _api_tokens(fe),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _api_tokens(fe) -> rx.Component:  # noqa: ANN001
    """The selected user's API tokens: list, create (shown once), revoke."""
    return rx.vstack(
        rx.divider(),
        rx.heading(T["api_token.section"], size="4", as_="h3"),
        rx.cond(
            S.new_api_token != "",
            rx.callout.root(
                rx.callout.text(T["api_token.shown_once"]),
                rx.el.code(S.new_api_token, id="new-api-token", class_name="iz-secret"),
                icon="key",
                color_scheme="amber",
            ),
            rx.fragment(),
        ),
        rx.cond(
            S.token_rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(T["api_token.name"]),
                        rx.table.column_header_cell(T["api_token.created"]),
                        rx.table.column_header_cell(T["api_token.last_used"]),
                        rx.table.column_header_cell(T["api_token.expires"]),
                        rx.table.column_header_cell(T["api_token.status"]),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        S.token_rows,
                        lambda r: rx.table.row(
                            rx.table.cell(r["name"]),
                            rx.table.cell(r["created"]),
                            rx.table.cell(r["last_used"]),
                            rx.table.cell(r["expires"]),
                            rx.table.cell(r["status"]),
                            rx.table.cell(
                                rx.cond(
                                    r["active"] != "",
                                    rx.button(
                                        T["api_token.revoke"],
                                        size="1",
                                        variant="ghost",
                                        color_scheme="red",
                                        on_click=S.revoke_api_token(r["id"]),
                                    ),
                                    rx.fragment(),
                                )
                            ),
                        ),
                    )
                ),
                size="1",
            ),
            rx.text(T["api_token.none"], color_scheme="gray", size="2"),
        ),
        rx.el.form(
            rx.hstack(
                field(
                    "api_token.name",
                    "token_name",
                    required=True,
                    id_prefix="new",
                    error=fe.get("token_name", ""),
                ),
                field(
                    "api_token.expires",
                    "token_expires",
                    type="date",
                    id_prefix="new",
                    error=fe.get("token_expires", ""),
                ),
                rx.button(T["api_token.create"], type="submit"),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=S.create_api_token,
            reset_on_submit=True,
            key=S.detail_key,
        ),
        spacing="3",
        width="100%",
    )


def users_page() -> rx.Component:
    return rx.vstack(
        page_title("admin.title"),
        admin_tabs("users"),
        messages(S),
        rx.cond(S.show_create, _create_form(), rx.fragment()),
        rx.cond(S.selected.contains("id"), _detail(), rx.fragment()),
        _list(),
        spacing="4",
        width="100%",
    )
