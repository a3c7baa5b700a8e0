"""Fixtures of the scale-out suites: a demo database on PostgreSQL built once per session
(copied per module: `CREATE DATABASE … TEMPLATE`), a Redis database of their own, and
backends with several workers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from iztim_app.core.db import get_engine
from tests.postgres import database, database_name, unavailable
from tests.scale.harness import Backend, backend, prepare_database

REDIS_URL = "redis://127.0.0.1:6379/4"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Redis database 4, emptied first (the scale-out browser test uses 3). Under
    pytest-xdist each worker has its own: gw0 4, gw1 13, gw2 14, gw3 15 (5-12 stay free)."""
    import os

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    assert worker <= 3, "Redis has databases for four test workers"
    url = REDIS_URL if worker == 0 else REDIS_URL.removesuffix("/4") + f"/{12 + worker}"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.flushdb()
        client.close()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"Redis at {url} unreachable ({exc})")
    return url


@pytest.fixture(scope="session")
def pg_demo_template() -> Iterator[str]:
    """The demo installation on PostgreSQL, built once; copy it, never write to it."""
    with database("iztim_demo_tpl") as url:
        prepare_database(url)
        get_engine(url).dispose()
        yield database_name(url)


@pytest.fixture
def pg_demo_url(pg_demo_template: str) -> Iterator[str]:
    """A fresh copy of the demo installation on PostgreSQL for this test."""
    with database("iztim_demo", template=pg_demo_template) as url:
        yield url


@pytest.fixture
def start_backend(tmp_path: Path, redis_url: str) -> Iterator[Callable[..., Backend]]:
    """Starts backends on the given database (3 workers, Redis state); all stopped after."""
    started: list[Backend] = []

    def _start(database_url: str, **kwargs) -> Backend:
        kwargs.setdefault("redis_url", redis_url)
        started.append(backend(tmp_path, database_url, **kwargs))
        return started[-1]

    yield _start
    for running in started:
        running.stop()
