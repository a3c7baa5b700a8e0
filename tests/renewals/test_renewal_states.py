"""The renewals screen's state without a browser: the list from today for 60 days, the
renewal action (also called with forged arguments, as any browser may)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from reflex.state import State
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.db import get_engine
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.states.renewals import RenewalsState
from tests.foundation import browser_tab
from tests.foundation.support import use_settings
from tests.quotes.fixtures_db import SHIPPED, TODAY
from tests.renewals.fixtures import book, trafik_policy


@pytest.fixture
def root(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[State]:
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)  # 2 March 2026
    yield State(_reflex_internal_init=True)
    get_engine.cache_clear()


def _screen(root: State, code: str) -> RenewalsState:
    browser_tab.sign_in(root, code, DEMO_PASSWORD)
    state = browser_tab.sub(root, RenewalsState)
    state.load()
    return state


def _rows(state: RenewalsState) -> list[tuple[str, ...]]:
    return [
        (r["number"], r["end"], r["state_text"], r["quote"], r["can_renew"]) for r in state.rows
    ]


def test_renewing_from_the_list_offers_a_quote_without_a_claim_free_step(
    root: State, db: Session, customers, quotes_url: str
):
    # given acente.a1's policy ending on 1 April 2026 (in the list from today for 60 days)
    number = trafik_policy(db, customers.a1_person, start=date(2025, 4, 1))
    screen = _screen(root, "acente.a1")
    assert screen.filters == {"date_from": "2026-03-02", "date_to": "2026-05-01"}
    assert _rows(screen) == [(str(number), "01.04.2026", "Teklif verilmedi", "", "1")]
    # when the year was not claim-free and the user renews
    screen.set_claim_free(False)
    screen.renew(str(number))
    # then a quote at the same step (4) is offered and the row shows it
    quote = book(quotes_url)["quotes"][-1]
    values = quote["values"]
    values = json.loads(values) if isinstance(values, str) else values  # SQLite: JSON text
    assert (quote["renews_policy_number"], values["no_claims_step"]) == (number, "4")
    assert screen.message == f"Yenileme teklifi {quote['number']} hazırlandı."
    assert _rows(screen) == [
        (str(number), "01.04.2026", "Teklif verildi", str(quote["number"]), "")
    ]


def test_a_forged_or_foreign_number_is_refused_and_nothing_is_created(
    root: State, db: Session, customers, quotes_url: str
):
    foreign = trafik_policy(db, customers.b1_person, code="acente.b1", start=date(2025, 4, 1))
    screen = _screen(root, "acente.a1")
    before = book(quotes_url)
    for forged in (str(foreign), "9999999", "'; DROP TABLE quote; --", None):
        screen.renew(forged)
        assert (screen.error, screen.message) == ("Kayıt bulunamadı.", "")
    assert book(quotes_url) == before
