"""The policy number drawn inside issuing's one write statement (PostgreSQL), sent with
COMMIT (policies.services.issue, core/records.execute_and_commit, numbering.DRAW_CTE):

- issues at the same moment, some refused because their quote's link is taken, leave the
  numbers gapless; a refusal in the write statement, after the draw, gives the number back
  and leaves nothing of the issue (the summary posted before the draw included);
- a quote's open portal request is closed by that same statement, and left alone when it
  was decided in the meantime;
- the first policy of an installation (no sequence row yet) gets the first number.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from iztim_app.core import records
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.policies import services as policies
from iztim_app.core.portal import requests as portal_requests
from tests.concurrency import run_together
from tests.foundation.support import actor_of, audit_events, snapshot
from tests.policies.fixtures_policies import FIRST, policy_form, sequence_last
from tests.portal.test_requests_services import issue_from, make_book
from tests.quotes.fixtures_customers import add_customer, tckn
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, save


def _customer(db) -> int:  # noqa: ANN001
    return add_customer(
        db,
        actor_of(db, "acente.a1"),
        kind="individual",
        national_id=tckn("613456789"),
        name="Deniz Kaya",
        group="bireysel",
    ).id


def _sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What issuing sends with COMMIT (PostgreSQL), one round trip an item: the texts of
    its statements in the order sent, joined by "; "."""
    sent: list[str] = []
    real = records.execute_and_commit

    def recording(db, statement, params, before=()):  # noqa: ANN001, ANN202
        sent.append("; ".join([*(queued.text for queued, _ in before), statement.text]))
        return real(db, statement, params, before)

    monkeypatch.setattr(records, "execute_and_commit", recording)
    return sent


def _refused(caught: pytest.ExceptionInfo[ValidationFailed]) -> None:
    assert (caught.value.code, caught.value.field) == (policies.QUOTE_UNUSABLE, "quote_number")


def test_issues_at_once_some_refused_in_the_statement_leave_no_gap(url: str):
    # given acente.a1's approved quote, and direct policy forms
    with session_scope(url) as db:
        actor = actor_of(db, "acente.a1")
        customer = _customer(db)
        quote = save(db, "acente.a1", form("konut", customer, "300000")).number
        from_quote = policies.from_quote(db, actor, quote, today=TODAY)

    def direct(db):  # noqa: ANN001, ANN202
        return [
            policies.issue(db, actor, policy_form("konut", customer, "400000"), today=TODAY)
            for _ in range(3)
        ]

    def quoted(db):  # noqa: ANN001, ANN202
        return [policies.issue(db, actor, from_quote, today=TODAY)]

    # when 4 threads issue 3 policies each while 4 turn the same quote into a policy
    outcome = run_together([direct] * 4 + [quoted] * 4, url)
    # then one quote issue succeeded, the other three were refused as unusable
    assert len(outcome.errors) == 3
    for error in outcome.errors:
        assert isinstance(error, ValidationFailed)
        assert (error.code, error.field) == (policies.QUOTE_UNUSABLE, "quote_number")
    issued = sorted(r.policy.number for batch in outcome.results for r in batch)
    assert [r.policy.quote_number for b in outcome.results for r in b].count(quote) == 1
    # and the 13 policies have the numbers from the first on, without a gap
    assert issued == list(range(FIRST, FIRST + 13))
    assert sequence_last(url) == FIRST + 12


def test_a_refusal_after_the_draw_gives_the_number_back_and_leaves_nothing(
    url: str, monkeypatch: pytest.MonkeyPatch
):
    with session_scope(url) as db:
        actor = actor_of(db, "acente.a1")
        customer = _customer(db)
        first = policies.issue(db, actor, policy_form("konut", customer, "400000"), today=TODAY)
        quote = save(db, "acente.a1", form("konut", customer, "300000")).number
        inp = policies.from_quote(db, actor, quote, today=TODAY)
        before: list[dict] = []
        real_post = policies.production.post_issued

        def link_taken_before_the_draw(db, policy, *more):  # noqa: ANN001, ANN002, ANN202
            # the quote's link found taken by the write (set here in this transaction: while
            # this issue holds the quote's lock no other transaction can)
            db.connection().execute(
                sa.text("UPDATE quote SET policy_number = :n WHERE id = :id"),
                {"n": first.policy.number, "id": policy.quote_id},
            )
            before.append(snapshot(url))  # (nothing committed by this issue yet)
            return real_post(db, policy, *more)

        monkeypatch.setattr(policies.production, "post_issued", link_taken_before_the_draw)
        sent = _sent(monkeypatch)
        # when the write statement finds the link taken
        with pytest.raises(ValidationFailed) as caught:
            policies.issue(db, actor, inp, today=TODAY)
        # then the issue is refused as an unusable quote, by the statement that drew the
        # number (PostgreSQL) or after the draw (SQLite)
        _refused(caught)
        if "postgresql" in url:
            assert len(sent) == 1 and numbering_draw() in sent[0]
        # and nothing of it stayed: no policy, audit, summary, number
        assert [snapshot(url)] == before
        monkeypatch.undo()
        # and the same session issues the next policy with the number given back
        again = policies.issue(db, actor, policy_form("konut", customer, "400000"), today=TODAY)
        assert again.policy.number == first.policy.number + 1
    assert sequence_last(url) == first.policy.number + 1


def numbering_draw() -> str:
    return "INSERT INTO number_sequence"


