"""Production postings: what each approved document adds to the daily summary.

Called inside the approving transaction (policies `_on_approved` and `unapprove`,
endorsements `_take_effect`), so the summary and the documents always commit together.
Each posting is upserted into `production_daily` / `production_daily_tax` and their
monthly twins (one statement per table: INSERT … ON CONFLICT DO UPDATE x = x + excluded.x,
on SQLite and PostgreSQL), so two
approvals at the same moment both count, and handed to the commissions work (`earn`),
whose amount lands in the row's `commission`.

The day a document counts is the Turkish calendar day of its stored decision time
(approved_at; unapproved_at for a reversal), read back from the database: the objects the
services pass may be stale (they change rows with plain UPDATEs), and `rebuild` derives
exactly the same day from the same column.

Figures (domain.md, Reports): a policy version approved → +1 policy, its sum insured, net,
each tax, gross; an endorsement → its signed changes and the change of sum insured in
force; a cancellation → −1 policy, the refunds (negative) and minus the sum insured in
force; an un-approval → the exact negative of that version's posting. Endorsements count
under their policy's office, preparer, channel, line and customer kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from iztim_app.core import clock, records
from iztim_app.core.db import UTCDateTime
from iztim_app.core.money import ZERO
from iztim_app.core.reports.models import (
    FIGURES,
    KEY,
    MONTH_KEY,
    ProductionDaily,
    ProductionDailyTax,
    ProductionMonthly,
    ProductionMonthlyTax,
)
from iztim_app.core.reports.posting import LOOK_UP_RATE, Posting

POLICY, ENDORSEMENT, CANCELLATION, REVERSAL = "policy", "endorsement", "cancellation", "reversal"
AGENCY = "agency"

# Only the columns read here, so this code also runs inside migration 0014 on a database
# whose policy/endorsement tables later migrations may have grown.
_policy = sa.table(
    "policy",
    sa.column("id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("status", sa.String),
    sa.column("line_code", sa.String),
    sa.column("channel", sa.String),
    sa.column("office_id", sa.Integer),
    sa.column("office_path", sa.String),
    sa.column("prepared_by_id", sa.Integer),
    sa.column("customer_kind", sa.String),
    sa.column("sum_insured", ProductionDaily.__table__.c.sum_insured.type),
    sa.column("net_premium", ProductionDaily.__table__.c.net_premium.type),
    sa.column("taxes", sa.JSON),
    sa.column("gross_premium", ProductionDaily.__table__.c.gross_premium.type),
    sa.column("approved_at", UTCDateTime()),
    sa.column("unapproved_at", UTCDateTime()),
)
_endorsement = sa.table(
    "endorsement",
    sa.column("id", sa.Integer),
    sa.column("policy_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("status", sa.String),
    sa.column("sum_insured_after", ProductionDaily.__table__.c.sum_insured.type),
    sa.column("net_change", ProductionDaily.__table__.c.net_premium.type),
    sa.column("taxes_change", sa.JSON),
    sa.column("gross_change", ProductionDaily.__table__.c.gross_premium.type),
    sa.column("approved_at", UTCDateTime()),
)
_POLICY_COLUMNS = (
    _policy.c.id,
    _policy.c.number,
    _policy.c.version,
    _policy.c.line_code,
    _policy.c.channel,
    _policy.c.office_id,
    _policy.c.office_path,
    _policy.c.prepared_by_id,
    _policy.c.customer_kind,
    _policy.c.sum_insured,
    _policy.c.net_premium,
    _policy.c.taxes,
    _policy.c.gross_premium,
    _policy.c.approved_at,
    _policy.c.unapproved_at,
)


# ------------------------------------------------------------------ the day


def turkish_day(at: datetime | str | None) -> date:
    """The Turkish calendar day of a stored UTC time (SQLite may hand back text or a naive
    value, both UTC)."""
    if at is None:
        return clock.today()
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(clock.TURKEY).date()


def _money(value: Any) -> Decimal:
    return ZERO if value in (None, "") else Decimal(str(value))


def _money_map(raw: Any) -> dict[str, Decimal]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    return {str(code): _money(amount) for code, amount in (raw or {}).items()}


# ------------------------------------------------------------------ postings from rows


def _policy_posting(row: Any, day: date, document: str, sign: int) -> Posting:
    taxes = _money_map(row.taxes)
    return Posting(
        day=day,
        document=document,
        policy_number=int(row.number),
        policy_version=int(row.version),
        endorsement_seq=None,
        line_code=row.line_code,
        channel=row.channel,
        office_id=int(row.office_id),
        office_path=row.office_path,
        prepared_by_id=row.prepared_by_id,
        customer_kind=row.customer_kind,
        policies=sign,
        sum_insured=sign * _money(row.sum_insured),
        net_premium=sign * _money(row.net_premium),
        taxes={code: sign * amount for code, amount in taxes.items()},
        gross_premium=sign * _money(row.gross_premium),
    )


def _endorsement_posting(policy: Any, e: Any, si_before: Decimal, day: date) -> Posting:
    cancelling = e.kind == CANCELLATION
    si_change = -si_before if cancelling else _money(e.sum_insured_after) - si_before
    return Posting(
        day=day,
        document=CANCELLATION if cancelling else ENDORSEMENT,
        policy_number=int(policy.number),
        policy_version=int(policy.version),
        endorsement_seq=int(e.seq),
        line_code=policy.line_code,
        channel=policy.channel,
        office_id=int(policy.office_id),
        office_path=policy.office_path,
        prepared_by_id=policy.prepared_by_id,
        customer_kind=policy.customer_kind,
        policies=-1 if cancelling else 0,
        sum_insured=si_change,
        net_premium=_money(e.net_change),
        taxes=_money_map(e.taxes_change),
        gross_premium=_money(e.gross_change),
    )


def _policy_row(db: Session, policy_id: int) -> Any:
    return db.execute(sa.select(*_POLICY_COLUMNS).where(_policy.c.id == policy_id)).one()


def _si_before(db: Session, policy_row: Any, seq: int) -> Decimal:
    """The sum insured in force before endorsement `seq`: the previous approved one's, else
    the version's own."""
    previous = db.execute(
        sa.select(_endorsement.c.sum_insured_after)
        .where(
            _endorsement.c.policy_id == policy_row.id,
            _endorsement.c.status == "approved",
            _endorsement.c.seq < seq,
        )
        .order_by(_endorsement.c.seq.desc())
        .limit(1)
    ).scalar()
    return _money(policy_row.sum_insured if previous is None else previous)


