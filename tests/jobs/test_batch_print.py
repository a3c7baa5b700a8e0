"""Batch printing of a day's approved policies, as a background job, on both engines.

acente.a1: 3 konut policies approved on 02.03.2026 (one at 00:30 Turkish time, which is
still 01.03 in UTC), one approved on 01.03 at 23:59 and one on 03.03 at 00:30 (both
outside the day); acente.b1 and acente.a2 (agency A, another user) one each that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.errors import NotFound, ValidationFailed
from iztim_app.core.jobs import batch_print, runner
from iztim_app.core.jobs import services as jobs
from iztim_app.core.jobs.models import BackgroundJob
from iztim_app.core.jobs.runner import JobRunner
from iztim_app.core.policies import services as policies
from iztim_app.core.users.models import User
from tests.foundation.support import actor_of, snapshot, use_settings
from tests.jobs.fixtures_jobs import DAY, approved_at, outline, pdf_text, turkish, zip_files
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED

A1, A2, B1, GM = "acente.a1", "acente.a2", "acente.b1", "gm.onay"


@dataclass(frozen=True)
class Book:
    a1: list[int]  # approved on DAY, ascending
    a1_before: int  # 01.03 23:59
    a1_after: int  # 03.03 00:30
    a2: int
    b1: int


@pytest.fixture
def app_db(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED)
    yield url
    get_engine.cache_clear()


@pytest.fixture
def db(app_db: str) -> Iterator[Session]:
    """Either engine's database (overrides the SQLite-only `db`; `customers` uses it too)."""
    with session_scope(app_db) as session:
        yield session


@pytest.fixture
def book(db: Session, customers: Customers) -> Book:
    a1 = customers.a1_person.id
    before = approved_at(db, A1, a1, turkish(DAY - timedelta(days=1), 23, 59))
    first = approved_at(db, A1, a1, turkish(DAY, 0, 30))
    second = approved_at(db, A1, a1, turkish(DAY, 12, 0), "400000")
    after = approved_at(db, A1, a1, turkish(DAY + timedelta(days=1), 0, 30))
    third = approved_at(db, A1, a1, turkish(DAY, 23, 59), "650000")
    a2 = approved_at(db, A2, customers.a2_person.id, turkish(DAY, 10, 0))
    b1 = approved_at(db, B1, customers.b1_person.id, turkish(DAY, 11, 0))
    return Book([first, second, third], before, after, a2, b1)


def _run(url: str) -> tuple[int, str]:
    ran = JobRunner(url).run_one()
    assert ran is not None
    return ran


def _jobs(url: str) -> list[BackgroundJob]:
    with session_scope(url) as db:
        return list(db.exec(select(BackgroundJob).order_by(BackgroundJob.id)).all())


# ---------------------------------------------------------------- one PDF, a zip


