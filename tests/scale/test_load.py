"""Load: a hundred staff tabs quoting at once over the real event socket, three workers,
PostgreSQL and Redis state.

Each tab signs in the way the browser does (sign-in event, cookie route, new socket) and
then goes round the new-quote screen with the events the page fires: a fresh form, search
and pick a customer, choose a line, fill its fields, type the sum insured (prices), save.
Nothing may go wrong: no refusal or message on any screen, no exception sent to a tab
(a toast or alert event), no error in the backend's log; and nothing may be lost or made
twice: every quote number a tab was sent to exists once, with that tab's user and the
figures it showed, and the database holds no other new quote.

A tab's state lives in Redis, not in a worker: a tab that filled the form on one worker
and reconnects to another gets the same screen back."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.db import get_engine
from iztim_app.core.money import format_try
from iztim_app.core.quotes.models import Quote
from iztim_app.demo import DEMO_PASSWORD
from tests.scale.harness import Backend
from tests.scale.ws_client import (
    QUOTE_FORM_PATH,
    STAFF,
    QuoteSession,
    SavedQuote,
    StateNames,
    Tab,
    run_sessions,
    serving_pid,
)

pytestmark = pytest.mark.postgres

# The demo staff who may save quotes, each with customers of their own to choose from.
SESSIONS = 100
SECONDS = 20
WORKERS = 3


def _quotes_after(url: str, number: int) -> list[tuple]:
    """(number, user, line, sum insured, gross premium) of the quotes after `number`."""
    with Session(get_engine(url)) as db:
        quotes = db.exec(select(Quote).where(Quote.number > number).order_by(Quote.number))
        return [
            (q.number, q.prepared_by_code, q.line_code, q.sum_insured, q.gross_premium)
            for q in quotes
        ]


def _last_number(url: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.execute(sa.text("SELECT coalesce(max(number), 0) FROM quote")).scalar_one()


def _log_errors(backend: Backend) -> list[str]:
    return [
        line
        for line in backend.log.read_text().splitlines()
        if any(word in line for word in ("Traceback", "ERROR", "Error", "Exception"))
    ]


async def _same_screen_on_another_worker(backend: Backend, names: StateNames) -> SavedQuote:
    """A tab fills and prices the form on one worker, then its next socket lands on
    another (sockets are retried until one does, before anything is sent on them): the
    snapshot that socket's boot event gets is the screen as the tab left it."""
    async with httpx.AsyncClient() as http:
        session = QuoteSession(Tab(backend.url, http), names, "acente.a1", seed=1)
        tab = session.tab
        await session.start(DEMO_PASSWORD)
        first = serving_pid(backend.worker_pids(), backend.port, tab.client_port)
        await session.fill("konut", "450.000")
        before = dict(tab.state[names.form])
        assert before["price_rows"] and before["customer"]["id"]
        for _ in range(40):
            await tab.connect()
            other = serving_pid(backend.worker_pids(), backend.port, tab.client_port)
            if other not in (None, first):
                break
        else:
            pytest.fail(f"40 sockets all landed on worker {first}")
        updates = await tab.boot(QUOTE_FORM_PATH)
        snapshot = updates[0].delta[names.form]
        for var in ("customer", "line_code", "values", "sum_insured", "price_rows", "worksheet"):
            assert snapshot[var] == before[var], var
        # The page's on_load then starts a fresh form (keys only grow) as the same user.
        assert tab.var(names.form, "price_rows") == []
        assert tab.var(names.form, "form_key") > before["form_key"]
        assert tab.var(names.session, "user_code") == "acente.a1"
        # …and the form works on this worker: it saves.
        await session.fill("konut", "450.000")
        saved = await session.save("konut", "450.000")
        assert saved is not None and not session.problems, session.problems
        await tab.close()
        return saved


def test_hundred_staff_tabs_quote_without_errors_or_lost_quotes(pg_demo_url, start_backend):
    started = time.monotonic()
    backend = start_backend(pg_demo_url, workers=WORKERS)
    names = StateNames.of_app()
    before = _last_number(pg_demo_url)

    moved = asyncio.run(_same_screen_on_another_worker(backend, names))

    served: dict[int | None, int] = {}

    def count_workers(runs: list[QuoteSession]) -> None:
        pids = backend.worker_pids()
        for s in runs:
            pid = serving_pid(pids, backend.port, s.tab.client_port)
            served[pid] = served.get(pid, 0) + 1

    runs = asyncio.run(
        run_sessions(
            backend.url,
            STAFF,
            SESSIONS,
            SECONDS,
            DEMO_PASSWORD,
            names=names,
            on_started=count_workers,
        )
    )

    # Spread over all the workers.
    assert None not in served and len(served) == WORKERS, served
    # Zero errors: on the screens, in the answers, in the log.
    problems = [p for s in runs for p in s.problems]
    assert problems == [], problems[:10]
    assert _log_errors(backend) == []
    assert all(s.saved for s in runs), [s.user_code for s in runs if not s.saved]

    # Zero lost or duplicated quotes.
    seen = [moved, *(q for s in runs for q in s.saved)]
    numbers = [q.number for q in seen]
    assert len(numbers) == len(set(numbers))
    stored = _quotes_after(pg_demo_url, before)
    stored_numbers = [row[0] for row in stored]
    assert len(stored_numbers) == len(set(stored_numbers))
    # Every quote a tab saw exists with its user and figures; nothing else was saved.
    by_number = {row[0]: row for row in stored}
    assert sorted(by_number) == sorted(numbers)
    for q in seen:
        number, user, line, sum_insured, gross = by_number[q.number]
        assert (user, line) == (q.user_code, q.line_code), q
        assert sum_insured == Decimal(q.sum_insured.replace(".", "")), q
        assert format_try(gross) == q.gross, q

    print(f"{len(seen)} quotes by {SESSIONS} tabs in {SECONDS} s on {served}")
    assert time.monotonic() - started < 150  # ~60 s on 2 cores
