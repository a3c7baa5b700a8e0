"""Poliçeler: the policy list with its filters, paged on the server."""

from __future__ import annotations

import reflex as rx

from iztim_app.core.dates import parse_date
from iztim_app.core.lines import known_lines
from iztim_app.core.policies import services as policies
from iztim_app.states.policy_views import STATUSES, row_dict
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20
FILTER_KEYS = ("number", "customer", "line", "status", "date_from", "date_to", "preparer")


class PolicyListState(PagedList, AppState):
    filters: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    line_options: list[list[str]] = []
    status_options: list[list[str]] = []

    def _fetch(self) -> Outcome:
        f = self.filters
        lang = self.lang_pref

        def _list(db, actor):  # noqa: ANN001
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            flt = policies.PolicyFilter(
                number=f.get("number", ""),
                customer=f.get("customer", ""),
                line=f.get("line", ""),
                status=f.get("status", ""),
                date_from=parse_date(f.get("date_from"), "date_from", required=False),
                date_to=parse_date(f.get("date_to"), "date_to", required=False),
                preparer=f.get("preparer", ""),
            )
            return names, policies.list_policies(db, actor, flt, self.page, PAGE_SIZE)

        found = self._call(_list)
        if not found.ok:
            self.rows = []
            return found
        names, result = found.value
        everything = [["", self._text("quote.filter_all")]]
        self.line_options = everything + [[c, n] for c, n in names.items()]
        self.status_options = everything + [[s, self._text(f"policy_status.{s}")] for s in STATUSES]
        self.rows = [row_dict(r, lang, names) for r in result.rows]
        self._set_pager(result)
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        # Links open the list filtered: by status (`?durum=`), by customer (`?musteri=`).
        params = self.router.url.query_parameters
        status = str(params.get("durum", ""))
        if status in STATUSES:
            self.filters = {"status": status}
        customer = str(params.get("musteri", ""))[:64]
        if customer:
            self.filters = {**self.filters, "customer": customer}
        self._report(self._fetch())

    @rx.event
    def apply(self, form: dict):
        self.filters = {k: str(form.get(k, ""))[:64] for k in FILTER_KEYS}
        self.page = 1
        self._report(self._fetch())
