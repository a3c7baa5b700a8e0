"""Database fixtures for quotes: the demo organisation plus the shipped tariff, no quotes.

The template is built once per test session and copied for every test (milliseconds).
The organisation is loaded *before* the tariff, so demo.load() finds no tariff in force
and adds no demo quotes: these tests start from an empty quote book.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from iztim_app import demo
from iztim_app.core import schema
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.settings import PROJECT_ROOT
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import operator_actor
from tests import postgres
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.support import use_settings

SHIPPED = PROJECT_ROOT / "tariffs"
# The tests' business day; save/approve/list all take `today=` explicitly.
TODAY = date(2026, 3, 2)


def load_organisation_and_tariff(db: Session) -> None:
    """Demo offices and users (limits on the six shipped lines), then tariff version 1."""
    assert demo.load(db) is True
    assert versions.load_shipped(db, operator_actor("test"), SHIPPED) is True


@pytest.fixture(scope="session")
def quotes_template(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path
) -> Path:
    target = tmp_path_factory.mktemp("quotes") / "quotes.db"
    copy_sqlite(migrated_sqlite_template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        with session_scope(url) as db:
            load_organisation_and_tariff(db)
        get_engine(url).dispose()
        get_engine.cache_clear()
    return target


@pytest.fixture
def quotes_url(sqlite_db_from, quotes_template: Path) -> str:
    """A fresh copy: six lines in force, ten demo users, no customers, no quotes."""
    return sqlite_db_from(quotes_template)


@pytest.fixture
def db(quotes_url: str) -> Iterator[Session]:
    with session_scope(quotes_url) as session:
        yield session


@contextmanager
def pg_organisation_template(name: str) -> Iterator[str]:
    """A PostgreSQL template database at head with the demo organisation and tariff v1, no
    quotes; yields its name for `postgres.database(..., template=name)` copies."""
    with postgres.database(name) as url:
        schema.upgrade(url)
        get_engine(url).dispose()
        with pytest.MonkeyPatch.context() as mp:
            use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
            with session_scope(url) as db:
                load_organisation_and_tariff(db)
            get_engine(url).dispose()  # a template must have no open connections to be copied
            get_engine.cache_clear()
        yield postgres.database_name(url)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """PostgreSQL at head with the demo organisation and tariff v1, built once per run."""
    with pg_organisation_template("iztim_org_tpl") as name:
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, sqlite_db_from) -> Iterator[str]:  # noqa: ANN001
    """A fresh database of either engine: the demo organisation, six lines in force, no
    quotes or policies (copied from a template)."""
    if request.param == "sqlite":
        yield sqlite_db_from(request.getfixturevalue("quotes_template"))
        return
    with postgres.database("iztim_org", template=request.getfixturevalue("pg_template")) as u:
        yield u
