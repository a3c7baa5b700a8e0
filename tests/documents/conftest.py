"""Document tests use the quotes' world (demo organisation, shipped tariff v1); `url` is a
fresh database of either engine (tests/quotes/fixtures_db.py), `any_db` a session on it."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from iztim_app.core.db import get_engine, session_scope
from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import (  # noqa: F401
    db,
    pg_template,
    quotes_template,
    quotes_url,
    url,
)


@pytest.fixture
def any_db(url: str) -> Iterator[Session]:  # noqa: F811 (the fixture imported above)
    with session_scope(url) as session:
        yield session
    get_engine(url).dispose()
