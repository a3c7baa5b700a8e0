"""Migration 0025 rewrites the PostgreSQL guard functions installed before it (a per-column
`to_jsonb(OLD)` lookup) into the whole-row JSONB compare `guards` generates now; the rules
themselves, and so what is refused and the columns named, are the same in both shapes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import iztim_app.core.models  # noqa: F401  (every model, so every declared guard)
from iztim_app.core import guards, schema
from iztim_app.core.db import get_engine
from iztim_app.core.guards import GuardViolation

pytestmark = pytest.mark.postgres

# What the guard generator wrote for the installment rule before 0025, verbatim.
INSTALLMENT_BEFORE_0025 = """
DECLARE
  changed text;
BEGIN
  IF true THEN
    SELECT string_agg(n.key, ',' ORDER BY n.key) INTO changed
      FROM jsonb_each(to_jsonb(NEW)) AS n
     WHERE n.key <> ALL (ARRAY['amount', 'paid']::text[])
       AND n.value IS DISTINCT FROM (to_jsonb(OLD) -> n.key);
    IF changed IS NOT NULL THEN
      {refusal}
    END IF;
  END IF;
  RETURN NEW;
END;
""".format(
    refusal="RAISE EXCEPTION USING ERRCODE = '23Z01', "
    "MESSAGE = 'IZTIM_GUARD:installment:frozen:' || changed;"
)


def _problems(url: str) -> dict[str, list[str]]:
    with get_engine(url).connect() as conn:
        return {rule.table: guards.problems(conn, rule) for rule in guards.declared()}


def _body(url: str, name: str) -> str:
    with get_engine(url).connect() as conn:
        return conn.execute(
            sa.text("SELECT prosrc FROM pg_proc WHERE proname = :n"), {"n": name}
        ).scalar_one()


def test_0025_turns_earlier_guard_functions_into_the_current_shape(pg_db_url: str):
    assert _problems(pg_db_url) == {rule.table: [] for rule in guards.declared()}
    # given a database as it stood at 0024
    schema.command.downgrade(schema.alembic_config(pg_db_url), "0024")
    assert _body(pg_db_url, "iztim_guard_installment") == INSTALLMENT_BEFORE_0025
    before = _problems(pg_db_url)
    assert before == {
        rule.table: [f"{rule.table}: function {rule.trigger_name}() is outdated"]
        for rule in guards.declared()
    }
    # when it is upgraded, every function is the one the generator writes today
    schema.upgrade(pg_db_url)
    assert _problems(pg_db_url) == {rule.table: [] for rule in guards.declared()}
    assert "old_row jsonb" in _body(pg_db_url, "iztim_guard_installment")


@pytest.mark.parametrize("shape", ["before 0025", "current"])
def test_both_shapes_refuse_the_same_change_naming_the_same_columns(pg_db_url: str, shape: str):
    with get_engine(pg_db_url).begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE probe_row (id int PRIMARY KEY, a text, b text, c text, status text)"
        )
        rule = guards.Guard(table="probe_row", mutable=frozenset({"c", "status"}))
        conn.exec_driver_sql(
            f"CREATE FUNCTION probe_guard() RETURNS trigger LANGUAGE plpgsql AS $g$"
            f"{_body_of(rule, shape)}$g$"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER probe_guard BEFORE UPDATE ON probe_row "
            "FOR EACH ROW EXECUTE FUNCTION probe_guard()"
        )
        conn.exec_driver_sql("INSERT INTO probe_row VALUES (1, 'x', 'y', 'z', 'open')")
    with get_engine(pg_db_url).begin() as conn:  # a mutable column changes: allowed
        conn.exec_driver_sql("UPDATE probe_row SET c = 'w', status = 'done' WHERE id = 1")
    for change, named in [("a = 'x2'", ("a",)), ("b = 'y2', a = 'x2', c = 'v'", ("a", "b"))]:
        with pytest.raises(GuardViolation) as info, get_engine(pg_db_url).begin() as conn:
            conn.exec_driver_sql(f"UPDATE probe_row SET {change} WHERE id = 1")
        assert (info.value.table, info.value.kind, info.value.columns) == (
            "probe_row",
            guards.FROZEN,
            named,
        )
    with get_engine(pg_db_url).connect() as conn:
        assert conn.exec_driver_sql("SELECT a, b, c FROM probe_row").one() == ("x", "y", "w")


def _body_of(rule: guards.Guard, shape: str) -> str:
    """The rule's body in the current shape or as 0025's downgrade writes it back."""
    from importlib import import_module

    body = guards.postgresql_function_body(rule)
    if shape == "current":
        return body
    return import_module("migrations.versions.0025_guard_whole_row_compare")._to_old(body)
