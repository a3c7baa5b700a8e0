"""Müşteriler: the customers list with one search box, paged on the server."""

from __future__ import annotations

import reflex as rx

from iztim_app.core.customers import services as customers
from iztim_app.states.customer_views import group_names, row_dict
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20


class CustomerListState(PagedList, AppState):
    search: str = ""
    rows: list[dict[str, str]] = []

    def _fetch(self) -> Outcome:
        lang, search = self.lang_pref, self.search

        def _list(db, actor):  # noqa: ANN001
            page = customers.find_customers(db, actor, search, self.page, PAGE_SIZE)
            return page, group_names(db, lang)

        found = self._call(_list)
        self.rows = []  # a refused search must not keep showing the previous rows
        if not found.ok:
            return found
        result, groups = found.value
        self.rows = [row_dict(r, lang, groups) for r in result.rows]
        self._set_pager(result)
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        self._report(self._fetch())

    @rx.event
    def apply(self, form: dict):
        self.search = str(form.get("search", ""))[: customers.MAX_SEARCH]
        self.page = 1
        self._report(self._fetch())
