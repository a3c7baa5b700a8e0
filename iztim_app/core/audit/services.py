"""Writing and reading the audit trail. Writes happen inside the caller's transaction.

The trail keeps values in full; reading it masks every TCKN/VKN for users without
`customer.view_id`, so the screen and any export built on `list_events` show them masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock, dates
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.customers.identity import mask_national_ids_in
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.users.actor import Actor

SYSTEM = "system"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def record(
    db: Session,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    actor_code: str | None = None,
) -> AuditEvent:
    """Adds one audit row to the current transaction; the caller commits both together."""
    event = AuditEvent(
        **event_row(actor, action, entity_type, entity_id, before, after, actor_code=actor_code)
    )
    db.add(event)
    return event


def event_row(
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    actor_code: str | None = None,
) -> dict[str, Any]:
    """The column values of one audit row, for a caller that inserts it itself in its
    transaction (issuing writes its rows in one statement): the same row `record` adds."""
    return {
        "at": clock.utcnow(),
        "actor_id": actor.user_id if actor and actor.user_id else None,
        "actor_code": actor.code if actor else (actor_code or SYSTEM),
        "via": (actor.via or None) if actor else None,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": _jsonable(before) if before is not None else None,
        "after": _jsonable(after) if after is not None else None,
    }


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_code: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    via: str = ""  # how the user acted off the screens, e.g. "api:<token name>"; "" on them


@dataclass(frozen=True)
class AuditFilter:
    date_from: date | None = None
    date_to: date | None = None
    actor_code: str = ""
    action: str = ""
    entity_type: str = ""
    entity_id: str = ""
    via: str = ""  # part of the `via` text, any case: "api" finds every API action


def list_events(
    db: Session, actor: Actor, flt: AuditFilter, page: int = 1, size: int = 25
) -> Page[AuditRow]:
    actor.require("audit.view")
    dates.check_order(flt.date_from, flt.date_to, "date_to")
    query = select(AuditEvent)
    if flt.date_from:
        start = datetime.combine(flt.date_from, time.min, tzinfo=clock.TURKEY)
        query = query.where(AuditEvent.at >= start)
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time.min, tzinfo=clock.TURKEY)
        query = query.where(AuditEvent.at < end)
    if flt.actor_code:
        query = query.where(sa.func.lower(AuditEvent.actor_code) == flt.actor_code.strip().lower())
    if flt.action:
        query = query.where(AuditEvent.action.startswith(flt.action.strip()))
    if flt.entity_type:
        query = query.where(AuditEvent.entity_type == flt.entity_type.strip())
    if flt.entity_id:
        query = query.where(AuditEvent.entity_id == flt.entity_id.strip())
    if via := _fold(flt.via.strip()):
        query = query.where(_folded(AuditEvent.via).contains(via, autoescape=True))
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    rows, total, page, size = fetch_page(db, query, page, size)
    shown = _values_for(actor)
    return Page(
        rows=[
            AuditRow(
                e.id,
                e.at,
                e.actor_code,
                e.action,
                e.entity_type,
                e.entity_id,
                shown(e.before),
                shown(e.after),
                e.via or "",
            )
            for e in rows
        ],
        total=total,
        page=page,
        size=size,
    )


# The `via` filter ignores case and the dotted/dotless i (a token named "ERP Integration" or
# "Muhasebe YAZILIMI" is found by "integration" and "yazilimi" alike). SQL's lower() lowers
# ASCII only on SQLite and I→i on PostgreSQL, so the other letters are mapped first.
_FOLD = (
    ("İ", "i"),
    ("I", "i"),
    ("ı", "i"),
    ("Ç", "ç"),
    ("Ğ", "ğ"),
    ("Ö", "ö"),
    ("Ş", "ş"),
    ("Ü", "ü"),
)


def _fold(text: str) -> str:
    for letter, small in _FOLD:
        text = text.replace(letter, small)
    return text.lower()


def _folded(column: Any) -> Any:
    """`_fold` in SQL, the same on SQLite and PostgreSQL."""
    for letter, small in _FOLD:
        column = sa.func.replace(column, letter, small)
    return sa.func.lower(column)


def _values_for(actor: Actor):  # noqa: ANN202
    """Before/after values as this reader may see them: national ids in full only with
    `customer.view_id` (the same rule as customer lists and views)."""
    if actor.can("customer.view_id"):
        return lambda value: value
    return lambda value: None if value is None else mask_national_ids_in(value)
