"""Quote statistics between two dates: by line and individual/corporate, with a chart."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.dates import parse_date
from iztim_app.core.lines import known_lines
from iztim_app.core.money import ZERO, format_number, format_try
from iztim_app.core.quotes import services as quotes
from iztim_app.states.session import AppState, Outcome


def _rate(part: int, whole: int) -> str:
    """Conversion as `%12,5`, the Turkish way of writing a percentage."""
    if not whole:
        return "—"
    return "%" + format_number(Decimal(part) * 100 / Decimal(whole), 1)


class QuoteStatsState(AppState):
    date_from: str = ""
    date_to: str = ""
    rows: list[dict[str, str]] = []
    chart: list[dict[str, str | int]] = []
    totals: dict[str, str] = {}

    def _fetch(self) -> Outcome:
        lang = self.lang_pref
        start, end = self.date_from, self.date_to

        def _stats(db, actor):  # noqa: ANN001
            names = {code: line.name(lang) for code, line in known_lines(db).items()}
            rows = quotes.statistics(
                db,
                actor,
                parse_date(start, "date_from", required=False),
                parse_date(end, "date_to", required=False),
            )
            return names, rows

        found = self._call(_stats)
        if not found.ok:
            self.rows, self.chart, self.totals = [], [], {}
            return found
        names, rows = found.value
        self.rows = [
            {
                "line": names.get(r.line_code, r.line_code),
                "kind": self._text(f"kind.{r.customer_kind}"),
                "count": str(r.count),
                "approved": str(r.approved),
                "converted": str(r.converted),
                "rate": _rate(r.converted, r.count),
                "sum_insured": format_try(r.sum_insured),
                "net": format_try(r.net_premium),
                "gross": format_try(r.gross_premium),
            }
            for r in rows
        ]
        by_line: dict[str, list[Decimal]] = {}
        for r in rows:
            entry = by_line.setdefault(names.get(r.line_code, r.line_code), [ZERO, ZERO])
            entry[0 if r.customer_kind == "individual" else 1] += r.net_premium
        # Chart values are whole liras: a bar's height needs no kuruş.
        self.chart = [
            {"line": line, "individual": int(v[0]), "corporate": int(v[1])}
            for line, v in by_line.items()
        ]
        self.totals = {
            "count": str(sum(r.count for r in rows)),
            "approved": str(sum(r.approved for r in rows)),
            "converted": str(sum(r.converted for r in rows)),
            "rate": _rate(sum(r.converted for r in rows), sum(r.count for r in rows)),
            "sum_insured": format_try(sum((r.sum_insured for r in rows), ZERO)),
            "net": format_try(sum((r.net_premium for r in rows), ZERO)),
            "gross": format_try(sum((r.gross_premium for r in rows), ZERO)),
        }
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        today = clock.today()
        self.date_from = (today - timedelta(days=365)).isoformat()
        self.date_to = today.isoformat()
        self._report(self._fetch())

    @rx.event
    def apply(self, form: dict):
        self.date_from = str(form.get("date_from", ""))[:10]
        self.date_to = str(form.get("date_to", ""))[:10]
        self._report(self._fetch())
