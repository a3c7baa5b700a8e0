"""GET /indir/is/{id}: the finished file, to its owner only, through the HttpOnly session
cookie; everyone and everything else gets one and the same 404. Starlette's test client
against the module's route list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from iztim_app import download_routes
from iztim_app.core import clock
from iztim_app.core.auth import services as auth
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.jobs import services as jobs
from iztim_app.core.jobs.runner import JobRunner
from iztim_app.core.sessions import services as sessions
from iztim_app.core.users.models import User
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.session_routes import COOKIE_NAME
from tests.foundation.support import actor_of, snapshot, use_settings
from tests.jobs.fixtures_jobs import DAY, approved_at, turkish
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED

A1, A2, B1 = "acente.a1", "acente.a2", "acente.b1"


@pytest.fixture
def app_db(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # sessions stay open two days: the expiry test moves the clock a day on
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED, session_idle_minutes=2880)
    yield url
    get_engine.cache_clear()


@pytest.fixture
def db(app_db: str) -> Iterator[Session]:
    with session_scope(app_db) as session:
        yield session


@pytest.fixture
def client(app_db: str) -> TestClient:
    return TestClient(Starlette(routes=download_routes.ROUTES), base_url="http://iztim.test")


def cookie_of(db: Session, code: str) -> dict[str, str]:
    """The Cookie header of a browser signed in as `code` (sign-in, then the hand-off)."""
    handoff = auth.sign_in(db, code, DEMO_PASSWORD).handoff
    token = sessions.redeem_handoff(db, handoff)
    assert token
    return {"cookie": f"other=1; {COOKIE_NAME}={token}"}


@pytest.fixture
def finished(app_db: str, db: Session, customers: Customers) -> jobs.JobView:
    for hour in (9, 10):
        approved_at(db, A1, customers.a1_person.id, turkish(DAY, hour))
    started = jobs.start_batch_print(db, actor_of(db, A1), DAY)
    assert JobRunner(app_db).run_one() == (started.id, "done")
    return started


def _answer(response) -> tuple:  # noqa: ANN001
    h = response.headers
    return (
        response.status_code,
        response.content,
        h.get("content-type"),
        h.get("cache-control"),
        h.get("x-content-type-options"),
        h.get("content-disposition"),
    )


NOT_FOUND = (
    404,
    "Dosya bulunamadı.".encode(),
    "text/plain; charset=utf-8",
    "no-store",
    "nosniff",
    None,
)


def test_the_owner_downloads_the_file_as_an_attachment(
    client: TestClient, db: Session, finished: jobs.JobView
):
    response = client.get(f"/indir/is/{finished.id}", headers=cookie_of(db, A1))
    expected = jobs.job_result(db, actor_of(db, A1), finished.id)
    assert _answer(response) == (
        200,
        expected.content,
        "application/pdf",
        "no-store",
        "nosniff",
        'attachment; filename="policeler-2026-03-02.pdf"; '
        "filename*=UTF-8''policeler-2026-03-02.pdf",
    )
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.content[:5] == b"%PDF-"


def test_everyone_else_gets_the_same_404(
    app_db: str, client: TestClient, db: Session, finished: jobs.JobView, customers: Customers
):
    own = cookie_of(db, A1)
    # a job of acente.a1 still queued (not finished)
    approved_at(db, A1, customers.a1_person.id, turkish(DAY + timedelta(days=1), 9))
    queued = jobs.start_batch_print(db, actor_of(db, A1), DAY + timedelta(days=1))
    before = snapshot(app_db)
    asks = {
        "no cookie": (f"/indir/is/{finished.id}", {}),
        "a made-up token": (f"/indir/is/{finished.id}", {"cookie": f"{COOKIE_NAME}=forged"}),
        "agency B": (f"/indir/is/{finished.id}", cookie_of(db, B1)),
        "same agency, other user": (f"/indir/is/{finished.id}", cookie_of(db, A2)),
        "head office": (f"/indir/is/{finished.id}", cookie_of(db, "gm.onay")),
        "unknown id": (f"/indir/is/{finished.id + 100}", own),
        "not a number": ("/indir/is/abc", own),
        "not finished": (f"/indir/is/{queued.id}", own),
    }
    answers = {what: _answer(client.get(path, headers=h)) for what, (path, h) in asks.items()}
    assert answers == {what: NOT_FOUND for what in asks}
    # (signing in wrote sessions; reading the job changed nothing else)
    after = snapshot(app_db)
    assert {t for t in before if before[t] != after[t]} <= {"user_session", "audit_event"}
    assert after["background_job"] == before["background_job"]


def test_no_file_after_expiry_sign_out_or_disabling(
    client: TestClient, db: Session, finished: jobs.JobView, monkeypatch: pytest.MonkeyPatch
):
    path = f"/indir/is/{finished.id}"
    own = cookie_of(db, A1)
    assert client.get(path, headers=own).status_code == 200
    # 24 hours later the file is gone
    later = clock.utcnow() + timedelta(hours=24, minutes=1)
    with monkeypatch.context() as m:
        m.setattr(clock, "utcnow", lambda: later)
        assert _answer(client.get(path, headers=own)) == NOT_FOUND
    # signed out: the cookie opens nothing
    sessions.sign_out(db, own["cookie"].split(f"{COOKIE_NAME}=")[1])
    assert _answer(client.get(path, headers=own)) == NOT_FOUND
    # disabled: not even with a fresh session
    fresh = cookie_of(db, A1)
    assert client.get(path, headers=fresh).status_code == 200
    user = db.get(User, actor_of(db, A1).user_id)
    user.active = False
    db.commit()
    assert _answer(client.get(path, headers=fresh)) == NOT_FOUND


def test_only_get_on_the_exact_path_is_served(
    client: TestClient, db: Session, finished: jobs.JobView
):
    own = cookie_of(db, A1)
    assert client.post(f"/indir/is/{finished.id}", headers=own).status_code == 405
    assert client.get(f"/indir/is/{finished.id}/x", headers=own).status_code == 404