# ------------------------------------------------------------------ the hooks


def post_policy(db: Session, policy: Any) -> None:
    """A policy version just approved (a waiting one, or a draft submitted again)."""
    row = _policy_row(db, policy.id)
    _post(db, _policy_posting(row, turkish_day(row.approved_at), POLICY, 1))


def post_issued(
    db: Session, policy: Any, rate: Any = LOOK_UP_RATE, queue: list[records.Queued] | None = None
) -> dict[str, Any] | None:
    """A policy being issued approved, posted BEFORE its number is drawn: the summary rows
    are upserted now (the posting does not need the number) and the commission entry's
    values are returned for the caller to insert with the number (None: nothing earned).
    `policy` holds the values the caller is about to insert; its `number` is not read.
    `rate`: the agency's rate when the caller read it already (`earning.entry_row`);
    `queue`: see `upsert`.

    Lock order: the summary rows, then the policy sequence row. Issuing is the only
    transaction that takes the policy sequence row and it takes nothing after it that
    another transaction could hold while waiting for a summary row, so this cannot
    deadlock (tests/policies/test_policy_concurrency.py issues and approves at once)."""
    from iztim_app.core.commissions import earning  # the commissions work imports reports

    posting = _policy_posting(policy, turkish_day(policy.approved_at), POLICY, 1)
    commission, entry = earning.entry_row(db, posting, rate)
    upsert(db, [Totals.of(posting, commission)], queue)
    return entry


def reverse_policy(db: Session, policy: Any) -> None:
    """An approved policy version just un-approved: its posting taken back, on the day of
    the un-approval."""
    row = _policy_row(db, policy.id)
    _post(db, _policy_posting(row, turkish_day(row.unapproved_at), REVERSAL, -1))


