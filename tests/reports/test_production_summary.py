"""The daily production summary equals the documents, on both engines: after generated
production through the real services (tests/reports/world.py), every summary row equals an
independent raw SQL GROUP BY over the policy and endorsement rows (tests/reports/raw.py),
every grouping of the report equals the same SQL grouped that way, and `rebuild()` gives
back exactly the rows the postings made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from iztim_app.core.db import session_scope
from iztim_app.core.reports import production
from iztim_app.core.reports import services as reports
from iztim_app.core.reports.definition import DIMENSIONS
from tests.foundation.support import actor_of
from tests.reports import raw
from tests.reports import world as generated

ALL = (date(2026, 1, 1), date(2026, 12, 31))
MEASURES = ["policies", "issued", "cancelled", "endorsements", "sum_insured", "net_premium",
            "gross_premium", "taxes"]  # fmt: skip


@pytest.fixture
def world(url, monkeypatch):
    with session_scope(url) as db:
        yield generated.build(db, monkeypatch)


def _kurus(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _as_raw(row: dict) -> tuple[int, ...]:
    return (
        row["policies"],
        row["issued"],
        row["cancelled"],
        row["endorsements"],
        _kurus(row["sum_insured"]),
        _kurus(row["net_premium"]),
        _kurus(row["gross_premium"]),
    )


def test_the_world_is_what_the_tests_need(url, world):
    # given the generated production: enough of every kind of document
    counts = raw.query(
        url,
        "SELECT (SELECT COUNT(*) FROM policy WHERE status IN ('approved', 'cancelled')),"
        " (SELECT COUNT(*) FROM policy WHERE status = 'unapproved'),"
        " (SELECT COUNT(*) FROM endorsement WHERE kind = 'increase' AND status = 'approved'),"
        " (SELECT COUNT(*) FROM endorsement WHERE kind = 'decrease' AND status = 'approved'),"
        " (SELECT COUNT(*) FROM endorsement WHERE kind = 'cancellation'),"
        " (SELECT COUNT(DISTINCT line_code) FROM policy),"
        " (SELECT COUNT(DISTINCT office_id) FROM policy)",
    )[0]
    # 43 approved versions, 1 un-approved; increases, decreases, cancellations; six lines
    # and six offices (four agencies' and two branches' users, and the head office)
    assert counts == (43, 1, 6, 2, 6, 6, 6)
    months = raw.by_grouping(url, "month")
    assert sorted(months) == [f"2026-0{m}" for m in range(1, 9)]


def test_every_summary_row_equals_the_raw_sql_over_the_documents(url, world):
    # when the summary is read raw
    stored = raw.summary(url)
    expected = raw.by_key(url)
    # then one row per key, the same figures (kuruş), taxes = gross − net, month/year/agency
    assert sorted(stored) == sorted(expected)
    for key, figures in expected.items():
        row = stored[key]
        assert tuple(int(v) for v in row[:7]) == figures, key
        assert int(row[7]) == figures[6] - figures[5], key  # taxes_total
        day, channel, office_id = key[0], key[2], key[3]
        assert (row[9], row[10], row[11]) == (
            office_id if channel == "agency" else 0,
            day[:7],
            int(day[:4]),
        )
    # and the world holds 37 policies in force (43 approved − 6 cancelled; the un-approved
    # version's +1 and −1 cancel out, its re-approval counts once)
    assert sum(f[0] for f in expected.values()) == 37


def test_every_grouping_of_the_report_equals_the_raw_sql(url, world):
    # given the head-office approver (sees everything)
    db = world.db
    gm = actor_of(db, generated.GM)
    offices = dict(raw.query(url, "SELECT id, code FROM office"))
    users = dict(raw.query(url, "SELECT id, code FROM app_user"))
    for dim in DIMENSIONS:
        # when the report groups by one dimension over the whole year
        result = reports.run_report(db, gm, {"dimensions": [dim], "measures": MEASURES}, *ALL)
        # then each row equals the SQL grouped by that dimension's raw value
        expected = raw.by_grouping(url, dim)
        recoded = {}
        for value, figures in expected.items():
            if dim in ("office", "agency"):
                value = offices.get(value, "")
            elif dim == "preparer":
                value = users.get(value, "")
            recoded[str(value)] = figures
        assert {r[f"{dim}_code"]: _as_raw(r) for r in result.rows} == recoded, dim
        # and the totals are the raw totals
        totals = tuple(map(sum, zip(*expected.values(), strict=True)))
        assert _as_raw(result.totals) == totals, dim


def test_a_report_with_two_dimensions_equals_the_raw_sql(url, world):
    db = world.db
    result = reports.run_report(
        db,
        actor_of(db, generated.GM),
        {"dimensions": ["line", "month"], "measures": MEASURES},
        *ALL,
    )
    sql = (
        "SELECT line_code, substr(day, 1, 7), SUM(policies), SUM(issued), SUM(cancelled),"
        " SUM(endorsements), SUM(si), SUM(net), SUM(gross)"
        f" FROM ({raw.documents_sql(url)}) d GROUP BY line_code, substr(day, 1, 7)"
    )
    expected = {(r[0], r[1]): tuple(int(v) for v in r[2:]) for r in raw.query(url, sql)}
    assert {(r["line_code"], r["month_code"]): _as_raw(r) for r in result.rows} == expected


SUMMARY = (
    "production_daily",
    "production_daily_tax",
    "production_monthly",
    "production_monthly_tax",
)


def _tables(url: str) -> dict[str, list[tuple]]:
    return {t: sorted(map(_ints, raw.query(url, f"SELECT * FROM {t}"))) for t in SUMMARY}


def test_rebuild_gives_back_the_same_rows(url, world):
    # given the summary the postings made (a row for each approval, one at a time)
    before = _tables(url)
    assert all(before.values())
    # when it is thrown away and rebuilt from the documents
    with session_scope(url) as db:
        for table in SUMMARY:
            db.execute(sa.text(f"DELETE FROM {table}"))
        db.commit()
        assert raw.summary(url) == {}
        rows = production.rebuild(db)
        db.commit()
    # then exactly the same rows in every summary table
    assert rows == len(before["production_daily"])
    assert _tables(url) == before


def test_an_approval_late_in_the_evening_counts_on_the_turkish_day(url, world):
    # 22:30 UTC on 31 March is 01:30 on 1 April in Türkiye
    rows = raw.query(
        url,
        "SELECT day, month FROM production_daily WHERE policies = 1 AND line_code = 'konut'"
        f" AND prepared_by_id = (SELECT prepared_by_id FROM policy WHERE number = "
        f"{world.late_policy} AND version = 1) ORDER BY day",
    )
    assert (date(2026, 4, 1).isoformat(), "2026-04") in [
        (d.isoformat() if isinstance(d, date) else d, m) for d, m in rows
    ]


def test_the_monthly_rows_add_up_the_daily_rows(url, world):
    group = "month, line_code, channel, office_id, office_path, prepared_by_id, customer_kind"
    figures = (
        "SUM(policies), SUM(issued), SUM(cancelled), SUM(endorsements), SUM(sum_insured),"
        " SUM(net_premium), SUM(taxes_total), SUM(gross_premium), SUM(commission)"
    )
    daily = raw.query(url, f"SELECT {group}, {figures} FROM production_daily GROUP BY {group}")
    monthly = raw.query(url, f"SELECT {group}, {figures} FROM production_monthly GROUP BY {group}")
    assert sorted(map(_ints, monthly)) == sorted(map(_ints, daily))
    tax_group = f"{group}, tax_code"
    daily_tax = raw.query(
        url, f"SELECT {tax_group}, SUM(amount) FROM production_daily_tax GROUP BY {tax_group}"
    )
    monthly_tax = raw.query(
        url, f"SELECT {tax_group}, SUM(amount) FROM production_monthly_tax GROUP BY {tax_group}"
    )
    assert sorted(map(_ints, monthly_tax)) == sorted(map(_ints, daily_tax))
    assert len(monthly) < len(raw.summary(url))


def _ints(row: tuple) -> tuple:
    return tuple(int(v) if isinstance(v, Decimal) else v for v in row)


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (date(2026, 1, 15), date(2026, 4, 10)),  # part, two whole months, part
        (date(2026, 2, 1), date(2026, 3, 31)),  # whole months only
        (date(2026, 3, 5), date(2026, 3, 20)),  # inside one month
        (date(2026, 5, 31), date(2026, 6, 1)),  # across a month's end
        (date(2026, 1, 1), date(2026, 8, 31)),  # everything
    ],
)
def test_any_date_range_equals_the_raw_sql(url, world, date_from, date_to):
    db = world.db
    result = reports.run_report(
        db,
        actor_of(db, generated.GM),
        {"dimensions": ["line"], "measures": MEASURES},
        date_from,
        date_to,
    )
    where = f"day >= '{date_from.isoformat()}' AND day <= '{date_to.isoformat()}'"
    assert {r["line_code"]: _as_raw(r) for r in result.rows} == raw.by_grouping(url, "line", where)
