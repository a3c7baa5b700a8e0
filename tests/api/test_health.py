"""`GET /api/v1/health`, the load balancer's health check: 200 when the database answers and
is at this code's Alembic head, else a 503 problem naming what is wrong; no token, no
throttle, and a quick answer also while the database is down or hangs."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from starlette.testclient import TestClient

from iztim_app.api import routes_health
from iztim_app.core import health, schema
from iztim_app.core.db import get_engine
from tests.api.conftest import BASE, parent_app
from tests.foundation.support import snapshot, use_settings

HEALTH = "/api/v1/health"


def _script_head() -> tuple[str, str | None]:
    """This code's head and the revision before it, straight from the migrations folder."""
    script = ScriptDirectory.from_config(schema.alembic_config())
    (head,) = script.get_heads()
    down = script.get_revision(head).down_revision
    assert isinstance(down, str | None)
    return head, down


@pytest.fixture
def client_on(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """`client_on(url)`: a TestClient over the API with the app's settings pointed at url."""
    clients: list[TestClient] = []

    def make(url: str) -> TestClient:
        use_settings(monkeypatch, database_url=url)
        clients.append(TestClient(parent_app(), base_url=BASE))
        return clients[-1]

    yield make
    for client in clients:
        client.close()
    get_engine.cache_clear()


def _unavailable(response, field: str) -> dict:  # noqa: ANN001
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["status"], body["code"], body["type"]) == (
        503,
        "service_unavailable",
        "urn:iztim:problem:service_unavailable",
    )
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["message"] == body["detail"]
    return body


# ---------------------------------------------------------------- healthy


def test_a_migrated_database_answers_ok_without_a_token(client, api_url: str) -> None:
    # given a database at the head of this code's migrations (SQLite, and PostgreSQL)
    head, _ = _script_head()
    before = snapshot(api_url)
    # when the load balancer asks, with no token
    response = client.get(HEALTH)
    # then 200 and the revisions, nothing else (no user, no library version)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": {"current": head, "head": head},
    }
    # and asking changed nothing
    assert snapshot(api_url) == before


def test_it_is_never_throttled_and_ignores_tokens(client, api_url: str) -> None:
    # given an address that presented wrong tokens until it was made to wait
    for _ in range(20):
        refused = client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"})
        if refused.status_code == 429:
            break
    assert refused.status_code == 429, refused.text
    counted = snapshot(api_url)["sign_in_throttle"]
    # when the same address asks for health, also with a wrong token
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = client.get(HEALTH, headers=headers)
        # then it answers at once, and no failure is counted
        assert response.status_code == 200, response.text
    assert snapshot(api_url)["sign_in_throttle"] == counted


# ---------------------------------------------------------------- migrations


def test_a_database_behind_the_head_is_503_naming_both_revisions(tmp_path: Path, client_on) -> None:  # noqa: ANN001
    # given a database migrated to the revision before this code's head
    head, down = _script_head()
    assert down is not None
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    schema.upgrade(url, down)
    get_engine(url).dispose()
    client = client_on(url)
    # when the load balancer asks
    response = client.get(HEALTH)
    # then 503: the database answers, its migrations are behind, both revisions named
    body = _unavailable(response, "migrations")
    assert body["database"] == "ok"
    assert body["migrations"] == {"current": down, "head": head}
    assert down in body["detail"] and head in body["detail"]
    assert "iztim db upgrade" in body["detail"]
    # and in English on request
    english = client.get(HEALTH, headers={"Accept-Language": "en"}).json()
    assert english["title"] == "Service unavailable"
    assert english["detail"] == (
        f"Migrations behind: current {down}, head {head} (`iztim db upgrade`)."
    )
    # when the deploy step runs the migrations, then it answers ok (the head is cached,
    # the database's revision is not)
    schema.upgrade(url)
    get_engine(url).dispose()
    assert client.get(HEALTH).json()["migrations"] == {"current": head, "head": head}


def test_a_database_never_migrated_or_at_an_unknown_revision_is_503(
    tmp_path: Path, client_on
) -> None:  # noqa: ANN001
    head, _ = _script_head()
    # given an empty database file (no alembic_version table)
    path = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{path}").connect().close()
    client = client_on(f"sqlite:///{path}")
    body = _unavailable(client.get(HEALTH, headers={"Accept-Language": "en"}), "migrations")
    # then behind, with no current revision
    assert body["migrations"] == {"current": None, "head": head}
    assert body["detail"] == f"Migrations behind: current none, head {head} (`iztim db upgrade`)."
    # given a database a newer release migrated (a revision this code does not know)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('9999_from_the_future')"))
    engine.dispose()
    body = _unavailable(client.get(HEALTH, headers={"Accept-Language": "en"}), "migrations")
    assert body["migrations"] == {"current": "9999_from_the_future", "head": head}
    assert "does not know" in body["detail"]


# ---------------------------------------------------------------- unreachable


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nobody listens


def test_an_unreachable_database_is_503_at_once(client_on) -> None:  # noqa: ANN001
    # given PostgreSQL on a port where nothing listens
    client = client_on(f"postgresql+psycopg://iztim:secret@127.0.0.1:{_closed_port()}/iztim")
    # when the load balancer asks
    started = time.monotonic()
    response = client.get(HEALTH)
    elapsed = time.monotonic() - started
    # then 503 quickly, naming the database, and no password, host or driver text leaks
    body = _unavailable(response, "database")
    assert elapsed < health.TIMEOUT_SECONDS, elapsed
    assert body["database"] == "unreachable"
    assert body["migrations"]["current"] is None
    assert body["detail"] == "Veritabanına ulaşılamıyor."
    for secret in ("secret", "127.0.0.1", "psycopg", "postgresql"):
        assert secret not in response.text


def test_a_database_that_never_answers_is_503_within_the_deadline(client_on) -> None:  # noqa: ANN001
    # given a "database" that accepts connections (the kernel's backlog) but never speaks
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        client = client_on(f"postgresql+psycopg://iztim@127.0.0.1:{port}/iztim")
        # when the load balancer asks
        started = time.monotonic()
        response = client.get(HEALTH)
        elapsed = time.monotonic() - started
    # then 503 within the deadline, not the driver's or the kernel's minutes
    _unavailable(response, "database")
    assert elapsed < routes_health.DEADLINE_SECONDS + 0.5, elapsed


def test_a_missing_sqlite_file_is_503_and_not_created(tmp_path: Path, client_on) -> None:  # noqa: ANN001
    path = tmp_path / "gone.db"
    client = client_on(f"sqlite:///{path}")
    body = _unavailable(client.get(HEALTH), "database")
    assert body["database"] == "unreachable"
    assert not path.exists()


# ---------------------------------------------------------------- documented


def test_it_is_documented_as_public_with_its_two_answers(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/health"]["get"]
    assert "security" not in operation
    assert sorted(operation["responses"]) == ["200", "503"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/HealthAnswer"}
    problem = operation["responses"]["503"]["content"]["application/problem+json"]["schema"]
    assert problem["properties"]["code"]["const"] == "service_unavailable"
