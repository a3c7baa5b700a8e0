"""Production report speed: the report service (over the daily and monthly production
summary) against a hand-written SQL GROUP BY over the policy and endorsement tables, on
SQLite and on PostgreSQL.

    .venv/bin/python bench/reports.py [--policies N] [--endorsements M]
                                      [--engine sqlite|postgresql|both] [--repeat R] [--keep]

Generates N policy numbers (default 1,000,000) and M endorsements (default 300,000, about a
fifth of them cancellations) into a database migrated to head (`bench/_report_data.py`),
builds the summary with `production.rebuild` (timed: the one-off cost of migrating an
existing installation), then for each grouping (`GROUPINGS`: line; channel; office; agency;
month; line+month; company-wide; two scoped viewers; every measure; dates cutting months)
times the report service and the raw SQL in this one process, prints both and their ratio,
and compares every figure: a mismatch exits 1. Targets: each report under 1.5 s and within
1.5x of the raw SQL; better, faster than it. A time is the best of R runs (default 3); a
run over 2 s is not repeated. PostgreSQL: 127.0.0.1:5432, trust; the database
`iztim_bench_reports` is created and dropped here (`--keep` leaves it).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

try:
    from bench import _report_data as data
except ImportError:  # run as `python bench/reports.py`: bench/ itself is on sys.path
    import _report_data as data  # type: ignore[no-redef]

from iztim_app.core import clock, schema
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.reports import production
from iztim_app.core.reports import services as report_services
from iztim_app.core.settings import PROJECT_ROOT

PG_HOST, PG_PORT, PG_ADMIN_DB = "127.0.0.1", 5432, "test"
PG_BENCH_DB = "iztim_bench_reports"
TARGET_SECONDS = 1.5
TARGET_RATIO = 1.5
# (label, by, viewer, every measure, window): the groupings through
# `production_report` (the API's report: policies, sum insured, net, taxes, gross) over the
# whole two years, the same as two scoped viewers see it, one `run_report` with every
# measure including each tax code, and one over dates that cut months (the summary then
# reads day rows at both ends).
GROUPINGS: tuple[tuple[str, tuple[str, ...], str, bool, str], ...] = (
    ("line", ("line",), "head_office", False, "whole"),
    ("channel", ("channel",), "head_office", False, "whole"),
    ("office", ("office",), "head_office", False, "whole"),
    ("agency", ("agency",), "head_office", False, "whole"),
    ("month", ("month",), "head_office", False, "whole"),
    ("line+month", ("line", "month"), "head_office", False, "whole"),
    ("company-wide", (), "head_office", False, "whole"),
    ("line, regional manager", ("line",), "region", False, "whole"),
    ("line, agency user", ("line",), "agency", False, "whole"),
    ("line, every measure", ("line",), "head_office", True, "whole"),
    ("channel, 15.01-20.11", ("channel",), "head_office", False, "cut"),
)
COUNTS = ("policies", "issued", "cancelled", "endorsements")
AMOUNTS = ("sum_insured", "net_premium", "taxes", "gross_premium")


# ------------------------------------------------------------------ the hand-written SQL

# One row per posting the documents made, keyed on the policy's columns. The Turkish day
# of a UTC time: SQLite has no zone data, but Turkey has been UTC+3 all year since 2016.
FACTS = """
SELECT {day_p_approved} AS day, p.line_code, p.channel, p.office_id, p.office_path,
       p.prepared_by_id, p.customer_kind,
       1 AS policies, 1 AS issued, 0 AS cancelled, 0 AS endorsements,
       p.sum_insured, p.net_premium, p.gross_premium, p.taxes, 1 AS sign
FROM policy p
WHERE p.status IN ('approved', 'cancelled', 'unapproved')
  AND p.approved_at >= :lo AND p.approved_at < :hi
UNION ALL
SELECT {day_p_unapproved}, p.line_code, p.channel, p.office_id, p.office_path,
       p.prepared_by_id, p.customer_kind, -1, -1, 0, 0,
       -p.sum_insured, -p.net_premium, -p.gross_premium, p.taxes, -1
