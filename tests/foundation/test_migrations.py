"""Alembic takes an empty database to head, on SQLite and PostgreSQL, and the models
match the migrations: a model change without a migration fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel

from iztim_app import demo
from iztim_app.core import schema
from iztim_app.core.auth import services as auth
from iztim_app.core.db import get_engine
from iztim_app.core.sessions import services as sessions
from iztim_app.core.settings import PROJECT_ROOT
from iztim_app.core.users.models import AuthorityLimit
from tests import postgres
from tests.conftest import sqlite_url
from tests.foundation.fixtures_db import LINE_CODES
from tests.foundation.support import import_all_of_core, use_settings

import_all_of_core()  # a table defined anywhere under iztim_app.core belongs to the schema


def _diffs(url: str, metadata: sa.MetaData = SQLModel.metadata) -> list:
    with get_engine(url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, metadata)


def assert_at_head(url: str) -> None:
    with get_engine(url).connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    assert sorted(SQLModel.metadata.tables) == sorted(tables - {"alembic_version"})
    assert "alembic_version" in tables
    assert schema.current_heads() != ()
    assert sorted(versions) == sorted(schema.current_heads())
    assert _diffs(url) == []


# ---------------------------------------------------------------- SQLite


def test_sqlite_empty_database_upgrades_to_head(tmp_path: Path):
    # given an empty database file
    url = sqlite_url(tmp_path / "empty.db")
    with get_engine(url).connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    # when
    schema.upgrade(url)
    # then every model table exists, the version is the head and nothing differs
    try:
        assert_at_head(url)
    finally:
        get_engine(url).dispose()


def test_upgrading_again_is_a_no_op(db_url: str):
    # given a database already at head (the shared template copy)
    before = _diffs(db_url)
    # when
    schema.upgrade(db_url)
    # then
    assert before == []
    assert_at_head(db_url)


def test_model_change_without_migration_is_detected(db_url: str):
    # given the models plus one column no migration creates
    changed = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["app_user"].append_column(sa.Column("nickname", sa.String(40), nullable=True))
    # when
    diffs = _diffs(db_url, changed)
    # then the comparison reports exactly that column
    assert len(diffs) == 1
    kind, schema_name, table_name, column = diffs[0]
    assert (kind, schema_name, table_name, column.name) == (
        "add_column",
        None,
        "app_user",
        "nickname",
    )


def test_model_table_without_migration_is_detected(db_url: str):
    changed = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    sa.Table("unmigrated", changed, sa.Column("id", sa.Integer, primary_key=True))
    diffs = _diffs(db_url, changed)
    assert [(d[0], d[1].name) for d in diffs] == [("add_table", "unmigrated")]


def test_migration_environment_sees_every_table():
    """migrations/env.py imports iztim_app.core.models only: it must register every table,
    or autogenerate would not write a migration for a new one."""
    code = (
        "import iztim_app.core.models\n"
        "from sqlmodel import SQLModel\n"
        "print(' '.join(sorted(SQLModel.metadata.tables)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert out.stdout.split() == sorted(SQLModel.metadata.tables)


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_url(pg_empty_url: str) -> str:
    return pg_empty_url


@pytest.mark.postgres
def test_postgres_empty_database_upgrades_to_head(pg_url: str):
    with get_engine(pg_url).connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    schema.upgrade(pg_url)
    assert_at_head(pg_url)


@pytest.mark.postgres
def test_postgres_demo_organisation_and_sign_in_work(pg_url: str, lines_dir: Path, monkeypatch):
    # given a migrated PostgreSQL database with the demo organisation
    schema.upgrade(pg_url)
    use_settings(monkeypatch, database_url=pg_url, tariffs_dir=lines_dir)
    try:
        with Session(get_engine(pg_url), expire_on_commit=False) as db:
            assert demo.load(db) is True
            assert demo.load(db) is False
            # when
            result = auth.sign_in(db, "GM.ONAY", demo.DEMO_PASSWORD)
            # then
            assert result.actor.code == "gm.onay"
            assert sessions.resolve_session(db, result.token).user_id == result.actor.user_id
            limits = db.exec(
                sa.select(AuthorityLimit).where(AuthorityLimit.user_id == result.actor.user_id)
            ).all()
            assert sorted((lim[0].line_code, str(lim[0].quote_limit)) for lim in limits) == [
                (line, "100000000.00") for line in LINE_CODES
            ]
    finally:
        get_engine.cache_clear()


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_unreachable_postgres_fails_on_ci_and_skips_elsewhere(monkeypatch, ci: str, outcome: type):
    # given nothing listens on the port
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    monkeypatch.setattr(postgres, "PG_PORT", closed_port)
    monkeypatch.setenv("CI", ci)
    # when / then
    with pytest.raises(outcome) as exc:
        postgres.admin_connection()
    assert f"127.0.0.1:{closed_port}/test unreachable" in str(exc.value)
