"""Moving an installation to another database (`iztim db copy`): every row, id, document
number and audit record, so the new installation carries on exactly where the old one stopped.

- The source is an SQLite file, read in one read transaction (a consistent snapshot, even if
  the app still runs; stop it first, or what it writes afterwards stays behind).
- The target must be empty: no tables, or the İztim schema with nothing but what the
  migrations themselves insert (the predefined report formats). It is migrated to the
  source's revision first (`schema.upgrade`), then filled in one transaction: a failure
  leaves it as empty as it was.
- Tables go in foreign-key order, in batches, primary-key order within a table. Values are
  copied as stored: money as its integer kuruş (never through Decimal or a float), JSON as
  its text, timestamps as UTC. A reference to a later row of the same table (a quote's
  `superseded_by_id`) is filled in by an UPDATE once that row exists.
- The guards' triggers (core/guards.py) stay on: they check UPDATE and DELETE only, so
  inserting the history is allowed, and the one UPDATE above sets a set-once column from
  NULL, which they allow. No superuser rights are needed.
- Document numbers are rows of `number_sequence` (core/numbering.py: an UPDATE … RETURNING
  on both SQLite and PostgreSQL), so they are copied like any row. Row ids: SQLite gives
  max(id) + 1 next (no AUTOINCREMENT tables); every PostgreSQL sequence owned by a column is
  set to the source's largest value, so the next id is the same one SQLite would have given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import SQLModel

import iztim_app.core.models  # noqa: F401  (every table's declared column types)
from iztim_app.core import schema
from iztim_app.core.db import Money, UTCDateTime, get_engine
from iztim_app.core.ops import OpsError, backend_of, known_revisions, normalized_url, shown_url
from iztim_app.core.ops.backup import sqlite_file

BATCH = 1000
VERSION_TABLE = "alembic_version"
# Rows the migrations themselves insert (table → the boolean column marking them): a target
# holding only these is still empty; they are replaced by the source's rows.
SEEDED = {"report_format": "predefined"}


@dataclass(frozen=True)
class CopySummary:
    revision: str
    tables: tuple[tuple[str, int], ...]  # (table, rows copied), in copy order
    sequences: tuple[tuple[str, int], ...]  # (PostgreSQL sequence, value set), by name

    @property
    def rows(self) -> int:
        return sum(n for _, n in self.tables)


class _JSONText(sa.types.TypeDecorator):
    """JSON written as the text the source holds (PostgreSQL casts it): no re-encoding, and
    SQL NULL stays NULL while a JSON `null` stays `null`."""

    impl = sa.Text
    cache_ok = True

    def bind_expression(self, bindvalue):  # noqa: ANN001, ANN201
        return sa.cast(bindvalue, sa.JSON)


# ====================================================================== engines


def _source_engine(url: str) -> sa.Engine:
    """SQLite with a real BEGIN (pysqlite defers it), so all reads share one snapshot."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA busy_timeout=30000")
        dbapi_conn.execute("PRAGMA query_only=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN")

    return engine


def _target_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.execute("PRAGMA foreign_keys=ON")
            dbapi_conn.execute("PRAGMA busy_timeout=30000")

    return engine


# ====================================================================== checks


def _revision(conn: sa.Connection, label: str) -> str | None:
    if VERSION_TABLE not in sa.inspect(conn).get_table_names():
        return None
    rows = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars().all()
    if len(rows) != 1:
        raise OpsError("ops.not_iztim", file=label)
    return str(rows[0])


def _user_rows(conn: sa.Connection, table: str) -> int:
    where = f' WHERE NOT "{SEEDED[table]}"' if table in SEEDED else ""
    return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"{where}').scalar_one())


def _refuse_unless_empty(conn: sa.Connection, label: str) -> None:
    tables = sorted(sa.inspect(conn).get_table_names())
    if tables and VERSION_TABLE not in tables:
        raise OpsError("ops.copy_target_foreign", url=label, table=tables[0])
    for table in tables:
        if table != VERSION_TABLE and _user_rows(conn, table):
            raise OpsError("ops.copy_target_not_empty", url=label, table=table)


# ====================================================================== column types


def _types(model: sa.Table | None, column: sa.Column, target_dialect: str) -> tuple[Any, Any]:
    """(type to read the source with, type to write the target with) of one column."""
    declared = model.c[column.name].type if model is not None and column.name in model.c else None
    kind = declared if declared is not None else column.type
    if isinstance(kind, Money):
        return sa.BigInteger(), sa.BigInteger()  # the stored kuruş
    if isinstance(kind, sa.JSON):
        return sa.Text(), _JSONText() if target_dialect == "postgresql" else sa.Text()
    if declared is None and isinstance(kind, sa.DateTime):
        return UTCDateTime(), UTCDateTime()  # SQLite keeps UTC without a zone
    return kind, kind


# ====================================================================== the copy


def _self_references(table: sa.Table) -> list[tuple[str, str]]:
    return [
        (fk.parent.name, fk.column.name)
        for fk in table.foreign_keys
        if fk.column.table.name == table.name
    ]