def post_endorsement(db: Session, endorsement: Any) -> None:
    """An endorsement or cancellation just approved (took effect)."""
    e = db.execute(
        sa.select(
            _endorsement.c.policy_id,
            _endorsement.c.seq,
            _endorsement.c.kind,
            _endorsement.c.sum_insured_after,
            _endorsement.c.net_change,
            _endorsement.c.taxes_change,
            _endorsement.c.gross_change,
            _endorsement.c.approved_at,
        ).where(_endorsement.c.id == endorsement.id)
    ).one()
    policy = _policy_row(db, e.policy_id)
    day = turkish_day(e.approved_at)
    _post(db, _endorsement_posting(policy, e, _si_before(db, policy, e.seq), day))


def _post(db: Session, posting: Posting) -> None:
    from iztim_app.core.commissions import earning  # the commissions work imports reports

    commission = earning.earn(db, posting)
    upsert(db, [Totals.of(posting, commission)])


# ------------------------------------------------------------------ summary rows


@dataclass
class Totals:
    """One summary row's figures (and its taxes), added up in Decimal before writing."""

    key: tuple[Any, ...]
    policies: int = 0
    issued: int = 0
    cancelled: int = 0
    endorsements: int = 0
    sum_insured: Decimal = ZERO
    net_premium: Decimal = ZERO
    gross_premium: Decimal = ZERO
    commission: Decimal = ZERO
    taxes: dict[str, Decimal] = field(default_factory=dict)

    @staticmethod
    def key_of(p: Posting) -> tuple[Any, ...]:
        return (
            p.day,
            p.line_code,
            p.channel,
            p.office_id,
            p.office_path,
            p.prepared_by_id or 0,
            p.customer_kind,
        )

    @classmethod
    def of(cls, p: Posting, commission: Decimal = ZERO) -> Totals:
        totals = cls(cls.key_of(p))
        totals.add(p, commission)
        return totals

    def add(self, p: Posting, commission: Decimal = ZERO) -> None:
        self.policies += p.policies
        self.issued += {POLICY: 1, REVERSAL: -1}.get(p.document, 0)
        self.cancelled += p.document == CANCELLATION
        self.endorsements += p.document == ENDORSEMENT
        self.sum_insured += p.sum_insured
        self.net_premium += p.net_premium
        self.gross_premium += p.gross_premium
        self.commission += commission
        for code, amount in p.taxes.items():
            self.taxes[code] = self.taxes.get(code, ZERO) + amount

    def row(self) -> dict[str, Any]:
        """The daily row (key, the stored groupings, the figures)."""
        key = dict(zip(KEY, self.key, strict=True))
        return key | {
            "agency_id": key["office_id"] if key["channel"] == AGENCY else 0,
            "month": key["day"].strftime("%Y-%m"),
            "year": key["day"].year,
            "policies": self.policies,
            "issued": self.issued,
            "cancelled": self.cancelled,
            "endorsements": self.endorsements,
            "sum_insured": self.sum_insured,
            "net_premium": self.net_premium,
            "taxes_total": sum(self.taxes.values(), ZERO),
            "gross_premium": self.gross_premium,
            "commission": self.commission,
        }

    def tax_rows(self) -> list[dict[str, Any]]:
        row = self.row()
        shared = {k: row[k] for k in (*KEY, "agency_id", "month", "year")}
        return [shared | {"tax_code": c, "amount": a} for c, a in sorted(self.taxes.items())]


def _monthly(row: dict[str, Any]) -> dict[str, Any]:
    """A daily row as its month's row (the same figures, no day)."""
    return {k: v for k, v in row.items() if k != "day"}


def _insert(db: Session, table: sa.Table) -> Any:
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(dialect)


# Built once per dialect and table: constructing the statement and its SET expressions
# cost more than running it (every approval posts to four tables).
_UPSERTS: dict[tuple[str, str], Any] = {}


def _upsert_statement(db: Session, table: sa.Table, key: tuple[str, ...]) -> Any:
    dialect = db.get_bind().dialect.name
    stmt = _UPSERTS.get((dialect, table.name))
    if stmt is None:
        stmt = _insert(db, table)
        added = [c.name for c in table.columns if c.name in (*FIGURES, "amount")]
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key),
            set_={name: table.c[name] + stmt.excluded[name] for name in added},
        )
        _UPSERTS[(dialect, table.name)] = stmt
    return stmt


