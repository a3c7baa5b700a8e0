"""The job runner: one daemon thread per process that works on queued jobs.

Any process may run any job, because everything is in the job's row. A runner claims a job
with one conditional UPDATE (of several runners exactly one gets it), then works with no
write transaction open: the kind's function reads in short steps, and progress and a
heartbeat are written in their own short transactions. A running job whose heartbeat has
stopped (its worker died) is claimed again by another runner, up to `MAX_ATTEMPTS` times;
every write of a runner names its claim, so a runner that lost its claim changes nothing.
Finished files are kept 24 hours, then the runner deletes them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError
from iztim_app.core.jobs.models import BackgroundJob, JobStatus
from iztim_app.core.jobs.registry import JobContext, JobOutput, LostClaim, kind_of, load_kinds
from iztim_app.core.jobs.services import RESULT_LIFETIME
from iztim_app.core.users.actor import load_actor

STALE_AFTER = timedelta(seconds=60)  # a running job without a heartbeat this long is retaken
HEARTBEAT_EVERY = timedelta(seconds=10)
PROGRESS_EVERY = timedelta(milliseconds=250)  # progress writes at most this often
POLL_EVERY = timedelta(seconds=2)  # jobs queued by other processes are found this soon
CLEANUP_EVERY = timedelta(minutes=5)
KEEP_FINISHED = timedelta(days=30)  # finished jobs' rows (without files) stay listed this long
MAX_ATTEMPTS = 3

log = logging.getLogger(__name__)


def new_claim() -> str:
    """A name for one claim: which host and process, and unique to this attempt."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        BackgroundJob.status == JobStatus.QUEUED.value,
        sa.and_(
            BackgroundJob.status == JobStatus.RUNNING.value,
            BackgroundJob.heartbeat_at < now - STALE_AFTER,
            BackgroundJob.attempts < MAX_ATTEMPTS,
        ),
    )


def give_up_abandoned(db: Session, now: datetime | None = None) -> int:
    """Jobs left running by dead workers `MAX_ATTEMPTS` times fail (they may be what kills
    the worker)."""
    now = now or clock.utcnow()
    count = db.exec(
        sa.update(BackgroundJob)
        .where(
            BackgroundJob.status == JobStatus.RUNNING.value,
            BackgroundJob.heartbeat_at < now - STALE_AFTER,
            BackgroundJob.attempts >= MAX_ATTEMPTS,
        )
        .values(
            status=JobStatus.FAILED.value,
            message="jobs.worker_lost",
            finished_at=now,
            claimed_by="",
        )
    ).rowcount
    db.commit()
    return count


def claim_next(db: Session, claim: str, now: datetime | None = None) -> int | None:
    """Claims the oldest job this process can run; its id, or None when there is none."""
    now = now or clock.utcnow()
    kinds = sorted(load_kinds())
    candidates = db.exec(
        select(BackgroundJob.id)
        .where(BackgroundJob.kind.in_(kinds), _claimable(now))
        .order_by(BackgroundJob.id)
        .limit(10)
    ).all()
    db.rollback()
    for job_id in candidates:
        claimed = db.exec(
            sa.update(BackgroundJob)
            .where(BackgroundJob.id == job_id, _claimable(now))
            .values(
                status=JobStatus.RUNNING.value,
                claimed_by=claim,
                attempts=BackgroundJob.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                done=0,
            )
        ).rowcount
        db.commit()
        if claimed == 1:
            return int(job_id)
    return None


def expire_results(db: Session, now: datetime | None = None) -> int:
    """Deletes the files of jobs finished more than 24 hours ago, and the rows of jobs
    finished long ago; how many files went."""
    now = now or clock.utcnow()
    count = db.exec(
        sa.update(BackgroundJob)
        .where(BackgroundJob.expires_at <= now, BackgroundJob.result.is_not(None))
        .values(result=None)
    ).rowcount
    db.exec(sa.delete(BackgroundJob).where(BackgroundJob.finished_at < now - KEEP_FINISHED))
    db.commit()
    return count


def _mine(job_id: int, claim: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        BackgroundJob.id == job_id,
        BackgroundJob.claimed_by == claim,
        BackgroundJob.status == JobStatus.RUNNING.value,
    )


