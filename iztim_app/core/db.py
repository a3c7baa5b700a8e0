"""Database engine and sessions: one engine per URL, SQLite tuned for one process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, create_engine

from iztim_app.core.settings import settings


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware timestamps on every backend (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(**kwargs) -> sa.Column:
    return sa.Column(UTCDateTime(), **kwargs)


def money_column(**kwargs) -> sa.Column:
    return sa.Column(sa.Numeric(14, 2), **kwargs)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> sa.Engine:
    url = url or settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work; services commit, anything unfinished is rolled back."""
    with Session(get_engine(url), expire_on_commit=False) as db:
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