def _upsert_rows(db: Session, table: sa.Table, key: tuple[str, ...], rows: list[dict]) -> None:
    if not rows:
        return
    db.execute(_upsert_statement(db, table, key), rows[0] if len(rows) == 1 else rows)


def upsert(
    db: Session, totals: Iterable[Totals], queue: list[records.Queued] | None = None
) -> None:
    """Adds the figures to their daily and monthly rows, creating rows not there yet (one
    statement per table, or one in all for a single posting on PostgreSQL; two approvals at
    the same moment both count). With `queue`, that one statement on PostgreSQL is appended
    to it instead of run, for the caller to send with its own
    (`records.execute_and_commit`'s `before`: one round trip fewer)."""
    totals = list(totals)
    rows = [t.row() for t in totals]
    tax_rows = [r for t in totals for r in t.tax_rows()]
    if len(rows) == 1 and db.get_bind().dialect.name == "postgresql":
        _upsert_one_pg(db, rows[0], tax_rows, queue)
        return
    _upsert_rows(db, ProductionDaily.__table__, KEY, rows)
    _upsert_rows(db, ProductionDailyTax.__table__, (*KEY, "tax_code"), tax_rows)
    _upsert_rows(db, ProductionMonthly.__table__, MONTH_KEY, [_monthly(r) for r in rows])
    _upsert_rows(
        db,
        ProductionMonthlyTax.__table__,
        (*MONTH_KEY, "tax_code"),
        [_monthly(r) for r in tax_rows],
    )


# One posting on PostgreSQL: the four upserts as one statement (data-modifying CTEs), one
# round trip instead of four, each table's rows one JSON parameter (`core/records`: a
# statement of a few parameters is parsed once by psycopg, not on every posting).
_PG_ONE: dict[tuple[tuple[str, ...], tuple[str, ...]], sa.TextClause] = {}


def _pg_upsert_sql(
    db: Session, param: str, table: sa.Table, key: tuple[str, ...], columns: tuple[str, ...]
) -> str:
    added = [c for c in columns if c in (*FIGURES, "amount")]
    sets = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in added)
    insert = records.insert_sql(table, list(columns), param, db.get_bind().dialect)
    return f"{insert} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"


def _upsert_one_pg(
    db: Session,
    row: dict[str, Any],
    tax_rows: list[dict[str, Any]],
    queue: list[records.Queued] | None,
) -> None:
    daily, daily_tax = ProductionDaily.__table__, ProductionDailyTax.__table__
    monthly, monthly_tax = ProductionMonthly.__table__, ProductionMonthlyTax.__table__
    month_row = _monthly(row)
    month_taxes = [_monthly(r) for r in tax_rows]
    shape = (tuple(row), tuple(tax_rows[0]) if tax_rows else ())
    statement = _PG_ONE.get(shape)
    if statement is None:
        parts = [
            _pg_upsert_sql(db, "d", daily, KEY, tuple(row)),
            _pg_upsert_sql(db, "m", monthly, MONTH_KEY, tuple(month_row)),
        ]
        if tax_rows:
            parts.append(_pg_upsert_sql(db, "dt", daily_tax, (*KEY, "tax_code"), shape[1]))
            parts.append(
                _pg_upsert_sql(
                    db, "mt", monthly_tax, (*MONTH_KEY, "tax_code"), tuple(month_taxes[0])
                )
            )
        ctes = ", ".join(f"u{i} AS ({sql})" for i, sql in enumerate(parts[:-1]))
        statement = sa.text(f"WITH {ctes} {parts[-1]}")
        _PG_ONE[shape] = statement
    dialect = db.get_bind().dialect
    params = {
        "d": records.as_json(daily, [row], dialect),
        "m": records.as_json(monthly, [month_row], dialect),
    }
    if tax_rows:
        params["dt"] = records.as_json(daily_tax, tax_rows, dialect)
        params["mt"] = records.as_json(monthly_tax, month_taxes, dialect)
    if queue is None:
        db.connection().execute(statement, params)
    else:
        queue.append((statement, params))


SUMMARY_TABLES = (ProductionDailyTax, ProductionDaily, ProductionMonthlyTax, ProductionMonthly)


# ------------------------------------------------------------------ rebuild


