"""While a job works, it holds no write lock and no write transaction: other users go on
saving, on SQLite (one writer at a time) and PostgreSQL. Its heartbeat goes on while one step
takes long, and a runner whose claim was taken over stops without writing anything."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.jobs import batch_print, runner
from iztim_app.core.jobs import services as jobs
from iztim_app.core.jobs.models import BackgroundJob
from iztim_app.core.jobs.runner import JobRunner
from tests.foundation.support import actor_of, use_settings
from tests.jobs.fixtures_jobs import DAY, approved_at, turkish
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED

A1 = "acente.a1"


@pytest.fixture
def app_db(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED)
    yield url
    get_engine.cache_clear()


@pytest.fixture
def db(app_db: str) -> Iterator[Session]:
    with session_scope(app_db) as session:
        yield session


class Paused:
    """Replaces the renderer: the second policy waits until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached, self.release = threading.Event(), threading.Event()
        self.calls = 0
        render = batch_print._render

        def paused(db_, view, lang):  # noqa: ANN001, ANN202
            self.calls += 1
            if self.calls == 2:
                self.reached.set()
                assert self.release.wait(30)
            return render(db_, view, lang)

        monkeypatch.setattr(batch_print, "_render", paused)


def _start_paused(app_db: str, db: Session, customers: Customers, monkeypatch) -> tuple:  # noqa: ANN001
    for hour in (9, 10, 11):
        approved_at(db, A1, customers.a1_person.id, turkish(DAY, hour))
    started = jobs.start_batch_print(db, actor_of(db, A1), DAY)
    monkeypatch.setattr(runner, "PROGRESS_EVERY", timedelta(0))
    paused = Paused(monkeypatch)
    ran: list = []
    thread = threading.Thread(target=lambda: ran.append(JobRunner(app_db).run_one()))
    thread.start()
    assert paused.reached.wait(30), "the job never reached its second policy"
    return started, paused, thread, ran


def _job(app_db: str) -> BackgroundJob:
    with session_scope(app_db) as s:
        return s.exec(select(BackgroundJob)).one()


def test_other_writes_go_through_while_a_job_is_mid_way(
    app_db: str, db: Session, customers: Customers, monkeypatch: pytest.MonkeyPatch
):
    started, paused, thread, ran = _start_paused(app_db, db, customers, monkeypatch)
    try:
        assert (_job(app_db).status, _job(app_db).done) == ("running", 1)
        if app_db.startswith("sqlite"):
            # another connection takes the database's one write lock at once (1 s at most)
            path = app_db.removeprefix("sqlite:///")
            other = sqlite3.connect(path, timeout=1, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("UPDATE background_job SET message = 'x' WHERE id = ?", (started.id,))
                other.execute("UPDATE background_job SET message = '' WHERE id = ?", (started.id,))
                other.execute("COMMIT")
            finally:
                other.close()
        else:
            with get_engine(app_db).connect() as conn:
                # no other session of this database holds a write transaction …
                writers = conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
                assert writers == 0
                # … nor a lock on the job's own row
                conn.execute(sa.text("SET lock_timeout = '1s'"))
                conn.execute(
                    sa.text("UPDATE background_job SET message = '' WHERE id = :id"),
                    {"id": started.id},
                )
                conn.commit()
    finally:
        paused.release.set()
        thread.join(30)
    assert ran == [(started.id, "done")]
    assert (_job(app_db).status, _job(app_db).done) == ("done", 3)


def test_the_heartbeat_goes_on_while_a_step_takes_long(
    app_db: str, db: Session, customers: Customers, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(runner, "HEARTBEAT_EVERY", timedelta(milliseconds=50))
    started, paused, thread, ran = _start_paused(app_db, db, customers, monkeypatch)
    try:
        first = _job(app_db).heartbeat_at
        time.sleep(0.4)
        later = _job(app_db)
        assert (later.done, later.heartbeat_at > first) == (1, True)
    finally:
        paused.release.set()
        thread.join(30)
    assert ran == [(started.id, "done")]


def test_a_runner_that_lost_its_claim_stops_and_writes_nothing(
    app_db: str, db: Session, customers: Customers, monkeypatch: pytest.MonkeyPatch
):
    started, paused, thread, ran = _start_paused(app_db, db, customers, monkeypatch)
    try:
        # meanwhile another runner took the job over (as if this one had gone quiet)
        with session_scope(app_db) as s:
            s.exec(
                sa.update(BackgroundJob)
                .where(BackgroundJob.id == started.id)
                .values(claimed_by="other-runner", done=0)
            )
            s.commit()
    finally:
        paused.release.set()
        thread.join(30)
    assert ran == [(started.id, "lost")]
    job = _job(app_db)
    assert (job.status, job.claimed_by, job.done, job.result) == (
        "running",
        "other-runner",
        0,
        None,
    )
