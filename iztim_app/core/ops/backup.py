"""Backups and restores of the embedded SQLite database, safe while the app runs.

Backup: SQLite's online backup API copies the pages of one read transaction held open for
the whole copy, so the result is one consistent snapshot even while the app writes (in WAL
mode, which every İztim connection sets, a reader never blocks a writer, and the held
snapshot keeps the backup from restarting after each write). It copies a few pages per step
with a short pause in between, so the app's writers keep the disk and the CPU. The copy goes
to a temporary file beside the target (mode 0600), passes `PRAGMA integrity_check` and
must be an İztim database, then takes the target's name in one rename.

Restore: the backup file is checked first (integrity, `alembic_version`, a revision this code
knows), then copied into the live database with the same API in one write transaction of
the destination: the app's open connections see the old database or the new one, never a
mix. The restore is written to the restored database's audit trail.

PostgreSQL: `pg_dump -Fc` when it is on PATH (its output verified with `pg_restore --list`);
restoring a dump is `pg_restore`'s job and is refused here with the command to use.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from iztim_app.core.ops import (
    DatabaseFacts,
    OpsError,
    backend_of,
    head_revision,
    known_revisions,
    normalized_url,
    shown_url,
)

STEP_PAGES = 256  # 1 MiB of 4 KiB pages per step
PAUSE_MS = 5  # between steps: writers get the disk and the lock in between
BUSY_TIMEOUT_MS = 30_000
RESTORE_ACTION = "database.restore"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    facts: DatabaseFacts | None  # None for a pg_dump archive (not opened here)
    steps: int


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    target: Path
    facts: DatabaseFacts  # of the restored database, read back from it
    replaced: DatabaseFacts | None  # of the database it replaced, when that was İztim's
    at_head: bool  # False: older schema, `iztim db upgrade` is needed before the app runs


# ====================================================================== file helpers


def sqlite_file(url: str) -> Path:
    """The database file of an SQLite URL."""
    url = normalized_url(url)
    if backend_of(url) != "sqlite":
        raise OpsError("ops.not_sqlite", url=shown_url(url))
    name = sa.engine.make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise OpsError("ops.not_sqlite", url=shown_url(url))
    return Path(name)


def _refuse_existing(target: Path, force: bool) -> None:
    if target.is_dir():
        raise OpsError("ops.target_is_folder", file=str(target))
    if target.exists() and not force:
        raise OpsError("ops.target_exists", file=str(target))
    if not target.parent.is_dir():
        raise OpsError("ops.no_folder", folder=str(target.parent))


def _temp_beside(target: Path) -> Path:
    """An empty private file in the target's folder: the rename onto the target is atomic."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    return tmp


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp: Path, target: Path, force: bool) -> None:
    """The finished file takes the target's name at once; without `force` never over an
    existing file (a link fails if the name appeared meanwhile)."""
    _fsync(tmp)
    if force:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise OpsError("ops.target_exists", file=str(target)) from None
        except OSError:  # a file system without hard links: check, then rename
            if target.exists():
                raise OpsError("ops.target_exists", file=str(target)) from None
            os.replace(tmp, target)
        else:
            tmp.unlink()
    with contextlib.suppress(OSError):  # not every platform can fsync a folder
        _fsync(target.parent)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)


# ====================================================================== what a file holds


def _count(conn: sqlite3.Connection, tables: set[str], table: str, expression: str) -> int:
    if table not in tables:
        return 0
    return int(conn.execute(f'SELECT {expression} FROM "{table}"').fetchone()[0])