# The rebuild in SQL: the same rules as the postings above, written as one GROUP BY per
# table, so a million documents are added up by the database, not streamed through Python.
# Türkiye keeps UTC+3 all year (since 2016, before any İztim document); PostgreSQL converts
# with the zone itself, SQLite (no zone data) adds the three hours.
_DIALECT = {
    "sqlite": {
        "day": "date({0}, '+3 hours')",
        "month": "substr({0}, 1, 7)",
        "year": "CAST(substr({0}, 1, 4) AS INTEGER)",
        "taxes": "json_each({0}) j",
        # exact: '57.20' → 5720, '-0.50' → -50, '12' → 1200 (no floating point)
        "kurus": (
            "CASE WHEN instr(j.value, '.') = 0 THEN CAST(j.value AS INTEGER) * 100 ELSE"
            " CAST(substr(j.value, 1, instr(j.value, '.') - 1) AS INTEGER) * 100"
            " + (CASE WHEN substr(j.value, 1, 1) = '-' THEN -1 ELSE 1 END)"
            " * CAST(substr(substr(j.value, instr(j.value, '.') + 1) || '00', 1, 2) AS INTEGER)"
            " END"
        ),
    },
    "postgresql": {
        "day": "(({0}) AT TIME ZONE 'Europe/Istanbul')::date",
        "month": "to_char({0}, 'YYYY-MM')",
        "year": "CAST(EXTRACT(YEAR FROM {0}) AS INTEGER)",
        "taxes": "json_each_text({0}) j",
        "kurus": "CAST(ROUND(CAST(j.value AS NUMERIC) * 100) AS BIGINT)",
    },
}
_KEYS = "line_code, channel, office_id, office_path, prepared_by_id, customer_kind"
_P_KEYS = (
    "p.line_code, p.channel, p.office_id, p.office_path,"
    " COALESCE(p.prepared_by_id, 0) AS prepared_by_id, p.customer_kind"
)
_COUNTED = "p.status IN ('approved', 'cancelled', 'unapproved') AND p.approved_at IS NOT NULL"
_APPROVED_ENDORSEMENTS = (
    "(SELECT policy_id, seq, kind, sum_insured_after, net_change, gross_change, taxes_change,"
    " approved_at, LAG(sum_insured_after) OVER (PARTITION BY policy_id ORDER BY seq) AS prev_si"
    " FROM endorsement WHERE status = 'approved') e JOIN policy p ON p.id = e.policy_id"
)
_CANCEL = "e.kind = 'cancellation'"
_SI_BEFORE = "COALESCE(e.prev_si, p.sum_insured)"


def _documents_sql(d: dict[str, str], commissions: bool) -> str:
    """Every document's signed figures (and each commission entry), one row each."""
    day = d["day"]
    parts = [
        f"SELECT {day.format('p.approved_at')} AS day, {_P_KEYS}, 1 AS policies, 1 AS issued,"
        " 0 AS cancelled, 0 AS endorsements, p.sum_insured AS sum_insured,"
        " p.net_premium AS net_premium, p.gross_premium AS gross_premium, 0 AS commission"
        f" FROM policy p WHERE {_COUNTED}",
        f"SELECT {day.format('p.unapproved_at')}, {_P_KEYS}, -1, -1, 0, 0, -p.sum_insured,"
        f" -p.net_premium, -p.gross_premium, 0 FROM policy p WHERE {_COUNTED}"
        " AND p.unapproved_at IS NOT NULL",
        f"SELECT {day.format('e.approved_at')}, {_P_KEYS},"
        f" CASE WHEN {_CANCEL} THEN -1 ELSE 0 END, 0, CASE WHEN {_CANCEL} THEN 1 ELSE 0 END,"
        f" CASE WHEN {_CANCEL} THEN 0 ELSE 1 END,"
        f" CASE WHEN {_CANCEL} THEN -{_SI_BEFORE} ELSE e.sum_insured_after - {_SI_BEFORE} END,"
        f" e.net_change, e.gross_change, 0 FROM {_APPROVED_ENDORSEMENTS}",
    ]
    if commissions:
        parts.append(
            f"SELECT c.day, {_P_KEYS}, 0, 0, 0, 0, 0, 0, 0, c.amount FROM commission_entry c"
            " JOIN (SELECT number, MIN(id) AS id FROM policy GROUP BY number) f"
            " ON f.number = c.policy_number JOIN policy p ON p.id = f.id"
        )
    return " UNION ALL ".join(parts)


