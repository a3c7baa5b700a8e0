"""/portal-talepleri: customers' requests for a policy from a quote, in the staff user's
scope (paged). "Poliçeye dönüştür" opens the normal policy form from the quote
(`/policeler/yeni?teklif=N`); "Reddet" asks for a reason."""

from __future__ import annotations

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.lines import known_lines
from iztim_app.core.money import format_try
from iztim_app.core.portal import requests as portal_requests
from iztim_app.states.quote_views import STATUS_COLORS
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 20
REQUEST_COLORS = {"open": "amber", "done": "green", "rejected": "red"}


class PortalRequestsState(PagedList, AppState):
    rows: list[dict[str, str]] = []
    status: str = "open"
    status_options: list[list[str]] = []
    rejecting: str = ""  # the request whose reason is being written
    reject_key: int = 0

    def _row(self, r: portal_requests.RequestRow, names: dict[str, str]) -> dict[str, str]:
        note = r.reason
        if r.policy_number is not None:
            note = self._text("portal_request.policy_note", policy=r.policy_number)
        return {
            "id": str(r.id),
            "date": clock.format_date(r.created_at),
            "customer": f"{r.customer_name} ({r.customer_number})",
            "quote_number": str(r.quote_number),
            "line": names.get(r.line_code, r.line_code),
            "sum_insured": format_try(r.sum_insured),
            "gross": format_try(r.gross_premium),
            "valid_until": clock.format_date(r.valid_until),
            "quote_status": self._text(f"quote_status.{r.quote_status}"),
            "quote_color": STATUS_COLORS.get(r.quote_status, "gray"),
            "status": self._text(f"portal_request.status.{r.status}"),
            "color": REQUEST_COLORS.get(r.status, "gray"),
            "note": note,
            "decided_by": r.decided_by,
            "open": "1" if r.status == "open" else "",
            "convert": "1" if r.can_convert else "",
        }

    def _fetch(self) -> Outcome:
        lang, status, page = self.lang_pref, self._status_filter(), self.page

        def _queue(db, actor):  # noqa: ANN001, ANN202
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            return names, portal_requests.queue(db, actor, status=status, page=page, size=PAGE_SIZE)

        found = self._call(_queue)
        if found.ok:
            names, result = found.value
            self.rows = [self._row(r, names) for r in result.rows]
            self._set_pager(result)
        else:
            self.rows = []
        return found

    def _options(self) -> None:
        self.status_options = [
            [s, self._text(f"portal_request.status.{s}")] for s in ("open", "done", "rejected")
        ] + [["all", self._text("portal_requests.all")]]

    @rx.event
    def load(self):
        self._fresh_screen()
        self._options()
        self._report(self._fetch())

    @rx.event
    def set_status(self, value: str):
        value = str(value)
        self.status = value if value in ("open", "done", "rejected") else "all"
        self.page = 1
        self.rejecting = ""
        self._report(self._fetch())

    def _status_filter(self) -> str:
        return "" if self.status == "all" else self.status

    @rx.event
    def start_reject(self, request_id: str):
        self.rejecting = str(request_id)[:20]
        self.reject_key += 1
        self._clear_messages()

    @rx.event
    def cancel_reject(self):
        self.rejecting = ""
        self._clear_messages()

    @rx.event
    def reject(self, form: dict):
        reason = str(form.get("reason", "") if isinstance(form, dict) else "")[:1000]
        done = self._act(
            portal_requests.reject,
            self.rejecting,
            reason,
            then=lambda _: self._fetch(),
            done=lambda r: self._text("portal_requests.rejected", request=r.id),
        )
        if done.ok:
            self.rejecting = ""