def test_a_days_batch_is_one_pdf_holding_each_policy_and_progress_reaches_n_of_n(
    app_db: str, db: Session, book: Book, monkeypatch: pytest.MonkeyPatch
):
    # given progress written at every step, and a look at it from another connection each
    # time a policy is rendered
    monkeypatch.setattr(runner, "PROGRESS_EVERY", timedelta(0))
    seen: list[tuple[int, int, str]] = []
    render = batch_print._render

    def watched(db_, view, lang):  # noqa: ANN001, ANN202
        with session_scope(app_db) as other:
            job = other.exec(select(BackgroundJob)).one()
            seen.append((job.done, job.total, job.status))
        return render(db_, view, lang)

    monkeypatch.setattr(batch_print, "_render", watched)
    a1 = actor_of(db, A1)

    # when acente.a1 starts the day's batch
    started = jobs.start_batch_print(db, a1, "2026-03-02")

    # then a job waits with the three policies of that Turkish day, audited with them
    assert (started.status, started.total, started.done, started.kind) == (
        "queued",
        3,
        0,
        "policy.batch_print",
    )
    assert started.params == {"day": "2026-03-02", "lang": "tr", "as_zip": False, "format": "pdf"}
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "policy.batch_print")).all()
    assert (event.actor_code, event.entity_type, event.entity_id) == (
        A1,
        "background_job",
        str(started.id),
    )
    assert event.after == {
        "day": "2026-03-02",
        "count": 3,
        "numbers": book.a1,
        "format": "pdf",
        "lang": "tr",
    }

    # when a runner works on it
    assert _run(app_db) == (started.id, "done")

    # then progress went 0/3, 1/3, 2/3 while it ran and is 3/3 now
    assert seen == [(0, 3, "running"), (1, 3, "running"), (2, 3, "running")]
    status = jobs.job_status(db, a1, started.id)
    assert (status.status, status.done, status.total, status.downloadable, status.message) == (
        "done",
        3,
        3,
        True,
        "",
    )
    # and the file is one PDF: each policy's document, bookmarked, in number order
    name, content, mime = jobs.job_result(db, a1, started.id)
    assert (name, mime, content[:5]) == ("policeler-2026-03-02.pdf", "application/pdf", b"%PDF-")
    marks = outline(content)
    assert [title for title, _ in marks] == [str(n) for n in book.a1]
    pages = pdf_text(content)
    starts = [page for _, page in marks] + [len(pages)]
    for (number, first), end in zip(zip(book.a1, starts, strict=False), starts[1:], strict=True):
        text = "\n".join(pages[first:end])
        assert str(number) in text
        others = set(book.a1) - {number}
        assert not any(str(n) in text for n in others)
    everything = "\n".join(pages)
    for outside in (book.a1_before, book.a1_after, book.a2, book.b1):
        assert str(outside) not in everything
    # and each document is the one printing a single policy gives
    single = render(db, policies.get_policy(db, a1, book.a1[1]), "tr")
    assert len(pdf_text(single)) == starts[2] - starts[1]


def test_a_zip_holds_one_pdf_per_policy(app_db: str, db: Session, book: Book):
    a1 = actor_of(db, A1)
    started = jobs.start_batch_print(db, a1, DAY, "en", as_zip=True)
    assert started.params["format"] == "zip"
    assert _run(app_db) == (started.id, "done")
    name, content, mime = jobs.job_result(db, a1, started.id)
    assert (name, mime) == ("policeler-2026-03-02.zip", "application/zip")
    files = zip_files(content)
    assert sorted(files) == [f"police-{n}.pdf" for n in book.a1]
    for number in book.a1:
        pdf = files[f"police-{number}.pdf"]
        assert pdf[:5] == b"%PDF-"
        assert str(number) in "\n".join(pdf_text(pdf))


# ---------------------------------------------------------------- scope


def test_each_user_prints_only_what_they_see(app_db: str, db: Session, book: Book):
    numbers = {}
    for code in (A1, A2, B1, GM):
        started = jobs.start_batch_print(db, actor_of(db, code), DAY, as_zip=True)
        assert _run(app_db)[1] == "done"
        _, content, _ = jobs.job_result(db, actor_of(db, code), started.id)
        numbers[code] = sorted(int(n[7:-4]) for n in zip_files(content))
    assert numbers == {
        A1: book.a1,  # an agency user: their own only (not acente.a2's, same agency)
        A2: [book.a2],
        B1: [book.b1],
        GM: sorted([*book.a1, book.a2, book.b1]),  # head office, every office
    }


def test_another_user_can_neither_see_nor_fetch_the_job(app_db: str, db: Session, book: Book):
    a1 = actor_of(db, A1)
    started = jobs.start_batch_print(db, a1, DAY)
    _run(app_db)
    before = snapshot(app_db)
    for code in (B1, A2, GM):  # even head office: a job is its owner's
        other = actor_of(db, code)
        with pytest.raises(NotFound):
            jobs.job_status(db, other, started.id)
        with pytest.raises(NotFound):
            jobs.job_result(db, other, started.id)
        assert jobs.list_jobs(db, other).total == 0
    assert snapshot(app_db) == before
    assert [v.id for v in jobs.list_jobs(db, a1).rows] == [started.id]


