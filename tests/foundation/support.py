"""Helpers for the foundation tests: settings, whole-database snapshots, look-ups."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import pkgutil
import sys
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

import iztim_app.core.models  # noqa: F401  (every table in SQLModel.metadata)
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine
from iztim_app.core.organisation.models import Office
from iztim_app.core.settings import Settings
from iztim_app.core.users.actor import Actor, load_actor
from iztim_app.core.users.models import User

PBKDF2_PREFIX = "$pbkdf2-sha256$"


def import_all_of_core() -> None:
    """Every module of iztim_app.core, imported now: all tables are in SQLModel.metadata, and
    no module is first imported while use_settings() has the settings patched (it would keep
    the test's settings after the test)."""
    import iztim_app.core

    for info in pkgutil.walk_packages(iztim_app.core.__path__, "iztim_app.core."):
        importlib.import_module(info.name)


import_all_of_core()


# ---------------------------------------------------------------- settings


def use_settings(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> Settings:
    """Points every loaded iztim_app module at changed settings (monkeypatch restores them).

    Settings are read once at import and bound by name (`from … import settings`), so each
    module holding the object is patched. The engine cache is keyed on the URL argument
    (None = settings): it is cleared here, and the fixture calling this clears it again at
    teardown (see fixtures_db.app_settings).
    """
    from iztim_app.core import settings as settings_module

    new = dataclasses.replace(settings_module.settings, **changes)
    for name, module in list(sys.modules.items()):
        if (name == "iztim_app" or name.startswith("iztim_app.")) and isinstance(
            getattr(module, "settings", None), Settings
        ):
            monkeypatch.setattr(module, "settings", new)
    get_engine.cache_clear()
    return new


# ---------------------------------------------------------------- whole-database views


def table_names(url: str) -> list[str]:
    with get_engine(url).connect() as conn:
        return sorted(sa.inspect(conn).get_table_names())


def snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table, read on a fresh connection."""
    out: dict[str, tuple[int, str]] = {}
    with get_engine(url).connect() as conn:
        names = sorted(sa.inspect(conn).get_table_names())
        assert set(SQLModel.metadata.tables) <= set(names), "snapshot must cover every table"
        for name in names:
            rows = conn.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY 1').all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
            out[name] = (len(rows), digest)
    return out


def all_cell_texts(url: str) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every non-null cell of every table."""
    cells: list[tuple[str, str, str]] = []
    with get_engine(url).connect() as conn:
        for name in sorted(sa.inspect(conn).get_table_names()):
            result = conn.exec_driver_sql(f'SELECT * FROM "{name}"')
            columns = list(result.keys())
            for row in result.all():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        cells.append((name, column, str(value)))
    return cells


def assert_session_clean(db: Session) -> None:
    """Nothing half-done left in the caller's unit of work either."""
    assert not db.new and not db.dirty and not db.deleted, (db.new, db.dirty, db.deleted)


# ---------------------------------------------------------------- look-ups


def user_of(db: Session, code: str) -> User:
    db.expire_all()
    user = db.exec(select(User).where(User.code == code)).one()
    return user


def office_of(db: Session, code: str) -> Office:
    db.expire_all()
    return db.exec(select(Office).where(Office.code == code)).one()


def actor_of(db: Session, code: str) -> Actor:
    actor = load_actor(db, user_of(db, code).id)
    assert actor is not None, code
    return actor


def audit_events(db: Session, action: str | None = None) -> list[AuditEvent]:
    db.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(db.exec(query).all())


def last_audit_id(db: Session) -> int:
    db.expire_all()
    return db.exec(select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0))).one()


def audit_since(db: Session, after_id: int) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.exec(select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)).all()
    )
