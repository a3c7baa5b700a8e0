"""bench/reports.py at a tiny size: the generated documents, the hand-written SQL GROUP BY
and the report service (over the summary `production.rebuild` made) give the same figures
for every grouping the bench times, on SQLite and PostgreSQL. The timing is the bench's
business (bench/RESULTS.md), not asserted here."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from bench import reports
from iztim_app.core.db import get_engine

POLICIES, ENDORSEMENTS = 2000, 600


def utc(stamp: datetime | str) -> datetime:
    """A stored UTC time: text on SQLite, timestamptz on PostgreSQL."""
    if isinstance(stamp, str):
        return datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def indexes(url: str) -> set[tuple[str, str]]:
    """Every index of the database, with its definition."""
    with get_engine(url).connect() as conn:
        if conn.dialect.name == "sqlite":
            sql = "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index'"
        else:
            sql = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        return {(name, text) for name, text in conn.execute(sa.text(sql))}


@pytest.fixture
def prepared(any_db_url: str) -> tuple[str, reports.Prepared, set[tuple[str, str]]]:
    before = indexes(any_db_url)
    return any_db_url, reports.prepare(any_db_url, POLICIES, ENDORSEMENTS), before


def test_generated_rows_are_what_was_asked(prepared: tuple) -> None:
    url, p, schema_indexes = prepared
    # The loader drops the bulk tables' secondary indexes and makes them again: the same.
    assert indexes(url) == schema_indexes
    assert any(name == "ix_policy_office_path" for name, _ in schema_indexes)
    with get_engine(url).connect() as conn:

        def count(sql: str) -> int:
            return int(conn.execute(sa.text(sql)).scalar_one())

        assert count("SELECT count(DISTINCT number) FROM policy") == POLICIES
        assert count("SELECT count(*) FROM policy") == p.counts.policy_rows
        assert count("SELECT count(*) FROM endorsement") == ENDORSEMENTS
        assert p.counts.endorsements == ENDORSEMENTS
        cancelled = count(
            "SELECT count(*) FROM endorsement WHERE kind = 'cancellation' AND status = 'approved'"
        )
        assert count("SELECT count(*) FROM policy WHERE status = 'cancelled'") == cancelled
        assert cancelled > 0
        assert count("SELECT count(*) FROM policy WHERE status = 'unapproved'") > 0
        # Both customer kinds, every shipped line, the three channels.
        assert count("SELECT count(DISTINCT customer_kind) FROM policy") == 2
        assert count("SELECT count(DISTINCT line_code) FROM policy") == len(p.world.lines)
        assert count("SELECT count(DISTINCT channel) FROM policy") == 3
        # Some approvals fall just after Turkish midnight (the previous day in UTC).
        stamps = conn.execute(
            sa.text("SELECT approved_at FROM policy WHERE approved_at IS NOT NULL")
        ).scalars()
        late = [s for s in stamps if utc(s).hour >= 21]
        assert late
        # gross = net + taxes on every stored row, as the services store them.
        assert count("SELECT count(*) FROM policy WHERE gross_premium <= net_premium") == 0
    assert p.summary_rows > 0


def test_service_and_raw_sql_give_equal_figures(prepared: tuple) -> None:
    url, p, _indexes = prepared
    results = reports.measure(url, p, repeat=1)
    assert [m.label for m in results] == [g[0] for g in reports.GROUPINGS]
    for m in results:
        assert m.problems == [], m.label
        assert m.rows > 0, m.label


def test_raw_sql_totals_match_the_documents(prepared: tuple) -> None:
    """The company-wide raw figures, against plain per-table sums: the raw SQL itself is
    not trusted blindly."""
    url, p, _indexes = prepared
    _from, _to, lo, hi = reports.window()
    codes = {o.id: o.code for o in p.world.offices.values()}
    with get_engine(url).connect() as conn:
        raw = reports.raw_report(conn, (), {"kind": "all"}, lo, hi, codes, per_tax=True)[()]

        def total(sql: str) -> int:
            return int(conn.execute(sa.text(sql)).scalar_one() or 0)

        approved = "status IN ('approved', 'cancelled', 'unapproved')"
        issued = total(f"SELECT count(*) FROM policy WHERE {approved}") - total(
            "SELECT count(*) FROM policy WHERE status = 'unapproved'"
        )
        cancellations = total(
            "SELECT count(*) FROM endorsement WHERE status = 'approved' AND kind = 'cancellation'"
        )
        net = (
            total(f"SELECT sum(net_premium) FROM policy WHERE {approved}")
            - total("SELECT sum(net_premium) FROM policy WHERE status = 'unapproved'")
            + total("SELECT sum(net_change) FROM endorsement WHERE status = 'approved'")
        )
        gross = (
            total(f"SELECT sum(gross_premium) FROM policy WHERE {approved}")
            - total("SELECT sum(gross_premium) FROM policy WHERE status = 'unapproved'")
            + total("SELECT sum(gross_change) FROM endorsement WHERE status = 'approved'")
        )
        # The sum insured in force now: each policy still approved, at its last approved
        # endorsement's sum insured (cancelled and un-approved versions count nothing).
        in_force = {
            policy_id: si
            for policy_id, si in conn.execute(
                sa.text("SELECT id, sum_insured FROM policy WHERE status = 'approved'")
            )
        }
        changed = conn.execute(
            sa.text(
                "SELECT policy_id, sum_insured_after FROM endorsement WHERE status = 'approved'"
                " ORDER BY policy_id, seq"
            )
        )
        for policy_id, after in changed:
            if policy_id in in_force:
                in_force[policy_id] = after
    assert raw["issued"] == issued
    assert raw["cancelled"] == cancellations
    assert raw["policies"] == issued - cancellations
    assert raw["net_premium"] == Decimal(net).scaleb(-2)
    assert raw["gross_premium"] == Decimal(gross).scaleb(-2)
    assert raw["sum_insured"] == Decimal(sum(in_force.values())).scaleb(-2)
    # Each tax read out of the stored JSON adds up to gross − net.
    assert sum(raw["tax"].values()) == raw["gross_premium"] - raw["net_premium"]
    assert set(raw["tax"]) == {t[0] for line in p.world.lines for t in line.taxes}


def test_a_figure_off_by_one_kurus_or_a_missing_group_is_a_mismatch() -> None:
    figures = {
        "policies": 3,
        "net_premium": Decimal("10.00"),
        "taxes": Decimal("0.50"),
        "tax": {"BSMV": Decimal("0.50")},
    }
    raw = {("kasko",): figures | {"tax": dict(figures["tax"])}, ("konut",): dict(figures)}
    same = {key: value | {"tax": dict(value["tax"])} for key, value in raw.items()}
    assert reports.differences(same, raw) == []
    off = {**same, ("kasko",): same[("kasko",)] | {"net_premium": Decimal("10.01")}}
    assert reports.differences(off, raw) == ["('kasko',) net_premium: service 10.01 ≠ raw 10.00"]
    missing = {("kasko",): same[("kasko",)]}
    assert reports.differences(missing, raw) == ["('konut',): only in raw SQL"]
    tax = {**same, ("konut",): same[("konut",)] | {"tax": {"BSMV": Decimal("0.49")}}}
    assert reports.differences(tax, raw) == ["('konut',) tax BSMV: 0.49 ≠ 0.50"]
