"""The customer portal's session: who is signed in, re-derived on every event from the
HttpOnly portal cookie (set only by `portal_routes`) and the database. Owned by helper B.

Interface other portal screens rely on (keep it): subclass `PortalState`; call
`self._customer()` in every handler (None = not signed in: refuse and change nothing);
`self._lang()` is the language for server-side texts. `PortalState.lang` picks the
catalogue the pages read (`pages.portal_parts.PT`, held in the browser); `check_portal` is
the on_load of every portal page.

Sign-in works like the staff one: the event checks the number and code, opens a portal
session with a one-time hand-off code and sends the browser to `/portal/oturum?code=…`,
whose response sets the HttpOnly cookie. The token is never in a var."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import reflex as rx

from iztim_app import i18n, portal_routes
from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError
from iztim_app.core.lines import known_lines
from iztim_app.core.money import ZERO, format_try
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.services import PortalCustomer, PortalPolicy
from iztim_app.states.session import reset_keeping_form_keys

MAX_INPUT = 40


def go(path: str, query: dict[str, str] | None = None) -> rx.event.EventSpec:
    """A full page load (not client-side routing): the HTTP routes must see the request,
    and the next socket handshake carries the new cookie."""
    url = path + ("?" + urllib.parse.urlencode(query) if query else "")
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


def line_name(db: Any, code: str, lang: str) -> str:
    info = known_lines(db).get(code)
    return info.name(lang) if info else code


def policy_row(p: PortalPolicy, line: str) -> dict[str, str]:
    """What a policy list row or the policy page's header shows (texts only)."""
    unpaid = [i for i in p.installments if not i.is_paid]
    return {
        "number": str(p.number),
        "status": p.status,
        "status_key": f"policy_status.{p.status}",
        "line": line,
        "start": clock.format_date(p.start_date),
        "end": clock.format_date(p.end_date),
        "premium": format_try(p.gross_premium),
        "unpaid": format_try(sum((i.remaining for i in unpaid), ZERO)),
        "href": f"/portal/police?no={p.number}",
    }


def customer_of(token: str) -> PortalCustomer | None:
    """The customer behind a portal token, if signed in. Plain (no state): a worker thread
    may call it."""
    with session_scope() as db:
        return portal.resolve(db, token)


class PortalState(rx.State):
    # The portal's own language choice (apart from the staff one): Turkish first.
    lang_pref: str = rx.LocalStorage("tr", name="iztim_portal_lang", sync=True)
    checked: bool = False
    signed_in: bool = False
    customer_name: str = ""
    sign_in_error: str = ""
    # Whose screens this tab holds (kept on the server): another customer signing in from
    # another tab of the same browser changes the cookie, and this tab must then forget them.
    _shown_customer_id: int = 0

    @rx.var
    def lang(self) -> str:
        return i18n.normalize_language(self.lang_pref)

    # ------------------------------------------------------------ helpers (not events)

    def _token(self) -> str:
        return portal_routes.portal_token_from_cookie_header(self.router.headers.cookie)

    def _customer(self) -> PortalCustomer | None:
        return customer_of(self._token())

    def _lang(self) -> str:
        return i18n.normalize_language(self.lang_pref)

    def _text(self, key: str, **params: Any) -> str:
        return i18n.translate(key, self._lang(), **params)

    def _portal_root(self) -> PortalState:
        """The tab's PortalState (this state itself when it is not below one)."""
        state: rx.State | None = self
        while state is not None and type(state) is not PortalState:
            state = state.parent_state
        return state if state is not None else self  # type: ignore[return-value]

    def _forget_screens(self) -> None:
        """Every portal screen of this tab back to its defaults: the next customer of a
        shared tab must not receive what the previous one had open."""
        for substate in list(self._portal_root().substates.values()):
            reset_keeping_form_keys(substate)

    def _show_customer(self, me: PortalCustomer | None) -> PortalCustomer | None:
        """Shows who is signed in; a lost session, or another customer's, forgets every
        portal screen."""
        root = self._portal_root()
        was_signed_in = root.signed_in
        root.checked = True
        if me is None:
            if was_signed_in:
                self._forget_screens()
                root.sign_in_error = self._text("portal.session_ended")
            root.signed_in = False
            root.customer_name = ""
            root._shown_customer_id = 0
            return None
        if root._shown_customer_id not in (0, me.customer_id):
            self._forget_screens()
        root._shown_customer_id = me.customer_id
        root.signed_in = True
        root.customer_name = me.name
        return me

    def _signed_in_customer(self) -> PortalCustomer | None:
        """`_customer()`, shown on the page (handlers of the portal's own screens)."""
        return self._show_customer(self._customer())

    # ------------------------------------------------------------ events

    @rx.event
    def check_portal(self):
        """on_load of the portal's pages: who is this tab, if anyone."""
        self._signed_in_customer()

    @rx.event
    def sign_in(self, form: dict):
        """ "Poliçe no veya müşteri no" + "Erişim kodu", then the cookie route."""
        form = form if isinstance(form, dict) else {}
        number = str(form.get("number", "") or "")[:MAX_INPUT]
        code = str(form.get("access_code", "") or "")[:MAX_INPUT]
        self.sign_in_error = ""
        try:
            with session_scope() as db:
                opened = portal.sign_in(db, number, code, self.router.session.client_ip or "")
        except DomainError as exc:
            self.sign_in_error = i18n.error_text(exc, self._lang())
            return None
        self._forget_screens()
        return go(portal_routes.HANDOFF_ROUTE, {"code": opened.handoff})

    @rx.event
    def sign_out(self):
        """Ends the session here, then the cookie route clears the cookie."""
        with session_scope() as db:
            portal.sign_out(db, self._token())
        self._forget_screens()
        root = self._portal_root()
        root.signed_in, root.customer_name, root.sign_in_error = False, "", ""
        return go(portal_routes.SIGNED_OUT_ROUTE)

    @rx.event
    def set_language(self, lang: str):
        self.lang_pref = i18n.normalize_language(str(lang))
        # Screens hold texts made on load; reloading shows them all in the new language.
        return rx.call_script("window.location.reload()")


class PortalHomeState(PortalState):
    """ "Poliçelerim": the signed-in customer's policies."""

    policies: list[dict[str, str]] = []

    @rx.event
    def load(self):
        me = self._signed_in_customer()
        if me is None:
            self.policies = []
            return
        lang = self._lang()
        with session_scope() as db:
            rows = []
            for p in portal.my_policies(db, me):
                full = portal.my_policy(db, me, p.number)  # with its installments
                rows.append(policy_row(full, line_name(db, p.line_code, lang)))
        self.policies = rows
