"""Who is signed in, in which language. Authentication is re-derived from the cookie
token and the database on every event, so it survives reconnects and worker changes.

The token is in an HttpOnly cookie that only the routes in `session_routes` set: the
state reads it from the Cookie header of the socket's handshake and never holds it."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import json
import os
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import reflex as rx

from iztim_app import i18n, session_routes
from iztim_app.core.auth import services as auth
from iztim_app.core.db import database_unavailable, session_scope
from iztim_app.core.errors import DomainError, ValidationFailed
from iztim_app.core.paging import Page
from iztim_app.core.sessions import services as sessions
from iztim_app.core.settings import settings
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import Actor
from iztim_app.demo import DEMO_PASSWORD, DEMO_SIGN_INS


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


def _go(path: str, query: dict[str, str] | None = None) -> rx.event.EventSpec:
    """A full page load (not client-side routing): the HTTP routes must see the request,
    and the next socket handshake carries the new cookie."""
    url = path + ("?" + urllib.parse.urlencode(query) if query else "")
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


class SessionState(rx.State):
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
    def demo_sign_ins(self) -> list[list[str]]:
        return [[code, name] for code, name in DEMO_SIGN_INS] if settings.demo_mode else []

    @rx.var
    def demo_password_note(self) -> str:
        if not settings.demo_mode:
            return ""
        return i18n.translate("auth.demo_sign_ins", self.lang_pref, password=DEMO_PASSWORD)

    # ------------------------------------------------------------ helpers (not events)

    def _token(self) -> str:
        """The session token from the socket handshake's Cookie header (HttpOnly: set by
        `session_routes`, never by this state nor readable by the page's scripts)."""
        return session_routes.token_from_cookie_header(self.router.headers.cookie)

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
        shared tab must not receive what the previous one had open. Called from any
        screen's state, it starts from the session state, so every screen is forgotten."""
        session: rx.State = self
        while type(session) is not SessionState and session.parent_state is not None:
            session = session.parent_state
        for substate in list(session.substates.values()):
            reset_keeping_form_keys(substate)

    def _signed_out(self, expired: bool = True) -> None:
        was_signed_in = self.signed_in
        self._forget_screens()
        self._apply_actor(None)
        if expired and was_signed_in:
            self.sign_in_error = self._text("auth.session_ended")

    # ------------------------------------------------------------ events

    @rx.event
    def check_session(self):
        """on_load of every page: who is this tab, if anyone."""
        with session_scope() as db:
            actor = sessions.resolve_session(db, self._token())
            must_change = actor.password_change_pending if actor else False
        if actor is None:
            self._signed_out(expired=self.signed_in)
        else:
            self._apply_actor(actor, must_change)
            if actor.lang != self.lang_pref:
                self.lang_pref = actor.lang

    @rx.event
    def sign_in(self, form: dict):
        """Checks the password and opens the session, then sends the browser to the route
        that sets the HttpOnly cookie and comes back to this page (reloaded, with data)."""
        code = str(form.get("user_code", ""))[:64]
        password = str(form.get("password", ""))[:256]
        self.sign_in_error = ""
        try:
            with session_scope() as db:
                result = auth.sign_in(db, code, password, source=self.router.session.client_ip)
        except DomainError as exc:
            self.sign_in_error = i18n.error_text(exc, self.lang_pref)
            return
        self._forget_screens()
        self.lang_pref = result.actor.lang
        here = self.router.url.path or "/"
        if self.router.url.query:
            here += "?" + self.router.url.query
        return _go(
            session_routes.SESSION_ROUTE,
            {"code": result.handoff, "next": session_routes.safe_next(here)},
        )

    @rx.event
    def sign_out(self):
        """Ends the session here, then the cookie route clears the cookie."""
        with session_scope() as db:
            sessions.sign_out(db, self._token())
        self._signed_out(expired=False)
        self.sign_in_error = ""
        return _go(session_routes.SIGNED_OUT_ROUTE)

    @rx.event
    def set_language(self, lang: str):
        lang = i18n.normalize_language(str(lang))
        self.lang_pref = lang
        if self.signed_in:
            with session_scope() as db:
                actor = sessions.resolve_session(db, self._token())
                if actor is not None and not actor.password_change_pending:
                    users.set_own_language(db, actor, lang)
        # Screens hold texts made on load; reloading shows them all in the new language.
        return rx.call_script("window.location.reload()")


@dataclass(frozen=True)
class Outcome:
    """What running one service gave: its value, or why it was refused in the user's words.
    Plain data: making one changes nothing on the screen (`AppState._report` does that)."""

    ok: bool
    value: Any = None
    error: str = ""
    field: str = ""
    signed_out: bool = False
    beside_field_only: bool = False  # a refusal naming a field is shown beside it only

    def quietly(self) -> Outcome:
        """While the user is still filling in, a field's message belongs beside the field."""
        return replace(self, beside_field_only=True)


Done = str | Callable[[Any], str | None] | None