def test_the_quotes_open_request_is_closed_by_the_same_statement(
    url: str, monkeypatch: pytest.MonkeyPatch
):
    with session_scope(url) as db:
        book = make_book(db)
        made = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        sent = _sent(monkeypatch)
        updates: list[str] = []

        def seen(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ANN202
            if "portal_request" in statement and not statement.lstrip().startswith("SELECT"):
                updates.append(statement)

        engine = get_engine(url)
        sa.event.listen(engine, "before_cursor_execute", seen)
        try:
            # when the policy is issued from the quote
            policy = issue_from(db, "acente.a1", book.approved)
        finally:
            sa.event.remove(engine, "before_cursor_execute", seen)
        # then the request is done with the policy's number, audited once
        [mine] = portal_requests.my_requests(db, book.w.me)
        assert (mine.id, mine.status, mine.policy_number) == (made.id, "done", policy)
        [done] = audit_events(db, "portal_request.done")
        assert (done.actor_code, done.entity_id, done.after) == (
            "acente.a1",
            str(made.id),
            {"status": "done", "policy_number": policy, "quote": book.approved},
        )
        if "postgresql" in url:
            # and on PostgreSQL by the statement that drew the number, nothing else
            assert updates == []
            assert len(sent) == 1
            assert "UPDATE portal_request" in sent[0] and numbering_draw() in sent[0]
        else:
            assert len(updates) == 1


def test_the_summary_is_upserted_in_the_writes_round_trip_before_the_draw(
    url: str, monkeypatch: pytest.MonkeyPatch
):
    with session_scope(url) as db:
        actor = actor_of(db, "acente.a1")
        customer = _customer(db)
        sent = _sent(monkeypatch)
        alone: list[str] = []

        def seen(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ANN202
            if "production_daily" in statement:
                alone.append(statement)

        engine = get_engine(url)
        sa.event.listen(engine, "before_cursor_execute", seen)
        try:
            # when an approved policy is issued
            result = policies.issue(
                db, actor, policy_form("konut", customer, "400000"), today=TODAY
            )
        finally:
            sa.event.remove(engine, "before_cursor_execute", seen)
        assert result.approved
        # then its day is in the summary
        counted = db.execute(sa.text("SELECT sum(policies) FROM production_daily")).scalar_one()
        assert counted == 1
    if "postgresql" in url:
        # and on PostgreSQL the upsert went in the write's round trip, ahead of the draw
        assert alone == []
        [trip] = sent
        assert 0 <= trip.index("INSERT INTO production_daily") < trip.index(numbering_draw())
    else:  # (SQLite: one statement per summary table, before the draw)
        assert alone != []


def test_a_request_decided_before_the_statement_is_left_as_it_was(
    url: str, monkeypatch: pytest.MonkeyPatch
):
    with session_scope(url) as db:
        book = make_book(db)
        made = portal_requests.ask_for_policy(db, book.w.me, book.approved)
        claimed: list = []
        real_request, real_post = policies._OpenRequest, policies.production.post_issued

        def open_request(*args):  # noqa: ANN002, ANN202
            claimed.append(real_request(*args))  # found open with the quote
            return claimed[-1]

        def rejected_after_the_claim(db, policy, *more):  # noqa: ANN001, ANN002, ANN202
            with get_engine(url).begin() as other:  # the request is not under the quote lock
                other.execute(
                    sa.text(
                        "UPDATE portal_request SET status = 'rejected', open_quote_id = NULL,"
                        " decided_by_code = 'gm.onay', reason = 'x', decided_at = created_at"
                        " WHERE id = :id"
                    ),
                    {"id": made.id},
                )
            return real_post(db, policy, *more)

        monkeypatch.setattr(policies, "_OpenRequest", open_request)
        monkeypatch.setattr(policies.production, "post_issued", rejected_after_the_claim)
        # when the policy is issued from the quote
        policy = issue_from(db, "acente.a1", book.approved)
        # then it is issued, and the rejected request kept its decision, with no done audit
        assert policy == FIRST
        assert [r.id for r in claimed] == [made.id]
        [mine] = portal_requests.my_requests(db, book.w.me)
        assert (mine.status, mine.policy_number) == ("rejected", None)
        assert audit_events(db, "portal_request.done") == []


def test_the_first_policy_of_an_installation_makes_the_sequence(url: str):
    # given no policy sequence yet (a fresh installation)
    with get_engine(url).begin() as conn:
        conn.execute(sa.text("DELETE FROM number_sequence WHERE name = 'policy'"))
    assert sequence_last(url) is None
    with session_scope(url) as db:
        actor = actor_of(db, "acente.a1")
        customer = _customer(db)
    inp = policy_form("konut", customer, "400000")
    # when two first policies are issued at the same moment
    outcome = run_together([lambda db: policies.issue(db, actor, inp, today=TODAY)] * 2, url)
    # then both are saved, with the first two numbers
    assert outcome.errors == []
    assert sorted(r.policy.number for r in outcome.results) == [FIRST, FIRST + 1]
    assert sequence_last(url) == FIRST + 1


def test_a_sessions_before_commit_hook_still_runs_before_the_issue_commits(url: str):
    # given a session whose commits carry a hook (the API's idempotency mark does so)
    seen: list[int] = []

    def hook(session) -> None:  # noqa: ANN001
        with get_engine(url).connect() as other:
            seen.append(other.execute(sa.text("SELECT count(*) FROM policy")).scalar_one())

    with session_scope(url) as db:
        actor = actor_of(db, "acente.a1")
        customer = _customer(db)
        db.commit()
        seen.clear()
        sa.event.listen(db, "before_commit", hook)
        # when a policy is issued
        policies.issue(db, actor, policy_form("konut", customer, "400000"), today=TODAY)
        sa.event.remove(db, "before_commit", hook)
    # then the hook ran once, inside the issue's transaction: the policy not yet committed
    assert seen == [0]
