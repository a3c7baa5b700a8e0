"""/portal/teklif: the signed-in customer asks for a quote (the line's generated form, the
staff form's pieces over this state), asks for a policy by quote number, and sees their
quotes and requests.

The form is `LineFormState`'s (line choice, fields, live price), priced and saved by the
portal services with the customer record fixed on the server; the staff form's customer
box is not part of this screen and its events refuse here. Every handler starts from
`self._customer()` (None: not signed in, nothing runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError, ValidationFailed
from iztim_app.core.money import format_try
from iztim_app.core.portal import quotes as portal_quotes
from iztim_app.core.portal import requests as portal_requests
from iztim_app.states.line_form import LineFormState
from iztim_app.states.portal import PortalState, customer_of
from iztim_app.states.session import Done, Outcome, SessionState, in_thread

MAX_NUMBER = 20


def run_as_customer(portal, lang: str, service: Callable[..., Any], *args, **kwargs) -> Outcome:  # noqa: ANN001, ANN002, ANN003
    """Runs `service(db, portal, …)` for the signed-in customer, our errors mapped to the
    outcome in `lang` (the portal twin of `session.run_as`)."""
    if portal is None:
        return Outcome(False, signed_out=True)
    try:
        with session_scope() as db:
            return Outcome(True, service(db, portal, *args, **kwargs))
    except ValidationFailed as exc:
        return Outcome(False, error=i18n.error_text(exc, lang), field=exc.field or "")
    except DomainError as exc:
        return Outcome(False, error=i18n.error_text(exc, lang))


def run_for_token(token: str, lang: str, service: Callable[..., Any], *args, **kwargs) -> Outcome:  # noqa: ANN002, ANN003
    """`run_as_customer` for the customer behind the portal `token`, looked up here too:
    plain (no state), so a worker thread can make the whole call."""
    return run_as_customer(customer_of(token), lang, service, *args, **kwargs)


class PortalQuoteState(LineFormState, PortalState):
    error: str = ""
    message: str = ""
    field_errors: dict[str, str] = {}
    my_quotes: list[dict[str, str]] = []
    my_requests: list[dict[str, str]] = []
    quote_number: str = ""  # the request box's starting value (the quote just saved)
    request_key: int = 0

    # ------------------------------------------------------------ helpers

    def _run(self, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
        return run_as_customer(self._customer(), self._lang(), service, *args, **kwargs)

    def _clear_messages(self) -> None:
        self.error, self.message, self.field_errors = "", "", {}

    def _forget(self) -> None:
        """Back to an empty screen: nobody (or somebody else) is signed in on this tab."""
        self.line_options, self.line_code, self.fields, self.choices = [], "", [], {}
        self.values, self.sum_insured, self.start_date, self.end_date = {}, "", "", ""
        self.price_rows, self.worksheet, self.needs_approval = [], [], False
        self.customer, self.my_quotes, self.my_requests, self.quote_number = {}, [], [], ""
        self._labels = {}
        self.form_key += 1
        self.request_key += 1

    def _report(
        self, outcome: Outcome | None, followed: Outcome | None = None, done: Done = None
    ) -> None:
        """What the screen says after an action (the order of `AppState._report`)."""
        if outcome is None:
            return
        self._clear_messages()
        if outcome.signed_out or (followed is not None and followed.signed_out):
            self._forget()
            self.error = self._text("portal_quote.sign_in_first")
            return
        refused = outcome if not outcome.ok else followed
        if refused is not None and not refused.ok:
            if refused.field:
                self.field_errors = {refused.field: refused.error}
            if not (refused.field and refused.beside_field_only):
                self.error = refused.error
        if outcome.ok and done is not None:
            self.message = (done(outcome.value) if callable(done) else self._text(done)) or ""

    def _ready_to_price(self) -> bool:
        return bool(self.line_code and self.sum_insured and self.start_date)

    async def _line_tariff(self) -> Outcome:
        return await self._in_thread(portal_quotes.form_tariff)

    def _input(self) -> portal_quotes.PortalQuoteInput:
        return portal_quotes.PortalQuoteInput(
            line_code=self.line_code,
            sum_insured=self.sum_insured,
            start_date=self.start_date,
            end_date=self.end_date or None,
            values=dict(self.values),
        )

    def _preview(self) -> Outcome | None:
        self.price_rows, self.worksheet = [], []
        if not self._ready_to_price():
            return None
        return self._priced(self._run(portal_quotes.preview, self._input()))

    async def _repriced(self) -> Outcome | None:
        """`_preview` with the pricing off the event loop (`_in_thread`)."""
        self.price_rows, self.worksheet = [], []
        if not self._ready_to_price():
            return None
        return self._priced(await self._in_thread(portal_quotes.preview, self._input()))

    async def _in_thread(self, service: Callable[..., Any], *args: Any) -> Outcome:
        """`_run` in a worker thread, the customer's session check included: the event loop
        serves other tabs meanwhile. The thread gets plain arguments only."""
        return await in_thread(run_for_token, self._token(), self._lang(), service, *args)

    def _priced(self, found: Outcome) -> Outcome:
        found = found.quietly()
        if found.ok:
            r = found.value
            self._show_price(r.net_premium, r.taxes, r.gross_premium, r.worksheet, r.needs_approval)
        return found

    def _line_name(self, code: str) -> str:
        return next((name for c, name in self.line_options if c == code), code)

    def _quote_dict(self, q: portal_quotes.PortalQuote) -> dict[str, str]:
        status = (
            self._text("portal_quote.status.policy", policy=q.policy_number)
            if q.policy_number is not None
            else self._text(f"portal_quote.status.{q.status}")
        )
        return {
            "number": str(q.number),
            "date": clock.format_date(q.quote_date),
            "valid_until": clock.format_date(q.valid_until),
            "line": self._line_name(q.line_code),
            "gross": format_try(q.gross_premium),
            "status": status,
        }

    def _request_dict(self, r: portal_requests.MyRequest) -> dict[str, str]:
        note = r.reason
        if r.policy_number is not None:
            note = self._text("portal_request.policy_note", policy=r.policy_number)
        return {
            "id": str(r.id),
            "date": clock.format_date(r.created_at),
            "quote_number": str(r.quote_number),
            "line": self._line_name(r.line_code),
            "gross": format_try(r.gross_premium),
            "status": self._text(f"portal_request.status.{r.status}"),
            "note": note,
        }

    def _reload_lists(self) -> Outcome:
        def both(db, portal):  # noqa: ANN001, ANN202
            return (
                portal_quotes.my_quotes(db, portal),
                portal_requests.my_requests(db, portal),
            )

        found = self._run(both)
        if found.ok:
            made, asked = found.value
            self.my_quotes = [self._quote_dict(q) for q in made]
            self.my_requests = [self._request_dict(r) for r in asked]
        return found

    # ------------------------------------------------------------ events

    @rx.event
    async def load(self):
        self._forget()
        self._clear_messages()
        # The staff form's pieces read the staff catalogue: it follows the portal's language.
        staff = await self.get_state(SessionState)
        if staff.lang_pref != self._lang():
            staff.lang_pref = self._lang()
        portal = self._signed_in_customer()
        if portal is None:
            self._report(Outcome(False, signed_out=True))
            return
        found = run_as_customer(portal, self._lang(), portal_quotes.form_tariff)
        if found.ok:
            self._set_tariff_options(found.value)
            self.start_date = clock.today().isoformat()
            self.customer = {"name": portal.name, "number": str(portal.customer_number)}
            self.form_key += 1
        self._report(found, self._reload_lists())

    @rx.event
    def save(self):
        saved = self._run(portal_quotes.save, self._input())
        if saved.ok:
            self.quote_number = str(saved.value.number)
            self.request_key += 1
        self._report(saved, self._reload_lists() if saved.ok else None, self._saved_text)

    def _saved_text(self, q: portal_quotes.PortalQuote) -> str:
        key = "portal_quote.saved" if q.status == "approved" else "portal_quote.saved_awaiting"
        return self._text(key, number=q.number, date=q.valid_until)

    @rx.event
    def ask_for_policy(self, form: dict):
        number = str(form.get("quote_number", "") if isinstance(form, dict) else "")
        number = number.strip()[:MAX_NUMBER]
        asked = self._run(
            portal_requests.ask_for_policy, number, source=self.router.session.client_ip
        )
        if asked.ok:
            self.quote_number = ""
            self.request_key += 1
        else:
            self.quote_number = number
        self._report(asked, self._reload_lists() if asked.ok else None, self._asked_text)

    def _asked_text(self, r: portal_requests.MyRequest) -> str:
        return self._text("portal_request.asked", request=r.id, number=r.quote_number)

    # The staff form's customer box is not on the portal: the customer is the signed-in
    # record. These inherited events are reachable from any browser, so they refuse.

    @rx.event
    def search_customers(self, form: dict):  # noqa: ARG002
        return

    @rx.event
    def pick_customer(self, customer_id: str):  # noqa: ARG002
        return

    @rx.event
    def toggle_new_customer(self):
        return

    @rx.event
    def create_customer(self, form: dict):  # noqa: ARG002
        return