def test_a_policy_that_stopped_printing_meanwhile_is_skipped(app_db: str, db: Session, book: Book):
    # given a started batch; then head office un-approves the second policy (a draft now)
    a1 = actor_of(db, A1)
    started = jobs.start_batch_print(db, a1, DAY, as_zip=True)
    policies.unapprove(db, actor_of(db, GM), book.a1[1], "Düzeltme")
    # when the job runs
    assert _run(app_db) == (started.id, "done")
    # then it holds the two others and says one was skipped
    _, content, _ = jobs.job_result(db, a1, started.id)
    assert sorted(zip_files(content)) == [f"police-{book.a1[0]}.pdf", f"police-{book.a1[2]}.pdf"]
    status = jobs.job_status(db, a1, started.id)
    assert (status.message, status.message_params, status.done, status.total) == (
        "jobs.some_skipped",
        {"skipped": 1, "count": 2},
        3,
        3,
    )


def test_the_job_of_a_disabled_user_fails(app_db: str, db: Session, book: Book):
    a1 = actor_of(db, A1)
    started = jobs.start_batch_print(db, a1, DAY)
    user = db.get(User, a1.user_id)
    user.active = False
    db.commit()
    assert _run(app_db) == (started.id, "failed")
    (job,) = _jobs(app_db)
    assert (job.status, job.message, job.result, job.finished_at is not None) == (
        "failed",
        "jobs.owner_inactive",
        None,
        True,
    )


# ---------------------------------------------------------------- nothing to print


def test_nothing_to_print_says_so_and_makes_no_job(app_db: str, db: Session, book: Book):
    before = snapshot(app_db)
    with pytest.raises(ValidationFailed) as refused:
        jobs.start_batch_print(db, actor_of(db, A1), DAY + timedelta(days=5))
    assert (refused.value.code, refused.value.field) == ("jobs.nothing_to_print", "day")
    from iztim_app import i18n

    assert (
        i18n.error_text(refused.value, "tr") == "07.03.2026 günü onaylanmış, basılacak poliçe yok."
    )
    assert snapshot(app_db) == before
    assert _jobs(app_db) == []
    assert JobRunner(app_db).run_one() is None


def test_a_bad_day_is_refused_beside_the_field(app_db: str, db: Session, book: Book):
    before = snapshot(app_db)
    for bad, code in (("", "error.required"), ("2026-02-30", "date.invalid")):
        with pytest.raises(ValidationFailed) as refused:
            jobs.start_batch_print(db, actor_of(db, A1), bad)
        assert (refused.value.code, refused.value.field) == (code, "day")
    assert snapshot(app_db) == before


# ---------------------------------------------------------------- runners


def test_two_runners_one_job_it_runs_once(app_db: str, db: Session, book: Book, monkeypatch):
    from tests.concurrency import run_together

    rendered: list[int] = []
    render = batch_print._render

    def counted(db_, view, lang):  # noqa: ANN001, ANN202
        rendered.append(view.number)
        return render(db_, view, lang)

    monkeypatch.setattr(batch_print, "_render", counted)
    started = jobs.start_batch_print(db, actor_of(db, A1), DAY)
    outcome = run_together([lambda _db: JobRunner(app_db).run_one()] * 2, app_db)
    assert outcome.errors == []
    assert sorted(outcome.results, key=str) == [(started.id, "done"), None]
    assert sorted(rendered) == book.a1
    (job,) = _jobs(app_db)
    assert (job.status, job.attempts, job.done) == ("done", 1, 3)


def test_claims_race_exactly_one_wins(app_db: str, db: Session, book: Book):
    from tests.concurrency import run_together

    started = jobs.start_batch_print(db, actor_of(db, A1), DAY)
    claims = [f"runner-{i}" for i in range(4)]
    outcome = run_together(
        [lambda db_, c=c: (c, runner.claim_next(db_, c)) for c in claims], app_db
    )
    assert outcome.errors == []
    winners = [c for c, got in outcome.results if got == started.id]
    assert len(winners) == 1
    assert [got for _, got in outcome.results if got != started.id] == [None] * 3
    (job,) = _jobs(app_db)
    assert (job.status, job.claimed_by, job.attempts) == ("running", winners[0], 1)