def _tax_documents_sql(d: dict[str, str]) -> str:
    day, kurus = d["day"], d["kurus"]
    return " UNION ALL ".join(
        [
            f"SELECT {day.format('p.approved_at')} AS day, {_P_KEYS}, j.key AS tax_code,"
            f" {kurus} AS amount FROM policy p, {d['taxes'].format('p.taxes')} WHERE {_COUNTED}",
            f"SELECT {day.format('p.unapproved_at')}, {_P_KEYS}, j.key, -({kurus})"
            f" FROM policy p, {d['taxes'].format('p.taxes')} WHERE {_COUNTED}"
            " AND p.unapproved_at IS NOT NULL",
            f"SELECT {day.format('e.approved_at')}, {_P_KEYS}, j.key, {kurus}"
            f" FROM {_APPROVED_ENDORSEMENTS}, {d['taxes'].format('e.taxes_change')}",
        ]
    )


def _rebuild_statements(dialect: str, commissions: bool) -> list[str]:
    d = _DIALECT[dialect]
    agency = "CASE WHEN channel = 'agency' THEN office_id ELSE 0 END"
    month, year = d["month"].format("day"), d["year"].format("day")
    daily_figures = "policies, issued, cancelled, endorsements, sum_insured, net_premium,"
    key = f"day, {_KEYS}"
    month_key = f"month, {_KEYS}"
    sums = (
        "SUM(policies), SUM(issued), SUM(cancelled), SUM(endorsements), SUM(sum_insured),"
        " SUM(net_premium), SUM(taxes_total), SUM(gross_premium), SUM(commission)"
    )
    return [
        f"INSERT INTO production_daily_tax ({key}, tax_code, agency_id, month, year, amount)"
        f" SELECT {key}, tax_code, {agency}, {month}, {year}, SUM(amount)"
        f" FROM ({_tax_documents_sql(d)}) t GROUP BY {key}, tax_code",
        f"INSERT INTO production_daily ({key}, agency_id, month, year, {daily_figures}"
        " taxes_total, gross_premium, commission)"
        f" SELECT {key}, {agency}, {month}, {year}, SUM(policies), SUM(issued), SUM(cancelled),"
        " SUM(endorsements), SUM(sum_insured), SUM(net_premium),"
        " 0, SUM(gross_premium), SUM(commission)"
        f" FROM ({_documents_sql(d, commissions)}) x GROUP BY {key}",
        "UPDATE production_daily SET taxes_total = COALESCE((SELECT SUM(t.amount)"
        " FROM production_daily_tax t WHERE t.day = production_daily.day"
        + "".join(f" AND t.{k} = production_daily.{k}" for k in KEY[1:])
        + "), 0)",
        f"INSERT INTO production_monthly ({month_key}, agency_id, year, {daily_figures}"
        " taxes_total, gross_premium, commission)"
        f" SELECT {month_key}, agency_id, year, {sums} FROM production_daily"
        f" GROUP BY {month_key}, agency_id, year",
        f"INSERT INTO production_monthly_tax ({month_key}, tax_code, agency_id, year, amount)"
        f" SELECT {month_key}, tax_code, agency_id, year, SUM(amount) FROM production_daily_tax"
        f" GROUP BY {month_key}, tax_code, agency_id, year",
    ]


def rebuild(db: Session) -> int:
    """Recomputes the whole summary from the documents (and the commission entries, once
    their table exists: not yet at migration 0014) in the caller's transaction, in the
    database; returns the number of daily rows. For installations that had documents before
    the summary existed (migration 0014) and `iztim reports rebuild`."""
    bind = db.connection()
    commissions = sa.inspect(bind).has_table("commission_entry")
    for model in SUMMARY_TABLES:
        db.execute(sa.delete(model.__table__))
    for statement in _rebuild_statements(bind.dialect.name, commissions):
        db.execute(sa.text(statement))
    return int(
        db.execute(sa.select(sa.func.count()).select_from(ProductionDaily.__table__)).scalar()
    )
