"""The Toplu baskı screen's state without a browser: start, follow, finish, and what reaches
the browser (no policy numbers, no file).

    acente.a1: three policies approved on 02.03.2026 → Başlat (ZIP) → queued 0 / 3 → the
    runner works → the follow-up's look shows 3 / 3 and the download link
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reflex.state import State
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.db import get_engine
from iztim_app.core.jobs.models import BackgroundJob
from iztim_app.core.jobs.runner import JobRunner
from iztim_app.states import batch_print as screen
from iztim_app.states.batch_print import BatchPrintState, follow_job
from tests.foundation.support import use_settings
from tests.jobs.fixtures_jobs import DAY, approved_at, turkish
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED, TODAY
from tests.quotes.test_quote_states import browser_payloads, sign_in, sub, visit

A1, B1 = "acente.a1", "acente.b1"


@pytest.fixture
def app_url(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    yield quotes_url
    get_engine.cache_clear()


@pytest.fixture
def root(app_url: str) -> State:
    return State(_reflex_internal_init=True)


@pytest.fixture
def woken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The runner's wake-ups (its thread is not started in these tests)."""
    calls: list[int] = []
    monkeypatch.setattr(screen.runner, "wake", lambda: calls.append(1) or True)
    return calls


@pytest.fixture
def numbers(app_url: str, db: Session, customers: Customers) -> list[int]:
    return [approved_at(db, A1, customers.a1_person.id, turkish(DAY, h)) for h in (9, 10, 11)]


def _open(root: State, code: str) -> BatchPrintState:
    sign_in(root, code)
    s = sub(root, BatchPrintState)
    visit(root, "/policeler/toplu-baski")
    return s


def test_start_queues_the_batch_and_the_follow_up_shows_it_finished(
    root: State, app_url: str, numbers: list[int], woken: list[int]
):
    s = _open(root, A1)
    assert s.load() is None
    assert (s.error, s.day, s.job, s.rows, s.percent) == ("", "2026-03-02", {}, [], 0)
    assert s.format_options == [["pdf", "Tek PDF"], ["zip", "ZIP (ayrı PDF'ler)"]]

    # when the user starts the day's batch as a zip
    follow = s.start({"day": "2026-03-02", "format": "zip"})

    # then the job is recorded, the runner woken, and the screen follows it
    assert follow is BatchPrintState.follow
    assert woken == [1]
    assert (s.error, s.message) == (
        "",
        "02.03.2026 günü onaylanan 3 poliçenin baskısı hazırlanıyor.",
    )
    job_id = s._following
    assert s.job == {
        "id": str(job_id),
        "status": "queued",
        "status_text": "Sırada",
        "color": "gray",
        "day": "02.03.2026",
        "format": "ZIP (ayrı PDF'ler)",
        "created": s.job["created"],
        "done": "0",
        "total": "3",
        "percent": "0",
        "progress_text": "0 / 3",
        "finished": "",
        "failed": "",
        "message": "",
        "name": "",
        "download_url": "",
        "download_label": s.job["download_label"],
    }
    assert [(r["id"], r["status_text"]) for r in s.rows] == [(str(job_id), "Sırada")]
    # and no policy number reaches the browser (the catalogue is a static module, not state)
    for payload in browser_payloads(root):
        assert not [n for n in numbers if str(n) in payload]

    # when a runner has done the work, the follow-up's next look finds it finished
    assert JobRunner(app_url).run_one() == (job_id, "done")
    seen = follow_job(s._token(), "tr", job_id)
    assert seen.ok and seen.value.finished
    s._show_job(seen.value)
    s._show_finished(seen.value)
    assert (s.job["status_text"], s.job["progress_text"], s.percent) == ("Hazır", "3 / 3", 100)
    assert s.job["download_url"] == f"/indir/is/{job_id}"
    assert s.job["download_label"] == "policeler-2026-03-02.zip dosyasını indir"
    assert (s.error, s.message) == ("", "Dosya hazır: policeler-2026-03-02.zip")
    assert [(r["status_text"], r["download_url"]) for r in s.rows] == [
        ("Hazır", f"/indir/is/{job_id}")
    ]


def test_nothing_to_print_is_said_beside_the_day_and_nothing_starts(
    root: State, app_url: str, db: Session, numbers: list[int], woken: list[int]
):
    s = _open(root, A1)
    s.load()
    assert s.start({"day": "2026-03-03", "format": "pdf"}) is None
    text = "03.03.2026 günü onaylanmış, basılacak poliçe yok."
    assert (s.error, s.field_errors, s.message, s.job) == (text, {"day": text}, "", {})
    assert woken == []
    assert db.exec(select(BackgroundJob)).all() == []


def test_a_reload_follows_the_job_still_running_and_others_see_none_of_it(
    root: State, app_url: str, numbers: list[int], woken: list[int]
):
    s = _open(root, A1)
    s.load()
    s.start({"day": "2026-03-02", "format": "pdf"})
    job_id = s._following
    # the page is loaded again while the job waits: it shows and follows it
    again = _open(State(_reflex_internal_init=True), A1)
    assert again.load() is BatchPrintState.follow
    assert (again._following, again.job["id"], again.job["format"]) == (
        job_id,
        str(job_id),
        "Tek PDF",
    )
    # agency B's user sees no job at all
    other = _open(State(_reflex_internal_init=True), B1)
    assert other.load() is None
    assert (other.error, other.job, other.rows, other.total) == ("", {}, [], 0)
    # nor can it follow acente.a1's job by its id
    looked = follow_job(other._token(), "tr", job_id)
    assert (looked.ok, looked.error) == (False, "Kayıt bulunamadı.")