def test_a_job_whose_worker_died_is_taken_over(app_db: str, db: Session, book: Book):
    # given a job claimed by a worker that then died (no heartbeat for 2 minutes)
    started = jobs.start_batch_print(db, actor_of(db, A1), DAY)
    long_ago = clock.utcnow() - timedelta(minutes=2)
    with session_scope(app_db) as s:
        assert runner.claim_next(s, "dead-worker", now=long_ago) == started.id
    # when another runner looks, it takes the job over and finishes it
    assert _run(app_db) == (started.id, "done")
    (job,) = _jobs(app_db)
    assert (job.status, job.attempts, job.done, job.claimed_by != "dead-worker") == (
        "done",
        2,
        3,
        True,
    )
    # and should the dead worker wake up, its writes change nothing
    assert runner._write(app_db, started.id, "dead-worker", done=1) is False
    assert _jobs(app_db)[0].done == 3


def test_a_live_job_is_not_taken_over(app_db: str, db: Session, book: Book):
    started = jobs.start_batch_print(db, actor_of(db, A1), DAY)
    with session_scope(app_db) as s:
        assert runner.claim_next(s, "live-worker", now=clock.utcnow() - timedelta(seconds=20))
    assert JobRunner(app_db).run_one() is None
    (job,) = _jobs(app_db)
    assert (job.id, job.status, job.claimed_by) == (started.id, "running", "live-worker")


def test_a_job_left_behind_too_often_fails(app_db: str, db: Session, book: Book):
    jobs.start_batch_print(db, actor_of(db, A1), DAY)
    for attempt in range(runner.MAX_ATTEMPTS):
        with session_scope(app_db) as s:
            then = clock.utcnow() - timedelta(minutes=10 - attempt)
            assert runner.claim_next(s, f"dying-{attempt}", now=then) is not None
    assert JobRunner(app_db).run_pending() == 0
    (job,) = _jobs(app_db)
    assert (job.status, job.attempts, job.message) == ("failed", 3, "jobs.worker_lost")


# ---------------------------------------------------------------- expiry


def test_the_file_is_gone_after_24_hours(app_db: str, db: Session, book: Book, monkeypatch):
    a1 = actor_of(db, A1)
    started = jobs.start_batch_print(db, a1, DAY)
    _run(app_db)
    finished = _jobs(app_db)[0].finished_at
    # 23 hours on: still there, and the cleanup keeps it
    with session_scope(app_db) as s:
        assert runner.expire_results(s, now=finished + timedelta(hours=23)) == 0
    monkeypatch.setattr(clock, "utcnow", lambda: finished + timedelta(hours=23))
    assert jobs.job_result(db, a1, started.id).filename == "policeler-2026-03-02.pdf"
    # 24 hours on: no longer handed out, even before the cleanup ran …
    monkeypatch.setattr(clock, "utcnow", lambda: finished + timedelta(hours=24))
    with pytest.raises(NotFound):
        jobs.job_result(db, a1, started.id)
    status = jobs.job_status(db, a1, started.id)
    assert (status.status, status.expired, status.downloadable) == ("done", True, False)
    # … and the cleanup deletes the file (the job stays listed)
    with session_scope(app_db) as s:
        assert runner.expire_results(s, now=finished + timedelta(hours=24)) == 1
    (job,) = _jobs(app_db)
    assert (job.result, job.result_size, job.status) == (None, job.result_size, "done")
    assert [v.expired for v in jobs.list_jobs(db, a1).rows] == [True]


def test_a_day_with_more_than_one_file_can_hold_is_refused(
    app_db: str, db: Session, book: Book, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(jobs, "MAX_BATCH_POLICIES", 2)
    before = snapshot(app_db)
    with pytest.raises(ValidationFailed) as refused:
        jobs.start_batch_print(db, actor_of(db, A1), DAY)
    assert (refused.value.code, refused.value.field) == ("jobs.too_many", "day")
    assert i18n.error_text(refused.value, "tr") == (
        "02.03.2026 günü 3 poliçe onaylanmış; bir seferde en çok 2 poliçe basılabilir."
    )
    assert snapshot(app_db) == before
