"""Database fixtures for customers: the demo organisation plus the shipped tariff, no customers.

The template is built once per test session and copied for every test (milliseconds).
The organisation is loaded before the tariff, so demo.load() adds no demo quotes or
customers: each test starts from an empty customer book.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from iztim_app import demo
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.settings import PROJECT_ROOT
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import operator_actor
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.support import use_settings

SHIPPED = PROJECT_ROOT / "tariffs"


@pytest.fixture(scope="session")
def customers_template(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path
) -> Path:
    target = tmp_path_factory.mktemp("customers") / "customers.db"
    copy_sqlite(migrated_sqlite_template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        with session_scope(url) as db:
            assert demo.load(db) is True
            assert versions.load_shipped(db, operator_actor("test"), SHIPPED) is True
        get_engine(url).dispose()
        get_engine.cache_clear()
    return target


@pytest.fixture
def customers_url(sqlite_db_from, customers_template: Path) -> str:
    """A fresh copy: ten demo users, the shipped tariff in force, no customers."""
    return sqlite_db_from(customers_template)


@pytest.fixture
def db(customers_url: str) -> Iterator[Session]:
    with session_scope(customers_url) as session:
        yield session
