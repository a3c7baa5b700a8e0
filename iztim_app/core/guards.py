"""Row guards the database enforces: frozen columns, set-once columns, allowed status moves.

A table's rule is declared once (`Guard`), next to its model. From it come
- the database triggers (`install` / `drop`, called from Alembic migrations): SQLite
  BEFORE UPDATE / BEFORE DELETE triggers with `RAISE(ABORT, …)`, a PostgreSQL plpgsql
  function with row triggers (and a TRUNCATE trigger); a raw SQL or bulk UPDATE cannot skip them;
- the ORM hook (`protect`), which refuses the same changes at flush with the column names;
- the translation of the database's refusal into the rule's exception (`GuardViolation`).

A refusal is a programming error, never a user's mistake: services change guarded rows only
in allowed ways and use conditional UPDATEs (`… WHERE status = 'awaiting_approval'`) where two
users may race, turning "no row changed" into a `Conflict`.

SQLite keeps triggers with the table: a batch migration that recreates a guarded table drops
them, and a column added later is not covered until the triggers are generated again. Call
`install(op, RULE)` again after such a migration; `problems()` (used by the tests at head)
reports missing or outdated triggers.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

# The refusal the database raises: message `IZTIM_GUARD:<table>:<kind>:<columns>`; on
# PostgreSQL also this SQLSTATE (class 23, so drivers report an IntegrityError).
GUARD_PREFIX = "IZTIM_GUARD"
GUARD_SQLSTATE = "23Z01"

FROZEN = "frozen"  # a column that never changes after insert
SET_ONCE = "set_once"  # a set-once column that already holds a value
STATUS_MOVE = "status_move"  # a status move the rule does not allow
DELETE = "delete"  # deleting (or truncating) guarded rows

_KIND_TEXT = {
    FROZEN: "these columns never change once saved",
    SET_ONCE: "these columns are set once and then never change",
    STATUS_MOVE: "this status move is not allowed",
    DELETE: "saved rows are never deleted",
}
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_REFUSAL = re.compile(GUARD_PREFIX + r":([a-z_][a-z0-9_]*):([a-z_]+):([a-z0-9_,]*)")


class GuardViolation(RuntimeError):
    """A programming error: code tried a change the table's guard refuses."""

    def __init__(self, table: str, kind: str, columns: Iterable[str] = (), detail: str = ""):
        self.table = table
        self.kind = kind
        self.columns = tuple(columns)
        self.detail = detail
        text = f"{table}: {_KIND_TEXT.get(kind, kind)}"
        if self.columns:
            text += f": {sorted(self.columns)}"
        if detail:
            text += f" ({detail})"
        super().__init__(text)


