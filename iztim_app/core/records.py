"""Rows passed to PostgreSQL as ONE JSON parameter (`json_populate_recordset`).

A statement that writes many rows at once (issuing a policy, a production posting) would
otherwise carry one parameter per value, and psycopg re-parses a statement of more than 50
parameters on every execution (its cache stops there); with one parameter per table the
statement is parsed once. Values are converted exactly as their column types bind them
(money as whole kuruş, times in UTC, JSON columns as nested JSON, whose text PostgreSQL
keeps as written), so the stored rows are the ones the ORM would store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa

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


def insert_sql(table: sa.Table, columns: list[str], param: str, dialect: sa.Dialect) -> str:
    """`INSERT INTO t (cols) SELECT cols FROM json_populate_recordset(NULL::t, :param)`."""
    quote = dialect.identifier_preparer.quote
    listed = ", ".join(quote(c) for c in columns)
    return (
        f"INSERT INTO {table.name} AS t ({listed}) SELECT {listed}"
        f" FROM json_populate_recordset(NULL::{table.name}, CAST(:{param} AS json))"
    )
