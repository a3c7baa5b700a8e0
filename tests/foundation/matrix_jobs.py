"""Background jobs (jobs.services): batch printing and following one's own jobs.

The world has acente.a1's policies approved today; a job to follow is added to the test's
own transaction (flushed, never committed), so a read leaves the database as it was."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from iztim_app.core import clock
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.jobs import services as jobs
from iztim_app.core.jobs.models import BackgroundJob
from tests.foundation.support import actor_of
from tests.foundation.test_service_matrix import A1, B1, Case, Outsider, World, eq, not_found

POLICY_VIEW = frozenset({"policy.view"})
KIND = "policy.batch_print"


def _a1_printable_today(w: World) -> list[int]:
    """acente.a1's policies of the world approved today whose current version prints."""
    ids = w.ids
    return sorted(
        [
            ids.plan_policy,
            ids.endorse_policy,
            ids.waiting_policy,
            ids.renewable_policy,
            ids.policy_approved,
        ]
    )


def _a1_job(w: World, finished: bool = False) -> BackgroundJob:
    """A job of acente.a1 in the test's transaction: queued, or finished with its file."""
    job = jobs.create_job(
        w.db,
        actor_of(w.db, A1),
        KIND,
        {
            "day": w.today.isoformat(),
            "lang": "tr",
            "as_zip": False,
            "format": "pdf",
            "numbers": [w.ids.policy_approved],
        },
        total=1,
    )
    if finished:
        now = clock.utcnow()
        job.status, job.done, job.finished_at = "done", 1, now
        job.result, job.result_name, job.result_mime = (
            b"%PDF-1.7 x",
            "policeler.pdf",
            "application/pdf",
        )
        job.result_size, job.expires_at = 10, now + timedelta(hours=24)
        w.db.flush()
    return job


def _started(w: World, r: Any) -> None:
    eq(
        (r.kind, r.status, r.total, r.done, r.created_by, r.params["day"]),
        (KIND, "queued", len(_a1_printable_today(w)), 0, A1, w.today.isoformat()),
    )


CASES = (
    Case(
        "jobs.start_batch_print",
        lambda w, a: jobs.start_batch_print(w.db, a, w.today),
        A1,
        POLICY_VIEW,
        "policy.batch_print",
        _started,
        Outsider(B1, (ValidationFailed, "jobs.nothing_to_print")),
    ),
    Case(
        "jobs.job_status",
        lambda w, a: jobs.job_status(w.db, a, _a1_job(w).id),
        A1,
        POLICY_VIEW,
        None,
        lambda w, r: eq((r.status, r.done, r.total, r.downloadable), ("queued", 0, 1, False)),
        not_found(),
    ),
    Case(
        "jobs.job_result",
        lambda w, a: jobs.job_result(w.db, a, _a1_job(w, finished=True).id),
        A1,
        POLICY_VIEW,
        None,
        lambda w, r: eq(tuple(r), ("policeler.pdf", b"%PDF-1.7 x", "application/pdf")),
        not_found(),
    ),
    Case(
        "jobs.list_jobs",
        lambda w, a: (_a1_job(w), jobs.list_jobs(w.db, a))[1],
        A1,
        POLICY_VIEW,
        None,
        lambda w, r: eq(([v.kind for v in r.rows], r.total), ([KIND], 1)),
        Outsider(B1, lambda w, r: eq((r.total, r.rows), (0, []))),
    ),
)
