"""Maintaining the office tree (IT staff, `user.manage`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.organisation.models import ALLOWED_PARENTS, AgencyKind, Office, OfficeKind
from iztim_app.core.users.actor import Actor

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$")


@dataclass(frozen=True)
class OfficeRow:
    id: int
    code: str
    name: str
    kind: str
    agency_kind: str
    parent_id: int | None
    parent_name: str
    depth: int
    active: bool


def _snapshot(office: Office) -> dict:
    return {
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "agency_kind": office.agency_kind,
        "parent_id": office.parent_id,
        "active": office.active,
    }


def list_offices(db: Session, actor: Actor) -> list[OfficeRow]:
    """The whole tree in tree order for admins and report readers; otherwise own office."""
    actor.require_ready()
    offices = db.exec(select(Office).order_by(Office.path)).all()
    if not (actor.can("user.manage") or actor.can("report.view")) or actor.is_agency:
        offices = [o for o in offices if o.id == actor.office_id]
    names = {o.id: o.name for o in db.exec(select(Office)).all()}
    return [
        OfficeRow(
            id=o.id,
            code=o.code,
            name=o.name,
            kind=o.kind,
            agency_kind=o.agency_kind or "",
            parent_id=o.parent_id,
            parent_name=names.get(o.parent_id, ""),
            depth=o.path.count("/") - 2,
            active=o.active,
        )
        for o in offices
    ]


def _validate(
    db: Session, code: str, name: str, kind: str, parent_id: int | None, agency_kind: str | None
):
    code = (code or "").strip()
    name = (name or "").strip()
    if not CODE_RE.match(code):
        raise ValidationFailed("office.code_invalid", field="code")
    if not name:
        raise ValidationFailed("error.required", field="name")
    try:
        office_kind = OfficeKind(kind)
    except ValueError:
        raise ValidationFailed("office.kind_invalid", field="kind") from None
    parent = db.get(Office, int(parent_id)) if parent_id not in (None, "", 0) else None
    if parent_id not in (None, "", 0) and parent is None:
        raise ValidationFailed("office.parent_invalid", field="parent_id")
    allowed = ALLOWED_PARENTS[office_kind]
    if (parent is None and allowed) or (
        parent is not None and OfficeKind(parent.kind) not in allowed
    ):
        raise ValidationFailed("office.parent_invalid", field="parent_id")
    if office_kind is OfficeKind.AGENCY:
        try:
            agency_kind = AgencyKind(agency_kind or "").value
        except ValueError:
            raise ValidationFailed("office.agency_kind_invalid", field="agency_kind") from None
    else:
        agency_kind = None
    return code, name, office_kind, parent, agency_kind


def create_office(
    db: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: str,
    parent_id: int | None,
    agency_kind: str | None = None,
) -> OfficeRow:
    actor.require("user.manage")
    code, name, office_kind, parent, agency_kind = _validate(
        db, code, name, kind, parent_id, agency_kind
    )
    if (
        office_kind is OfficeKind.HEAD_OFFICE
        and db.exec(select(Office).where(Office.kind == OfficeKind.HEAD_OFFICE.value)).first()
    ):
        raise Conflict("office.single_head_office")
    if db.exec(select(Office).where(Office.code == code)).first():
        raise Conflict("office.code_taken", code=code)
    office = Office(
        code=code,
        name=name,
        kind=office_kind.value,
        agency_kind=agency_kind,
        parent_id=parent.id if parent else None,
        created_at=clock.utcnow(),
    )
    db.add(office)
    db.flush()
    office.path = f"{parent.path if parent else '/'}{office.id}/"
    audit_log.record(db, actor, "office.create", "office", office.id, None, _snapshot(office))
    db.commit()
    return next(r for r in list_offices(db, actor) if r.id == office.id)


def update_office(db: Session, actor: Actor, office_id: int, *, name: str, active: bool) -> None:
    """Rename or (de)activate; moving an office would re-scope its records, so it is not offered."""
    actor.require("user.manage")
    office = db.get(Office, office_id)
    if office is None:
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("error.required", field="name")
    before = _snapshot(office)
    office.name = name
    office.active = bool(active)
    after = _snapshot(office)
    if before != after:
        audit_log.record(db, actor, "office.update", "office", office.id, before, after)
    db.commit()