@dataclass(frozen=True)
class Guard:
    """What may change in a saved row of `table`; every column not in `mutable` is frozen.

    - `set_once` (a subset of `mutable`): NULL → a value once, then frozen;
    - `status` and `moves`: the status column and the (old, new) moves allowed; a move is
      checked always, also while the row is not frozen;
    - `frozen_while`: {column: values of the OLD row}; when given, the row counts as frozen
      (frozen and set-once columns, DELETE) only while every listed column holds one of
      its values, e.g. policies frozen only while approved; None = frozen from insert on;
    - `refuse_delete`: DELETE of a frozen row is refused (and TRUNCATE on PostgreSQL);
    - `error`: the exception raised, a `GuardViolation` subclass.
    """

    table: str
    mutable: frozenset[str] = frozenset()
    set_once: frozenset[str] = frozenset()
    status: str | None = None
    moves: frozenset[tuple[str, str]] = frozenset()
    frozen_while: Mapping[str, frozenset[str]] | None = field(default=None, hash=False)
    refuse_delete: bool = True
    error: type[GuardViolation] = field(default=GuardViolation, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mutable", frozenset(self.mutable))
        object.__setattr__(self, "set_once", frozenset(self.set_once))
        object.__setattr__(self, "moves", frozenset((str(a), str(b)) for a, b in self.moves))
        if self.frozen_while is not None:
            object.__setattr__(
                self,
                "frozen_while",
                {str(k): frozenset(map(str, v)) for k, v in self.frozen_while.items()},
            )
        names = {self.table, *self.mutable, *(self.frozen_while or {}), self.status or "_"}
        bad = sorted(n for n in names if not _NAME.match(n))
        if bad:
            raise ValueError(f"guard {self.table}: not plain identifiers: {bad}")
        if not self.set_once <= self.mutable:
            raise ValueError(f"guard {self.table}: set-once columns must be mutable")
        if self.moves and self.status not in self.mutable:
            raise ValueError(f"guard {self.table}: the status column must be mutable")
        if self.status is None and self.moves:
            raise ValueError(f"guard {self.table}: moves without a status column")

    # ---------------------------------------------------------------- the rule, in Python

    def _frozen(self, old: Mapping[str, Any]) -> bool | None:
        """Whether the OLD row is frozen; None (treated as not: the database decides) when a
        needed old value was never loaded."""
        if self.frozen_while is None:
            return True
        if any(col not in old for col in self.frozen_while):
            return None
        return all(
            old[col] is not None and str(old[col]) in values
            for col, values in self.frozen_while.items()
        )

    def refusal(self, old: Mapping[str, Any], changes: Mapping[str, Any]) -> GuardViolation | None:
        """The violation of an UPDATE setting `changes` on a row whose known values are `old`
        (a column missing from `old` is unknown: that check is left to the database)."""
        if self._frozen(old):
            fixed = sorted(set(changes) - self.mutable)
            if fixed:
                return self.error(self.table, FROZEN, fixed)
            once = sorted(
                col
                for col in self.set_once & set(changes)
                if old.get(col) is not None and changes[col] != old[col]
            )
            if once:
                return self.error(self.table, SET_ONCE, once)
        if self.status and self.status in changes and self.status in old:
            move = (old[self.status], changes[self.status])
            if move[0] != move[1] and move not in self.moves:
                return self.error(self.table, STATUS_MOVE, [self.status], f"{move[0]} -> {move[1]}")
        return None

    def delete_refusal(self, old: Mapping[str, Any]) -> GuardViolation | None:
        if self.refuse_delete and self._frozen(old):
            return self.error(self.table, DELETE)
        return None

    # ---------------------------------------------------------------- names

    @property
    def trigger_name(self) -> str:
        """The prefix of the table's trigger (and PostgreSQL function) names."""
        return f"iztim_guard_{self.table}"


# ====================================================================== SQL generation


def _q(name: str) -> str:
    return f'"{name}"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _message(rule: Guard, kind: str, columns: str = "") -> str:
    return f"{GUARD_PREFIX}:{rule.table}:{kind}:{columns}"


def _same(dialect: str, a: str, b: str) -> str:
    """Null-safe equality, always true or false."""
    return f"{a} IS {b}" if dialect == "sqlite" else f"{a} IS NOT DISTINCT FROM {b}"


def _differs(dialect: str, a: str, b: str) -> str:
    return f"{a} IS NOT {b}" if dialect == "sqlite" else f"{a} IS DISTINCT FROM {b}"


def _frozen_sql(dialect: str, rule: Guard) -> str | None:
    if rule.frozen_while is None:
        return None
    parts = []
    for col, values in sorted(rule.frozen_while.items()):
        one_of = " OR ".join(_same(dialect, f"OLD.{_q(col)}", _lit(v)) for v in sorted(values))
        parts.append(f"({one_of})" if one_of else "(1 = 0)")
    return " AND ".join(parts)


def _bad_move_sql(dialect: str, rule: Guard) -> str | None:
    if not rule.status:
        return None
    col = _q(rule.status)
    allowed = " OR ".join(
        f"({_same(dialect, f'OLD.{col}', _lit(a))} AND {_same(dialect, f'NEW.{col}', _lit(b))})"
        for a, b in sorted(rule.moves)
    )
    differs = _differs(dialect, f"NEW.{col}", f"OLD.{col}")
    return f"{differs} AND NOT ({allowed})" if allowed else differs


def sqlite_ddl(rule: Guard, columns: Iterable[str]) -> list[str]:
    """CREATE TRIGGER statements for SQLite; `columns` are the table's columns as they are
    now (SQLite has no row-to-JSON, so every frozen column is named)."""
    frozen = _frozen_sql("sqlite", rule)

    def when(condition: str) -> str:
        return f"({frozen}) AND {condition}" if frozen else condition

    cases = [
        f"WHEN {when(_differs('sqlite', f'NEW.{_q(c)}', f'OLD.{_q(c)}'))} "
        f"THEN RAISE(ABORT, {_lit(_message(rule, FROZEN, c))})"
        for c in columns
        if c not in rule.mutable
    ]
    cases += [
        f"WHEN {when(f'OLD.{_q(c)} IS NOT NULL AND NEW.{_q(c)} IS NOT OLD.{_q(c)}')} "
        f"THEN RAISE(ABORT, {_lit(_message(rule, SET_ONCE, c))})"
        for c in sorted(rule.set_once)
    ]
    bad_move = _bad_move_sql("sqlite", rule)
    if bad_move:
        cases.append(
            f"WHEN {bad_move} THEN RAISE(ABORT, {_lit(_message(rule, STATUS_MOVE, rule.status))})"
        )
    statements = []
    if cases:
        body = "\n  ".join(cases)
        statements.append(
            f"CREATE TRIGGER {rule.trigger_name}_update BEFORE UPDATE ON {_q(rule.table)} "
            f"FOR EACH ROW BEGIN\nSELECT CASE\n  {body}\nEND;\nEND"
        )
    if rule.refuse_delete:
        where = f" WHERE {frozen}" if frozen else ""
        statements.append(
            f"CREATE TRIGGER {rule.trigger_name}_delete BEFORE DELETE ON {_q(rule.table)} "
            f"FOR EACH ROW BEGIN\nSELECT RAISE(ABORT, {_lit(_message(rule, DELETE))}){where};\nEND"
        )
    return statements


def _pg_raise(message_sql: str, detail_sql: str | None = None) -> str:
    detail = f", DETAIL = {detail_sql}" if detail_sql else ""
    return (
        f"RAISE EXCEPTION USING ERRCODE = {_lit(GUARD_SQLSTATE)}, MESSAGE = {message_sql}{detail};"
    )


def postgresql_function_body(rule: Guard) -> str:
    """The plpgsql body; frozen columns are found by comparing the rows as JSONB, so a column
    added later is frozen without regenerating anything. Each row is made JSONB once and the
    two compared whole; the changed columns are listed only for the refusal (a per-column
    lookup into `to_jsonb(OLD)` cost about 1.7 ms per wide row)."""
    frozen = _frozen_sql("postgresql", rule)
    mutable = ", ".join(_lit(c) for c in sorted(rule.mutable))
    lines = ["DECLARE", "  changed text;", "  new_row jsonb;", "  old_row jsonb;", "BEGIN"]
    if rule.refuse_delete:
        delete = _pg_raise(_lit(_message(rule, DELETE)))
        lines += [
            "  IF TG_OP = 'TRUNCATE' THEN",
            f"    {delete}",
            "  END IF;",
            "  IF TG_OP = 'DELETE' THEN",
            f"    IF {frozen} THEN" if frozen else "    IF true THEN",
            f"      {delete}",
            "    END IF;",
            "    RETURN OLD;",
            "  END IF;",
        ]
    lines += [
        f"  IF {frozen} THEN" if frozen else "  IF true THEN",
        f"    new_row := to_jsonb(NEW) - ARRAY[{mutable}]::text[];",
        f"    old_row := to_jsonb(OLD) - ARRAY[{mutable}]::text[];",
        "    IF new_row IS DISTINCT FROM old_row THEN",
        "      SELECT string_agg(n.key, ',' ORDER BY n.key) INTO changed",
        "        FROM jsonb_each(new_row) AS n",
        "       WHERE n.value IS DISTINCT FROM (old_row -> n.key);",
        f"      {_pg_raise(_lit(_message(rule, FROZEN)) + ' || changed')}",
        "    END IF;",
    ]
    for c in sorted(rule.set_once):
        col = _q(c)
        lines += [
            f"    IF OLD.{col} IS NOT NULL AND to_jsonb(NEW.{col}) IS DISTINCT FROM "
            f"to_jsonb(OLD.{col}) THEN",
            f"      {_pg_raise(_lit(_message(rule, SET_ONCE, c)))}",
            "    END IF;",
        ]
    lines.append("  END IF;")
    bad_move = _bad_move_sql("postgresql", rule)
    if bad_move:
        col = _q(rule.status)
        detail = f"coalesce(OLD.{col}::text, 'NULL') || ' -> ' || coalesce(NEW.{col}::text, 'NULL')"
        lines += [
            f"  IF {bad_move} THEN",
            f"    {_pg_raise(_lit(_message(rule, STATUS_MOVE, rule.status)), detail)}",
            "  END IF;",
        ]
    lines += ["  RETURN NEW;", "END;"]
    return "\n" + "\n".join(lines) + "\n"


def postgresql_ddl(rule: Guard) -> list[str]:
    table = _q(rule.table)
    events = "UPDATE OR DELETE" if rule.refuse_delete else "UPDATE"
    statements = [
        f"CREATE OR REPLACE FUNCTION {rule.trigger_name}() RETURNS trigger LANGUAGE plpgsql "
        f"AS $guard${postgresql_function_body(rule)}$guard$",
        f"CREATE TRIGGER {rule.trigger_name} BEFORE {events} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {rule.trigger_name}()",
    ]
    if rule.refuse_delete:
        statements.append(
            f"CREATE TRIGGER {rule.trigger_name}_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {rule.trigger_name}()"
        )
    return statements


# ====================================================================== installing


def _connection(target: Any) -> sa.Connection:
    """An Alembic `op` (or anything with get_bind()) or a Connection."""
    return target.get_bind() if hasattr(target, "get_bind") else target


def _columns(conn: sa.Connection, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(conn).get_columns(table)]


def _drop_sql(dialect: str, rule: Guard) -> list[str]:
    if dialect == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {rule.trigger_name}_update",
            f"DROP TRIGGER IF EXISTS {rule.trigger_name}_delete",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {rule.trigger_name}_truncate ON {_q(rule.table)}",
        f"DROP TRIGGER IF EXISTS {rule.trigger_name} ON {_q(rule.table)}",
        f"DROP FUNCTION IF EXISTS {rule.trigger_name}()",
    ]


