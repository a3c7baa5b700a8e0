"""Is this process fit to serve? The database answers a trivial query and its Alembic
revision is this code's head (the load balancer's health check, `GET /api/v1/health`).

A load balancer asks often and must get an answer quickly, also while the database is down,
so a check never uses the app's pool (it may be exhausted, and waits long for a
connection): it opens a fresh connection of its own (no pool) with a 2 s connect timeout
and, on PostgreSQL, a 2 s statement timeout. A missing SQLite file is "unreachable", never
created. The code's head is read once per process (it only changes with a new release);
the database's revision is read on every check (a deploy step moves it).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from iztim_app.core import schema
from iztim_app.core.settings import settings

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2

OK = "ok"
UNREACHABLE = "database_unreachable"
BEHIND = "migrations_behind"  # the database is at an older revision (or none): upgrade it
UNKNOWN = "migrations_unknown"  # a revision this code does not know (a newer release's?)


@dataclass(frozen=True)
class Health:
    """The outcome of one check. `current` is None when the database could not be read."""

    problem: str  # OK or one of the problems above
    current: str | None
    head: str

    @property
    def ok(self) -> bool:
        return self.problem == OK


def _joined(revisions: tuple[str, ...] | list[str]) -> str:
    return ",".join(sorted(revisions))


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(schema.alembic_config())


@lru_cache(maxsize=1)
def code_head() -> str:
    """This code's Alembic head(s), comma-separated (one in practice); read once."""
    return _joined(schema.current_heads())


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def _sqlite_creator(path: str):  # noqa: ANN202
    """Opens an existing file read-write; a missing one is an error (mode=rw), not created."""
    uri = f"file:{quote(path)}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=TIMEOUT_SECONDS, check_same_thread=False)

    return connect


@lru_cache(maxsize=8)
def probe_engine(url: str) -> sa.Engine:
    """An engine for checks only: no pool, every connect bounded."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if path and path != ":memory:" and not path.startswith("file:"):
            return sa.create_engine(url, poolclass=NullPool, creator=_sqlite_creator(path))
        return sa.create_engine(url, poolclass=NullPool)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(
            url, poolclass=NullPool, connect_args={"connect_timeout": TIMEOUT_SECONDS}
        )
    return sa.create_engine(url, poolclass=NullPool)


def _database_revisions(url: str) -> tuple[str, ...]:
    engine = probe_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # SET LOCAL, not a startup option: it also works through a pooler (pgbouncer)
            conn.execute(sa.text(f"SET LOCAL statement_timeout = '{TIMEOUT_SECONDS}s'"))
        conn.execute(sa.text("SELECT 1"))
        return tuple(MigrationContext.configure(conn).get_current_heads())


def check(url: str | None = None) -> Health:
    """The database and its revision, within a few seconds whatever the database does."""
    head = code_head()
    try:
        revisions = _database_revisions(url or settings.database_url)
    except Exception as exc:  # noqa: BLE001 - whatever fails, the database is not usable
        # the exception's class only: a driver's message may carry the URL (and a password)
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        return Health(UNREACHABLE, None, head)
    current = _joined(revisions) or None  # None: never migrated (no alembic_version)
    if current == head:
        return Health(OK, current, head)
    if revisions and not all(_known(r) for r in revisions):
        return Health(UNKNOWN, current, head)
    return Health(BEHIND, current, head)
