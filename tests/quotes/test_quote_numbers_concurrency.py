"""Many users at the same moment: quote numbers stay unique, gapless and in commit order,
and two approvers racing for one quote produce exactly one decision.

Each test runs on a SQLite file (WAL, busy_timeout) and on PostgreSQL (a fresh database
copied from a template built once; marked `postgres`: skipped when the server is not
running, a failure when CI is set).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from iztim_app.core.db import session_scope
from iztim_app.core.errors import Conflict
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.services import QuoteInput
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import Actor
from iztim_app.core.users.permissions import ROLES
from tests import postgres
from tests.concurrency import GapWatcher, run_together
from tests.foundation.support import actor_of, user_of
from tests.quotes.fixtures_customers import add_customer, tckn
from tests.quotes.fixtures_db import TODAY, pg_organisation_template
from tests.quotes.fixtures_quotes import OPERATOR, form, quote_audit

THREADS = 20
FIRST = 1000001
PREPARERS = (
    "gm.onay",
    "sube.istanbul",
    "sube.ankara",
    "acente.a1",
    "acente.a2",
    "acente.b1",
    "acente.b2",
    "acente.c1",
)


# ---------------------------------------------------------------- PostgreSQL databases


@pytest.fixture(scope="module")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database upgraded to head with the demo organisation and tariff v1."""
    with pg_organisation_template("iztim_quotes_tpl") as name:
        yield name


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh database for this test, created (CREATE DATABASE … TEMPLATE) and dropped."""
    with postgres.database("iztim_quotes", template=pg_template) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, sqlite_db_from: Callable[[Path], str]) -> str:
    if request.param == "sqlite":
        return sqlite_db_from(request.getfixturevalue("quotes_template"))
    return request.getfixturevalue("pg_url")


def _people(db: Session) -> dict[str, tuple[Actor, int]]:
    """One customer per preparer, owned by them: (actor, customer id)."""
    out = {}
    for i, code in enumerate(PREPARERS):
        owner = actor_of(db, code)
        customer = add_customer(
            db,
            owner,
            kind="individual",
            national_id=tckn(f"{31 + i}5678912"),
            name=f"Müşteri {code}",
            group="bireysel",
        )
        out[code] = (owner, customer.id)
    return out


# ---------------------------------------------------------------- numbers


def test_quotes_saved_at_the_same_moment_get_distinct_gapless_numbers_in_commit_order(url: str):
    # given 20 users' forms, filled in and priced once (the tariff is loaded and cached)
    with session_scope(url) as db:
        people = _people(db)
        jobs_input: list[tuple[Actor, QuoteInput]] = []
        for i in range(THREADS):
            actor, customer_id = people[PREPARERS[i % len(PREPARERS)]]
            jobs_input.append((actor, form("konut", customer_id, str(100000 + 1000 * i))))
        quotes.preview(db, jobs_input[0][0], jobs_input[0][1], today=TODAY)
    commits: dict[int, tuple[int, int]] = {}  # number → (before commit, after commit), monotonic ns

    def job(actor: Actor, inp: QuoteInput) -> Callable[[Session], int]:
        def run(db: Session) -> int:
            times: list[int] = []
            event.listen(db, "before_commit", lambda _s: times.append(time.monotonic_ns()))
            event.listen(db, "after_commit", lambda _s: times.append(time.monotonic_ns()))
            number = quotes.save_quote(db, actor, inp, today=TODAY).number
            commits[number] = (times[0], times[1])
            return number

        return run

    # when all 20 save at once, while another user refreshes the list
    with GapWatcher(url, "quote", FIRST, pause=0.002) as watcher:
        outcome = run_together([job(a, i) for a, i in jobs_input], url)
    # then 20 distinct numbers without gaps
    assert outcome.errors == []
    assert sorted(outcome.results) == list(range(FIRST, FIRST + THREADS))
    # increasing in commit order: a higher number never finished committing before a lower one began
    for low in commits:
        for high in commits:
            if low < high:
                assert commits[high][1] > commits[low][0], (low, high)
    assert watcher.gaps == [] and watcher.snapshots > 0
    with session_scope(url) as db:
        assert (
            db.exec(sa.text("SELECT last FROM number_sequence WHERE name = 'quote'")).one()[0]
            == FIRST + THREADS - 1
        )
    assert sorted(int(a["entity_id"]) for a in quote_audit(url, "quote.create")) == list(
        range(FIRST, FIRST + THREADS)
    )


# ---------------------------------------------------------------- one decision


ROUNDS = 3


def test_two_approvers_approving_one_quote_at_the_same_moment_make_one_decision(url: str):
    # given İstanbul Şube's user may approve too (quote.approve, limit 2 500 000 on konut),
    # and acente.a1 has home quotes of 2 000 000 awaiting approval
    with session_scope(url) as db:
        branch = user_of(db, "sube.istanbul")
        users.set_permissions(
            db, OPERATOR, branch.id, ROLES["branch_staff"].permissions | {"quote.approve"}
        )
        approvers = [actor_of(db, "gm.onay"), actor_of(db, "sube.istanbul")]
        a1, customer_id = _people(db)["acente.a1"]
        waiting = [
            quotes.save_quote(db, a1, form("konut", customer_id, "2000000"), today=TODAY).number
            for _ in range(ROUNDS)
        ]
    for number in waiting:
        # when both approve it at once
        outcome = run_together(
            [
                lambda db, who=who, number=number: quotes.approve(db, who, number, today=TODAY)
                for who in approvers
            ],
            url,
        )
        # then exactly one succeeds, the other is told it was already decided
        assert len(outcome.results) == 1, outcome.errors
        assert [(type(e), e.code, e.params) for e in outcome.errors] == [
            (Conflict, "quote.already_decided", {"number": number, "status": "approved"})
        ]
        winner = outcome.results[0].approved_by
        assert winner in {"gm.onay", "sube.istanbul"}
        decisions = [a for a in quote_audit(url, "quote.approve") if a["entity_id"] == str(number)]
        assert [a["actor_code"] for a in decisions] == [winner]
        with session_scope(url) as db:
            view = quotes.get_quote(db, approvers[0], number, today=TODAY)
        assert (view.status, view.approved_by) == ("approved", winner)
