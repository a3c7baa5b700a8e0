"""PostgreSQL stopped and restarted under a running backend (2 workers), on a private
cluster (tests/scale/pg_cluster.py; the system server is never touched).

What this proves:
- while the database is down, the API answers at once with a 503 problem
  (`service_unavailable`, `Retry-After`), Turkish by default and English with
  Accept-Language: en, never a 500 or a hang; the screens' service path (`run_as`) gives
  the same sentence as the screen's message, and the Reflex backend handler turns any
  other database outage into a plain toast, never a stack trace;
- once the server is back, requests succeed again without restarting the app (the same
  processes): the engine pings a pooled connection before use (`pool_pre_ping`), so not
  even the first request after the restart fails on a dead connection;
- a restart in the middle of a burst of policy issues leaves nothing half-written: each
  request got 201 or 503, the clients told 503 retry with their Idempotency-Key and end
  with exactly one policy each, numbers stay gapless and the summary equals `rebuild()`.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time

import httpx
import psycopg
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from iztim_app import i18n
from iztim_app.core.db import database_unavailable, get_engine, session_scope
from iztim_app.core.users import services as users
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.states.home import HomeState
from iztim_app.states.session import SessionState, run_as
from tests.api.conftest import BASE, parent_app
from tests.browser.harness import free_port
from tests.foundation.support import use_settings
from tests.scale import fault_support as fs
from tests.scale.harness import backend
from tests.scale.pg_cluster import private_cluster
from tests.scale.ws_client import EXPECTED_FRONTEND_EVENTS, Tab

TR = i18n.translate("availability.database_unavailable", "tr")
EN = i18n.translate("availability.database_unavailable", "en")
assert TR.startswith("Veritabanına şu anda ulaşılamıyor")


@pytest.fixture(scope="module")
def on_private_pg(pg_demo_template, redis_url, tmp_path_factory):
    """The demo installation on a private cluster, and a backend with 2 workers on it."""
    with private_cluster() as pg:
        url = pg.create_database("iztim", from_database=pg_demo_template)
        running = backend(
            tmp_path_factory.mktemp("pg_restart"), url, workers=2, redis_url=redis_url
        )
        try:
            yield pg, url, running
        finally:
            running.stop()
            get_engine(url).dispose()


async def _signed_in_tab(base_url: str) -> Tab:
    tab = Tab(base_url, httpx.AsyncClient())
    await tab.open("/")
    await tab.sign_in(SessionState.get_full_name(), "sube.istanbul", DEMO_PASSWORD)
    return tab


def _said(updates: list, name: str) -> list:
    return [c[name] for u in updates for c in u.delta.values() if name in c]


async def _events_during_outage(tab: Tab) -> tuple[str, str]:
    """The home screen's load (a service call through `run_as`) and the session check (the
    database read directly: the backend exception handler answers), while it is down."""
    home = HomeState.get_full_name()
    updates = await tab.send(f"{home}.load", until=lambda u: any(_said([u], "error")))
    message = _said(updates, "error")[-1]
    start = len(tab.unexpected)
    await tab.send(
        f"{SessionState.get_full_name()}.check_session",
        until=lambda u: any(e.get("name") not in EXPECTED_FRONTEND_EVENTS for e in u.events),
    )
    return message, json.dumps(tab.unexpected[start:], ensure_ascii=False)


async def _home_after(tab: Tab) -> str:
    updates = await tab.send(f"{HomeState.get_full_name()}.load", until=lambda u: bool(u.delta))
    return (_said(updates, "error") or [""])[-1]


def _problem(reply: fs.Reply, lang: str) -> None:
    assert reply.status == 503, (reply.status, reply.body[:300])
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.headers["retry-after"] == "5"
    body = reply.json()
    assert body["code"] == "service_unavailable"
    assert body["title"] == i18n.translate("api.title.service_unavailable", lang)
    assert body["detail"] == (TR if lang == "tr" else EN)
    assert "Traceback" not in reply.body.decode()


@pytest.mark.postgres
def test_an_outage_answers_503_and_the_app_recovers_without_a_restart(
    on_private_pg, monkeypatch: pytest.MonkeyPatch
):
    pg, url, running = on_private_pg
    api = fs.Api(running.port, fs.token(url, "sube.istanbul"))
    api_en = fs.Api(running.port, fs.token(url, "sube.istanbul", "en"), lang="en")
    customer = fs.customer(api, "10000000146", "Deniz Koç")
    before, waiting = fs.quote(api, customer, "pg-q-1"), fs.quote(api, customer, "pg-q-2")
    fs.expect(api.post("/policies", {"quote_number": before, "installments": 2}, key="pg-p-1"), 201)
    workers, starts = running.worker_pids(), running.starts
    loop = asyncio.new_event_loop()
    tab = loop.run_until_complete(_signed_in_tab(running.url))

    pg.stop("fast")
    try:
        started = time.monotonic()
        for _ in range(4):  # each worker, whatever its pool held
            _problem(api.get("/me"), "tr")
            _problem(api_en.get("/me"), "en")
        issue = {"quote_number": waiting, "installments": 2}
        _problem(api.post("/policies", issue, key="pg-p-2"), "tr")
        assert time.monotonic() - started < 20  # refused at once, not after timeouts
        # the screens: a state's service call says it in the user's language
        use_settings(monkeypatch, database_url=url)
        for lang, text in (("tr", TR), ("en", EN)):
            outcome = run_as("any-token", lang, users.list_users)
            assert (outcome.ok, outcome.error, outcome.signed_out) == (False, text, False)
        with pytest.raises(sa.exc.OperationalError) as caught:
            with session_scope(url) as db:
                db.execute(sa.text("SELECT 1"))
        assert database_unavailable(caught.value)
        # the real event path, on the backend's socket: the screen's message, and a toast
        # (never a trace) for an event that reads the database outside a service call
        message, toast = loop.run_until_complete(_events_during_outage(tab))
        assert message == TR
        assert EN in toast and "Traceback" not in toast and "OperationalError" not in toast
    finally:
        get_engine(None).dispose()
        get_engine.cache_clear()
        pg.start()

    # back: every request succeeds at once, on the same processes (no app restart)
    for _ in range(6):
        assert api.get("/me").status == 200
    assert loop.run_until_complete(_home_after(tab)) == ""  # the screen works again
    loop.run_until_complete(tab.close())
    loop.run_until_complete(tab.http.aclose())
    loop.close()
    assert (running.worker_pids(), running.starts) == (workers, starts)
    # the refused issue, sent again with its key, makes its one policy
    again = fs.expect(api.post("/policies", issue, key="pg-p-2"), 201)
    assert again["quote_number"] == waiting
    assert fs.expect(api.get(f"/quotes/{waiting}"), 200)["policy_number"] == again["number"]
    assert fs.contiguous(fs.policy_numbers(url))
    fs.check_whole(url, [again["number"]])


QUOTES = 16
CLIENTS = 4


@pytest.mark.postgres
def test_a_restart_mid_burst_leaves_nothing_half_written(on_private_pg):
    pg, url, running = on_private_pg
    api = fs.Api(running.port, fs.token(url, "sube.istanbul", "burst"))
    customer = fs.customer(api, "10000000146", "Deniz Koç")
    quotes = [fs.quote(api, customer, f"pg-b-q-{i}") for i in range(QUOTES)]
    numbers_before = fs.policy_numbers(url)
    jobs = [
        {"quote": q, "key": f"pg-b-{q}", "body": {"quote_number": q, "installments": 1 + i % 3}}
        for i, q in enumerate(quotes)
    ]
    todo, lock, going = list(jobs), threading.Lock(), threading.Event()

    def client() -> None:
        while True:
            with lock:
                if not todo:
                    return
                job = todo.pop(0)
            job["reply"] = api.post("/policies", job["body"], key=job["key"], timeout=60)
            going.set()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    assert going.wait(60)
    pg.restart("fast")
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"

    statuses = sorted(j["reply"].status for j in jobs)
    assert set(statuses) <= {201, 503}, [(j["key"], j["reply"].body[:300]) for j in jobs]
    for job in jobs:
        if job["reply"].status == 503:
            _problem(job["reply"], "tr")
    # the clients told 503 try again with the same key; each quote ends as one policy
    # keys the outage kept from being freed are freed by the app once the database is back
    left = fs.unfinished_claims(url)
    settled = fs.wait_claims_settled(url)
    for job in jobs:
        if job["reply"].status == 201:
            job["number"] = job["reply"].json()["number"]
            continue
        again = api.post("/policies", job["body"], key=job["key"])
        if again.status == 409:  # committed just before the connection was cut
            job["number"] = fs.expect(api.get(f"/quotes/{job['quote']}"), 200)["policy_number"]
        else:
            job["number"] = fs.expect(again, 201)["number"]
    assert len({j["number"] for j in jobs}) == QUOTES
    for job in jobs:
        assert fs.expect(api.get(f"/policies/{job['number']}"), 200)["quote_number"] == job["quote"]
    numbers = fs.policy_numbers(url)
    assert fs.contiguous(numbers) and len(numbers) == len(numbers_before) + QUOTES
    fs.check_whole(url, [j["number"] for j in jobs])
    print(
        f"\npg restart mid-burst: statuses {statuses}, {left} keys claimed, free in {settled:.1f} s"
    )


def test_an_unreachable_database_is_a_503_problem_not_a_500(monkeypatch: pytest.MonkeyPatch):
    """In process, no server needed: a PostgreSQL URL nobody listens on. The token check
    (an endpoint's dependency) and the idempotency claim (a middleware, before any
    endpoint) both answer the 503 problem; a statement that fails is no outage."""
    use_settings(
        monkeypatch, database_url=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x"
    )
    try:
        with TestClient(parent_app(), base_url=BASE, raise_server_exceptions=False) as client:
            auth = {"Authorization": "Bearer whatever"}
            reply = client.get("/api/v1/me", headers=auth)
            posted = client.post(
                "/api/v1/customers",
                json={"name": "x"},
                headers={**auth, "Idempotency-Key": "k-1", "Accept-Language": "en"},
            )
    finally:
        get_engine(None).dispose()
        get_engine.cache_clear()
    for got, lang in ((reply, "tr"), (posted, "en")):
        assert got.status_code == 503, got.text
        assert got.headers["retry-after"] == "5"
        assert got.json()["code"] == "service_unavailable"
        assert got.json()["detail"] == (TR if lang == "tr" else EN)
    # what is not an outage stays what it is (a 500, a 409…): deadlocks, constraints, SQLite
    deadlock = sa.exc.OperationalError("UPDATE", {}, psycopg.errors.DeadlockDetected("deadlock"))
    locked = sa.exc.OperationalError("UPDATE", {}, sqlite3.OperationalError("locked"))
    assert not database_unavailable(deadlock) and not database_unavailable(locked)
    assert not database_unavailable(ValueError("x"))