def ddl(conn: sa.Connection, rule: Guard) -> list[str]:
    """The statements that install `rule` on this connection's database as it is now."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        return sqlite_ddl(rule, _columns(conn, rule.table))
    if dialect == "postgresql":
        return postgresql_ddl(rule)
    raise NotImplementedError(f"no guard triggers for {dialect}")


def install(target: Any, rule: Guard) -> None:
    """(Re)creates the rule's triggers: after any migration that recreated or added columns
    to the table (SQLite batch mode), call it again."""
    conn = _connection(target)
    statements = ddl(conn, rule)
    for sql in _drop_sql(conn.dialect.name, rule) + statements:
        conn.exec_driver_sql(sql)


def drop(target: Any, rule: Guard) -> None:
    conn = _connection(target)
    for sql in _drop_sql(conn.dialect.name, rule):
        conn.exec_driver_sql(sql)


def _squash(sql: str | None) -> str:
    return " ".join((sql or "").split())


def problems(target: Any, rule: Guard) -> list[str]:
    """What differs between the rule and the triggers in the database: [] when installed
    and up to date (a missing trigger, an outdated column list or body is named)."""
    conn = _connection(target)
    dialect = conn.dialect.name
    found: list[str] = []
    if dialect == "sqlite":
        expected = {sql.split()[2]: sql for sql in sqlite_ddl(rule, _columns(conn, rule.table))}
        stored = dict(
            conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                (rule.table,),
            ).all()
        )
        for name, sql in sorted(expected.items()):
            if name not in stored:
                found.append(f"{rule.table}: trigger {name} is missing")
            elif _squash(stored[name]) != _squash(sql):
                found.append(f"{rule.table}: trigger {name} is outdated")
        return found
    names = [rule.trigger_name] + ([f"{rule.trigger_name}_truncate"] if rule.refuse_delete else [])
    rows = dict(
        conn.exec_driver_sql(
            "SELECT t.tgname, t.tgenabled FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = %(table)s AND c.relnamespace = to_regnamespace(current_schema()) "
            "AND NOT t.tgisinternal",
            {"table": rule.table},
        ).all()
    )
    for name in names:
        if name not in rows:
            found.append(f"{rule.table}: trigger {name} is missing")
        elif rows[name] != "O":
            found.append(f"{rule.table}: trigger {name} is disabled")
    body = conn.exec_driver_sql(
        "SELECT prosrc FROM pg_proc WHERE proname = %(name)s "
        "AND pronamespace = to_regnamespace(current_schema())",
        {"name": rule.trigger_name},
    ).scalar()
    if body is None:
        found.append(f"{rule.table}: function {rule.trigger_name}() is missing")
    elif body != postgresql_function_body(rule):
        found.append(f"{rule.table}: function {rule.trigger_name}() is outdated")
    return found


# ====================================================================== the ORM side

_RULES: dict[str, Guard] = {}


def declared() -> list[Guard]:
    """Every rule attached to a model with `protect` (import the models first)."""
    return [_RULES[t] for t in sorted(_RULES)]


def protect(model: type, rule: Guard) -> None:
    """Attaches the rule to a mapped class: flushes refuse what the database would refuse,
    with the column names, and the database's own refusal is raised as `rule.error`."""
    _RULES[rule.table] = rule

    def values(target: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        state = sa.inspect(target)
        old: dict[str, Any] = {}
        changes: dict[str, Any] = {}
        for prop in sa.inspect(model).column_attrs:
            name = prop.columns[0].name
            history = state.attrs[prop.key].history
            if history.has_changes():
                changes[name] = history.added[0] if history.added else None
                if history.deleted:
                    old[name] = history.deleted[0]
            elif history.unchanged:
                old[name] = history.unchanged[0]
        return old, changes

    @event.listens_for(model, "before_update")
    def _before_update(mapper, connection, target) -> None:  # noqa: ANN001
        old, changes = values(target)
        violation = rule.refusal(old, changes)
        if violation is not None:
            raise violation

    @event.listens_for(model, "before_delete")
    def _before_delete(mapper, connection, target) -> None:  # noqa: ANN001
        old, _ = values(target)
        violation = rule.delete_refusal(old)
        if violation is not None:
            raise violation


def violation_of(exc: BaseException) -> GuardViolation | None:
    """The guard refusal a database error carries, if any: only the driver's own message is
    read (never the statement or its parameters), with the trigger's error code."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        if getattr(orig, "sqlite_errorname", None) != "SQLITE_CONSTRAINT_TRIGGER":
            return None
        text = str(orig)
    elif getattr(orig, "sqlstate", None) == GUARD_SQLSTATE:
        text = getattr(getattr(orig, "diag", None), "message_primary", None) or ""
    else:
        return None
    match = _REFUSAL.fullmatch(text.strip())
    if match is None:
        return None
    table, kind, columns = match.groups()
    rule = _RULES.get(table)
    error = rule.error if rule else GuardViolation
    return error(table, kind, [c for c in columns.split(",") if c])


@event.listens_for(sa.Engine, "handle_error")
def _translate(context: sa.engine.ExceptionContext) -> None:
    """One place: a trigger's refusal reaches callers as the rule's exception."""
    violation = violation_of(context.original_exception)
    if violation is not None:
        raise violation from context.sqlalchemy_exception
