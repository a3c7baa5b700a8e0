"""Two head-office users set a rate for the same agency, line and day at the same moment:
one row stays, every success is audited, a loser gets a Conflict (never a crash)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.commissions import services as commissions
from iztim_app.core.commissions.models import CommissionRate
from iztim_app.core.db import session_scope
from iztim_app.core.errors import Conflict
from tests.commissions.support import AGENCY_A, D, office_id
from tests.concurrency import run_together
from tests.foundation.support import actor_of


def test_simultaneous_rates_for_one_day_leave_one_row(url: str):
    tomorrow = clock.today() + timedelta(days=1)
    with session_scope(url) as db:
        agency = office_id(db, AGENCY_A)

    def setter(code: str, rate: str):  # noqa: ANN202
        def job(db):  # noqa: ANN001, ANN202
            return commissions.set_rate(db, actor_of(db, code), agency, "konut", rate, tomorrow)

        return job

    outcome = run_together([setter("gm.mudur", "20"), setter("bt.admin", "22")], url)
    assert all(isinstance(e, Conflict) for e in outcome.errors), outcome.errors
    assert [e.code for e in outcome.errors] in ([], ["commission.rate_changed_meanwhile"])
    assert len(outcome.results) + len(outcome.errors) == 2 and outcome.results
    with session_scope(url) as db:
        rows = db.exec(select(CommissionRate)).all()
        assert len(rows) == 1 and rows[0].rate in (D("20.00"), D("22.00"))
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "commission.rate_set")).all()
        assert len(events) == len(outcome.results)
        assert events[-1].after["rate"] == str(rows[0].rate)
