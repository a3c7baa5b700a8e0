"""Yenilemeler: policies ending in a date range with their renewal state; the renewal action."""

from __future__ import annotations

from datetime import timedelta

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.dates import parse_date
from iztim_app.core.lines import known_lines
from iztim_app.core.renewals import services as renewals
from iztim_app.core.renewals.rules import WINDOW_DAYS
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20
FILTER_KEYS = ("date_from", "date_to")


class RenewalsState(PagedList, AppState):
    filters: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    claim_free: bool = True

    def _fetch(self) -> Outcome:
        f = self.filters
        lang = self.lang_pref

        def _list(db, actor):  # noqa: ANN001
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            date_from = parse_date(f.get("date_from"), "date_from")
            date_to = parse_date(f.get("date_to"), "date_to")
            found = renewals.renewals_list(db, actor, date_from, date_to, self.page, PAGE_SIZE)
            return names, found

        found = self._call(_list)
        if not found.ok:
            self.rows = []
            return found
        names, result = found.value
        self.rows = [
            {
                "number": str(r.number),
                "line": names.get(r.line_code, r.line_code),
                "customer": r.customer_name,
                "end": clock.format_date(r.end_date),
                "state": r.state,
                "state_text": self._text(f"renewal_state.{r.state}"),
                "quote": str(r.renewal_quote_number or ""),
                "renewal": str(r.renewal_policy_number or ""),
                "can_renew": "1" if r.can_renew else "",
            }
            for r in result.rows
        ]
        self._set_pager(result)
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        today = clock.today()
        self.filters = {
            "date_from": today.isoformat(),
            "date_to": (today + timedelta(days=WINDOW_DAYS)).isoformat(),
        }
        self._report(self._fetch())

    @rx.event
    def apply(self, form: dict):
        self.filters = {k: str(form.get(k, ""))[:32] for k in FILTER_KEYS}
        self.page = 1
        self._report(self._fetch())

    @rx.event
    def set_claim_free(self, value):  # noqa: ANN001
        self.claim_free = value is True or str(value).lower() in {"true", "on", "1"}

    @rx.event
    def renew(self, number):  # noqa: ANN001
        """A renewal quote for the policy; the list then shows it as quote given."""
        self._act(
            renewals.renew,
            str(number)[:16],
            claim_free=bool(self.claim_free),
            then=lambda _: self._fetch(),
            done=lambda quote: self._text("renewal.offered", quote=quote.number),
        )
