"""Rows passed to PostgreSQL as ONE JSON parameter (`json_populate_recordset`).

A statement that writes many rows at once (issuing a policy, a production posting) would
otherwise carry one parameter per value, and psycopg re-parses a statement of more than 50
parameters on every execution (its cache stops there); with one parameter per table the
statement is parsed once. Values are converted exactly as their column types bind them
(money as whole kuruş, times in UTC, JSON columns as nested JSON, whose text PostgreSQL
keeps as written), so the stored rows are the ones the ORM would store.

A statement can also draw a document number itself (`numbering.DRAW_CTE`): values equal to
`DRAWN`, in a column or nested in a JSON column, stand for that number and become it in SQL,
and `execute_and_commit` sends the statement and COMMIT together (after any statements
queued before it), so a lock the statement takes (the number's sequence row) is held for
one round trip.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

# Stands for the number the statement draws. A lone surrogate: `json.dumps` (ASCII output)
# writes it as the token below, which no storable value produces (PostgreSQL refuses lone
# surrogates in JSON and text), so replacing the token in SQL touches only these values.
DRAWN = "\udfff"
_DRAWN_TOKEN = json.dumps(DRAWN)
assert "'" not in _DRAWN_TOKEN and ":" not in _DRAWN_TOKEN  # safe as an SQL literal

_CONVERTERS: dict[tuple[str, str], Callable[[Any], Any] | None] = {}


def _converter(table: sa.Table, name: str, dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    key = (table.name, name)
    if key not in _CONVERTERS:
        kind = table.c[name].type
        fn: Callable[[Any], Any] | None = None
        if isinstance(kind, sa.JSON):
            fn = None  # nested as it is
        elif (
            isinstance(kind, sa.types.TypeDecorator)
            and type(kind).process_bind_param is not sa.types.TypeDecorator.process_bind_param
        ):  # Money, UTCDateTime (SQLModel's AutoString is one too, binding as it is)
            bind = kind.process_bind_param

            def fn(value: Any, bind: Any = bind) -> Any:
                value = bind(value, dialect)
                return value.isoformat() if isinstance(value, date) else value
        elif isinstance(getattr(kind, "impl", kind), sa.Date | sa.DateTime):

            def fn(value: Any) -> Any:
                return value.isoformat()

        _CONVERTERS[key] = fn
    return _CONVERTERS[key]


def as_json(table: sa.Table, rows: list[dict[str, Any]], dialect: sa.Dialect) -> str:
    """The rows (all with the same columns) as a JSON array of objects for
    `json_populate_recordset(NULL::<table>, :param)`."""
    converters = [(name, _converter(table, name, dialect)) for name in rows[0]]
    return json.dumps(
        [
            {
                name: (row[name] if fn is None or row[name] is None else fn(row[name]))
                for name, fn in converters
            }
            for row in rows
        ]
    )


def _recordset(table: sa.Table, param: str, drawn: str | None) -> str:
    rows = f"CAST(:{param} AS json)"
    if drawn is not None:  # every DRAWN value becomes the number (a JSON number)
        rows = f"CAST(replace(CAST(:{param} AS text), '{_DRAWN_TOKEN}', ({drawn})::text) AS json)"
    return f"json_populate_recordset(NULL::{table.name}, {rows})"


def insert_sql(
    table: sa.Table,
    columns: list[str],
    param: str,
    dialect: sa.Dialect,
    *,
    drawn: str | None = None,
    where: str | None = None,
) -> str:
    """`INSERT INTO t (cols) SELECT cols FROM json_populate_recordset(NULL::t, :param)`.
    `drawn`: the SQL expression of the number the statement draws (for `DRAWN` values);
    `where`: a condition on the insert (e.g. another CTE having updated a row)."""
    quote = dialect.identifier_preparer.quote
    listed = ", ".join(quote(c) for c in columns)
    condition = f" WHERE {where}" if where else ""
    return (
        f"INSERT INTO {table.name} AS t ({listed}) SELECT {listed}"
        f" FROM {_recordset(table, param, drawn)}{condition}"
    )


def update_sql(
    table: sa.Table,
    columns: list[str],
    param: str,
    dialect: sa.Dialect,
    where: str,
    *,
    drawn: str | None = None,
) -> str:
    """`UPDATE t SET (cols) = (one row of :param) WHERE where RETURNING t.id`: the values of
    `as_json(table, [values])` written to the rows `where` (on `t`) selects."""
    quote = dialect.identifier_preparer.quote
    listed = ", ".join(quote(c) for c in columns)
    return (
        f"UPDATE {table.name} AS t SET ({listed}) = (SELECT {listed}"
        f" FROM {_recordset(table, param, drawn)}) WHERE {where} RETURNING t.id"
    )


_COMPILED: dict[tuple[str, str], str] = {}


# A statement with its parameters, to be sent before `execute_and_commit`'s own.
Queued = tuple[sa.TextClause, dict[str, Any]]


def _compiled(conn: sa.Connection, statement: sa.TextClause) -> str:
    key = (conn.dialect.name, statement.text)
    sql = _COMPILED.get(key)
    if sql is None:
        sql = _COMPILED[key] = str(statement.compile(dialect=conn.dialect))
    return sql


def execute_and_commit(
    db: Session, statement: sa.TextClause, params: dict[str, Any], before: Sequence[Queued] = ()
) -> tuple:
    """PostgreSQL: runs the `before` statements, then `statement`, and COMMITs in ONE round
    trip (psycopg pipeline mode on the session's own connection), so what `statement` locks
    is held only while the server runs it and commits, never while this process waits for
    a CPU; each `before` statement has finished before `statement` starts, as if sent one
    by one. Returns `statement`'s first row. A failing statement leaves the transaction
    failed (what follows it is skipped): the caller rolls back. Afterwards `db.commit()`
    does the session's bookkeeping and sends nothing.

    A session with `before_commit` hooks (the API's idempotency mark, which must commit
    with the work) is not committed here: the statements run one by one and the caller's
    `db.commit()` runs the hooks, then COMMITs (one round trip more)."""
    conn = db.connection()
    if db.dispatch.before_commit:
        for queued, queued_params in before:
            conn.execute(queued, queued_params)
        return tuple(conn.execute(statement, params).one())
    sql = _compiled(conn, statement)
    import psycopg  # noqa: PLC0415 (PostgreSQL only)

    raw = conn.connection.dbapi_connection
    try:
        with raw.pipeline():
            for queued, queued_params in before:
                raw.execute(_compiled(conn, queued), queued_params)
            cursor = raw.execute(sql, params)
            raw.execute("COMMIT")
        # the pipeline's end sent Sync and read every result (raising the first error)
        return cursor.fetchone()
    except psycopg.Error as exc:  # as SQLAlchemy would raise it
        invalid = conn.dialect.is_disconnect(exc, raw, None)
        if invalid:
            conn.invalidate(exc)
        raise sa.exc.DBAPIError.instance(
            sql, params, exc, psycopg.Error, connection_invalidated=invalid, dialect=conn.dialect
        ) from exc
