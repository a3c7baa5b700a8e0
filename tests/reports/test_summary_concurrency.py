"""Two approvals at the same moment on the same summary row both count: the upsert adds
in one statement (ON CONFLICT DO UPDATE x = x + excluded.x), never read-modify-write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from iztim_app.core.reports import production
from iztim_app.core.reports.posting import Posting
from tests.concurrency import run_together
from tests.reports import raw

D = Decimal


def _posting(number: int) -> Posting:
    return Posting(
        day=date(2026, 6, 1),
        document="policy",
        policy_number=number,
        policy_version=1,
        endorsement_seq=None,
        line_code="konut",
        channel="branch",
        office_id=1,
        office_path="/1/",
        prepared_by_id=None,
        customer_kind="individual",
        policies=1,
        sum_insured=D("100000.00"),
        net_premium=D("130.00"),
        taxes={"BSMV": D("6.50")},
        gross_premium=D("136.50"),
    )


def test_postings_of_one_row_at_the_same_moment_all_count(url):
    def post(number: int):  # noqa: ANN202
        def job(db):  # noqa: ANN001, ANN202
            production.upsert(db, [production.Totals.of(_posting(number))])
            db.commit()

        return job

    outcome = run_together([post(n) for n in range(8)], url)
    assert outcome.errors == []
    daily = raw.query(
        url, "SELECT prepared_by_id, policies, net_premium, taxes_total FROM production_daily"
    )
    monthly = raw.query(url, "SELECT month, policies, gross_premium FROM production_monthly")
    tax = raw.query(url, "SELECT tax_code, amount FROM production_monthly_tax")
    assert [tuple(int(v) if isinstance(v, Decimal) else v for v in r) for r in daily] == [
        (0, 8, 104000, 5200)
    ]
    assert [tuple(int(v) if isinstance(v, Decimal) else v for v in r) for r in monthly] == [
        ("2026-06", 8, 109200)
    ]
    assert [tuple(int(v) if isinstance(v, Decimal) else v for v in r) for r in tax] == [
        ("BSMV", 5200)
    ]
