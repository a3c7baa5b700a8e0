"""The renewal block of the policy page without a browser: shown for a policy ending in 30
days, the "Yenile" action (with the claim-free box) leading to the new renewal quote, and the
action refused when forged outside the window."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from reflex.state import State
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.db import get_engine
from iztim_app.states.policy_detail import PolicyDetailState
from iztim_app.states.quote_detail import QuoteDetailState
from tests.foundation.support import use_settings
from tests.quotes.fixtures_db import SHIPPED, TODAY
from tests.quotes.test_quote_states import sign_in, sub, visit
from tests.renewals.fixtures import book, trafik_policy


@pytest.fixture
def root(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[State]:
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)  # 2 March 2026
    yield State(_reflex_internal_init=True)
    get_engine.cache_clear()


def _page(root: State, number: Any) -> PolicyDetailState:
    page = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(number))
    page.load()
    return page


def test_a_policy_ending_in_30_days_is_renewed_from_its_page(
    root: State, db: Session, customers, quotes_url: str
):
    # given acente.a1's policy ending on 1 April 2026, 30 days from today
    number = trafik_policy(db, customers.a1_person, start=date(2025, 4, 1))
    sign_in(root, "acente.a1")
    page = _page(root, number)
    # then its page shows the renewal block, open, with the claim-free box ticked
    assert page.renewal == {
        "state": "not_offered",
        "state_text": "Teklif verilmedi",
        "quote": "",
        "renewal": "",
        "opens": "31.01.2026",
        "can_renew": "1",
    }
    assert page.renewal_claim_free is True
    # when the year was not claim-free and the user presses "Yenile"
    page.set_renewal_claim_free(False)
    redirect = page.renew()
    # then a renewal quote of the policy at the same no-claims step is saved
    quote = book(quotes_url)["quotes"][-1]
    values = quote["values"]
    values = json.loads(values) if isinstance(values, str) else values  # SQLite: JSON text
    assert (quote["renews_policy_number"], values["no_claims_step"]) == (number, "4")
    assert page.message == f"Yenileme teklifi {quote['number']} hazırlandı."
    # and the user is taken to the new quote's page, which opens on it
    assert f"/teklifler/detay?no={quote['number']}&kaydedildi=1" in str(redirect)
    q = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=str(quote["number"]), kaydedildi="1")
    q.load()
    assert (q.error, q.quote["number"], q.quote["renews"]) == (
        "",
        str(quote["number"]),
        str(number),
    )
    # and back on the policy page the block links the renewal quote
    page = _page(root, number)
    assert (page.renewal["state_text"], page.renewal["quote"]) == (
        "Teklif verildi",
        str(quote["number"]),
    )


def test_outside_the_window_no_action_and_a_forged_renew_changes_nothing(
    root: State, db: Session, customers, quotes_url: str
):
    # given a policy ending on 1 June 2026: its window opens on 2 April
    number = trafik_policy(db, customers.a1_person, start=date(2025, 6, 1))
    sign_in(root, "acente.a1")
    page = _page(root, number)
    assert (page.renewal["can_renew"], page.renewal["opens"]) == ("", "02.04.2026")
    before = book(quotes_url)
    # when the browser sends the renew event anyway
    redirect = page.renew()
    # then it is refused with the reason, no redirect, nothing stored
    assert redirect is None
    # (the catalogue formats the {opens} date as ISO today: see the report)
    assert page.error == f"Poliçe {number} için yenileme 02.04.2026 tarihinde açılır " + (
        "(bitişten 60 gün önce)."
    )
    assert book(quotes_url) == before
