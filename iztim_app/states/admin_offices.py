"""Yönetim → Ofisler: the office tree."""

import reflex as rx

from iztim_app.core.organisation import services as offices
from iztim_app.core.organisation.models import AgencyKind, OfficeKind
from iztim_app.states.session import AppState, Outcome


class OfficesState(AppState):
    rows: list[dict[str, str]] = []
    parent_options: list[list[str]] = []
    kind_options: list[list[str]] = []
    agency_kind_options: list[list[str]] = []
    form_key: int = 0

    def _show(self, rows) -> None:  # noqa: ANN001
        self.rows = [
            {
                "id": str(o.id),
                "code": o.code,
                "name": o.name,
                "indent": str(max(o.depth, 0) * 20) + "px",
                "kind": self._text(f"office_kind.{o.kind}")
                + (f" ({self._text(f'agency_kind.{o.agency_kind}')})" if o.agency_kind else ""),
                "parent": o.parent_name,
                "active": self._text("user.active" if o.active else "user.disabled"),
            }
            for o in rows
        ]
        self.parent_options = [["", "—"]] + [
            [str(o.id), f"{o.name} ({o.code})"] for o in rows if o.kind != "agency"
        ]
        self.kind_options = [[k.value, self._text(f"office_kind.{k.value}")] for k in OfficeKind]
        self.agency_kind_options = [["", "—"]] + [
            [k.value, self._text(f"agency_kind.{k.value}")] for k in AgencyKind
        ]

    @rx.event
    def load(self):
        self._fresh_screen()
        self._act(offices.list_offices, then=self._show)

    def _created(self, _office) -> Outcome:  # noqa: ANN001
        self.form_key += 1
        found = self._call(offices.list_offices)
        self._show(found.value if found.ok else [])
        return found

    @rx.event
    def create(self, form: dict):
        parent = str(form.get("parent_id", "") or "")
        self._act(
            offices.create_office,
            code=str(form.get("code", "")),
            name=str(form.get("name", "")),
            kind=str(form.get("kind", "")),
            parent_id=int(parent) if parent.isdigit() else None,
            agency_kind=str(form.get("agency_kind", "")) or None,
            then=self._created,
            done="admin.office_created",
        )