FROM policy p
WHERE p.status = 'unapproved' AND p.unapproved_at >= :lo AND p.unapproved_at < :hi
UNION ALL
SELECT {day_e_approved}, p.line_code, p.channel, p.office_id, p.office_path,
       p.prepared_by_id, p.customer_kind,
       CASE WHEN e.kind = 'cancellation' THEN -1 ELSE 0 END, 0,
       CASE WHEN e.kind = 'cancellation' THEN 1 ELSE 0 END,
       CASE WHEN e.kind = 'cancellation' THEN 0 ELSE 1 END,
       CASE WHEN e.kind = 'cancellation' THEN -COALESCE(e.si_before, p.sum_insured)
            ELSE e.sum_insured_after - COALESCE(e.si_before, p.sum_insured) END,
       e.net_change, e.gross_change, e.taxes_change, 1
FROM (
    SELECT e.policy_id, e.kind, e.sum_insured_after, e.net_change, e.gross_change,
           e.taxes_change, e.approved_at,
           LAG(e.sum_insured_after) OVER (PARTITION BY e.policy_id ORDER BY e.seq) AS si_before
    FROM endorsement e
    WHERE e.status = 'approved'
) e
JOIN policy p ON p.id = e.policy_id
WHERE e.approved_at >= :lo AND e.approved_at < :hi
"""
DIALECT = {
    "sqlite": {
        "day_p_approved": "date(p.approved_at, '+3 hours')",
        "day_p_unapproved": "date(p.unapproved_at, '+3 hours')",
        "day_e_approved": "date(e.approved_at, '+3 hours')",
        "month": "substr(f.day, 1, 7)",
        # Stored tax amounts are str() of a rounded Decimal: always two decimals.
        "tax_each": "json_each(f.taxes) t",
        "tax_code": "t.key",
        "tax_kurus": "CAST(replace(t.value, '.', '') AS INTEGER)",
    },
    "postgresql": {
        "day_p_approved": "(p.approved_at AT TIME ZONE 'Europe/Istanbul')::date",
        "day_p_unapproved": "(p.unapproved_at AT TIME ZONE 'Europe/Istanbul')::date",
        "day_e_approved": "(e.approved_at AT TIME ZONE 'Europe/Istanbul')::date",
        "month": "to_char(f.day, 'YYYY-MM')",
        "tax_each": "json_each_text(f.taxes) t",
        "tax_code": "t.key",
        "tax_kurus": "(t.value::numeric * 100)::bigint",
    },
}


def _dimension_sql(dim: str, d: dict[str, str]) -> str:
    return {
        "line": "f.line_code",
        "channel": "f.channel",
        "office": "f.office_id",
        "agency": "CASE WHEN f.channel = 'agency' THEN f.office_id ELSE 0 END",
        "month": d["month"],
    }[dim]


def _scope_sql(viewer: dict[str, Any]) -> str:
    if viewer["kind"] == "own":
        return "f.prepared_by_id = :viewer_id"
    if viewer["kind"] == "tree":
        return "f.office_path LIKE :viewer_path"
    return "1 = 1"


def raw_queries(dialect: str, by: tuple[str, ...], viewer: dict[str, Any]) -> tuple[str, str]:
    """The figures and the taxes per code, grouped by `by`, in the viewer's scope. Every
    stored gross is its net plus its taxes, so the first query has the taxes' total too; the
    second reads each tax code out of the JSON (only when a report shows them)."""
    d = DIALECT[dialect]
    facts = FACTS.format(**d)
    keys = [_dimension_sql(dim, d) for dim in by]
    select_keys = "".join(f"{k} AS k{i}, " for i, k in enumerate(keys))
    group = f"GROUP BY {', '.join(keys)}" if keys else ""
    where = _scope_sql(viewer)
    figures = (
        f"WITH f AS ({facts}) SELECT {select_keys}"
        "SUM(f.policies), SUM(f.issued), SUM(f.cancelled), SUM(f.endorsements), "
        "SUM(f.sum_insured), SUM(f.net_premium), SUM(f.gross_premium) "
        f"FROM f WHERE {where} {group}"
    )
    taxes = (
        f"WITH f AS ({facts}) SELECT {select_keys}{d['tax_code']}, "
        f"SUM(f.sign * {d['tax_kurus']}) FROM f, {d['tax_each']} WHERE {where} "
        f"GROUP BY {', '.join([*keys, d['tax_code']])}"
    )
    return figures, taxes


def _kurus(value: Any) -> Decimal:
    return Decimal(int(value or 0)).scaleb(-2)


def _key_value(dim: str, value: Any, office_codes: dict[int, str]) -> str:
    if dim in ("office", "agency"):
        return office_codes.get(int(value), "") if value else ""
    return str(value)


def raw_report(
    conn: sa.Connection,
    by: tuple[str, ...],
    viewer: dict[str, Any],
    lo: datetime,
    hi: datetime,
    office_codes: dict[int, str],
    per_tax: bool = False,
) -> dict[tuple[str, ...], dict[str, Any]]:
    """{key: figures} as the report service should show them (raw codes as keys)."""
    figures_sql, taxes_sql = raw_queries(conn.dialect.name, by, viewer)
    bound: tuple[Any, Any] = lo, hi
    if conn.dialect.name == "sqlite":  # stored as text, UTC: compare as text
        bound = tuple(t.strftime("%Y-%m-%d %H:%M:%S") for t in (lo, hi))
    params = {"lo": bound[0], "hi": bound[1]} | viewer.get("params", {})
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    n = len(by)
    for row in conn.execute(sa.text(figures_sql), params):
        key = tuple(_key_value(dim, v, office_codes) for dim, v in zip(by, row[:n], strict=True))
        policies, issued, cancelled, endorsements, si, net, gross = row[n:]
        out[key] = {
            "policies": int(policies),
            "issued": int(issued),
            "cancelled": int(cancelled),
            "endorsements": int(endorsements),
            "sum_insured": _kurus(si),
            "net_premium": _kurus(net),
            "gross_premium": _kurus(gross),
            "taxes": _kurus(gross) - _kurus(net),
            "tax": {},
        }
    if per_tax:
        for row in conn.execute(sa.text(taxes_sql), params):
            keys = zip(by, row[:n], strict=True)
            key = tuple(_key_value(dim, v, office_codes) for dim, v in keys)
            out[key]["tax"][row[n]] = _kurus(row[n + 1])
    return out


# ------------------------------------------------------------------ the report service


def service_report(
    db: Any,
    actor: Any,
    by: tuple[str, ...],
    date_from: date,
    date_to: date,
    tax_codes: tuple[str, ...] = (),
) -> dict[tuple[str, ...], dict[str, Any]]:
    """{key: figures} from `production_report`, or with `tax_codes` from `run_report` with
    every measure and each tax: keys are the dimensions' raw codes."""
    if tax_codes:
        definition = {
            "dimensions": list(by),
            "measures": [*COUNTS, *AMOUNTS, *(f"tax:{code}" for code in tax_codes)],
        }
        result = report_services.run_report(
            db, actor, definition, date_from.isoformat(), date_to.isoformat()
        )
    else:
        result = report_services.production_report(
            db, actor, date_from.isoformat(), date_to.isoformat(), list(by)
        )
    return figures_of(result, by)


