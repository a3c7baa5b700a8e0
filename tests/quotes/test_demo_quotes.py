"""Demo quotes: `iztim demo load` after `iztim tariffs init` fills a year of quotes that look
like a small insurer's book — every line, channel and state — once, and the same every time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from stdnum.tr import tckimlik, vkn

from iztim_app import demo
from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.customers.models import Customer
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import Quote
from iztim_app.core.quotes.services import QuoteFilter
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.rating import price
from iztim_app.core.tariffs.tables import TariffVersion
from iztim_app.demo.quotes import load_demo_quotes
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.support import actor_of, use_settings
from tests.quotes.fixtures_db import SHIPPED

LINES = {"kasko", "trafik", "konut", "isyeri", "ferdi_kaza", "nakliyat"}
PREPARERS = {
    "gm.onay",
    "sube.ankara",
    "sube.istanbul",
    "acente.a1",
    "acente.a2",
    "acente.b1",
    "acente.b2",
    "acente.c1",
}


@pytest.fixture(scope="module")
def demo_book(
    tmp_path_factory: pytest.TempPathFactory, demo_installation_template: Path
) -> Iterator[str]:
    """A fresh copy of the session's database after `iztim tariffs init` and `iztim demo load`
    (its speed is measured by bench/demo_load.py, not here: a timing assertion fails on a busy
    machine)."""
    target = tmp_path_factory.mktemp("demo_quotes") / "demo.db"
    copy_sqlite(demo_installation_template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        yield url
        get_engine(url).dispose()
        get_engine.cache_clear()


@pytest.fixture
def db(demo_book: str) -> Iterator[Session]:
    with session_scope(demo_book) as session:
        yield session


def test_demo_load_fills_a_year_of_quotes(db: Session):
    all_quotes = db.exec(select(Quote)).all()
    assert 300 <= len(all_quotes) <= 400  # 300 prepared, plus revisions
    today = clock.today()
    dates = [q.quote_date for q in all_quotes]
    assert today - timedelta(days=365) <= min(dates) <= today - timedelta(days=300)
    assert today - timedelta(days=7) <= max(dates) <= today
    # numbers follow the calendar, as if typed in over the year
    by_number = sorted(all_quotes, key=lambda q: q.number)
    assert [q.quote_date for q in by_number] == sorted(dates)


def test_every_line_channel_and_preparer_is_there(db: Session):
    all_quotes = db.exec(select(Quote)).all()
    assert {q.line_code for q in all_quotes} == LINES
    assert {q.channel for q in all_quotes} == {"head_office", "branch", "agency"}
    assert {q.prepared_by_code for q in all_quotes} == PREPARERS
    assert {q.customer_kind for q in all_quotes} == {"individual", "corporate"}


def test_every_state_is_there_as_the_lists_show_it(db: Session):
    gm = actor_of(db, "gm.onay")
    today = clock.today()
    stored = Counter(q.status for q in db.exec(select(Quote)).all())
    assert set(stored) == {"approved", "awaiting_approval", "rejected", "superseded"}
    shown = {
        status: quotes.list_quotes(db, gm, QuoteFilter(status=status), size=1, today=today).total
        for status in ("approved", "awaiting_approval", "expired", "rejected", "superseded")
    }
    assert all(n > 0 for n in shown.values()), shown
    assert sum(shown.values()) == sum(stored.values())
    # the approver's queue holds them all, and leaves room on its first page for new ones
    assert quotes.approval_queue(db, gm, today=today).total == shown["awaiting_approval"] < 15


def test_decisions_and_revisions_are_consistent(db: Session):
    all_quotes = {q.id: q for q in db.exec(select(Quote)).all()}
    for q in all_quotes.values():
        if q.status == "rejected":
            assert q.rejected_by_code == "gm.onay" and q.rejection_reason
        if q.status == "approved":
            # within the preparer's own limit, or approved by the head-office approver
            assert q.approved_by_code in (q.prepared_by_code, "gm.onay")
        if q.status == "superseded":
            revision = all_quotes[q.superseded_by_id]
            assert revision.revises_id == q.id
            assert revision.quote_date > q.quote_date and revision.line_code == q.line_code
        if q.status == "awaiting_approval":
            assert q.approved_by_code is None and q.rejected_by_code is None
    assert sum(q.revises_id is not None for q in all_quotes.values()) == sum(
        q.status == "superseded" for q in all_quotes.values()
    )


def test_every_quote_reprices_to_what_was_saved(db: Session):
    """The form values are valid for the line: pricing them again gives the stored premium."""
    customers = {c.id: c for c in db.exec(select(Customer)).all()}
    tariff = versions.tariff_set_of(db.exec(select(TariffVersion)).one())
    for q in db.exec(select(Quote)).all():
        result = price(
            tariff,
            q.line_code,
            customers[q.customer_id].customer_group,
            q.sum_insured,
            q.start_date,
            q.end_date,
            q.values,
        )
        assert (result.net_premium, result.gross_premium) == (q.net_premium, q.gross_premium), (
            q.number
        )


def test_demo_customers_have_valid_identity_numbers_and_belong_to_their_preparer(db: Session):
    customers = db.exec(select(Customer)).all()
    assert 30 <= len(customers) <= 50
    for c in customers:
        if c.kind == "individual":
            assert tckimlik.is_valid(c.national_id), c.national_id
        else:
            assert vkn.is_valid(c.national_id) and c.tax_office, c.national_id
    assert Counter(c.kind for c in customers).keys() == {"individual", "corporate"}
    owners = {c.id: c.owner_user_id for c in customers}
    assert all(owners[q.customer_id] == q.prepared_by_id for q in db.exec(select(Quote)).all())


def test_loading_again_adds_nothing(db: Session):
    before = (
        len(db.exec(select(Quote.id)).all()),
        len(db.exec(select(Customer.id)).all()),
        len(db.exec(select(AuditEvent.id)).all()),
    )
    assert demo.load(db) is False
    assert load_demo_quotes(db) == 0
    after = (
        len(db.exec(select(Quote.id)).all()),
        len(db.exec(select(Customer.id)).all()),
        len(db.exec(select(AuditEvent.id)).all()),
    )
    assert after == before


def _small_book(url: str, seed: int) -> list[tuple]:
    with session_scope(url) as db:
        assert load_demo_quotes(db, count=40, seed=seed, today=date(2026, 6, 30)) >= 40
        return [
            (
                q.number,
                q.quote_date,
                q.line_code,
                q.sum_insured,
                q.gross_premium,
                q.status,
                q.prepared_by_code,
                q.values,
            )
            for q in db.exec(select(Quote).order_by(Quote.number)).all()
        ]


def test_the_same_seed_gives_the_same_quotes(sqlite_db_from, quotes_template: Path):
    # given two fresh databases with the organisation and the tariff, and no quotes
    first = _small_book(sqlite_db_from(quotes_template), seed=7)
    second = _small_book(sqlite_db_from(quotes_template), seed=7)
    other = _small_book(sqlite_db_from(quotes_template), seed=8)
    assert first == second
    assert first != other


def test_without_a_tariff_in_force_no_quotes_are_made(
    sqlite_db_from, migrated_sqlite_template: Path, monkeypatch
):
    url = sqlite_db_from(migrated_sqlite_template)
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED)
    try:
        with session_scope(url) as db:
            assert demo.load(db) is True  # the organisation only
            assert (
                db.exec(select(Quote.id)).all() == [] and db.exec(select(Customer.id)).all() == []
            )
    finally:
        get_engine.cache_clear()
