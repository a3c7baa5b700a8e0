"""A database of either engine holding `world.Docs`, with the app's settings pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.outbox.models import OutboxMessage
from tests.foundation.support import use_settings
from tests.printing.world import Docs, make_docs
from tests.quotes.fixtures_db import SHIPPED

NOT_PRINTABLE_TAIL = (
    "Yalnız onaylı belgeler (teklifte süresi dolmamış, poliçede güncel sürüm) yazdırılır."
)


def not_printable(document: str, status: str) -> str:
    return (
        f"{document} yazdırılamaz ve e-postayla gönderilemez: durumu “{status}”. "
        + NOT_PRINTABLE_TAIL
    )


@dataclass
class Printing:
    url: str
    db: Session
    docs: Docs


@pytest.fixture
def printing(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Printing]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED, smtp_host="")
    with session_scope(url) as db:
        yield Printing(url, db, make_docs(db))
    get_engine.cache_clear()


def audit_rows(db: Session, *actions: str) -> list[tuple[str, str, str, str, dict | None]]:
    db.expire_all()
    rows = db.exec(
        select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
    ).all()
    result = [(e.action, e.entity_type, e.entity_id, e.actor_code, e.after) for e in rows]
    db.rollback()
    return result


def outbox_rows(db: Session) -> list[tuple[str, int, int | None, str, str, str]]:
    db.expire_all()
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    result = [
        (m.document_type, m.document_number, m.document_seq, m.recipient, m.status, m.created_by)
        for m in rows
    ]
    db.rollback()
    return result