def _write(url: str | None, job_id: int, claim: str, **values: Any) -> bool:
    """One short transaction on the job, only while this claim holds; False: claim lost."""
    with session_scope(url) as db:
        changed = db.exec(sa.update(BackgroundJob).where(_mine(job_id, claim)).values(**values))
        db.commit()
        return changed.rowcount == 1


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """Message parameters as JSON keeps them (dates as printed)."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, date):
            out[key] = clock.format_date(value)
        elif value is None or isinstance(value, str | int | bool):
            out[key] = value
        else:
            out[key] = str(value)
    return out


class _Reporter:
    """The job's progress callback: writes at most every PROGRESS_EVERY (always the last
    step), and stops the work when the claim is gone."""

    def __init__(self, url: str | None, job_id: int, claim: str) -> None:
        self.url, self.job_id, self.claim = url, job_id, claim
        self.lost = threading.Event()
        self._last = 0.0  # monotonic seconds of the last write

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.lost.is_set():
            raise LostClaim()
        now = time.monotonic()
        last_step = total is not None and done >= total
        if not last_step and now - self._last < PROGRESS_EVERY.total_seconds():
            return
        values: dict[str, Any] = {"done": done, "heartbeat_at": clock.utcnow()}
        if total is not None:
            values["total"] = total
        if not _write(self.url, self.job_id, self.claim, **values):
            self.lost.set()
            raise LostClaim()
        self._last = now


class _Heartbeat:
    """Says every HEARTBEAT_EVERY that this worker still works on the job, also while one
    step of the work takes long."""

    def __init__(self, reporter: _Reporter, every: timedelta | None = None) -> None:
        self.reporter, self.every = reporter, every or HEARTBEAT_EVERY
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="iztim-job-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _beat(self) -> None:
        r = self.reporter
        while not self._stop.wait(self.every.total_seconds()):
            try:
                if not _write(r.url, r.job_id, r.claim, heartbeat_at=clock.utcnow()):
                    r.lost.set()
                    return
            except Exception:  # a database hiccup: try again at the next beat
                log.exception("job heartbeat failed")


def run_claimed(job_id: int, claim: str, url: str | None = None) -> str:
    """Does the work of a job this runner has claimed; the status it ended in ("lost":
    another runner has it now)."""
    reporter = _Reporter(url, job_id, claim)
    with session_scope(url) as db:
        job = db.exec(
            select(BackgroundJob).options(defer(BackgroundJob.result)).where(_mine(job_id, claim))
        ).first()
        if job is None:
            return "lost"
        kind, params = kind_of(job.kind), dict(job.params)
        actor = load_actor(db, job.created_by_id)
        db.rollback()
        if kind is None:
            return _fail(url, job_id, claim, "jobs.unknown_kind", {})
        if actor is None:  # disabled meanwhile (or the office closed): the job stops
            return _fail(url, job_id, claim, "jobs.owner_inactive", {})
        try:
            with _Heartbeat(reporter):
                output = kind.run(JobContext(db, actor, params, reporter))
        except LostClaim:
            db.rollback()
            return "lost"
        except DomainError as exc:
            db.rollback()
            return _fail(url, job_id, claim, exc.code, exc.params)
        except Exception:  # a bug must not stop the runner; the job says it failed
            db.rollback()
            log.exception("background job %s failed", job_id)
            return _fail(url, job_id, claim, "jobs.failed_internal", {})
        db.rollback()
    if reporter.lost.is_set():
        return "lost"
    return _finish(url, job_id, claim, output)


def _fail(url: str | None, job_id: int, claim: str, code: str, params: dict) -> str:
    ok = _write(
        url,
        job_id,
        claim,
        status=JobStatus.FAILED.value,
        message=code[:80],
        message_params=_plain(params),
        finished_at=clock.utcnow(),
    )
    return JobStatus.FAILED.value if ok else "lost"


def _finish(url: str | None, job_id: int, claim: str, output: JobOutput) -> str:
    now = clock.utcnow()
    ok = _write(
        url,
        job_id,
        claim,
        status=JobStatus.DONE.value,
        done=BackgroundJob.total,
        result=output.content,
        result_name=output.name[:200],
        result_mime=output.mime[:100],
        result_size=len(output.content),
        message=output.message[:80],
        message_params=_plain(output.message_params),
        finished_at=now,
        heartbeat_at=now,
        expires_at=now + RESULT_LIFETIME,
    )
    return JobStatus.DONE.value if ok else "lost"


class JobRunner:
    """The process's runner thread, started on first use (`wake`), like the outbox sender."""

    def __init__(self, url: str | None = None, poll: timedelta = POLL_EVERY) -> None:
        self.url = url  # None: the configured database, read at every pass
        self.poll = poll
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._cleaned_at = 0.0
        self.passed = threading.Event()  # set after each pass (tests, diagnostics)

    def wake(self) -> bool:
        """Asks for a pass now; starts the thread on first use."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="iztim-jobs", daemon=True)
                self._thread.start()
        self._wake.set()
        return True

    def run_one(self) -> tuple[int, str] | None:
        """Claims one job and works on it here; (job id, how it ended), or None: no job."""
        claim = new_claim()
        with session_scope(self.url) as db:
            job_id = claim_next(db, claim)
        if job_id is None:
            return None
        return job_id, run_claimed(job_id, claim, self.url)

    def run_pending(self) -> int:
        """Works until nothing is left to claim; how many jobs it worked on."""
        now = time.monotonic()
        if not self._cleaned_at or now - self._cleaned_at >= CLEANUP_EVERY.total_seconds():
            with session_scope(self.url) as db:  # writes only now and then: idle passes read
                give_up_abandoned(db)
                expire_results(db)
            self._cleaned_at = now
        count = 0
        while self.run_one() is not None:
            count += 1
        return count

    def _run(self) -> None:
        while True:
            self._wake.wait(self.poll.total_seconds())
            self._wake.clear()
            self.passed.clear()
            try:
                self.run_pending()
            except Exception:  # a broken pass must not stop later ones; it is logged
                log.exception("job runner pass failed")
            self.passed.set()


runner = JobRunner()
