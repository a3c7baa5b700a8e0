"""Renewal tests use the quote fixtures (organisation, tariff v1, customers), each test on a
fresh SQLite copy and (marked `postgres`) a fresh PostgreSQL copy: the renewal states and
notifications are computed in SQL, so both databases must agree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import postgres
from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import db, pg_organisation_template, quotes_template  # noqa: F401


@pytest.fixture(scope="session")
def renewals_pg_template() -> Iterator[str]:
    with pg_organisation_template("iztim_renew_tpl") as name:
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def quotes_url(
    request: pytest.FixtureRequest, sqlite_db_from: Callable[[Path], str]
) -> Iterator[str]:
    """A fresh copy: six lines in force, ten demo users, no customers, no quotes."""
    if request.param == "sqlite":
        yield sqlite_db_from(request.getfixturevalue("quotes_template"))
        return
    template = request.getfixturevalue("renewals_pg_template")
    with postgres.database("iztim_renew", template=template) as url:
        yield url
