"""Fixtures of the operations tests: the demo installation on SQLite (the session's
`demo_installation_template`) copied per test, and helpers that read whole databases
through the models' own column types."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from sqlmodel import SQLModel

from iztim_app.cli import main
from iztim_app.core.db import get_engine
from tests.foundation.support import use_settings
from tests.quotes.fixtures_db import SHIPPED


@pytest.fixture(scope="session")
def demo_template(demo_installation_template: Path) -> Path:
    """The demo installation as `make run` gives it (built once per session in
    tests/conftest.py); copy it, never write to it."""
    return demo_installation_template


@pytest.fixture
def demo_url(demo_template: Path, sqlite_db_from: Callable[[Path], str]) -> str:
    """A fresh copy of the demo installation for this test."""
    return sqlite_db_from(demo_template)


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Points DATABASE_URL (the settings every module holds) at a database; English CLI."""
    monkeypatch.setenv("IZTIM_LANG", "en")

    def _use(url: str) -> None:
        use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED)

    yield _use
    get_engine.cache_clear()


def iztim(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


# ---------------------------------------------------------------- whole databases


def table_names(url: str) -> list[str]:
    with get_engine(url).connect() as conn:
        return sorted(sa.inspect(conn).get_table_names())


def rows_of(url: str, name: str) -> list[tuple[Any, ...]]:
    """Every row of a table as the app reads it (money as Decimal from kuruş, UTC times,
    JSON values), sorted by primary key in Python (collations differ between databases)."""
    table = SQLModel.metadata.tables.get(name)
    with get_engine(url).connect() as conn:
        if table is None:
            rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"').all()
            return sorted(tuple(r) for r in rows)
        rows = conn.execute(sa.select(table)).all()
    key = [list(table.columns).index(c) for c in table.primary_key.columns]
    return sorted((tuple(r) for r in rows), key=lambda r: tuple(r[i] for i in key))


def whole(url: str, skip: frozenset[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    return {name: rows_of(url, name) for name in table_names(url) if name not in skip}


def counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {
            name: conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
            for name in sorted(sa.inspect(conn).get_table_names())
        }