def figures_of(result: Any, by: tuple[str, ...]) -> dict[tuple[str, ...], dict[str, Any]]:
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in result.rows:
        key = tuple(str(row.get(f"{dim}_code", row.get(dim, "")) or "") for dim in by)
        figures: dict[str, Any] = {"tax": {}}
        for name, value in row.items():
            if name.startswith("tax:"):
                figures["tax"][name[4:]] = value
            elif name in COUNTS or name in AMOUNTS:
                figures[name] = value
        out[key] = figures
    return out


# ------------------------------------------------------------------ comparing


def _nonzero(figures: dict[str, Any]) -> bool:
    return any(figures.get(k) for k in (*COUNTS, *AMOUNTS)) or any(figures["tax"].values())


def differences(
    service: dict[tuple[str, ...], dict[str, Any]],
    raw: dict[tuple[str, ...], dict[str, Any]],
    limit: int = 5,
) -> list[str]:
    """Every figure the service shows must equal the raw one; groups whose figures are all
    zero may be absent on either side."""
    problems = []
    service = {k: v for k, v in service.items() if _nonzero(v)}
    raw = {k: v for k, v in raw.items() if _nonzero(v)}
    for key in sorted(set(service) | set(raw)):
        s, r = service.get(key), raw.get(key)
        if s is None or r is None:
            problems.append(f"{key}: only in {'raw SQL' if s is None else 'the service'}")
            continue
        for name, value in s.items():
            if name == "tax":
                for code, amount in value.items():
                    if amount != r["tax"].get(code, Decimal("0.00")):
                        problems.append(f"{key} tax {code}: {amount} ≠ {r['tax'].get(code)}")
            elif value != r[name]:
                problems.append(f"{key} {name}: service {value} ≠ raw {r[name]}")
    return problems[:limit] + ([f"… {len(problems) - limit} more"] if len(problems) > limit else [])


