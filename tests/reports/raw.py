"""The production figures computed straight from the policy and endorsement rows with one
hand-written SQL statement per question: independent of the summary, of its postings and of
the report services (only the rules of domain.md, Reports, written once more in SQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

from iztim_app.core.db import get_engine

KEY = "day, line_code, channel, office_id, office_path, preparer, customer_kind"
FIGURES = ("policies", "issued", "cancelled", "endorsements", "si", "net", "gross")


def _day(url: str, column: str) -> str:
    """The Turkish calendar day of a UTC timestamp as 'YYYY-MM-DD' (Türkiye is UTC+3)."""
    if url.startswith("sqlite"):
        return f"date({column}, '+3 hours')"
    return f"to_char(({column} AT TIME ZONE 'Europe/Istanbul')::date, 'YYYY-MM-DD')"


def documents_sql(url: str) -> str:
    """Every document's signed figures, one row each."""
    cols = "p.line_code, p.channel, p.office_id, p.office_path, COALESCE(p.prepared_by_id, 0)"
    prev = (
        "COALESCE((SELECT e2.sum_insured_after FROM endorsement e2 WHERE e2.policy_id ="
        " e.policy_id AND e2.status = 'approved' AND e2.seq < e.seq ORDER BY e2.seq DESC"
        " LIMIT 1), p.sum_insured)"
    )
    cancel = "e.kind = 'cancellation'"
    return f"""
        SELECT {_day(url, "p.approved_at")} AS day, {cols} AS preparer, p.customer_kind,
               1 AS policies, 1 AS issued, 0 AS cancelled, 0 AS endorsements,
               p.sum_insured AS si, p.net_premium AS net, p.gross_premium AS gross
        FROM policy p WHERE p.status IN ('approved', 'cancelled', 'unapproved')
        UNION ALL
        SELECT {_day(url, "p.unapproved_at")}, {cols}, p.customer_kind,
               -1, -1, 0, 0, -p.sum_insured, -p.net_premium, -p.gross_premium
        FROM policy p WHERE p.unapproved_at IS NOT NULL
        UNION ALL
        SELECT {_day(url, "e.approved_at")}, {cols}, p.customer_kind,
               CASE WHEN {cancel} THEN -1 ELSE 0 END, 0,
               CASE WHEN {cancel} THEN 1 ELSE 0 END,
               CASE WHEN {cancel} THEN 0 ELSE 1 END,
               CASE WHEN {cancel} THEN -{prev} ELSE e.sum_insured_after - {prev} END,
               e.net_change, e.gross_change
        FROM endorsement e JOIN policy p ON p.id = e.policy_id
        WHERE e.status = 'approved'
    """


GROUPINGS = {
    "line": "line_code",
    "channel": "channel",
    "office": "office_id",
    "agency": "CASE WHEN channel = 'agency' THEN office_id ELSE 0 END",
    "month": "substr(day, 1, 7)",
    "day": "day",
    "year": "substr(day, 1, 4)",
    "customer_kind": "customer_kind",
    "preparer": "preparer",
}


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql).all()]


def _sums() -> str:
    return ", ".join(f"SUM({f})" for f in FIGURES)


def by_key(url: str, where: str = "1 = 1") -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Summary key → (policies, issued, cancelled, endorsements, si, net, gross) in kuruş."""
    sql = f"SELECT {KEY}, {_sums()} FROM ({documents_sql(url)}) d WHERE {where} GROUP BY {KEY}"
    return {tuple(_text(v) for v in r[:7]): tuple(int(v) for v in r[7:]) for r in query(url, sql)}


def by_grouping(url: str, dim: str, where: str = "1 = 1") -> dict[str, tuple[int, ...]]:
    group = GROUPINGS[dim]
    sql = (
        f"SELECT {group} AS g, {_sums()} FROM ({documents_sql(url)}) d WHERE {where}"
        f" GROUP BY {group}"
    )
    return {_text(r[0]): tuple(int(v) for v in r[1:]) for r in query(url, sql)}


def summary(url: str) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The stored summary rows, raw (kuruş), keyed like `by_key`."""
    sql = (
        "SELECT day, line_code, channel, office_id, office_path, prepared_by_id, customer_kind,"
        " policies, issued, cancelled, endorsements, sum_insured, net_premium, gross_premium,"
        " taxes_total, commission, agency_id, month, year FROM production_daily"
    )
    return {tuple(_text(v) for v in r[:7]): tuple(r[7:]) for r in query(url, sql)}


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
