"""Yönetim → Denetim kaydı: the audit trail with filters, paged on the server."""

import json

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.dates import parse_date
from iztim_app.states.session import AppState, Outcome, PagedList

PAGE_SIZE = 25


def _compact(value) -> str:  # noqa: ANN001
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)[:400]


class AuditState(PagedList, AppState):
    filters: dict[str, str] = {}
    rows: list[dict[str, str]] = []

    def _fetch(self) -> Outcome:
        f = self.filters

        def _list(db, actor):  # noqa: ANN001
            flt = audit_log.AuditFilter(
                date_from=parse_date(f.get("date_from"), "date_from", required=False),
                date_to=parse_date(f.get("date_to"), "date_to", required=False),
                actor_code=f.get("actor_code", ""),
                action=f.get("action", ""),
                entity_type=f.get("entity_type", ""),
                entity_id=f.get("entity_id", ""),
                via=f.get("via", ""),
            )
            return audit_log.list_events(db, actor, flt, self.page, PAGE_SIZE)

        found = self._call(_list)
        if not found.ok:
            return found
        result = found.value
        self.rows = [
            {
                "at": clock.format_date(r.at),
                "actor": r.actor_code,
                "via": r.via,
                "action": r.action,
                "entity": f"{r.entity_type} #{r.entity_id}",
                "before": _compact(r.before),
                "after": _compact(r.after),
            }
            for r in result.rows
        ]
        self._set_pager(result)
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        self._report(self._fetch())

    @rx.event
    def apply(self, form: dict):
        keys = ("date_from", "date_to", "actor_code", "via", "action", "entity_type", "entity_id")
        self.filters = {k: str(form.get(k, ""))[:64] for k in keys}
        self.page = 1
        self._report(self._fetch())