def facts_of(conn: sqlite3.Connection, label: str) -> DatabaseFacts:
    """Integrity, the İztim schema revision and the counts; `label` names the file in errors."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise OpsError("ops.not_a_database", file=label) from None
        raise OpsError("ops.integrity_failed", file=label, detail=str(exc)) from None
    if rows != [("ok",)]:
        raise OpsError("ops.integrity_failed", file=label, detail=str(rows[0][0])[:300])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        raise OpsError("ops.not_iztim", file=label)
    revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    if len(revisions) != 1:
        raise OpsError("ops.not_iztim", file=label)
    if revisions[0] not in known_revisions():
        raise OpsError("ops.newer_revision", file=label, revision=revisions[0])
    return DatabaseFacts(
        revision=revisions[0],
        policies=_count(conn, tables, "policy", "count(DISTINCT number)"),
        quotes=_count(conn, tables, "quote", "count(*)"),
        customers=_count(conn, tables, "customer", "count(*)"),
    )


def inspect(path: Path) -> DatabaseFacts:
    """The facts of a backup file, opened read-only; refuses anything but an intact İztim
    database this code can run (a revision it knows)."""
    path = Path(path)
    if not path.is_file():
        raise OpsError("ops.no_file", file=str(path))
    try:
        conn = _read_only(path)
    except sqlite3.Error:
        raise OpsError("ops.not_a_database", file=str(path)) from None
    try:
        return facts_of(conn, str(path))
    finally:
        conn.close()


# ====================================================================== backup


def backup(
    url: str,
    to: Path,
    *,
    force: bool = False,
    step_pages: int = STEP_PAGES,
    pause_ms: int = PAUSE_MS,
    on_step: Callable[[int, int], None] | None = None,
) -> BackupResult:
    """A consistent copy of the database at `url` written to `to` (see the module's text);
    `on_step(pages remaining, pages in all)` after each step (progress, tests)."""
    to = Path(to)
    url = normalized_url(url)
    if backend_of(url) == "postgresql":
        return _pg_dump(url, to, force)
    source = sqlite_file(url)
    if not source.is_file():
        raise OpsError("ops.no_database", file=str(source))
    _refuse_existing(to, force)
    tmp = _temp_beside(to)
    steps = 0

    def pause(_status: int, remaining: int, total: int) -> None:
        nonlocal steps
        steps += 1
        if on_step is not None:
            on_step(remaining, total)
        if pause_ms > 0:
            time.sleep(pause_ms / 1000)

    try:
        src = sqlite3.connect(source, timeout=30, isolation_level=None)
        try:
            src.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            wal = str(src.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
            # One read transaction for the whole copy: its snapshot is what gets copied.
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            dst = sqlite3.connect(tmp)
            try:
                # Outside WAL mode a held reader blocks writers: copy in one go instead.
                src.backup(dst, pages=step_pages if wal else -1, progress=pause)
                # The copy took the source's WAL flag: one self-contained file instead.
                dst.execute("PRAGMA journal_mode=DELETE").fetchone()
            finally:
                dst.close()
            src.execute("ROLLBACK")
        finally:
            src.close()
        check = sqlite3.connect(tmp)
        try:
            facts = facts_of(check, str(to))
        finally:
            check.close()
        size = tmp.stat().st_size
        _publish(tmp, to, force)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(path=to, size=size, facts=facts, steps=steps)


def _libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it (no driver suffix, no password) and the environment that
    carries the password, if the URL has one: never on a command line others can list."""
    parsed = sa.engine.make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = sa.engine.URL.create(
        "postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database,
        parsed.query,
    )  # fmt: skip
    return plain.render_as_string(hide_password=False), env


def _pg_dump(url: str, to: Path, force: bool) -> BackupResult:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise OpsError("ops.pg_dump_missing")
    _refuse_existing(to, force)
    tmp = _temp_beside(to)
    try:
        dbname, env = _libpq_target(url)
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--file={tmp}", f"--dbname={dbname}"],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        if done.returncode != 0:
            raise OpsError("ops.pg_dump_failed", detail=done.stderr.strip()[-500:])
        pg_restore = shutil.which("pg_restore")
        if pg_restore is not None:
            listed = subprocess.run(
                [pg_restore, "--list", str(tmp)], capture_output=True, text=True, check=False
            )
            if listed.returncode != 0 or "alembic_version" not in listed.stdout:
                raise OpsError("ops.pg_dump_failed", detail=listed.stderr.strip()[-500:])
        size = tmp.stat().st_size
        _publish(tmp, to, force)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(path=to, size=size, facts=None, steps=1)


# ====================================================================== restore


@dataclass(frozen=True)
class RestorePlan:
    source: Path
    target: Path
    facts: DatabaseFacts  # of the backup file


def plan_restore(path: Path, url: str) -> RestorePlan:
    """Every check a restore makes before it changes anything (shown for confirmation)."""
    path = Path(path)
    url = normalized_url(url)
    if backend_of(url) == "postgresql":
        raise OpsError("ops.pg_restore_here")
    target = sqlite_file(url)
    facts = inspect(path)
    if target.exists() and target.resolve() == path.resolve():
        raise OpsError("ops.restore_onto_itself", file=str(path))
    if not target.parent.is_dir():
        raise OpsError("ops.no_folder", folder=str(target.parent))
    return RestorePlan(path, target, facts)


def restore(path: Path, url: str) -> RestoreResult:
    """Replaces the database at `url` with the backup at `path` (checked first; nothing
    changes when it is refused) and records the restore in the restored audit trail."""
    url = normalized_url(url)
    plan = plan_restore(path, url)
    path, target = plan.source, plan.target
    replaced = _replaced_facts(target)
    src = _read_only(path)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            dst.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            try:
                # One step: the destination's pages change in one write transaction.
                src.backup(dst, pages=-1)
            except sqlite3.Error as exc:
                raise OpsError("ops.restore_failed", detail=str(exc)) from None
            restored = facts_of(dst, str(target))
        finally:
            dst.close()
    finally:
        src.close()
    at_head = restored.revision == head_revision()
    _audit(url, path, restored, replaced, at_head)
    return RestoreResult(path, target, restored, replaced, at_head)


def _replaced_facts(target: Path) -> DatabaseFacts | None:
    if not target.is_file():
        return None
    try:
        conn = sqlite3.connect(target, timeout=30)
    except sqlite3.Error:
        return None
    try:
        return facts_of(conn, str(target))
    except OpsError:
        return None  # not (or no longer) an İztim database: nothing to report of it
    finally:
        conn.close()


def _audit(
    url: str, path: Path, restored: DatabaseFacts, replaced: DatabaseFacts | None, at_head: bool
) -> None:
    """The restore in the restored database's own trail, by the command line's operator.

    At this code's head through the audit service; an older schema (to be upgraded next)
    may lack newer audit columns, so its row is written with the columns it has."""
    from iztim_app.core import clock
    from iztim_app.core.audit import services as audit
    from iztim_app.core.db import session_scope
    from iztim_app.core.users.actor import operator_actor

    before = replaced.as_dict() if replaced else None
    after = {"file": str(path.resolve()), **restored.as_dict()}
    if at_head:
        with session_scope(url) as db:
            audit.record(
                db, operator_actor(), RESTORE_ACTION, "database", restored.revision, before, after
            )
            db.commit()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            table = sa.Table("audit_event", sa.MetaData(), autoload_with=conn)
            values = {
                "at": clock.utcnow().replace(tzinfo=None),  # stored as UTC, like UTCDateTime
                "actor_code": "cli",
                "action": RESTORE_ACTION,
                "entity_type": "database",
                "entity_id": restored.revision,
                "before": before,
                "after": after,
            }
            conn.execute(table.insert().values({k: v for k, v in values.items() if k in table.c}))
    finally:
        engine.dispose()
