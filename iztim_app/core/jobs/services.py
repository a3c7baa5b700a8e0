"""Starting background jobs and following them: batch printing, a job's progress, its file.

A job belongs to the user who started it: only they see its progress and download its file
(anyone else's job, or one that does not exist, is `NotFound`), and only while they hold
the permission of its kind. Starting a job is quick (it only records what to do); a runner
thread (`jobs.runner`) does the work, as the job's owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, select

from iztim_app.core import clock, dates
from iztim_app.core.audit import services as audit_log
from iztim_app.core.errors import NotFound, ValidationFailed
from iztim_app.core.jobs import batch_print
from iztim_app.core.jobs.models import BackgroundJob, JobStatus
from iztim_app.core.jobs.registry import kind_of
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.policies import lookup
from iztim_app.core.policies.models import Policy
from iztim_app.core.users.actor import Actor
from iztim_app.i18n import Label, normalize_language

RESULT_LIFETIME = timedelta(hours=24)
MAX_BATCH_POLICIES = 1000  # about 45 MB of PDF (held in memory and in the row); more: refused


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    status: str  # JobStatus value
    total: int
    done: int
    message: str  # catalogue key ("" when there is nothing to say)
    message_params: dict[str, Any]
    params: dict[str, str | int | bool]  # the job's scalar parameters (day, format, lang)
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    result_name: str
    result_size: int
    expired: bool  # finished, and its file is gone (24 hours after)
    downloadable: bool  # finished, its file still there

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE.value, JobStatus.FAILED.value)


class JobResult(NamedTuple):
    filename: str
    content: bytes
    mime: str


def view_of(job: BackgroundJob, now: datetime | None = None) -> JobView:
    now = now or clock.utcnow()
    done = job.status == JobStatus.DONE.value
    alive = done and job.expires_at is not None and job.expires_at > now
    return JobView(
        id=job.id,
        kind=job.kind,
        status=job.status,
        total=job.total,
        done=job.done,
        message=job.message,
        message_params=dict(job.message_params or {}),
        params={k: v for k, v in (job.params or {}).items() if isinstance(v, str | int | bool)},
        created_by=job.created_by_code,
        created_at=job.created_at,
        finished_at=job.finished_at,
        expires_at=job.expires_at,
        result_name=job.result_name,
        result_size=job.result_size,
        expired=done and not alive,
        downloadable=alive,
    )


def create_job(
    db: Session, owner: Actor, kind: str, params: dict[str, Any], total: int = 0
) -> BackgroundJob:
    """Adds a queued job to the caller's transaction (flushed: it has its id). The caller
    has checked the permission, audits the start and commits; a runner picks it up."""
    job = BackgroundJob(
        kind=kind,
        created_by_id=owner.user_id,
        created_by_code=owner.code,
        params=params,
        status=JobStatus.QUEUED.value,
        total=total,
        created_at=clock.utcnow(),
    )
    db.add(job)
    db.flush()
    return job


def _printable_on(db: Session, actor: Actor, day: date) -> list[int]:
    """Numbers of the visible current versions that print, approved on `day`, ascending."""
    start, end = batch_print.day_bounds(day)
    later = aliased(Policy)
    newer_version = (
        sa.exists()
        .where(later.number == Policy.number, later.version > Policy.version)
        .correlate(Policy)
    )
    query = (
        select(Policy.number)
        .where(
            Policy.status.in_(batch_print.PRINTABLE),
            Policy.approved_at >= start,
            Policy.approved_at < end,
            ~newer_version,
            lookup.visible(actor),
        )
        .order_by(Policy.number)
    )
    return [int(n) for n in db.exec(query).all()]


def start_batch_print(
    db: Session, actor: Actor, day: Any, lang: str = "tr", as_zip: bool = False
) -> JobView:
    """Queues the printing of the policies approved on `day` (a Turkish calendar day) that
    the actor sees: one merged PDF, or a zip of one PDF per policy. Nothing to print that
    day is said at once (no job). Audited `policy.batch_print` with the numbers."""
    actor.require(batch_print.PERMISSION)
    day = dates.parse_date(day, "day", name=Label.of("jobs.day"))
    lang = normalize_language(lang)
    as_zip = as_zip is True or str(as_zip).lower() in ("1", "true", "zip", "on")
    numbers = _printable_on(db, actor, day)
    if not numbers:
        db.rollback()
        raise ValidationFailed("jobs.nothing_to_print", field="day", day=day)
    if len(numbers) > MAX_BATCH_POLICIES:
        db.rollback()
        raise ValidationFailed(
            "jobs.too_many", field="day", day=day, count=len(numbers), limit=MAX_BATCH_POLICIES
        )
    fmt = "zip" if as_zip else "pdf"
    try:
        job = create_job(
            db,
            actor,
            batch_print.KIND,
            {
                "day": day.isoformat(),
                "lang": lang,
                "as_zip": as_zip,
                "format": fmt,
                "numbers": numbers,
            },
            total=len(numbers),
        )
        audit_log.record(
            db,
            actor,
            "policy.batch_print",
            "background_job",
            job.id,
            None,
            {"day": day, "count": len(numbers), "numbers": numbers, "format": fmt, "lang": lang},
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return view_of(job)


def _job_id(job_id: Any) -> int | None:
    text = str(job_id).strip() if isinstance(job_id, int | str) else ""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def _own(db: Session, actor: Actor, job_id: Any, *, with_result: bool = False) -> BackgroundJob:
    """The actor's own job, if they still hold its kind's permission; anyone else's job is
    exactly like one that does not exist."""
    actor.require_ready()
    number = _job_id(job_id)
    query = select(BackgroundJob).where(
        BackgroundJob.id == number, BackgroundJob.created_by_id == actor.user_id
    )
    if not with_result:
        query = query.options(defer(BackgroundJob.result))
    job = db.exec(query.execution_options(populate_existing=True)).first() if number else None
    kind = kind_of(job.kind) if job is not None else None
    if job is None or kind is None:
        raise NotFound()
    actor.require(kind.permission)
    return job


def job_status(db: Session, actor: Actor, job_id: Any) -> JobView:
    """Where the actor's job stands: status, done of total, and whether its file is ready."""
    return view_of(_own(db, actor, job_id))


def job_result(db: Session, actor: Actor, job_id: Any) -> JobResult:
    """The finished file of the actor's own job while it is kept (24 hours)."""
    job = _own(db, actor, job_id, with_result=True)
    view = view_of(job)
    if not view.downloadable or job.result is None:
        raise NotFound()
    return JobResult(job.result_name, bytes(job.result), job.result_mime)


def list_jobs(
    db: Session, actor: Actor, kind: str = batch_print.KIND, page: int = 1, size: int = 10
) -> Page[JobView]:
    """The actor's own jobs of one kind, newest first, paged (their files are not read)."""
    found = kind_of(str(kind))
    if found is None:
        actor.require_ready()
        raise NotFound()
    actor.require(found.permission)
    query = (
        select(BackgroundJob)
        .options(defer(BackgroundJob.result))
        .where(BackgroundJob.created_by_id == actor.user_id, BackgroundJob.kind == found.kind)
        .order_by(BackgroundJob.id.desc())
    )
    rows, total, page, size = fetch_page(db, query, page, size)
    now = clock.utcnow()
    return Page(rows=[view_of(job, now) for job in rows], total=total, page=page, size=size)


def day_of(view: JobView) -> date | None:
    """The day a batch-print job prints (None for other kinds)."""
    raw = view.params.get("day")
    return date.fromisoformat(raw) if isinstance(raw, str) and raw else None
