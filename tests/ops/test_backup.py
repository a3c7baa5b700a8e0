"""`iztim backup`: a consistent snapshot of the SQLite database while the app writes,
checked, written beside the target and renamed; never over an existing file without --force."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import text

from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.ops import backup as ops
from iztim_app.core.policies import services as policies
from tests.foundation.support import actor_of
from tests.ops.conftest import iztim, whole
from tests.policies.fixtures_policies import policy_form

WRITER_LIMIT = 200  # policies at most: the writer stops by itself


def _file(url: str) -> Path:
    return Path(make_url(url).database)


class PolicyWriter(threading.Thread):
    """The running app: issues 4-installment policies one transaction each until told to stop."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.first = threading.Event()
        self.more = threading.Condition()
        self.issued: list[int] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with session_scope(self.url) as db:
                actor = actor_of(db, "gm.onay")
                customer = db.exec(text("SELECT min(id) FROM customer")).scalar_one()
                for _ in range(WRITER_LIMIT):
                    if self.stop.is_set():
                        break
                    inp = policy_form(
                        "konut", customer, "400000", installments=4, start=clock.today()
                    )
                    result = policies.issue(db, actor, inp)
                    with self.more:
                        self.issued.append(result.policy.number)
                        self.more.notify_all()
                    self.first.set()
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            self.error = exc
            self.first.set()


def _snapshot_state(path: Path) -> tuple[int, int, dict[int, tuple[int, int]]]:
    conn = sqlite3.connect(path)
    try:
        last = conn.execute("SELECT last FROM number_sequence WHERE name = 'policy'").fetchone()[0]
        top = conn.execute("SELECT max(number) FROM policy").fetchone()[0]
        plans = {
            number: (count, planned)
            for number, count, planned in conn.execute(
                "SELECT p.number, (SELECT count(*) FROM installment i WHERE i.policy_number ="
                " p.number AND i.endorsement_id IS NULL), p.installment_count FROM policy p"
                " WHERE p.version = 1"
            )
        }
    finally:
        conn.close()
    return last, top, plans


def test_a_backup_taken_while_policies_are_issued_is_one_consistent_snapshot(
    demo_url: str, tmp_path: Path
):
    before = _snapshot_state(_file(demo_url))
    writer = PolicyWriter(demo_url)
    mid_copy: list[int] = []

    def in_the_middle(remaining: int, total: int) -> None:
        """Halfway through the copy, wait until the app has committed another policy."""
        if not mid_copy and remaining < total // 2:
            with writer.more:
                seen = len(writer.issued)
                assert writer.more.wait_for(lambda: len(writer.issued) > seen, 60)
                mid_copy.append(writer.issued[-1])

    writer.start()
    try:
        assert writer.first.wait(60), "the writer never issued a policy"
        assert writer.error is None, writer.error
        # Small steps: the copy spans several of the writer's transactions.
        result = ops.backup(
            demo_url, tmp_path / "during.db", step_pages=4, pause_ms=1, on_step=in_the_middle
        )
    finally:
        writer.stop.set()
        writer.join(60)
    get_engine(demo_url).dispose()
    assert writer.error is None, writer.error
    assert result.steps > 20 and mid_copy, (result.steps, mid_copy)

    last, top, plans = _snapshot_state(result.path)
    # One moment: nothing committed after the copy began (the policy issued halfway through
    # is not in it), and the numbering row matches the policy rows of that moment …
    assert before[1] < top < mid_copy[0]
    assert last == top
    # … and every policy in the copy has its whole plan: the demo's as before, 4 of the writer's.
    assert {n: plans[n] for n in before[2]} == before[2]
    assert [n for n in writer.issued if n <= top] == list(range(before[1] + 1, top + 1))
    assert all(plans[n] == (4, 4) for n in range(before[1] + 1, top + 1))
    assert result.facts.policies == len(plans) and result.facts.revision == ops.head_revision()
    check = sqlite3.connect(result.path)
    assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    check.close()


def test_a_backup_holds_every_row_of_the_database(demo_url: str, tmp_path: Path, app_on):
    app_on(demo_url)
    target = tmp_path / "iztim-backup.db"
    result = iztim("backup", "--to", str(target))
    assert result.exit_code == 0, result.output
    facts = ops.inspect(target)
    assert result.output == (
        f"backup written: {target} ({target.stat().st_size} bytes; schema {facts.revision}; "
        f"{facts.policies} policies, {facts.quotes} quotes, {facts.customers} customers; "
        "integrity check: ok)\n"
    )
    assert (facts.policies, facts.quotes, facts.customers) == (120, 324, 40)
    assert target.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: one self-contained file
    copy_url = f"sqlite:///{target}"
    try:
        assert whole(copy_url) == whole(demo_url)
    finally:
        get_engine(copy_url).dispose()
    assert target.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_existing_file_is_kept_unless_force(demo_url: str, tmp_path: Path, app_on):
    app_on(demo_url)
    (tmp_path / "backups").mkdir()
    target = tmp_path / "backups" / "kept.db"
    target.write_bytes(b"an older backup")
    refused = iztim("backup", "--to", str(target))
    assert (refused.exit_code, refused.output) == (
        1,
        f"Error: {target} already exists: give --force to overwrite it.\n",
    )
    assert target.read_bytes() == b"an older backup"
    forced = iztim("backup", "--to", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert ops.inspect(target).policies == 120
    assert [p.name for p in target.parent.iterdir()] == ["kept.db"]  # no temporary file left


def test_backup_refuses_a_missing_database_and_creates_nothing(tmp_path: Path, app_on):
    app_on(f"sqlite:///{tmp_path / 'nothing.db'}")
    result = iztim("backup", "--to", str(tmp_path / "b.db"))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: No database file at {tmp_path / 'nothing.db'}\n",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_a_postgresql_backup_is_a_pg_dump_archive(pg_db_url: str, tmp_path: Path, app_on):
    import shutil
    import subprocess

    from tests.postgres import unavailable

    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        unavailable("pg_dump/pg_restore are not on PATH")
    app_on(pg_db_url)
    target = tmp_path / "iztim.dump"
    result = iztim("backup", "--to", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"PostgreSQL backup written (pg_dump -Fc): {target} ({target.stat().st_size} bytes)\n"
    )
    listed = subprocess.run(
        ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True
    )
    assert "TABLE public policy" in listed.stdout and "TABLE DATA public audit_event" in (
        listed.stdout
    )
    again = iztim("backup", "--to", str(target))
    assert again.exit_code == 1 and "--force" in again.output
