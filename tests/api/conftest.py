"""API fixtures, on both engines (SQLite and PostgreSQL): the demo organisation (ten users,
limits on the six shipped lines), tariff v1 in force, six customers, no quotes or policies.

- `api_url`: the database URL, with the app's settings pointed at it;
- `db`: a session on it (for arranging and checking);
- `customers`: tests/quotes/fixtures_customers.Customers (a1_person, a1_company, a2_person,
  b1_person, ist_company, gm_person);
- `client`: a starlette TestClient over the API under a parent Starlette with the app's
  Mount, so paths are `/api/v1/...`;
- `token_for(user_code, name="test", expires_on=None)`: a new token of that demo user;
- `auth(user_code, lang=None)`: the request headers of that user (Authorization, and
  Accept-Language when `lang` is given), one token per user code per test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from iztim_app.api.app import api
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.users.actor import operator_actor
from tests.foundation.support import use_settings, user_of
from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import SHIPPED, TODAY, pg_template, quotes_template  # noqa: F401
from tests.quotes.fixtures_db import url as url  # noqa: F401

BASE = "http://iztim.test"
PREFIX = "/api/v1"


@pytest.fixture
def api_url(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED)
    yield url
    get_engine.cache_clear()


@pytest.fixture
def db(api_url: str) -> Iterator[Session]:
    with session_scope(api_url) as session:
        yield session


def parent_app() -> Starlette:
    """The API mounted as iztim_app.py mounts it (paths `/api/v1/...`)."""
    return Starlette(routes=[Mount(PREFIX, app=api)])


@pytest.fixture
def client(api_url: str) -> Iterator[TestClient]:
    with TestClient(parent_app(), base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def token_for(api_url: str) -> Callable[..., str]:
    def make(user_code: str, name: str = "test", expires_on: date | None = None) -> str:
        with session_scope(api_url) as db:
            user = user_of(db, user_code)
            return api_tokens.create_token(
                db, operator_actor("test"), user.id, name, expires_on
            ).token

    return make


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Callable[..., dict[str, str]]:
    tokens: dict[str, str] = {}

    def headers(user_code: str, lang: str | None = None) -> dict[str, str]:
        if user_code not in tokens:
            tokens[user_code] = token_for(user_code)
        found = {"Authorization": f"Bearer {tokens[user_code]}"}
        if lang:
            found["Accept-Language"] = lang
        return found

    return headers
