"""Onay Kuyruğu: quotes (paged), policies and endorsements awaiting this approver's
decision, oldest first."""

from __future__ import annotations

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.lines import known_lines
from iztim_app.core.money import format_try
from iztim_app.core.policies import rules as policy_rules
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import services as quotes
from iztim_app.states import policy_views
from iztim_app.states.quote_views import row_dict
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20
OTHERS_SHOWN = 50  # awaiting policies / endorsements shown beside the quotes


class ApprovalState(PagedList, AppState):
    rows: list[dict[str, str]] = []
    policy_rows: list[dict[str, str]] = []
    policies_total: int = 0
    endorsement_rows: list[dict[str, str]] = []
    endorsements_total: int = 0

    def _fetch_others(self) -> Outcome:
        """Awaiting policies and endorsements this approver may decide (head office only)."""
        lang = self.lang_pref

        def _queues(db, actor):  # noqa: ANN001
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            if not (
                actor.can("policy.approve")
                and policy_rules.is_head_office(actor.office_kind, actor.is_agency)
            ):
                return names, None, None
            return (
                names,
                policies.approval_queue(db, actor, 1, OTHERS_SHOWN),
                endorsements.endorsement_queue(db, actor, 1, OTHERS_SHOWN),
            )

        found = self._call(_queues)
        if found.ok:
            names, held, changes = found.value
            if held is not None:
                self.policy_rows = [policy_views.row_dict(r, lang, names) for r in held.rows]
                self.policies_total = held.total
            if changes is not None:
                self.endorsement_rows = [
                    {
                        "label": e.label,
                        "number": str(e.policy_number),
                        "kind": self._text(f"endorsement.kind.{e.kind}"),
                        "line": names.get(e.line_code, e.line_code),
                        "customer": e.customer_name,
                        "effective_date": clock.format_date(e.effective_date),
                        "sum_insured_after": format_try(e.sum_insured_after),
                        "gross_change": format_try(e.gross_change),
                        "prepared_by": e.prepared_by,
                    }
                    for e in changes.rows
                ]
                self.endorsements_total = changes.total
        return found

    def _fetch(self) -> Outcome:
        lang = self.lang_pref

        def _queue(db, actor):  # noqa: ANN001
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            return names, quotes.approval_queue(db, actor, self.page, PAGE_SIZE)

        found = self._call(_queue)
        if found.ok:
            names, result = found.value
            self.rows = [row_dict(r, lang, names) for r in result.rows]
            self._set_pager(result)
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        found = self._fetch()
        self._report(found, self._fetch_others() if found.ok else None)
