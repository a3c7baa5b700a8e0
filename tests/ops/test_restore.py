"""`iztim restore`: only an intact İztim backup this code can run is restored, after a
confirmation, through the backup API into the live file; the restore is audited."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select, text

from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.ops import backup as ops
from iztim_app.core.policies import services as policies
from tests.foundation.support import actor_of, snapshot
from tests.ops.conftest import iztim, whole
from tests.policies.fixtures_policies import policy_form


def _issue_one(url: str) -> int:
    with session_scope(url) as db:
        customer = db.exec(text("SELECT min(id) FROM customer")).scalar_one()
        inp = policy_form("konut", customer, "400000", installments=2, start=clock.today())
        return policies.issue(db, actor_of(db, "gm.onay"), inp).policy.number


@pytest.fixture
def backup_file(demo_url: str, tmp_path: Path) -> Path:
    target = tmp_path / "backups" / "iztim.db"
    target.parent.mkdir()
    ops.backup(demo_url, target)
    return target


def test_a_restore_brings_back_the_backup_and_is_audited(demo_url: str, backup_file: Path, app_on):
    app_on(demo_url)
    saved = whole(f"sqlite:///{backup_file}")
    get_engine(f"sqlite:///{backup_file}").dispose()
    newer = _issue_one(demo_url)  # made after the backup: the restore takes it away
    # The running app's pooled connection, open across the restore.
    with session_scope(demo_url) as app_db:
        assert app_db.exec(text(f"SELECT count(*) FROM policy WHERE number = {newer}")).one()[0]
        result = iztim("restore", "--from", str(backup_file), "--yes")
        assert result.exit_code == 0, result.output
        app_db.rollback()
        seen = app_db.exec(text(f"SELECT count(*) FROM policy WHERE number = {newer}")).one()[0]
    target = Path(make_url(demo_url).database)
    assert result.output == (
        f"restored: {backup_file} → {target} (schema {ops.head_revision()}; 120 policies, "
        "324 quotes, 40 customers); recorded in the audit trail.\n"
    )
    assert seen == 0
    now = whole(demo_url)
    audit = now.pop("audit_event")
    assert now == {k: v for k, v in saved.items() if k != "audit_event"}
    assert audit[:-1] == saved["audit_event"]
    with session_scope(demo_url) as db:
        event = db.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        journal = db.exec(text("PRAGMA journal_mode")).one()[0]
    assert (event.actor_code, event.action, event.entity_type, event.entity_id) == (
        "cli", "database.restore", "database", ops.head_revision(),
    )  # fmt: skip
    assert event.before == {
        "revision": ops.head_revision(), "policies": 121, "quotes": 324, "customers": 40,
    }  # fmt: skip
    assert event.after == {
        "file": str(backup_file.resolve()), "revision": ops.head_revision(),
        "policies": 120, "quotes": 324, "customers": 40,
    }  # fmt: skip
    assert journal == "wal"


def test_a_restore_asks_first_and_no_changes_nothing(demo_url: str, backup_file: Path, app_on):
    app_on(demo_url)
    _issue_one(demo_url)
    before = snapshot(demo_url)
    result = iztim("restore", "--from", str(backup_file), stdin="n\n")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"{backup_file} will replace {make_url(demo_url).database} (schema "
        f"{ops.head_revision()}; 120 policies, 324 quotes, 40 customers). The current data is "
        "replaced. Continue? [y/N]: n\nAborted!"
    )
    assert snapshot(demo_url) == before


def _not_sqlite(path: Path) -> str:
    path.write_text("policy;number\n5000001\n")
    return f"Error: {path} is not an SQLite database.\n"


def _no_alembic(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE policy (number INTEGER)")
    conn.commit()
    conn.close()
    return f"Error: {path} is not an İztim database (it has no schema revision, alembic_version).\n"


def _newer(path: Path, backup: Path) -> str:
    shutil.copy(backup, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    return (
        f"Error: {path} is at a schema revision this İztim does not know (0099_from_the_future):"
        " a newer release's database. Upgrade İztim first.\n"
    )


def _torn(path: Path, backup: Path) -> str:
    data = bytearray(backup.read_bytes())
    page = 4096
    data[page * 40 : page * 41] = b"\xff" * page  # one page of some table overwritten
    path.write_bytes(bytes(data))
    return f"Error: {path} failed the integrity check: "


@pytest.mark.parametrize("make", [_not_sqlite, _no_alembic, _newer, _torn])
def test_a_file_that_is_not_a_restorable_iztim_backup_changes_nothing(
    make, demo_url: str, backup_file: Path, tmp_path: Path, app_on
):
    app_on(demo_url)
    bad = tmp_path / "bad.db"
    args = (bad,) if make in (_not_sqlite, _no_alembic) else (bad, backup_file)
    expected = make(*args)
    before = snapshot(demo_url)
    result = iztim("restore", "--from", str(bad), "--yes")
    assert result.exit_code == 1
    assert result.output.startswith(expected), result.output
    assert snapshot(demo_url) == before


def test_restore_on_postgresql_points_to_pg_restore(app_on, backup_file: Path):
    app_on("postgresql+psycopg://iztim@db-host:5432/iztim")
    result = iztim("restore", "--from", str(backup_file), "--yes")
    assert result.exit_code == 1
    assert "pg_restore --clean --if-exists --single-transaction -d DATABASE FILE" in result.output


def test_an_older_backup_is_restored_audited_and_told_to_upgrade(
    demo_url: str, tmp_path: Path, app_on
):
    from iztim_app.core import schema
    from iztim_app.core.ops import known_revisions

    older = known_revisions()[-2]
    old_file = tmp_path / "older.db"
    schema.upgrade(f"sqlite:///{old_file}", revision=older)
    get_engine(f"sqlite:///{old_file}").dispose()
    app_on(demo_url)
    result = iztim("restore", "--from", str(old_file), "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "The backup's schema is older than this release: run `iztim db upgrade` before "
        "starting the app."
    )
    conn = sqlite3.connect(make_url(demo_url).database)
    try:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        audit = conn.execute("SELECT actor_code, action, entity_id FROM audit_event").fetchall()
    finally:
        conn.close()
    assert version == older
    assert audit == [("cli", "database.restore", older)]
