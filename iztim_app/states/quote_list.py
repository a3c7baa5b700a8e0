"""Teklifler: the quote list with search, paged on the server."""

from __future__ import annotations

import reflex as rx

from iztim_app.core.dates import parse_date
from iztim_app.core.lines import known_lines
from iztim_app.core.quotes import services as quotes
from iztim_app.states.quote_views import row_dict
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20
STATUSES = ("awaiting_approval", "approved", "rejected", "superseded", "expired")


class QuoteListState(PagedList, AppState):
    filters: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    line_options: list[list[str]] = []
    status_options: list[list[str]] = []

    def _fetch(self) -> Outcome:
        f = self.filters
        lang = self.lang_pref

        def _list(db, actor):  # noqa: ANN001
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            flt = quotes.QuoteFilter(
                number=f.get("number", ""),
                customer=f.get("customer", ""),
                line_code=f.get("line_code", ""),
                status=f.get("status", ""),
                date_from=parse_date(f.get("date_from"), "date_from", required=False),
                date_to=parse_date(f.get("date_to"), "date_to", required=False),
                prepared_by=f.get("prepared_by", ""),
            )
            return names, quotes.list_quotes(db, actor, flt, self.page, PAGE_SIZE)

        found = self._call(_list)
        if not found.ok:
            return found
        names, result = found.value
        self.line_options = [["", self._text("quote.filter_all")]] + [
            [c, n] for c, n in names.items()
        ]
        self.status_options = [["", self._text("quote.filter_all")]] + [
            [s, self._text(f"quote_status.{s}")] for s in STATUSES
        ]
        self.rows = [row_dict(r, lang, names) for r in result.rows]
        self._set_pager(result)
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        # Links from the home screen open the list filtered by status (`?durum=`).
        status = str(self.router.url.query_parameters.get("durum", ""))
        if status in STATUSES:
            self.filters = {"status": status}
        self._report(self._fetch())

    @rx.event
    def apply(self, form: dict):
        keys = ("number", "customer", "line_code", "status", "date_from", "date_to", "prepared_by")
        self.filters = {k: str(form.get(k, ""))[:64] for k in keys}
        self.page = 1
        self._report(self._fetch())
