"""The public verification page's state without a browser: the QR link, the form, a wrong
code; no sign-in needed and nothing personal reaches the browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from reflex.state import State
from reflex.utils.format import json_dumps

from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.documents import verification
from iztim_app.states.verify import VerifyState
from tests.documents.world import NAME, TCKN, Documents, make_documents
from tests.foundation.support import snapshot, use_settings
from tests.quotes.fixtures_db import SHIPPED, TODAY


@pytest.fixture
def world(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Documents]:
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with session_scope(quotes_url) as db:
        yield make_documents(db)
    get_engine.cache_clear()


def tab() -> VerifyState:
    root = State(_reflex_internal_init=True)
    return root.get_substate(VerifyState.get_full_name().split("."))


def open_link(state: VerifyState, url: str) -> None:
    """What the browser's router hands the page before on_load: the link's query."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    root = state.parent_state
    while root.parent_state is not None:
        root = root.parent_state
    data = {"pathname": parts.path, "asPath": f"{parts.path}?{parts.query}", "query": query}
    root.router_data = root._update_router_vars(data, root.router_data)
    assert dict(state.router.url.query_parameters) == query
    state.load()


def sent(state: VerifyState) -> str:
    root = state.parent_state
    while root.parent_state is not None:
        root = root.parent_state
    return json_dumps(root.dict()) + json_dumps(root.get_delta())


def assert_nothing_personal(state: VerifyState, docs: Documents) -> None:
    payload = sent(state)
    for secret in (NAME, TCKN, "172******60", str(docs.customer.number)):
        assert secret not in payload
    for _, value, _ in state.rows:  # no amount of any kind: only numbers and dates
        assert "₺" not in value and not re.search(r"\d,\d\d", value)


def test_the_qr_link_shows_the_policy_facts_without_personal_data(world: Documents):
    p = world.policy
    with session_scope() as db:
        url = verification.verification_url(db, "policy", p.number)
    state = tab()
    open_link(state, url)
    assert state.outcome == "verified"
    assert state.rows == [
        ["verify.kind", "verify.kind.policy", "1"],
        ["verify.number", str(p.number), ""],
        ["verify.version", "1", ""],
        ["verify.status", "verify.status.cancelled", "1"],
        ["verify.issue_date", "02.03.2026", ""],
        ["verify.approved_at", clock.format_date(p.approved_at), ""],
        ["verify.term_start", "02.03.2026", ""],
        ["verify.term_end", "02.03.2027", ""],
        ["verify.cancelled_from", "08.09.2026", ""],
    ]
    assert_nothing_personal(state, world)


def test_the_form_verifies_an_endorsement_typed_as_printed(world: Documents):
    e = world.endorsement
    with session_scope() as db:
        code = verification.format_code(
            verification.verification_code(db, "endorsement", e.policy_number, 1)
        )
    state = tab()
    state.check({"kind": "endorsement", "number": f"1/{e.policy_number}", "code": code.lower()})
    assert state.outcome == "verified"
    assert state.rows[:4] == [
        ["verify.kind", "verify.kind.endorsement", "1"],
        ["verify.number", f"1/{e.policy_number}", ""],
        ["verify.endorsement_kind", "endorsement.kind.increase", "1"],
        ["verify.status", "verify.status.approved", "1"],
    ]
    assert ["verify.effective_date", "10.06.2026", ""] in state.rows
    assert_nothing_personal(state, world)


def test_a_wrong_code_or_unknown_document_shows_one_answer(world: Documents):
    p = world.policy
    with session_scope() as db:
        url = verification.verification_url(db, "policy", p.number)
    state = tab()
    open_link(state, url[:-1] + ("A" if not url.endswith("A") else "B"))
    assert (state.outcome, state.rows) == ("not_verified", [])
    first = sent(state)
    state = tab()
    open_link(state, f"/dogrula?t=policy&n={p.number + 77}&c=ABCDEFGHJK")
    assert (state.outcome, state.rows) == ("not_verified", [])
    state.check({"kind": "quote", "number": "abc", "code": "<script>"})
    assert (state.outcome, state.rows) == ("not_verified", [])
    # and no document at all: an empty page
    state = tab()
    open_link(state, "/dogrula")
    assert (state.outcome, state.rows) == ("", [])
    assert "not_verified" in first


def test_the_page_is_public(world: Documents):
    """No session cookie, no sign-in: the check still answers (and signs no one in)."""
    state = tab()
    with session_scope() as db:
        url = verification.verification_url(db, "quote", world.quote.number)
    open_link(state, url)
    assert state.outcome == "verified"
    assert state.signed_in is False


def test_a_check_changes_nothing_in_the_database(world: Documents, quotes_url: str):
    with session_scope() as db:  # the installation secret exists once any code was made
        verification.verification_code(db, "policy", world.policy.number)
    before = snapshot(quotes_url)
    state = tab()
    open_link(state, f"/dogrula?t=policy&n={world.policy.number}&c=WRONGCODE1")
    assert snapshot(quotes_url) == before