# ------------------------------------------------------------------ databases


def pg_admin() -> tuple[Any, str]:
    import psycopg

    errors = []
    for user in dict.fromkeys(("postgres", getpass.getuser())):
        try:
            conn = psycopg.connect(
                host=PG_HOST, port=PG_PORT, dbname=PG_ADMIN_DB, user=user, autocommit=True
            )
            return conn, user
        except psycopg.OperationalError as exc:
            errors.append(f"{user}: {exc}".strip())
    raise SystemExit(f"PostgreSQL at {PG_HOST}:{PG_PORT} unreachable: {'; '.join(errors)}")


def pg_create(name: str) -> str:
    admin, user = pg_admin()
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"


def pg_drop(url: str) -> None:
    get_engine(url).dispose()
    admin, _user = pg_admin()
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


# ------------------------------------------------------------------ the run


@dataclass
class Prepared:
    world: data.World
    counts: data.Counts
    load_seconds: float
    rebuild_seconds: float
    summary_rows: int  # daily rows
    monthly_rows: int


def prepare(
    url: str, policies: int, endorsements: int, tariffs: Path = PROJECT_ROOT / "tariffs"
) -> Prepared:
    """A migrated database filled with generated documents, and the summary rebuilt."""
    world = data.build_world(url, tariffs)
    data.check_schema(url)
    engine = get_engine(url).dialect.name
    gen = data.Generator(world, policies, endorsements, suffix="+00" if engine != "sqlite" else "")
    load = data.load_sqlite if engine == "sqlite" else data.load_postgresql
    load_seconds = load(url, gen)
    started = time.perf_counter()
    with session_scope(url) as db:
        rows = production.rebuild(db)
        db.commit()
    rebuild_seconds = time.perf_counter() - started
    with session_scope(url) as db:
        monthly = db.execute(sa.text("SELECT count(*) FROM production_monthly")).scalar_one()
    # Fresh statistics for the summary too (PostgreSQL: and its visibility map, which
    # autovacuum keeps up to date on a running installation).
    with get_engine(url).connect() as conn:
        if engine == "sqlite":
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        else:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE production_daily, production_daily_tax"
            )
    return Prepared(world, gen.counts, load_seconds, rebuild_seconds, rows, int(monthly))


def viewers(url: str, world: data.World) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service's actors, and the same scopes for the raw SQL."""
    actors = data.actors(url, world)
    region = actors["region"]
    return actors, {
        "head_office": {"kind": "all"},
        "region": {"kind": "tree", "params": {"viewer_path": f"{region.office_path}%"}},
        "agency": {"kind": "own", "params": {"viewer_id": world.agency_user_id}},
    }


def window(kind: str = "whole") -> tuple[date, date, datetime, datetime]:
    """The whole two years, or 2025-01-15 … 2026-11-20 (`cut`), as days and as the UTC
    instants of their Turkish midnights."""
    first, last = data.FIRST_DAY, data.LAST_DAY
    if kind == "cut":
        first, last = date(2025, 1, 15), date(2026, 11, 20)
    lo = datetime.combine(first, clock_time(), clock.TURKEY).astimezone(UTC)
    hi = datetime.combine(last + timedelta(days=1), clock_time(), clock.TURKEY)
    return first, last, lo, hi.astimezone(UTC)


def best_of(repeat: int, call: Callable[[], Any], budget: float = 2.0) -> tuple[float, Any]:
    """The fastest of `repeat` runs; a run slower than `budget` seconds is not repeated (a
    20-second raw query is not going to get much faster, and the bench has to finish)."""
    best, result = float("inf"), None  # float-ok: seconds
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
        best = min(best, seconds)
        if seconds > budget:
            break
    return best, result


