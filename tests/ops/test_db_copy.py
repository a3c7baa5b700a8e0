"""`iztim db copy`: the demo installation moved from SQLite to PostgreSQL keeps every row,
column, audit record and number, the next numbers are the ones SQLite would have given, and
a target that is not empty is refused untouched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import text

from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.numbering import next_number
from iztim_app.core.ops import copy as ops_copy
from iztim_app.core.ops import head_revision
from iztim_app.core.policies import services as policies
from tests.conftest import copy_sqlite
from tests.foundation.support import actor_of, snapshot
from tests.ops.conftest import counts, iztim, table_names, whole
from tests.policies.fixtures_policies import policy_form
from tests.postgres import database, database_name

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def moved(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, str]]:
    """(SQLite URL, PostgreSQL URL, CLI output): the demo copied once into an empty database."""
    source = tmp_path_factory.mktemp("ops_copy") / "demo.db"
    copy_sqlite(demo_template, source)
    sqlite = f"sqlite:///{source}"
    with pytest.MonkeyPatch.context() as mp, database("iztim_copy") as pg:
        mp.setenv("IZTIM_LANG", "en")
        result = iztim("db", "copy", "--from", sqlite, "--to", pg)
        assert result.exit_code == 0, result.output
        yield sqlite, pg, result.output
        get_engine(sqlite).dispose()


def _next_ids(url: str) -> dict[str, int]:
    """The id each table's next row gets (tables keyed by `id`), read without taking it."""
    with get_engine(url).connect() as conn:
        inspector = sa.inspect(conn)
        tables = [
            name
            for name in sorted(inspector.get_table_names())
            if inspector.get_pk_constraint(name)["constrained_columns"] == ["id"]
        ]
        if conn.dialect.name == "sqlite":
            return {
                name: (conn.exec_driver_sql(f'SELECT max(id) FROM "{name}"').scalar() or 0) + 1
                for name in tables
            }
        out = {}
        for name in tables:
            seq = conn.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{name}"'}
            ).scalar_one()
            last, called = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {seq}").one()
            out[name] = last + 1 if called else last
        return out


def _next_numbers(url: str) -> dict[str, int]:
    """The next document number of every sequence, rolled back."""
    with session_scope(url) as db:
        names = db.exec(text("SELECT name FROM number_sequence")).scalars().all()
        taken = {name: next_number(db, name) for name in sorted(names)}
        db.rollback()
    return taken


def test_every_table_row_and_column_arrives(moved):
    sqlite, pg, output = moved
    assert table_names(pg) == table_names(sqlite)
    source, target = whole(sqlite), whole(pg)
    assert sum(len(rows) for rows in source.values()) > 3000
    assert len(source["audit_event"]) > 1000 and len(source["installment"]) > 100
    for name in source:
        assert target[name] == source[name], name
    # Money arrives as the stored kuruş, not through a float.
    raw = "SELECT sum(gross_premium), count(*) FROM policy"
    with get_engine(sqlite).connect() as a, get_engine(pg).connect() as b:
        assert a.exec_driver_sql(raw).one() == tuple(b.exec_driver_sql(raw).one())
    lines = output.splitlines()
    tables = counts(sqlite)
    tables.pop("alembic_version")
    assert sorted(lines[:-1]) == sorted(f"  {t}: {n} rows" for t, n in tables.items())
    assert lines[-1].startswith(
        f"copied: {sqlite} → {pg}; schema {head_revision()}; {len(tables)} tables, "
    )
    assert f"{sum(tables.values())} rows" in lines[-1]


def test_ids_and_document_numbers_continue_where_sqlite_stopped(moved):
    sqlite, pg, _ = moved
    sqlite_ids, pg_ids = _next_ids(sqlite), _next_ids(pg)
    assert len(pg_ids) >= 27 and pg_ids == sqlite_ids
    numbers = _next_numbers(sqlite)
    assert {"policy", "quote", "customer"} <= set(numbers)
    assert _next_numbers(pg) == numbers


def test_the_moved_installation_issues_the_next_policy(moved):
    sqlite, pg, _ = moved
    expected_number = _next_numbers(sqlite)["policy"]
    expected_id = _next_ids(sqlite)["policy"]
    get_engine(pg).dispose()  # a template may have no open connections
    with database("iztim_copy_use", template=database_name(pg)) as url:
        with session_scope(url) as db:
            customer = db.exec(text("SELECT min(id) FROM customer")).scalar_one()
            inp = policy_form("konut", customer, "400000", installments=4, start=clock.today())
            issued = policies.issue(db, actor_of(db, "gm.onay"), inp)
            row = db.exec(
                text(f"SELECT id FROM policy WHERE number = {issued.policy.number}")
            ).one()
        assert (issued.approved, issued.policy.number, row[0]) == (
            True, expected_number, expected_id,
        )  # fmt: skip


def test_a_target_with_rows_is_refused_untouched(moved, pg_db_url: str):
    sqlite, _, _ = moved
    with get_engine(pg_db_url).begin() as conn:  # one row anywhere is enough
        conn.exec_driver_sql("INSERT INTO number_sequence (name, last) VALUES ('policy', 5000999)")
    before = snapshot(pg_db_url)
    result = iztim("db", "copy", "--from", sqlite, "--to", pg_db_url)
    assert (result.exit_code, result.output) == (
        1,
        "Error: The target database is not empty: table number_sequence has rows. Copy into "
        f"an empty database: {pg_db_url}\n",
    )
    assert snapshot(pg_db_url) == before


def test_a_failure_halfway_leaves_the_target_as_empty_as_it_was(
    moved, pg_db_url: str, monkeypatch: pytest.MonkeyPatch
):
    """A migrated, empty target (`iztim db upgrade` was run) is accepted; a failure in the
    middle rolls every table back, and the copy then succeeds."""
    sqlite, _, _ = moved
    before = snapshot(pg_db_url)
    real = ops_copy._copy_table

    def failing(src, tgt, table, batch):  # noqa: ANN001, ANN202
        if table.name == "policy":
            raise RuntimeError("disk full")
        return real(src, tgt, table, batch)

    monkeypatch.setattr(ops_copy, "_copy_table", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        ops_copy.copy_database(sqlite, pg_db_url)
    assert snapshot(pg_db_url) == before
    monkeypatch.setattr(ops_copy, "_copy_table", real)
    summary = ops_copy.copy_database(sqlite, pg_db_url, batch=50)
    assert dict(summary.tables)["policy"] == counts(sqlite)["policy"]
    assert whole(pg_db_url) == whole(sqlite)
