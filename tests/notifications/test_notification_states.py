"""The menu's notifications state without a browser: texts and links of the decisions, the
queue badge, marking seen; nothing but those DTOs reaches the browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reflex.state import State
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.db import get_engine
from iztim_app.core.quotes import services as quotes
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.states.notifications import NotificationsState
from tests.foundation import browser_tab
from tests.foundation.support import actor_of, use_settings
from tests.quotes.fixtures_db import SHIPPED, TODAY
from tests.quotes.fixtures_quotes import form


@pytest.fixture
def root(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[State]:
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    yield State(_reflex_internal_init=True)
    get_engine.cache_clear()


def _menu(root: State, code: str) -> NotificationsState:
    browser_tab.sign_in(root, code, DEMO_PASSWORD)
    state = browser_tab.sub(root, NotificationsState)
    state.load()
    return state


def test_the_preparer_reads_the_decision_and_marks_it_seen(root: State, db: Session, customers):
    a1 = actor_of(db, "acente.a1")
    rejected = quotes.save_quote(db, a1, form("konut", customers.a1_person, "900000"), today=TODAY)
    quotes.reject(db, actor_of(db, "gm.onay"), rejected.number, "Eksik belge", today=TODAY)
    menu = _menu(root, "acente.a1")
    assert menu.unread == 1
    assert [(i["text"], i["href"]) for i in menu.items] == [
        (
            f"Teklif {rejected.number} reddedildi (gm.onay): Eksik belge",
            f"/teklifler/detay?no={rejected.number}",
        )
    ]
    assert (menu.queue_count, menu.more) == (0, "")
    menu.mark_seen()
    assert (menu.unread, menu.items) == (0, [])


def test_the_approver_sees_the_queue_size(root: State, db: Session, customers):
    a1 = actor_of(db, "acente.a1")
    for amount in ("900000", "950000"):
        quotes.save_quote(db, a1, form("konut", customers.a1_person, amount), today=TODAY)
    menu = _menu(root, "gm.onay")
    assert (menu.queue_count, menu.queue_label, menu.unread) == (
        2,
        "Onay kuyruğunda 2 belge",
        0,
    )
    sent = menu.dict()[menu.get_full_name()]
    assert {k.removesuffix("_rx_state_") for k in sent} >= {"items", "unread", "queue_count"}
    assert "seen_until" not in str(sent)


def test_signed_out_the_menu_stays_empty(root: State):
    state = browser_tab.sub(root, NotificationsState)
    state.load()
    assert (state.unread, state.items, state.queue_count) == (0, [], 0)