def run_as(
    token: str, lang: str, service: Callable[..., Any], /, *args: Any, **kwargs: Any
) -> Outcome:
    """Runs `service(db, actor, …)` as the user behind `token`, our errors mapped to the
    outcome in `lang`. Plain (no state): background events call it outside the state lock."""
    try:
        with session_scope() as db:
            actor = sessions.resolve_session(db, token)
            if actor is None:
                return Outcome(False, signed_out=True)
            return Outcome(True, service(db, actor, *args, **kwargs))
    except ValidationFailed as exc:
        return Outcome(False, error=i18n.error_text(exc, lang), field=exc.field or "")
    except DomainError as exc:
        return Outcome(False, error=i18n.error_text(exc, lang))
    except Exception as exc:
        if not database_unavailable(exc):  # a bug stays a bug (the backend handler shows it)
            raise
        return Outcome(False, error=i18n.translate("availability.database_unavailable", lang))


# Service calls made off the event loop run in this process's own pool, sized for database
# waits rather than CPU: a save waits for the quote-number row lock while other saves commit,
# and with the loop's default pool (CPU count + 4 threads) the prices of other tabs would
# queue behind those waiting saves. Made on first use, so each forked worker has its own.
DB_THREADS = 16
_pool: tuple[int, ThreadPoolExecutor] | None = None


async def in_thread(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """`function(*args, **kwargs)` in the database thread pool, awaited from the loop. The
    caller passes plain values, never a state."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(DB_THREADS, thread_name_prefix="iztim-db"))
    call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_pool[1], call)


class AppState(SessionState):
    """Base of every screen's state: runs one service as the signed-in user.

    Helpers that read or show data (`_call`, `_fetch`, `_show…`) never touch the messages;
    every handler ends in one `_report` (or `_act`, which runs, follows up and reports), the
    one place that decides what the screen says after an action."""

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

    def _call(self, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
        """Re-checks the session and runs `service(db, actor, …)`; our errors become the
        outcome. Changes nothing on the screen."""
        return run_as(self._token(), self.lang_pref, service, *args, **kwargs)

    async def _call_in_thread(
        self, service: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Outcome:
        """`_call` in a worker thread: the event loop keeps serving other tabs while this
        one waits for the database. Token and language are read here, on the loop; the
        thread gets plain arguments only and never touches the state."""
        token, lang = self._token(), self.lang_pref
        return await in_thread(run_as, token, lang, service, *args, **kwargs)

    def _report(
        self, outcome: Outcome | None, followed: Outcome | None = None, done: Done = None
    ) -> None:
        """What the screen says after an action, in one fixed order: a lost session signs
        the tab out; else the action's refusal (beside its field too), else the follow-up's
        refusal (e.g. a reload), and on success the `done` message (a catalogue key, or a
        function of the action's value giving the text). `None`: nothing ran, nothing said."""
        if outcome is None:
            return
        self._clear_messages()
        if outcome.signed_out or (followed is not None and followed.signed_out):
            self._signed_out()
            return
        refused = outcome if not outcome.ok else followed
        if refused is not None and not refused.ok:
            if refused.field:
                self.field_errors = {refused.field: refused.error}
            if not (refused.field and refused.beside_field_only):
                self.error = refused.error
        if outcome.ok and done is not None:
            self.message = (done(outcome.value) if callable(done) else self._text(done)) or ""

    def _act(
        self,
        service: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], Outcome | None] | None = None,
        done: Done = None,
        then_after_refusal: bool = False,
        **kwargs: Any,
    ) -> Outcome:
        """Runs the service, then `then(value)` (show the result, reload; it may return the
        reload's outcome) on success — or after a refusal too, with `None`, when asked
        (e.g. a quote someone else decided meanwhile is shown as it now is) — and reports.
        `then`, `done` and `then_after_refusal` are `_act`'s own; other keywords go to the
        service."""
        outcome = self._call(service, *args, **kwargs)
        self._report(outcome, _follow_up(outcome, then, then_after_refusal), done)
        return outcome

    async def _act_in_thread(
        self,
        service: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], Any] | None = None,
        done: Done = None,
        then_after_refusal: bool = False,
        **kwargs: Any,
    ) -> Outcome:
        """`_act` with the service in a worker thread (the event loop serves other tabs
        meanwhile); `then` may be async, e.g. a follow-up that prices off the loop too."""
        outcome = await self._call_in_thread(service, *args, **kwargs)
        followed = _follow_up(outcome, then, then_after_refusal)
        if inspect.isawaitable(followed):
            followed = await followed
        self._report(outcome, followed, done)
        return outcome


def _follow_up(outcome: Outcome, then: Callable[[Any], Any] | None, after_refusal: bool) -> Any:
    """What `_act` runs after the service: `then(value)` on success, `then(None)` after a
    refusal when asked, nothing for a lost session."""
    if then is None or outcome.signed_out or not (outcome.ok or after_refusal):
        return None
    return then(outcome.value if outcome.ok else None)


class PagedList(rx.State, mixin=True):
    """One server-side paged list; the screen's state defines `_fetch` for the current page."""

    # The pager's texts are made in the browser (`pages.components.pager`): a computed var
    # here reading `lang_pref` would make every event of the tab load this state too.
    page: int = 1
    pages: int = 1
    total: int = 0

    def _fetch(self) -> Outcome | None:
        """Shows the current page and returns how reading it went; says nothing itself."""
        raise NotImplementedError

    def _set_pager(self, result: Page) -> None:
        """The pager follows the page the service read (it corrects a page beyond the end)."""
        self.page, self.pages, self.total = result.page, result.pages, result.total

    @rx.event
    def next_page(self):
        if self.page < self.pages:
            self.page += 1
            self._report(self._fetch())

    @rx.event
    def prev_page(self):
        if self.page > 1:
            self.page -= 1
            self._report(self._fetch())
