"""The two commission screens' states without a browser: their main handlers, called as
any browser may call them, and what the screens then show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from reflex.state import State
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.commissions.earning import earn
from iztim_app.core.commissions.models import CommissionRate
from iztim_app.core.db import get_engine
from iztim_app.states.commission_rates import CommissionRatesState
from iztim_app.states.commission_statement import CommissionStatementState, _made
from iztim_app.states.session import run_as
from tests.commissions.support import (
    A1,
    AGENCY_A,
    AGENCY_B,
    B1,
    MANAGER,
    office_id,
    posting,
    set_rate,
)
from tests.foundation import browser_tab
from tests.foundation.support import snapshot, use_settings
from tests.quotes.fixtures_db import SHIPPED

TODAY = clock.today()
DENIED = "Bu işlem için yetkiniz yok."
NOT_FOUND = "Kayıt bulunamadı."


@pytest.fixture
def root(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[State]:
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    yield State(_reflex_internal_init=True)
    get_engine.cache_clear()


def sub(root: State, cls: type) -> Any:
    return browser_tab.sub(root, cls)


def test_head_office_sets_a_rate_on_the_rates_screen(root: State, db: Session):
    browser_tab.sign_in(root, MANAGER)
    screen = sub(root, CommissionRatesState)
    screen.load()
    assert screen.error == ""
    assert [name for _, name in screen.agency_options] == [
        "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
        "B Sigorta Acentesi (Ayşe Yılmaz)",
        "C Sigorta Aracılık A.Ş.",
    ]
    assert [code for code, _ in screen.line_options] == [
        "kasko",
        "trafik",
        "konut",
        "isyeri",
        "ferdi_kaza",
        "nakliyat",
    ]
    a = str(office_id(db, AGENCY_A))
    screen.save_rate(
        {"office_id": a, "line_code": "kasko", "rate": "12,50", "valid_from": TODAY.isoformat()}
    )
    assert screen.error == "" and screen.field_errors == {}
    assert screen.message == (
        "A Sigorta Aracılık Hizmetleri Ltd. Şti. için Kasko Sigortası oranı "
        f"{clock.format_date(TODAY)} tarihinden itibaren %12,50 olarak kaydedildi."
    )
    assert [
        (r["agency"], r["line"], r["rate"], r["valid_to"], r["status"]) for r in screen.rows
    ] == [
        (
            "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
            "Kasko Sigortası",
            "%12,50",
            "Süresiz",
            "Yürürlükte",
        )
    ]


def test_every_problem_of_the_rate_form_is_shown_beside_its_field(
    root: State, db: Session, quotes_url: str
):
    browser_tab.sign_in(root, MANAGER)
    screen = sub(root, CommissionRatesState)
    screen.load()
    before = snapshot(quotes_url)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    screen.save_rate({"office_id": "", "line_code": "uzay", "rate": "101", "valid_from": yesterday})
    assert sorted(screen.field_errors) == ["line_code", "office_id", "rate", "valid_from"]
    assert screen.field_errors["rate"] == 'Oran 0 ile 100 arasında olmalı: "101".'
    assert screen.error == "Bir acente seçin."
    assert snapshot(quotes_url) == before


def test_an_agency_user_cannot_set_rates_and_reads_only_their_own(
    root: State, db: Session, quotes_url: str
):
    set_rate(db, AGENCY_A, "konut", "20", TODAY)
    set_rate(db, AGENCY_B, "konut", "18", TODAY)
    browser_tab.sign_in(root, A1)
    screen = sub(root, CommissionRatesState)
    screen.load()
    assert [r["agency"] for r in screen.rows] == ["A Sigorta Aracılık Hizmetleri Ltd. Şti."]
    before = snapshot(quotes_url)
    screen.save_rate(
        {
            "office_id": str(office_id(db, AGENCY_A)),
            "line_code": "konut",
            "rate": "50",
            "valid_from": TODAY.isoformat(),
        }
    )
    assert screen.error == DENIED
    assert snapshot(quotes_url) == before
    # a forged filter naming agency B finds nothing
    screen.apply_filter({"office_id": str(office_id(db, AGENCY_B))})
    assert (screen.error, screen.rows) == (NOT_FOUND, [])
    assert db.exec(select(CommissionRate.rate).order_by(CommissionRate.id)).all() == [20, 18]


@pytest.fixture
def entries_today(db: Session) -> None:
    set_rate(db, AGENCY_A, "konut", "20", TODAY)
    set_rate(db, AGENCY_B, "konut", "18", TODAY)
    earn(db, posting(db, day=TODAY, net="1144.00", number=5000001))
    earn(db, posting(db, day=TODAY, net="1000.00", number=5000002, preparer=B1))
    db.commit()


def test_an_agency_user_sees_their_own_statement(root: State, db: Session, entries_today):
    browser_tab.sign_in(root, A1)
    screen = sub(root, CommissionStatementState)
    screen.load()  # their agency is the only choice: shown at once, this month
    assert (screen.error, screen.shown, screen.agency_name) == (
        "",
        True,
        "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
    )
    assert [
        (r["label"], r["kind"], r["base_net"], r["rate"], r["amount"]) for r in screen.rows
    ] == [("5000001", "Poliçe", "1.144,00 ₺", "%20,00", "228,80 ₺")]
    assert screen.by_line == [
        {"line": "Konut Sigortası", "count": "1", "base_net": "1.144,00 ₺", "amount": "228,80 ₺"}
    ]
    assert screen.totals == {"count": "1", "base_net": "1.144,00 ₺", "amount": "228,80 ₺"}
    # a forged form naming agency B: as if it did not exist
    period = {"date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()}
    screen.apply({"office_id": str(office_id(db, AGENCY_B)), **period})
    assert (screen.error, screen.shown, screen.rows, screen.totals) == (NOT_FOUND, False, [], {})


def test_head_office_picks_an_agency_and_bad_dates_are_named(
    root: State, db: Session, entries_today
):
    browser_tab.sign_in(root, "gm.onay")
    screen = sub(root, CommissionStatementState)
    screen.load()
    assert (screen.shown, len(screen.agency_options)) == (False, 3)
    screen.apply(
        {"office_id": str(office_id(db, AGENCY_B)), "date_from": "", "date_to": "2026-13-01"}
    )
    assert sorted(screen.field_errors) == ["date_from", "date_to"]
    screen.apply(
        {
            "office_id": str(office_id(db, AGENCY_B)),
            "date_from": TODAY.isoformat(),
            "date_to": TODAY.isoformat(),
        }
    )
    assert (screen.error, screen.totals["amount"]) == ("", "180,00 ₺")
    # the download is made in the background, as the signed-in user
    token = browser_tab.token_of(root)
    args = (str(office_id(db, AGENCY_B)), TODAY.isoformat(), TODAY.isoformat())
    made = run_as(token, "tr", _made, *args, "pdf", "tr")
    assert made.ok and made.value.content[:5] == b"%PDF-"
    csv = run_as(token, "tr", _made, *args, "csv", "tr")
    assert csv.ok and csv.value.filename.endswith(".csv")
    # agency A's user cannot have agency B's file made
    browser_tab.sign_in(root, A1)
    refused = run_as(browser_tab.token_of(root), "tr", _made, *args, "pdf", "tr")
    assert (refused.ok, refused.error) == (False, NOT_FOUND)
