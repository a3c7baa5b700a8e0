"""Onay Kuyruğu: quotes awaiting this approver's decision, oldest first."""

from __future__ import annotations

import reflex as rx

from iztim_app.core.lines import known_lines
from iztim_app.core.quotes import services as quotes
from iztim_app.states.quote_views import row_dict
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20


class ApprovalState(PagedList, AppState):
    rows: list[dict[str, str]] = []

    def _fetch(self) -> Outcome:
        lang = self.lang_pref

        def _queue(db, actor):  # noqa: ANN001
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            return names, quotes.approval_queue(db, actor, self.page, PAGE_SIZE)

        found = self._call(_queue)
        if found.ok:
            names, result = found.value
            self.rows = [row_dict(r, lang, names) for r in result.rows]
            self.page, self.pages, self.total = result.page, result.pages, result.total
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        self._report(self._fetch())