def _copy_table(src: sa.Connection, tgt: sa.Connection, table: sa.Table, batch: int) -> int:
    model = SQLModel.metadata.tables.get(table.name)
    names = [c.name for c in table.columns]
    types = {c.name: _types(model, c, tgt.dialect.name) for c in table.columns}
    source = sa.table(table.name, *[sa.column(n, types[n][0]) for n in names])
    target = sa.table(table.name, *[sa.column(n, types[n][1]) for n in names])
    key = [c.name for c in table.primary_key.columns] or names
    refs = _self_references(table)
    seen: dict[str, set[Any]] = {ref: set() for _, ref in refs}
    later: list[tuple[dict[str, Any], str, Any]] = []  # (key values, column, value)
    copied = 0
    query = sa.select(source).order_by(*[source.c[k] for k in key])
    result = src.execute(query.execution_options(yield_per=batch))
    for part in result.mappings().partitions(batch):
        rows = []
        for mapping in part:
            row = dict(mapping)
            for ref in seen:
                seen[ref].add(row[ref])
            for column, ref in refs:
                if row[column] is not None and row[column] not in seen[ref]:
                    later.append(({k: row[k] for k in key}, column, row[column]))
                    row[column] = None
            rows.append(row)
        tgt.execute(sa.insert(target), rows)
        copied += len(rows)
    for keys, column, value in later:
        where = [target.c[k] == v for k, v in keys.items()]
        tgt.execute(sa.update(target).where(*where).values({column: value}))
    return copied


def _owned_sequences(tgt: sa.Connection) -> list[tuple[str, str, str]]:
    """(sequence, table, column) of every sequence a column of this schema owns (serial or
    identity)."""
    return [
        tuple(r)
        for r in tgt.exec_driver_sql(
            "SELECT s.relname, t.relname, a.attname FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            " AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
            "WHERE s.relkind = 'S' AND s.relnamespace = to_regnamespace(current_schema()) "
            "ORDER BY s.relname"
        ).all()
    ]


def _set_sequences(src: sa.Connection, tgt: sa.Connection) -> list[tuple[str, int]]:
    """Each sequence continues after the source's largest value (SQLite's next rowid)."""
    done = []
    src_tables = set(sa.inspect(src).get_table_names())
    counters = (
        dict(src.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all())
        if "sqlite_sequence" in src_tables
        else {}
    )
    for sequence, table, column in _owned_sequences(tgt):
        last = 0
        if table in src_tables:
            last = src.exec_driver_sql(f'SELECT max("{column}") FROM "{table}"').scalar() or 0
        last = max(int(last), int(counters.get(table) or 0))
        tgt.execute(
            sa.text("SELECT setval(CAST(:seq AS regclass), :value, :called)"),
            {"seq": f'"{sequence}"', "value": max(last, 1), "called": last > 0},
        )
        done.append((sequence, last))
    return done


def _same_database(source_url: str, target_url: str) -> bool:
    if backend_of(target_url) != "sqlite":
        return False
    return sqlite_file(source_url).resolve() == sqlite_file(target_url).resolve()


def copy_database(source_url: str, target_url: str, *, batch: int = BATCH) -> CopySummary:
    """Copies the SQLite installation at `source_url` into the empty database at
    `target_url` (PostgreSQL, or another SQLite file)."""
    source_url, target_url = normalized_url(source_url), normalized_url(target_url)
    source_path = sqlite_file(source_url)  # the source is the embedded SQLite database
    if backend_of(target_url) not in ("postgresql", "sqlite"):
        raise OpsError("ops.bad_url", url=shown_url(target_url))
    if not source_path.is_file():
        raise OpsError("ops.no_database", file=str(source_path))
    if _same_database(source_url, target_url):
        raise OpsError("ops.copy_onto_itself", url=shown_url(target_url))
    label = shown_url(target_url)
    known = known_revisions()
    src_engine, tgt_engine = _source_engine(source_url), _target_engine(target_url)
    try:
        with src_engine.begin() as src:
            revision = _revision(src, str(source_path))
            if revision is None:
                raise OpsError("ops.not_iztim", file=str(source_path))
            if revision not in known:
                raise OpsError("ops.newer_revision", file=str(source_path), revision=revision)
            try:
                probe_conn = tgt_engine.connect()
            except sa.exc.OperationalError as exc:
                detail = str(exc.orig or exc).strip().splitlines()[0][:300]
                raise OpsError("ops.cannot_connect", url=label, detail=detail) from None
            with probe_conn as probe:
                current = _revision(probe, label)
                if current is not None and (
                    current not in known or known.index(current) > known.index(revision)
                ):
                    raise OpsError("ops.copy_target_newer", url=label, revision=current)
                _refuse_unless_empty(probe, label)
            schema.upgrade(target_url, revision=revision)
            get_engine(target_url).dispose()  # the migration's engine: no idle connections left
            tables = sa.MetaData()
            tables.reflect(src)
            order = [t for t in tables.sorted_tables if t.name != VERSION_TABLE]
            copied: list[tuple[str, int]] = []
            with tgt_engine.begin() as tgt:
                _refuse_unless_empty(tgt, label)  # again, inside the copy's transaction
                present = set(sa.inspect(tgt).get_table_names())
                for table in order:
                    if table.name not in present:
                        raise OpsError("ops.copy_schema_differs", table=table.name)
                    wanted = {c["name"] for c in sa.inspect(tgt).get_columns(table.name)}
                    if wanted != {c.name for c in table.columns}:
                        raise OpsError("ops.copy_schema_differs", table=table.name)
                for table in reversed(order):
                    if table.name in SEEDED:
                        tgt.exec_driver_sql(f'DELETE FROM "{table.name}"')
                for table in order:
                    copied.append((table.name, _copy_table(src, tgt, table, batch)))
                sequences = _set_sequences(src, tgt) if tgt.dialect.name == "postgresql" else []
                for name, rows in copied:
                    there = tgt.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
                    if there != rows:
                        raise OpsError("ops.copy_schema_differs", table=name)
        return CopySummary(revision, tuple(copied), tuple(sequences))
    finally:
        src_engine.dispose()
        tgt_engine.dispose()
