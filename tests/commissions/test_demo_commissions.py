"""Demo rates: `iztim demo load` after the tariff sets every demo agency's rates before the
demo policies are written, so each agency policy earned its commission at approval."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.commissions import services as commissions
from iztim_app.core.commissions.earning import commission_of, rate_in_force
from iztim_app.core.commissions.models import CommissionEntry, CommissionRate
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.money import ZERO
from iztim_app.core.policies.models import Policy
from iztim_app.demo.commissions import load_demo_commissions
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.support import actor_of, use_settings
from tests.quotes.fixtures_db import SHIPPED


@pytest.fixture(scope="module")
def demo_url(
    tmp_path_factory: pytest.TempPathFactory, demo_installation_template: Path
) -> Iterator[str]:
    """A fresh copy of the session's database after `iztim tariffs init` and `iztim demo load`."""
    target = tmp_path_factory.mktemp("demo_commissions") / "demo.db"
    copy_sqlite(demo_installation_template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        yield url
        get_engine(url).dispose()
        get_engine.cache_clear()


@pytest.fixture
def db(demo_url: str) -> Iterator[Session]:
    with session_scope(demo_url) as session:
        yield session


def test_rates_for_every_demo_agency_and_line_plus_one_change(db: Session):
    rows = db.exec(select(CommissionRate)).all()
    assert len(rows) == 3 * 6 + 1
    today = clock.today()
    assert {r.valid_from for r in rows} == {
        today - timedelta(days=730),
        today - timedelta(days=180),
    }
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "commission.rate_set")).all()
    assert len(events) == 19 and {e.actor_code for e in events} == {"gm.mudur"}


def test_every_agency_policy_earned_at_the_rate_in_force_when_approved(db: Session):
    agency_policies = db.exec(
        select(Policy).where(Policy.channel == "agency", Policy.approved_at.is_not(None))
    ).all()
    assert agency_policies
    entries = db.exec(select(CommissionEntry).order_by(CommissionEntry.id)).all()
    first = {}
    for e in entries:
        first.setdefault(e.policy_number, e)
        assert e.amount == commission_of(e.base_net, e.rate)
        assert (e.rate, e.rate_valid_from) == (
            first[e.policy_number].rate,
            first[e.policy_number].rate_valid_from,
        )
    assert {p.number for p in agency_policies} == set(first)
    for e in first.values():
        assert e.document == "policy"
        in_force = rate_in_force(db, e.office_id, e.line_code, e.day)
        assert (in_force.rate, in_force.valid_from) == (e.rate, e.rate_valid_from)
    assert (
        db.exec(
            select(CommissionEntry).where(
                CommissionEntry.office_id.not_in([p.office_id for p in agency_policies])
            )
        ).all()
        == []
    )


def test_statements_add_up_to_the_entries(db: Session):
    gm = actor_of(db, "gm.onay")
    today = clock.today()
    total = ZERO
    for agency in commissions.agency_options(db, gm):
        head = commissions.statement(db, gm, agency.id, today - timedelta(days=400), today)
        expected = sum(
            (
                e.amount
                for e in db.exec(
                    select(CommissionEntry).where(CommissionEntry.office_id == agency.id)
                ).all()
            ),
            ZERO,
        )
        assert head.total == expected
        total += head.total
    assert total > 0


def test_loading_again_adds_nothing(db: Session):
    assert load_demo_commissions(db) == 0
