"""IT staff's user administration screen: list, create, edit, grants, limits."""

from __future__ import annotations

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.lines import known_lines
from iztim_app.core.money import format_number
from iztim_app.core.organisation import services as offices
from iztim_app.core.paging import Page
from iztim_app.core.users import services as users
from iztim_app.core.users.permissions import PERMISSIONS, ROLES, Scope
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20


class UsersState(PagedList, AppState):
    search: str = ""
    rows: list[dict[str, str]] = []

    office_options: list[list[str]] = []
    role_options: list[list[str]] = []
    scope_options: list[list[str]] = []
    line_options: list[list[str]] = []
    perm_do: list[dict[str, str]] = []
    perm_see: list[dict[str, str]] = []

    show_create: bool = False
    create_key: int = 0
    selected: dict[str, str] = {}
    selected_perms: list[str] = []
    selected_limits: list[dict[str, str]] = []
    detail_key: int = 0
    temporary_password: str = ""
    # API tokens of the selected user; a new token is shown once, to the IT user who made it.
    token_rows: list[dict[str, str]] = []
    new_api_token: str = ""

    # ------------------------------------------------------------ helpers

    def _fill_options(self, db, actor) -> None:  # noqa: ANN001
        self.office_options = [
            [str(o.id), ("  " * max(o.depth, 0)) + f"{o.name} ({o.code})"]
            for o in offices.list_offices(db, actor)
            if o.active
        ]
        self.role_options = [[code, self._text(f"role.{code}")] for code in ROLES]
        self.scope_options = [[s.value, self._text(f"scope.{s.value}")] for s in Scope]
        self.line_options = [
            [code, line.name(self.lang_pref)] for code, line in known_lines(db).items()
        ]
        self.perm_do = [
            {"code": p.code, "label": self._text(f"perm.{p.code}")}
            for p in PERMISSIONS
            if p.kind == "do"
        ]
        self.perm_see = [
            {"code": p.code, "label": self._text(f"perm.{p.code}")}
            for p in PERMISSIONS
            if p.kind == "see"
        ]

    def _show_page(self, result: Page) -> None:
        self.rows = [
            {
                "id": str(r.id),
                "code": r.code,
                "name": r.name,
                "office": r.office_name,
                "role": self._text(f"role.{r.role}"),
                "status": self._text("user.locked_badge")
                if r.locked
                else self._text("user.active" if r.active else "user.disabled"),
            }
            for r in result.rows
        ]
        self._set_pager(result)

    def _show_detail(self, detail: users.UserDetail) -> None:
        self.selected = {
            "id": str(detail.id),
            "code": detail.code,
            "name": detail.name,
            "email": detail.email,
            "office_id": str(detail.office_id),
            "office": detail.office_name,
            "role": detail.role,
            "role_name": self._text(f"role.{detail.role}"),
            "view_scope": detail.view_scope,
            "lang": detail.lang,
            "active": "1" if detail.active else "",
            "locked": "1" if detail.locked else "",
            "is_agency": "1" if detail.is_agency else "",
        }
        self.selected_perms = list(detail.permissions)
        line_names = {code: name for code, name in self.line_options}
        self.selected_limits = [
            {
                "line_code": lim.line_code,
                "line": line_names.get(lim.line_code, lim.line_code),
                "quote": format_number(lim.quote_limit) + " ₺",
                "policy": format_number(lim.policy_limit) + " ₺",
            }
            for lim in detail.limits
        ]
        self.detail_key += 1

    def _fetch(self) -> Outcome:
        found = self._call(users.list_users, self.search, self.page, PAGE_SIZE)
        if found.ok:
            self._show_page(found.value)
        return found

    def _show_detail_and_list(self, detail: users.UserDetail) -> Outcome:
        """After a change that the list shows too (name, office, role, status)."""
        self._show_detail(detail)
        return self._fetch()

    def _selected_id(self) -> int:
        return int(self.selected.get("id", "0") or 0)

    # ------------------------------------------------------------ events

    @rx.event
    def load(self):
        self._fresh_screen()

        def _load(db, actor):  # noqa: ANN001
            self._fill_options(db, actor)
            return users.list_users(db, actor, self.search, self.page, PAGE_SIZE)

        self._act(_load, then=self._show_page)

    @rx.event
    def do_search(self, form: dict):
        self.search = str(form.get("search", ""))[:100]
        self.page = 1
        self._report(self._fetch())

    @rx.event
    def toggle_create(self):
        self.show_create = not self.show_create
        self.selected = {}
        self._clear_messages()

    @rx.event
    def create(self, form: dict):
        self._act(
            users.create_user,
            code=str(form.get("code", "")),
            name=str(form.get("name", "")),
            office_id=form.get("office_id", ""),
            role=str(form.get("role", "")),
            password=str(form.get("password", "")),
            email=str(form.get("email", "")),
            lang=str(form.get("lang", "tr")),
            then=self._created,
            done="admin.user_created",
        )

    def _created(self, detail: users.UserDetail) -> Outcome:
        self.show_create = False
        self.create_key += 1
        return self._show_detail_and_list(detail)

    @rx.event
    def open_user(self, user_id: str):
        self.show_create = False
        self.temporary_password = ""
        self.new_api_token = ""
        self._act(users.get_user, user_id, then=self._show_detail_and_tokens)

    @rx.event
    def close_user(self):
        self.selected = {}
        self.token_rows = []
        self.new_api_token = ""

    @rx.event
    def save_user(self, form: dict):
        self._act(
            users.update_user,
            self._selected_id(),
            name=str(form.get("name", "")),
            email=str(form.get("email", "")),
            office_id=form.get("office_id", ""),
            view_scope=str(form.get("view_scope", "")),
            lang=str(form.get("lang", "tr")),
            then=self._show_detail_and_list,
            done="common.saved",
        )

    @rx.event
    def save_permissions(self, form: dict):
        granted = [
            key[len("perm:") :] for key, value in form.items() if key.startswith("perm:") and value
        ]
        self._act(
            users.set_permissions,
            self._selected_id(),
            granted,
            then=self._show_detail,
            done="common.saved",
        )

    @rx.event
    def apply_role(self, form: dict):
        self._act(
            users.apply_role,
            self._selected_id(),
            str(form.get("role", "")),
            then=self._show_detail_and_list,
            done="common.saved",
        )

    @rx.event
    def set_limit(self, form: dict):
        self._act(
            users.set_limit,
            self._selected_id(),
            str(form.get("line_code", "")),
            str(form.get("quote_limit", "")),
            str(form.get("policy_limit", "")),
            then=self._show_detail,
            done="common.saved",
        )

    @rx.event
    def remove_limit(self, line_code: str):
        self._act(
            users.remove_limit,
            self._selected_id(),
            str(line_code),
            then=self._show_detail,
            done="common.saved",
        )

    @rx.event
    def toggle_active(self):
        self._act(
            users.set_active,
            self._selected_id(),
            not bool(self.selected.get("active")),
            then=self._show_detail_and_list,
            done="common.saved",
        )

    @rx.event
    def unlock(self):
        self._act(
            users.unlock,
            self._selected_id(),
            then=self._show_detail_and_list,
            done="common.saved",
        )

    @rx.event
    def reset_password(self):
        self._act(users.reset_password, self._selected_id(), then=self._show_temporary)

    def _show_temporary(self, temporary: str) -> None:
        # Shown once to the IT user who asked; never logged or stored in clear.
        self.temporary_password = self._text("admin.temporary_password", password=temporary)

    # ------------------------------------------------------------ API tokens

    def _show_detail_and_tokens(self, detail: users.UserDetail) -> Outcome:
        self._show_detail(detail)
        return self._fetch_tokens()

    def _fetch_tokens(self, _value: object = None) -> Outcome:
        found = self._call(api_tokens.list_tokens, self._selected_id())
        if found.ok:
            self.token_rows = [
                {
                    "id": str(row.id),
                    "name": row.name,
                    "created": clock.format_date(row.created_at) + " · " + row.created_by,
                    "last_used": clock.format_date(row.last_used_at)
                    if row.last_used_at
                    else self._text("api_token.never"),
                    "expires": clock.format_date(row.expires_on)
                    if row.expires_on
                    else self._text("api_token.no_expiry"),
                    "status": self._text(f"api_token.status.{row.status}"),
                    "active": "1" if row.status == "active" else "",
                }
                for row in found.value
            ]
        return found

    def _token_made(self, made: api_tokens.CreatedToken) -> Outcome:
        self.new_api_token = made.token
        return self._fetch_tokens()

    @rx.event
    def create_api_token(self, form: dict):
        self.new_api_token = ""
        self._act(
            api_tokens.create_token,
            self._selected_id(),
            str(form.get("token_name", "")),
            str(form.get("token_expires", "")),
            then=self._token_made,
            done="api_token.created_ok",
        )

    @rx.event
    def revoke_api_token(self, token_id: str):
        self.new_api_token = ""
        self._act(
            api_tokens.revoke_token,
            str(token_id),
            self._selected_id(),
            then=self._fetch_tokens,
            done="api_token.revoked_ok",
        )