@dataclass
class Measured:
    label: str
    rows: int
    service_seconds: float
    raw_seconds: float
    problems: list[str]


def measure(url: str, prepared: Prepared, repeat: int = 3) -> list[Measured]:
    actors, scopes = viewers(url, prepared.world)
    office_codes = {o.id: o.code for o in prepared.world.offices.values()}
    tax_codes = tuple(sorted({t[0] for line in prepared.world.lines for t in line.taxes}))
    out = []
    engine = get_engine(url)
    with session_scope(url) as db, engine.connect() as conn:
        for label, by, viewer, every, period in GROUPINGS:
            date_from, date_to, lo, hi = window(period)
            scope = scopes[viewer]
            raw_seconds, raw = best_of(
                repeat,
                lambda by=by, scope=scope, every=every, lo=lo, hi=hi: raw_report(
                    conn, by, scope, lo, hi, office_codes, per_tax=every
                ),
            )
            conn.rollback()
            codes = tax_codes if every else ()

            def run(by=by, viewer=viewer, codes=codes, first=date_from, last=date_to) -> Any:  # noqa: ANN001
                try:
                    return service_report(db, actors[viewer], by, first, last, codes)
                finally:
                    db.rollback()

            service_seconds, service = best_of(repeat, run)
            out.append(
                Measured(label, len(raw), service_seconds, raw_seconds, differences(service, raw))
            )
    return out


def run_engine(engine: str, policies: int, endorsements: int, repeat: int, keep: bool) -> bool:
    out = sys.stdout
    folder = tempfile.TemporaryDirectory(prefix="iztim-bench-")
    url = (
        f"sqlite:///{Path(folder.name) / 'reports.db'}"
        if engine == "sqlite"
        else pg_create(PG_BENCH_DB)
    )
    try:
        started = time.perf_counter()
        schema.upgrade(url)
        migrate_seconds = time.perf_counter() - started
        prepared = prepare(url, policies, endorsements)
        c = prepared.counts
        out.write(
            f"\n== {engine}: {c.policies:,} policies ({c.policy_rows:,} version rows), "
            f"{c.endorsements:,} endorsements ({c.cancellations:,} cancellations), "
            f"{c.customers:,} customers\n"
        )
        rate = (c.policy_rows + c.endorsements + c.customers) / prepared.load_seconds
        out.write(
            f"migrate {migrate_seconds:.1f} s; generate + load {prepared.load_seconds:.1f} s "
            f"({rate:,.0f} rows/s); production.rebuild {prepared.rebuild_seconds:.1f} s "
            f"-> {prepared.summary_rows:,} daily + {prepared.monthly_rows:,} monthly summary rows\n"
        )
        results = measure(url, prepared, repeat)
        out.write(
            f"{'grouping':<24} {'rows':>5} {'service':>9} {'raw SQL':>10} {'ratio':>8}"
            f" {'raw/service':>11}  figures\n"
        )
        ok = True
        for m in results:
            ratio = m.service_seconds / m.raw_seconds
            verdict = "equal" if not m.problems else "MISMATCH"
            out.write(
                f"{m.label:<24} {m.rows:>5} {m.service_seconds * 1000:>6,.0f} ms "
                f"{m.raw_seconds * 1000:>7,.0f} ms {ratio:>7.4f}x {1 / ratio:>10,.0f}x  {verdict}\n"
            )
            for problem in m.problems:
                out.write(f"    {problem}\n")
            ok = ok and not m.problems
        slowest = max(m.service_seconds for m in results)
        worst = max(m.service_seconds / m.raw_seconds for m in results)
        out.write(
            f"slowest report {slowest:.3f} s (target < {TARGET_SECONDS} s); worst ratio "
            f"{worst:.4f}x (target ≤ {TARGET_RATIO}x, better < 1)\n"
        )
        return ok
    finally:
        get_engine(url).dispose()
        if engine == "postgresql" and not keep:
            pg_drop(url)
        folder.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=1_000_000)
    parser.add_argument("--endorsements", type=int, default=300_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    ok = True
    for engine in engines:
        ok = run_engine(engine, args.policies, args.endorsements, args.repeat, args.keep) and ok
    sys.stdout.write("\nall figures equal\n" if ok else "\nFIGURES DIFFER\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
