"""Shared database fixtures: a fresh, migrated SQLite database for each test.

Alembic runs once per test session into a template file; each test gets its own copy
(a file copy costs milliseconds, a migration about a second).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from iztim_app.core import schema
from iztim_app.core.db import get_engine, session_scope

# After the run, every log is searched for card numbers, TCKNs, codes and tokens.
pytest_plugins = ["tests.security.log_guard"]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy, also of pages still in the source's WAL file."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database upgraded to the Alembic head; copy it, never write to it."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    url = sqlite_url(path)
    schema.upgrade(url)
    get_engine(url).dispose()
    return path


@pytest.fixture(scope="session")
def demo_installation_template(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path
) -> Path:
    """`iztim tariffs init` then `iztim demo load`, once per session (several seconds): the
    demo modules copy it, never write to it."""
    from iztim_app import demo
    from iztim_app.core.tariffs import versions
    from iztim_app.core.users.actor import operator_actor
    from tests.foundation.support import use_settings
    from tests.quotes.fixtures_db import SHIPPED

    path = tmp_path_factory.mktemp("demo_installation") / "demo.db"
    copy_sqlite(migrated_sqlite_template, path)
    url = sqlite_url(path)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        with session_scope(url) as db:
            assert versions.load_shipped(db, operator_actor("setup"), SHIPPED)
            assert demo.load(db) is True
        get_engine(url).dispose()
        get_engine.cache_clear()
    return path


@pytest.fixture
def sqlite_db_from(tmp_path: Path) -> Iterator[Callable[[Path], str]]:
    """Copies a template database into this test's tmp dir and returns its URL."""
    urls: list[str] = []

    def _copy(template: Path) -> str:
        target = tmp_path / f"iztim-{len(urls)}.db"
        copy_sqlite(template, target)
        urls.append(sqlite_url(target))
        return urls[-1]

    yield _copy
    for url in urls:
        get_engine(url).dispose()


@pytest.fixture
def db_url(sqlite_db_from: Callable[[Path], str], migrated_sqlite_template: Path) -> str:
    """A fresh, empty, migrated SQLite database for this test."""
    return sqlite_db_from(migrated_sqlite_template)


@pytest.fixture
def db(db_url: str) -> Iterator[Session]:
    with session_scope(db_url) as session:
        yield session


# PostgreSQL fixtures (`pg_empty_url`, `pg_db_url`) for tests marked `postgres`.
from tests.postgres import pg_db_url, pg_empty_url, pg_migrated_template  # noqa: E402,F401


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """The same test on a fresh migrated SQLite file and on a fresh migrated PostgreSQL db."""
    if request.param == "sqlite":
        return request.getfixturevalue("db_url")
    return request.getfixturevalue("pg_db_url")
