"""PostgreSQL for tests: the server at 127.0.0.1:5432 (trust auth, database `test`).

Tests marked `postgres` are skipped when it does not answer on a developer machine and fail
on CI (`CI` set), where the server is part of the contract. Every test database has a
unique name and is dropped afterwards (`WITH (FORCE)`: a leaked connection cannot keep it).
"""

from __future__ import annotations

import getpass
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

from iztim_app.core import schema
from iztim_app.core.db import get_engine

PG_HOST, PG_PORT, PG_ADMIN_DB = "127.0.0.1", 5432, "test"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip here, fail on CI: the services CI promises must answer there."""
    if on_ci():
        pytest.fail(f"CI is set and {reason}")
    pytest.skip(reason)


def admin_connection() -> tuple[psycopg.Connection, str]:
    """An autocommit connection to the admin database and the user it connected as."""
    errors = []
    for user in dict.fromkeys(("postgres", getpass.getuser())):
        try:
            conn = psycopg.connect(
                host=PG_HOST,
                port=PG_PORT,
                dbname=PG_ADMIN_DB,
                user=user,
                autocommit=True,
                connect_timeout=5,
            )
            return conn, user
        except psycopg.OperationalError as exc:
            errors.append(f"{user}: {exc}".strip())
    unavailable(
        f"PostgreSQL at {PG_HOST}:{PG_PORT}/{PG_ADMIN_DB} unreachable ({'; '.join(errors)})"
    )
    raise AssertionError("unreachable")  # pragma: no cover (skip/fail raise)


def url_of(user: str, name: str) -> str:
    return f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"


@contextmanager
def database(prefix: str = "iztim_test", template: str | None = None) -> Iterator[str]:
    """A new database (optionally copied from `template`), dropped when the block ends."""
    admin, user = admin_connection()
    name = f"{prefix}_{secrets.token_hex(6)}"
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    admin.execute(statement)
    url = url_of(user, name)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.fixture
def pg_empty_url() -> Iterator[str]:
    """A uniquely named, empty PostgreSQL database."""
    with database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_migrated_template() -> Iterator[str]:
    """A database at the Alembic head, built once; copy it, never write to it."""
    with database("iztim_tpl") as url:
        schema.upgrade(url)
        get_engine(url).dispose()  # a template must have no open connections to be copied
        yield database_name(url)


@pytest.fixture
def pg_db_url(pg_migrated_template: str) -> Iterator[str]:
    """A fresh, empty, migrated PostgreSQL database for this test (the SQLite `db_url`'s twin)."""
    with database(template=pg_migrated_template) as url:
        yield url
