"""Who is signed in, in which language. Authentication is re-derived from the cookie
token and the database on every event, so it survives reconnects and worker changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from iztim_app import i18n
from iztim_app.core.auth import services as auth
from iztim_app.core.db import session_scope
from iztim_app.core.demo import DEMO_PASSWORD, DEMO_SIGN_INS
from iztim_app.core.errors import DomainError, ValidationFailed
from iztim_app.core.settings import settings
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import Actor


def reset_keeping_form_keys(state: rx.State) -> None:
    """Reset a state and its substates to defaults; `*_key` counters only grow, so React
    remounts keyed forms with their new default values instead of keeping stale input."""
    states, stack = [], [state]
    while stack:
        states.append(stack.pop())
        stack.extend(states[-1].substates.values())
    counters = [
        (s, n, getattr(s, n)) for s in states for n in type(s).__fields__ if n.endswith("_key")
    ]
    state.reset()
    for s, name, value in counters:
        setattr(s, name, value + 1)


class SignedOut(Exception):
    """The token no longer opens a session (signed out, idle, disabled)."""


class SessionState(rx.State):
    token: str = rx.Cookie("", name="iztim_session", same_site="strict", path="/")
    lang_pref: str = rx.LocalStorage("tr", name="iztim_lang", sync=True)

    checked: bool = False
    signed_in: bool = False
    must_change_password: bool = False
    user_code: str = ""
    user_name: str = ""
    office_name: str = ""
    is_agency: bool = False
    perms: list[str] = []
    sign_in_error: str = ""
    notice: str = ""

    @rx.var
    def lang(self) -> str:
        return i18n.normalize_language(self.lang_pref)

    @rx.var
    def t(self) -> dict[str, str]:
        """The catalogue in the user's language; components index it by key."""
        return i18n.table(self.lang_pref)

    @rx.var
    def demo_sign_ins(self) -> list[list[str]]:
        return [[code, name] for code, name in DEMO_SIGN_INS] if settings.demo_mode else []

    @rx.var
    def demo_password_note(self) -> str:
        return i18n.translate("auth.demo_sign_ins", self.lang_pref, password=DEMO_PASSWORD)

    # ------------------------------------------------------------ helpers (not events)

    def _text(self, key: str, **params: Any) -> str:
        return i18n.translate(key, self.lang_pref, **params)

    def _apply_actor(self, actor: Actor | None, must_change: bool = False) -> None:
        self.checked = True
        if actor is None:
            self.signed_in = False
            self.user_code = self.user_name = self.office_name = ""
            self.perms = []
            self.is_agency = False
            self.must_change_password = False
            return
        self.signed_in = True
        self.user_code = actor.code
        self.user_name = actor.name
        self.office_name = actor.office_name
        self.is_agency = actor.is_agency
        self.perms = sorted(actor.permissions)
        self.must_change_password = must_change

    def _forget_screens(self) -> None:
        """Every screen state of this tab back to its defaults. The server keeps a tab's
        screens and sends all of them whenever the page is (re)loaded: the next user of a
        shared tab must not receive what the previous one had open."""
        for substate in list(self.substates.values()):
            reset_keeping_form_keys(substate)

    def _signed_out(self, expired: bool = True) -> None:
        was_signed_in = self.signed_in
        self._forget_screens()
        self._apply_actor(None)
        self.token = ""
        if expired and was_signed_in:
            self.sign_in_error = self._text("auth.session_ended")

    # ------------------------------------------------------------ events

    @rx.event
    def check_session(self):
        """on_load of every page: who is this tab, if anyone."""
        with session_scope() as db:
            actor = auth.resolve_session(db, self.token)
            must_change = auth.must_change_password(db, actor) if actor else False
        if actor is None:
            self._signed_out(expired=self.signed_in)
        else:
            self._apply_actor(actor, must_change)
            if actor.lang != self.lang_pref:
                self.lang_pref = actor.lang

    @rx.event
    def sign_in(self, form: dict):
        code = str(form.get("user_code", ""))[:64]
        password = str(form.get("password", ""))[:256]
        self.sign_in_error = ""
        try:
            with session_scope() as db:
                result = auth.sign_in(db, code, password)
        except DomainError as exc:
            self.sign_in_error = i18n.error_text(exc, self.lang_pref)
            return
        self._forget_screens()
        self.token = result.token
        self._apply_actor(result.actor, result.must_change_password)
        self.lang_pref = result.actor.lang
        # Reload the page the user asked for, now with data (its on_load runs again).
        return rx.redirect(self.router.url.path or "/")

    @rx.event
    def sign_out(self):
        with session_scope() as db:
            auth.sign_out(db, self.token)
        self._signed_out(expired=False)
        self.sign_in_error = ""
        return rx.redirect("/")

    @rx.event
    def set_language(self, lang: str):
        lang = i18n.normalize_language(str(lang))
        self.lang_pref = lang
        if self.signed_in:
            with session_scope() as db:
                actor = auth.resolve_session(db, self.token)
                if actor is not None:
                    users.set_own_language(db, actor, lang)
        # Screens hold texts made on load; reloading shows them all in the new language.
        return rx.call_script("window.location.reload()")


class AppState(SessionState):
    """Base of every screen's state: runs one service as the signed-in user."""

    error: str = ""
    field_errors: dict[str, str] = {}
    message: str = ""

    def _fresh_screen(self) -> None:
        """A page visit starts from defaults: a shared tab may still hold the screen of a
        user who signed out, and a refused load must not keep showing it."""
        reset_keeping_form_keys(self)

    def _clear_messages(self) -> None:
        self.error = ""
        self.message = ""
        self.field_errors = {}

    def _call(self, service: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """Re-checks the session, runs `service(db, actor, …)`, maps our errors to messages."""
        self._clear_messages()
        try:
            with session_scope() as db:
                actor = auth.resolve_session(db, self.token)
                if actor is None:
                    raise SignedOut()
                return True, service(db, actor, *args, **kwargs)
        except SignedOut:
            self._signed_out()
        except ValidationFailed as exc:
            text = i18n.error_text(exc, self.lang_pref)
            self.error = text
            if exc.field:
                self.field_errors = {exc.field: text}
        except DomainError as exc:
            self.error = i18n.error_text(exc, self.lang_pref)
        return False, None


class PagedList(rx.State, mixin=True):
    """One server-side paged list; the screen's state defines `_fetch` for the current page."""

    page: int = 1
    pages: int = 1
    total: int = 0

    @rx.var
    def page_text(self) -> str:
        return i18n.translate("common.page", self.lang_pref, page=self.page, pages=self.pages)

    @rx.var
    def total_text(self) -> str:
        return i18n.translate("common.total_rows", self.lang_pref, count=self.total)

    def _fetch(self) -> None:
        raise NotImplementedError

    @rx.event
    def next_page(self):
        if self.page < self.pages:
            self.page += 1
            self._fetch()

    @rx.event
    def prev_page(self):
        if self.page > 1:
            self.page -= 1
            self._fetch()
