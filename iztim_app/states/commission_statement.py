"""Raporlar → Komisyon ekstresi: one agency's commission entries between two days (paged on
the server), totals per line and overall, and the statement as PDF / CSV / Excel, made in
a background event outside the state lock."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.commissions import services as commissions
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.lines import known_lines
from iztim_app.core.money import format_try
from iztim_app.states.session import AppState, Outcome, PagedList, run_as

PAGE_SIZE = 50
FORMATS = ("pdf", "csv", "xlsx")


def _text(value: object, limit: int) -> str:
    return str(value if value is not None else "")[:limit]


def _made(db, actor, office, date_from, date_to, fmt, lang):  # noqa: ANN001, ANN202
    """The file, as the user behind the session (run by `run_as` in a thread)."""
    if fmt == "pdf":
        return commissions.statement_pdf(db, actor, office, date_from, date_to, lang)
    return commissions.statement_export(db, actor, office, date_from, date_to, fmt, lang)


class CommissionStatementState(AppState, PagedList):
    agency_options: list[list[str]] = []  # [id, name]
    office_id: str = ""
    date_from: str = ""
    date_to: str = ""
    shown: bool = False  # a statement is on screen (downloads offered)
    agency_name: str = ""
    period: str = ""
    rows: list[dict[str, str]] = []
    by_line: list[dict[str, str]] = []
    totals: dict[str, str] = {}
    making: str = ""  # the format being made in the background
    _by_field: dict[str, str] = {}  # a refused statement's problems, beside their fields

    def _fetch(self) -> Outcome:
        lang, office, start, end, page = (
            self.lang_pref,
            self.office_id,
            self.date_from,
            self.date_to,
            self.page,
        )
        by_field: dict[str, str] = {}

        def _statement(db, actor):  # noqa: ANN001
            names = {code: info.name(lang) for code, info in known_lines(db).items()}
            try:
                return names, commissions.statement(db, actor, office, start, end, page, PAGE_SIZE)
            except ValidationFailed as exc:
                for p in getattr(exc, "problems", None) or (exc,):
                    if p.field and p.field not in by_field:
                        by_field[p.field] = i18n.error_text(p, lang)
                raise

        found = self._call(_statement)
        if not found.ok:
            self.shown = False
            self.rows, self.by_line, self.totals = [], [], {}
            if by_field:
                self._by_field = by_field
            return found
        names, head = found.value
        self._set_pager(head.entries)
        self.shown = True
        self.agency_name = head.office_name
        self.period = f"{clock.format_date(head.date_from)} – {clock.format_date(head.date_to)}"
        self.rows = [
            {
                "label": e.label,
                "kind": self._text(f"commission.doc_{e.document}"),
                "day": clock.format_date(e.day),
                "line": names.get(e.line_code, e.line_code),
                "customer": e.customer_name,
                "customer_id": e.customer_id_masked,
                "base_net": format_try(e.base_net),
                "rate": commissions.format_rate(e.rate),
                "amount": format_try(e.amount),
            }
            for e in head.entries.rows
        ]
        self.by_line = [
            {
                "line": names.get(t.line_code, t.line_code),
                "count": str(t.count),
                "base_net": format_try(t.base_net),
                "amount": format_try(t.amount),
            }
            for t in head.by_line
        ]
        self.totals = {
            "count": str(head.count),
            "base_net": format_try(head.base_net),
            "amount": format_try(head.total),
        }
        return found

    def _show(self) -> None:
        self._by_field = {}
        outcome = self._fetch()
        self._report(outcome)
        if not outcome.ok and self._by_field:
            self.field_errors = dict(self._by_field)

    @rx.event
    def load(self):
        self._fresh_screen()
        today = clock.today()
        self.date_from = today.replace(day=1).isoformat()
        self.date_to = today.isoformat()
        found = self._call(lambda db, actor: commissions.agency_options(db, actor))
        if not found.ok:
            self._report(found)
            return
        self.agency_options = [[str(a.id), a.name] for a in found.value]
        if len(self.agency_options) == 1:  # an agency user: their own agency, fixed
            self.office_id = self.agency_options[0][0]
            self._show()
        else:
            self._report(found)

    @rx.event
    def apply(self, form: dict):
        if not isinstance(form, dict):
            return
        if "office_id" in form:
            self.office_id = _text(form.get("office_id"), 12)
        self.date_from = _text(form.get("date_from"), 10)
        self.date_to = _text(form.get("date_to"), 10)
        self.page = 1
        self._show()

    @rx.event
    def last_month(self):
        """The previous calendar month: the usual statement period."""
        first = clock.today().replace(day=1)
        self.date_to = (first - timedelta(days=1)).isoformat()
        self.date_from = (first - timedelta(days=1)).replace(day=1).isoformat()
        self.page = 1
        self._show()

    @rx.event
    def download(self, fmt: str):
        """Starts making the file (PDF, CSV or Excel) of the statement on screen."""
        fmt = _text(fmt, 8)
        if fmt not in FORMATS or not self.shown or self.making:
            return
        self.making = fmt
        return CommissionStatementState.download_in_background

    @rx.event(background=True)
    async def download_in_background(self):
        async with self:
            fmt = self.making
            if fmt not in FORMATS:
                self.making = ""
                return
            token, lang = self._token(), self.lang_pref
            args = (self.office_id, self.date_from, self.date_to, fmt, lang)
        try:
            outcome = await rx.run_in_thread(partial(run_as, token, lang, _made, *args))
        finally:
            async with self:
                self.making = ""
        async with self:
            self._report(outcome)
            if outcome.ok:
                made = outcome.value
                return rx.download(
                    data=bytes(made.content), filename=made.filename, mime_type=made.mime
                )
        return None
