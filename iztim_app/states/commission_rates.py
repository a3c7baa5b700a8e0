"""Yönetim → Komisyon oranları: set a rate per agency and line from a day on; the rates
with their validity, paged on the server."""

from __future__ import annotations

import reflex as rx

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.commissions import services as commissions
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.lines import known_lines
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 25
FIELDS = ("office_id", "line_code", "rate", "valid_from")


def _text(value: object, limit: int) -> str:
    return str(value if value is not None else "")[:limit]


class CommissionRatesState(AppState, PagedList):
    agency_options: list[list[str]] = []  # [id, name]
    line_options: list[list[str]] = []  # [code, name]
    filter_office: str = ""
    rows: list[dict[str, str]] = []
    form_key: int = 0
    today: str = ""

    def _fetch(self) -> Outcome:
        lang, office, page = self.lang_pref, self.filter_office, self.page

        def _rates(db, actor):  # noqa: ANN001
            names = {code: info.name(lang) for code, info in known_lines(db).items()}
            return names, commissions.list_rates(db, actor, office or None, page, PAGE_SIZE)

        found = self._call(_rates)
        if not found.ok:
            self.rows = []
            return found
        names, result = found.value
        self._set_pager(result)
        self.rows = [
            {
                "id": str(r.id),
                "agency": r.office_name,
                "line": names.get(r.line_code, r.line_code),
                "rate": commissions.format_rate(r.rate),
                "valid_from": clock.format_date(r.valid_from),
                "valid_to": clock.format_date(r.valid_to)
                if r.valid_to
                else self._text("commission.open_ended"),
                "status": self._text(
                    "commission.in_force"
                    if r.in_force
                    else "commission.upcoming"
                    if r.valid_from > clock.today()
                    else "commission.expired"
                ),
                "set_by": r.created_by,
            }
            for r in result.rows
        ]
        return found

    def _load_options(self) -> Outcome:
        lang = self.lang_pref

        def _options(db, actor):  # noqa: ANN001
            names = {code: info.name(lang) for code, info in known_lines(db).items()}
            return commissions.agency_options(db, actor), names

        found = self._call(_options)
        if found.ok:
            agencies, names = found.value
            self.agency_options = [[str(a.id), a.name] for a in agencies]
            self.line_options = [[code, name] for code, name in names.items()]
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        self.today = clock.today().isoformat()
        options = self._load_options()
        if not options.ok:
            self._report(options)
            return
        self._report(self._fetch())

    @rx.event
    def apply_filter(self, form: dict):
        if not isinstance(form, dict):
            return
        self.filter_office = _text(form.get("office_id"), 12)
        self.page = 1
        self._report(self._fetch())

    @rx.event
    def save_rate(self, form: dict):
        """Saves the rate; every problem of the form is shown beside its field."""
        if not isinstance(form, dict):
            return
        office, line = _text(form.get("office_id"), 12), _text(form.get("line_code"), 32)
        rate, valid_from = _text(form.get("rate"), 20), _text(form.get("valid_from"), 10)
        lang = self.lang_pref
        by_field: dict[str, str] = {}

        def _save(db, actor):  # noqa: ANN001
            try:
                return commissions.set_rate(db, actor, office, line, rate, valid_from)
            except ValidationFailed as exc:
                for p in getattr(exc, "problems", None) or (exc,):
                    if p.field in FIELDS and p.field not in by_field:
                        by_field[p.field] = i18n.error_text(p, lang)
                raise

        saved = self._call(_save)
        if not saved.ok:
            self._report(saved)
            if by_field:
                self.field_errors = by_field
            return
        names = dict(self.line_options)
        self.form_key += 1
        self._report(
            saved,
            self._fetch(),
            done=lambda r: self._text(
                "commission.rate_saved",
                agency=r.office_name,
                line=names.get(r.line_code, r.line_code),
                from_day=clock.format_date(r.valid_from),
                rate=commissions.format_rate(r.rate),
            ),
        )
