"""Quote-to-issue throughput on PostgreSQL: approved quotes becoming issued, approved
policies through the policy service (`policies.services.issue`), against the same
transaction written as raw SQL over psycopg, both from the same number of concurrent
worker processes, in one run.

    .venv/bin/python bench/issue.py [--seconds S] [--workers W] [--quotes N]
                                    [--installments K] [--keep]

Set-up (not timed): a database migrated to head with tariff version 1 and the demo
installation (`iztim demo load`: offices, users with limits, agency commission rates); one
customer and one approved konut quote per preparer (8 demo users: head office, two
branches, five agency users) made through the customer and quote services; then N quotes
per variant (default: enough for W workers for S seconds at 45,000 per minute) copied from
those in bulk: each copy is what `save_quote` stores (its own number from the quote
sequence, the same row otherwise, its `quote.create` audit row). Worker w issues the quotes
of preparer w mod 8 as that user (two workers per user with 16 workers).

Each variant runs W worker processes (multiprocessing, spawn: each with its own engine or
connection; threads would share one core under the GIL), started together on a barrier;
each issues its quotes one transaction at a time until S seconds have passed, with K
installments (default 4). The service variant calls `issue` with the actor loaded once per
process and the policy form the quote gives (`from_quote`'s fields); everything the service
does is in the transaction and it returns the policy view. The raw variant is the same
transaction by hand, the same statements in the same order, one transaction each:
before the number is drawn, the quote read and locked with its customer, its open portal
request and the agency's commission rate (one SELECT … FOR UPDATE); then, in one round
trip (pipeline mode), the four production-summary upserts (one statement), every row that
carries the number in ONE statement that draws it (data-modifying CTEs: the policy with
the quote's figures, as SQL cannot price, both audit rows, the installments, the access
code, the commission entry and the quote's link; the portal request closed if one was
open), and COMMIT. (The service passes each table's rows as one JSON parameter,
core/records.py; the raw SQL binds every value.)

Checked after each run: policy numbers unique and contiguous from the first one, the
sequence at the last; every issued quote linked to exactly one policy and every policy to
its quote; per policy the same number of installments, audit rows, access codes and
commission entries in both variants, equal stored figures for policies of the same
template, and the summary's increase equal to what was issued. Prints tx/min for both, the
CPU each spent per issue in its worker processes and in their PostgreSQL backends (read
from /proc: "n/a" for a database elsewhere), the ratio and the targets (issue 12:
>= 11,500 per minute, >= 0.55 of the raw SQL); exit 1 when a check fails. PostgreSQL
127.0.0.1:5432, trust; the database is created and dropped here (`--keep` leaves it).
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/issue.py`: the project on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from iztim_app.core import clock, schema
from iztim_app.core.db import get_engine, session_scope
from tests.quotes.fixtures_quotes import FORMS

PG_HOST, PG_PORT, PG_ADMIN_DB = "127.0.0.1", 5432, "test"
TARGET_PER_MINUTE = 11_500
TARGET_RATIO = 0.55
FIRST_POLICY = 5000001
PREPARERS = (
    "gm.onay",
    "sube.istanbul",
    "sube.ankara",
    "acente.a1",
    "acente.a2",
    "acente.b1",
    "acente.b2",
    "acente.c1",
)
LINE = "konut"
FORM = FORMS[LINE]
MAX_INSTALLMENTS = 6  # konut's max_installments in the shipped tariff


@dataclass(frozen=True)
class Template:
    """One preparer's approved quote, copied for the run; what a worker issues from."""

    user_id: int
    code: str
    quote_id: int
    customer_id: int
    sum_insured: str
    start_date: str
    end_date: str
    values: dict[str, str]


@dataclass(frozen=True)
class Job:
    variant: str  # "service" | "raw"
    url: str
    worker: int
    template: Template
    numbers: tuple[int, ...]
    installments: int
    seconds: float


# ------------------------------------------------------------------ databases


def pg_admin() -> Any:
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, dbname=PG_ADMIN_DB, user="postgres", autocommit=True
    )


def pg_create(name: str) -> str:
    with pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"


def pg_drop(url: str) -> None:
    get_engine(url).dispose()
    with pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def backend_cpu(pid: int) -> float | None:
    """CPU seconds a PostgreSQL backend has used (user + system), read from /proc: the
    database runs on this machine; None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_spent(before: tuple[float, float | None], after: tuple[float, float | None]) -> tuple:
    """(this process's CPU seconds, its backend's or None) between two readings."""
    db = None if before[1] is None or after[1] is None else after[1] - before[1]
    return after[0] - before[0], db


# ------------------------------------------------------------------ set-up


def prepare(url: str) -> list[Template]:
    """Demo installation, one customer and one approved quote per preparer."""
    from stdnum.tr import tckimlik

    from iztim_app import demo
    from iztim_app.core.customers import services as customers
    from iztim_app.core.quotes import services as quotes
    from iztim_app.core.settings import PROJECT_ROOT
    from iztim_app.core.tariffs import versions
    from iztim_app.core.users.actor import load_actor, operator_actor
    from iztim_app.core.users.models import User

    schema.upgrade(url)
    out = []
    with session_scope(url) as db:
        versions.load_shipped(db, operator_actor("bench"), PROJECT_ROOT / "tariffs")
        demo.load(db)
        today = clock.today()
        for i, code in enumerate(PREPARERS):
            user = db.exec(sa.select(User).where(User.code == code)).scalars().one()
            actor = load_actor(db, user.id)
            nine = f"{37 + i}1234567"
            customer = customers.create_customer(
                db,
                actor,
                kind="individual",
                national_id=nine + tckimlik.calc_check_digits(nine),
                name=f"Bench Müşteri {code}",
                customer_group="bireysel",
                address="Bağdat Cad. No: 1 Kadıköy/İstanbul",
                phone="05321234567",
                email="musteri@example.com",
            )
            sum_insured = str(200000 + 1000 * i)
            quote = quotes.save_quote(
                db,
                actor,
                quotes.QuoteInput(
                    line_code=LINE,
                    customer_id=customer.id,
                    sum_insured=sum_insured,
                    start_date=today,
                    values=dict(FORM),
                ),
                today=today,
            )
            assert quote.status == "approved", (code, quote.status)
            quote_id = db.execute(
                sa.text("SELECT id FROM quote WHERE number = :n"), {"n": quote.number}
            ).scalar_one()
            out.append(
                Template(
                    user_id=user.id,
                    code=code,
                    quote_id=quote_id,
                    customer_id=customer.id,
                    sum_insured=sum_insured,
                    start_date=quote.start_date.isoformat(),
                    end_date=quote.end_date.isoformat(),
                    values={k: str(v) for k, v in quote.values.items()},
                )
            )
    return out


def copy_quotes(url: str, template: Template, count: int) -> tuple[int, ...]:
    """`count` copies of the template quote, numbered from the quote sequence, each with its
    `quote.create` audit row (what `save_quote` stores for the same form)."""
    table = sa.table("quote", *(sa.column(c) for c in _quote_columns(url)))
    columns = [c.name for c in table.columns if c.name not in ("id", "number")]
    listed = ", ".join(columns)
    with get_engine(url).begin() as conn:
        last = conn.execute(
            sa.text(
                "UPDATE number_sequence SET last = last + :n WHERE name = 'quote' RETURNING last"
            ),
            {"n": count},
        ).scalar_one()
        first = last - count + 1
        conn.execute(
            sa.text(
                f"INSERT INTO quote (number, {listed}) SELECT :first + g - 1, {listed} "
                "FROM quote, generate_series(1, :n) g WHERE id = :id ORDER BY g"
            ),
            {"first": first, "n": count, "id": template.quote_id},
        )
        conn.execute(
            sa.text(
                "INSERT INTO audit_event (at, actor_id, actor_code, via, action, entity_type,"
                " entity_id, before, after) SELECT a.at, a.actor_id, a.actor_code, a.via,"
                " a.action, a.entity_type, q.number::text, a.before,"
                " jsonb_set(a.after::jsonb, '{number}', to_jsonb(q.number))::json"
                " FROM audit_event a JOIN quote t ON t.id = :id AND a.entity_id = t.number::text"
                " AND a.action = 'quote.create' AND a.entity_type = 'quote'"
                " JOIN quote q ON q.number BETWEEN :first AND :last ORDER BY q.number"
            ),
            {"id": template.quote_id, "first": first, "last": last},
        )
    return tuple(range(first, last + 1))


def _quote_columns(url: str) -> list[str]:
    return [c["name"] for c in sa.inspect(get_engine(url)).get_columns("quote")]


# ------------------------------------------------------------------ the service variant


def service_worker(job: Job, barrier: Any, results: Any) -> None:
    from sqlmodel import Session

    from iztim_app.core.policies import services as policies
    from iztim_app.core.policies.services import PolicyInput
    from iztim_app.core.users.actor import load_actor

    t = job.template
    engine = get_engine(job.url)
    errors: list[str] = []
    done = 0
    with Session(engine, expire_on_commit=False) as db:
        actor = load_actor(db, t.user_id)

        def form(number: int) -> PolicyInput:
            return PolicyInput(
                line_code=LINE,
                customer_id=t.customer_id,
                sum_insured=t.sum_insured,
                start_date=t.start_date,
                end_date=t.end_date,
                values=dict(t.values),
                installment_count=job.installments,
                quote_number=number,
            )

        # warm: the tariff parsed, statements compiled (nothing stored by a preview)
        policies.preview(db, actor, form(job.numbers[0]))
        pid = db.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        db.rollback()
        barrier.wait()
        cpu = time.process_time(), backend_cpu(pid)
        started = time.monotonic()
        deadline = started + job.seconds
        for number in job.numbers:
            if time.monotonic() >= deadline:
                break
            try:
                result = policies.issue(db, actor, form(number))
                if not result.approved:
                    errors.append(f"{number}: not approved")
                done += 1
            except Exception as exc:  # noqa: BLE001 (reported, counted as failures)
                errors.append(f"{number}: {type(exc).__name__}: {exc}")
        finished = time.monotonic()
        cpu = cpu_spent(cpu, (time.process_time(), backend_cpu(pid)))
    engine.dispose()
    results.put((job.worker, done, started, finished, errors[:5], len(errors), cpu))


# ------------------------------------------------------------------ the raw SQL variant

RAW_RATE = (
    "(SELECT {column} FROM commission_rate WHERE office_id = %s AND line_code = q.line_code"
    " AND valid_from <= %s ORDER BY valid_from DESC LIMIT 1)"
)


@functools.cache
def raw_quote(agency: bool) -> str:
    """The quote with its customer's number, locked, with its open portal request and, for
    an agency, the rate in force (two scalar subqueries), in one statement like the
    service's."""
    rate = f", {RAW_RATE.format(column='rate')}, {RAW_RATE.format(column='valid_from')}"
    return (
        "SELECT q.id, q.number, q.customer_id, q.customer_group, q.customer_kind,"
        " q.sum_insured, q.start_date, q.end_date, q.values::text, q.tariff_version_id,"
        " q.net_premium, q.taxes::text, q.gross_premium, q.worksheet::text,"
        " q.renews_policy_number, q.status, q.valid_until, q.policy_number, c.number, r.id,"
        f" r.quote_number{rate if agency else ''} FROM quote q JOIN customer c"
        " ON c.id = q.customer_id LEFT JOIN portal_request r ON r.quote_id = q.id"
        " AND r.status = 'open' WHERE q.number = %s FOR UPDATE OF q"
    )


# The number drawn inside the write statement (creating the sequence on first use), like
# `numbering.DRAW_CTE`; N is the drawn number wherever a row carries it.
RAW_DRAW = (
    "drawn AS (INSERT INTO number_sequence AS s (name, last) VALUES ('policy', %s)"
    " ON CONFLICT (name) DO UPDATE SET last = s.last + 1 RETURNING last)"
)
N = "(SELECT last FROM drawn)"
RAW_PORTAL = (
    "r AS (UPDATE portal_request SET status = 'done', open_quote_id = NULL, decided_at = %s,"
    f" decided_by_code = %s, policy_number = {N} WHERE id = %s AND status = 'open'"
    " RETURNING id), ra AS (INSERT INTO audit_event (at, actor_id, actor_code, action,"
    " entity_type, entity_id, before, after) SELECT %s, %s, %s, 'portal_request.done',"
    f" 'portal_request', %s, %s, (%s::jsonb || jsonb_build_object('policy_number', {N}))::json"
    " WHERE EXISTS (SELECT 1 FROM r))"
)
_KEY = "line_code, channel, office_id, office_path, prepared_by_id, customer_kind"
_FIG = "policies, issued, cancelled, endorsements, sum_insured, net_premium, taxes_total, "
_FIG += "gross_premium, commission"
_ADD = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in _FIG.split(", "))


def _values(n: int, width: int, row: str = "") -> str:
    row = row or ", ".join(["%s"] * width)
    return ", ".join(f"({row})" for _ in range(n))


@functools.cache
def raw_summary(taxes: int) -> str:
    """The four summary upserts as one statement (data-modifying CTEs), like the service."""
    daily = (
        f"INSERT INTO production_daily AS t (day, {_KEY}, agency_id, month, year, {_FIG}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, 1, 0, 0, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (day, {_KEY}) DO UPDATE SET {_ADD}"
    )
    monthly = (
        f"INSERT INTO production_monthly AS t (month, {_KEY}, agency_id, year, {_FIG}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 1, 1, 0, 0, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (month, {_KEY}) DO UPDATE SET {_ADD}"
    )
    daily_tax = (
        f"INSERT INTO production_daily_tax AS t (day, {_KEY}, tax_code, agency_id, month,"
        f" year, amount) VALUES {_values(taxes, 12)} ON CONFLICT (day, {_KEY},"
        " tax_code) DO UPDATE SET amount = t.amount + excluded.amount"
    )
    monthly_tax = (
        f"INSERT INTO production_monthly_tax AS t (month, {_KEY}, tax_code, agency_id,"
        f" year, amount) VALUES {_values(taxes, 11)} ON CONFLICT (month, {_KEY},"
        " tax_code) DO UPDATE SET amount = t.amount + excluded.amount"
    )
    return f"WITH u0 AS ({daily}), u1 AS ({monthly}), u2 AS ({daily_tax}) {monthly_tax}"


@functools.cache
def raw_writes(installments: int, earned: bool, request: bool) -> str:
    """Every row that carries the number in one statement with its draw, like the service:
    the number, the policy, both audit rows, the installments, the access code, the
    commission entry, the quote's link (the statement fails when it is taken: COMMIT goes
    with it) and the open portal request closed; answers the policy id and number."""
    parts = [
        RAW_DRAW,
        "p AS (INSERT INTO policy (number, version, status, issue_date, line_code, customer_id,"
        " customer_group, customer_kind, sum_insured, start_date, end_date, values,"
        " tariff_version_id, net_premium, taxes, gross_premium, worksheet, installment_count,"
        " channel, prepared_by_id, prepared_by_code, office_id, office_path, created_at,"
        f" quote_id, renews_policy_number, approved_by_code, approved_at) VALUES ({N}, 1,"
        " 'approved', %s, %s, %s, %s, %s, %s, %s, %s, %s::json, %s, %s, %s::json, %s, %s::json,"
        " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id)",
        "a AS (INSERT INTO audit_event (at, actor_id, actor_code, via, action, entity_type,"
        f" entity_id, before, after) VALUES (%s, %s, %s, NULL, 'policy.issue', 'policy',"
        f" {N}::text, NULL, (%s::jsonb || jsonb_build_object('number', {N}))::json),"
        " (%s, %s, %s, NULL, 'quote.convert', 'quote', %s, %s,"
        f" json_build_object('policy_number', {N})))",
        "i AS (INSERT INTO installment (policy_number, seq, due_date, amount, paid,"
        f" created_at) VALUES {_values(installments, 0, f'{N}, %s, %s, %s, 0, %s')})",
        f"c AS (INSERT INTO policy_access_code (policy_number, code, created_at) VALUES ({N},"
        " %s, %s))",
    ]
    if earned:
        parts.append(
            "e AS (INSERT INTO commission_entry (day, office_id, office_path, prepared_by_id,"
            " policy_number, policy_version, endorsement_seq, document, line_code, base_net,"
            f" rate, amount, rate_valid_from, created_at) VALUES (%s, %s, %s, %s, {N}, 1, NULL,"
            " 'policy', %s, %s, %s, %s, %s, %s))"
        )
    parts.append(
        f"q AS (UPDATE quote SET policy_number = {N} WHERE id = %s AND policy_number IS NULL"
        " AND status = 'approved' RETURNING id)"
    )
    if request:
        parts.append(RAW_PORTAL)
    return (
        f"WITH {', '.join(parts)} SELECT (SELECT id FROM p), {N}, CAST(CASE WHEN"
        " (SELECT count(*) FROM q) = 1 THEN '1' ELSE 'quote taken' END AS int)"
    )


def raw_worker(job: Job, barrier: Any, results: Any) -> None:
    import psycopg
    from psycopg.types.json import Json

    from iztim_app.core.db import from_kurus, to_kurus
    from iztim_app.core.installments import rules as installment_rules
    from iztim_app.core.money import EXACT, round2
    from iztim_app.core.policies.access_codes import new_code

    t = job.template
    errors: list[str] = []
    done = 0
    conn = psycopg.connect(conninfo(job.url))
    actor = conn.execute(
        "SELECT u.id, u.code, o.id, o.path, o.kind FROM app_user u JOIN office o"
        " ON o.id = u.office_id WHERE u.id = %s",
        (t.user_id,),
    ).fetchone()
    conn.rollback()
    user_id, code, office_id, office_path, office_kind = actor
    pid = conn.info.backend_pid
    channel = {"agency": "agency", "head_office": "head_office"}.get(office_kind, "branch")

    def issue_one(number: int) -> None:
        today = clock.today()
        now = datetime.now(UTC)
        try:  # one transaction (psycopg begins it with the first statement)
            # before the draw: the quote, its customer, its open portal request and the
            # rate read with the quote locked (one statement), then the summary
            agency = channel == "agency"
            rate_params = (office_id, today) * 2 if agency else ()
            q = conn.execute(raw_quote(agency), (*rate_params, number)).fetchone()
            (qid, qnumber, customer_id, group, kind, si, start, end, values, tariff_id) = q[:10]
            net, taxes_text, gross, worksheet, renews, status, valid_until, linked = q[10:18]
            customer_number, request_id, quote_no = q[18:21]
            if status != "approved" or linked is not None or valid_until < today:
                raise RuntimeError("quote unusable")
            gross_d = from_kurus(gross)
            plan = installment_rules.plan(gross_d, job.installments, start, MAX_INSTALLMENTS)
            commission, found = 0, None
            if agency:
                found = q[21:23] if q[21] is not None else None
                if found is not None:
                    amount = round2(
                        EXACT.divide(EXACT.multiply(from_kurus(net), from_kurus(found[0])), 100)
                    )
                    commission = to_kurus(amount)
            taxes = {c: to_kurus(Decimal(a)) for c, a in json.loads(taxes_text).items()}
            agency_id = office_id if channel == "agency" else 0
            key = (LINE, channel, office_id, office_path, user_id, kind)
            month = today.strftime("%Y-%m")
            figures = (si, net, sum(taxes.values()), gross, commission)
            ordered = sorted(taxes.items())
            summary = (
                *(today, *key, agency_id, month, today.year, *figures),
                *(month, *key, agency_id, today.year, *figures),
                *(v for c, a in ordered for v in (today, *key, c, agency_id, month,
                                                   today.year, a)),
                *(v for c, a in ordered for v in (month, *key, c, agency_id, today.year, a)),
            )  # fmt: skip
            # the summary's upsert, then every row that carries the number in one statement
            # that draws it, then COMMIT: one round trip (pipeline mode)
            after = {
                "version": 1,
                "line": LINE,
                "sum_insured": t.sum_insured,  # as the form typed it (the service audits so)
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "values": json.loads(values),
                "net_premium": str(from_kurus(net)),
                "gross_premium": str(from_kurus(gross)),
                "installment_count": job.installments,
                "status": "approved",
                "customer": customer_number,
                "quote": qnumber,
                "approved_by": code,
            }
            policy = (
                today, LINE, customer_id, group, kind, si, start, end, values,
                tariff_id, net, taxes_text, gross, worksheet, job.installments, channel, user_id,
                code, office_id, office_path, now, qid, renews, code, now,
            )  # fmt: skip
            audit = (
                now, user_id, code, Json(after),
                now, user_id, code, str(qnumber), Json({"policy_number": None}),
            )  # fmt: skip
            installments = [
                v for p in plan for v in (p.seq, p.due_date, to_kurus(p.amount), now)
            ]  # fmt: skip
            access = (new_code(), now)
            earned = ()
            if found is not None:
                earned = (
                    today, office_id, office_path, user_id, LINE, net, found[0],
                    commission, found[1], now,
                )  # fmt: skip
            portal = ()
            if request_id is not None:
                portal = (
                    now, code, request_id, now, user_id, code, str(request_id),
                    Json({"status": "open"}), Json({"status": "done", "quote": quote_no}),
                )  # fmt: skip
            with conn.pipeline():
                conn.execute(raw_summary(len(ordered)), summary)
                cursor = conn.execute(
                    raw_writes(len(plan), bool(earned), bool(portal)),
                    (FIRST_POLICY, *policy, *audit, *installments, *access, *earned, qid,
                     *portal),
                )  # fmt: skip
                conn.execute("COMMIT")
            cursor.fetchone()
        except BaseException:
            conn.rollback()
            raise

    barrier.wait()
    cpu = time.process_time(), backend_cpu(pid)
    started = time.monotonic()
    deadline = started + job.seconds
    for number in job.numbers:
        if time.monotonic() >= deadline:
            break
        try:
            issue_one(number)
            done += 1
        except Exception as exc:  # noqa: BLE001 (reported, counted as failures)
            errors.append(f"{number}: {type(exc).__name__}: {exc}")
    finished = time.monotonic()
    cpu = cpu_spent(cpu, (time.process_time(), backend_cpu(pid)))
    conn.close()
    results.put((job.worker, done, started, finished, errors[:5], len(errors), cpu))


# ------------------------------------------------------------------ running


@dataclass
class Run:
    variant: str
    workers: int
    done: int
    seconds: float
    failures: int
    samples: list[str]
    client_cpu: float  # seconds, all workers, in the timed loop
    database_cpu: float | None  # seconds, their backends; None when not readable

    def cpu_line(self) -> str:
        """CPU per issue, in ms: where a 2-core machine's time goes."""
        per = lambda seconds: 1000 * seconds / self.done  # noqa: E731
        db = "n/a" if self.database_cpu is None else f"{per(self.database_cpu):.2f} ms"
        return f"CPU per issue: workers {per(self.client_cpu):.2f} ms, their backends {db}"

    @property
    def per_minute(self) -> float:
        return self.done / self.seconds * 60 if self.seconds else 0.0


def run_variant(variant: str, jobs: list[Job]) -> Run:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(jobs) + 1)
    results = ctx.Queue()
    target = service_worker if variant == "service" else raw_worker
    procs = [ctx.Process(target=target, args=(job, barrier, results)) for job in jobs]
    for p in procs:
        p.start()
    barrier.wait(timeout=300)
    started = time.monotonic()
    outcomes = [results.get(timeout=jobs[0].seconds + 300) for _ in jobs]
    for p in procs:
        p.join(timeout=60)
    finished = max(o[3] for o in outcomes)
    return Run(
        variant,
        len(jobs),
        sum(o[1] for o in outcomes),
        finished - started,
        sum(o[5] for o in outcomes),
        [s for o in outcomes for s in o[4]][:5],
        sum(o[6][0] for o in outcomes),
        None if any(o[6][1] is None for o in outcomes) else sum(o[6][1] for o in outcomes),
    )


# ------------------------------------------------------------------ checks


def effects(conn: sa.Connection, lo: int, hi: int) -> dict[str, int]:
    """What the policies numbered lo..hi left behind, counted per kind."""
    p = {"lo": lo, "hi": hi}
    one = lambda sql: int(conn.execute(sa.text(sql), p).scalar_one())  # noqa: E731
    return {
        "policies": one("SELECT count(*) FROM policy WHERE number BETWEEN :lo AND :hi"),
        "approved": one(
            "SELECT count(*) FROM policy WHERE number BETWEEN :lo AND :hi AND status = 'approved'"
        ),
        "installments": one(
            "SELECT count(*) FROM installment WHERE policy_number BETWEEN :lo AND :hi"
        ),
        "policy.issue audit": one(
            "SELECT count(*) FROM audit_event WHERE action = 'policy.issue'"
            " AND entity_id::int BETWEEN :lo AND :hi"
        ),
        "quote.convert audit": one(
            "SELECT count(*) FROM audit_event a JOIN quote q ON a.entity_id = q.number::text"
            " WHERE a.action = 'quote.convert' AND q.policy_number BETWEEN :lo AND :hi"
        ),
        "access codes": one(
            "SELECT count(*) FROM policy_access_code WHERE policy_number BETWEEN :lo AND :hi"
        ),
        "commission entries": one(
            "SELECT count(*) FROM commission_entry WHERE policy_number BETWEEN :lo AND :hi"
        ),
        "agency policies": one(
            "SELECT count(*) FROM policy WHERE number BETWEEN :lo AND :hi AND channel = 'agency'"
        ),
        "linked quotes": one("SELECT count(*) FROM quote WHERE policy_number BETWEEN :lo AND :hi"),
    }


def summary_today(conn: sa.Connection) -> tuple[int, int, int, int]:
    """Today's issued count, gross and commission in the daily summary, and this month's
    issued count in the monthly one."""
    today = clock.today()
    daily = conn.execute(
        sa.text(
            "SELECT coalesce(sum(issued), 0), coalesce(sum(gross_premium), 0),"
            " coalesce(sum(commission), 0) FROM production_daily WHERE day = :d"
        ),
        {"d": today},
    ).one()
    monthly = conn.execute(
        sa.text("SELECT coalesce(sum(issued), 0) FROM production_monthly WHERE month = :m"),
        {"m": today.strftime("%Y-%m")},
    ).scalar_one()
    return int(daily[0]), int(daily[1]), int(daily[2]), int(monthly)


def issued_figures(conn: sa.Connection, lo: int, hi: int) -> tuple[int, int, int]:
    row = conn.execute(
        sa.text(
            "SELECT count(*), coalesce(sum(gross_premium), 0),"
            " (SELECT coalesce(sum(amount), 0) FROM commission_entry"
            "  WHERE policy_number BETWEEN :lo AND :hi)"
            " FROM policy WHERE number BETWEEN :lo AND :hi"
        ),
        {"lo": lo, "hi": hi},
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


STORED_SAME = (
    "version, status, line_code, customer_id, customer_group, customer_kind, sum_insured,"
    " start_date, end_date, values::text, tariff_version_id, net_premium, taxes::text,"
    " gross_premium, worksheet::text, installment_count, channel, prepared_by_id,"
    " prepared_by_code, office_id, office_path, renews_policy_number, approved_by_code"
)


def same_as_service(conn: sa.Connection, service_range: range, raw_range: range) -> list[str]:
    """For each preparer: the first policy of each variant stored the same columns, the
    same installments, audit figures and commission."""
    problems = []
    for code in PREPARERS:
        pair = []
        for r in (service_range, raw_range):
            number = conn.execute(
                sa.text(
                    "SELECT min(number) FROM policy WHERE prepared_by_code = :c"
                    " AND number BETWEEN :lo AND :hi"
                ),
                {"c": code, "lo": r.start, "hi": r.stop - 1},
            ).scalar_one()
            if number is None:  # fewer workers than preparers: this one issued nothing
                break
            row = conn.execute(
                sa.text(f"SELECT {STORED_SAME} FROM policy WHERE number = :n"), {"n": number}
            ).one()
            inst = conn.execute(
                sa.text(
                    "SELECT seq, due_date, amount, paid FROM installment WHERE policy_number = :n"
                    " ORDER BY seq"
                ),
                {"n": number},
            ).all()
            audit = conn.execute(
                sa.text(
                    "SELECT after::jsonb - 'number' - 'quote' FROM audit_event"
                    " WHERE action = 'policy.issue' AND entity_id = :n"
                ),
                {"n": str(number)},
            ).scalar_one()
            commission = conn.execute(
                sa.text(
                    "SELECT base_net, rate, amount, rate_valid_from FROM commission_entry"
                    " WHERE policy_number = :n"
                ),
                {"n": number},
            ).all()
            code_len = conn.execute(
                sa.text("SELECT length(code) FROM policy_access_code WHERE policy_number = :n"),
                {"n": number},
            ).scalar_one()
            pair.append((tuple(row), tuple(map(tuple, inst)), audit, commission, code_len))
        if len(pair) == 1:
            problems.append(f"{code}: policies in one variant only")
        if len(pair) == 2:
            for label, a, b in zip(
                ("policy row", "installments", "audit", "commission", "access code"),
                pair[0],
                pair[1],
                strict=True,
            ):
                if a != b:
                    problems.append(f"{code}: {label} differs: service {a} / raw {b}")
    return problems


def check(
    url: str, first: int, runs: dict[str, tuple[range, Run]], before: Any
) -> tuple[list[str], dict[str, dict[str, int]]]:
    problems = []
    with get_engine(url).connect() as conn:
        numbers = [
            n for (n,) in conn.execute(sa.text("SELECT number FROM policy WHERE number >= :f "
                                               "ORDER BY number"), {"f": first})
        ]  # fmt: skip
        total = sum(r.done for _, r in runs.values())
        if numbers != list(range(first, first + total)):
            dup = len(numbers) - len(set(numbers))
            problems.append(
                f"policy numbers not unique and contiguous: {len(numbers)} rows,"
                f" {dup} duplicates, expected {first}..{first + total - 1}"
            )
        last = conn.execute(
            sa.text("SELECT last FROM number_sequence WHERE name = 'policy'")
        ).scalar_one()
        if last != first + total - 1:
            problems.append(f"sequence at {last}, expected {first + total - 1}")
        twice = conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT quote_id FROM policy WHERE quote_id IS NOT NULL"
                " GROUP BY quote_id HAVING count(*) > 1) x"
            )
        ).scalar_one()
        mislinked = conn.execute(
            sa.text(
                "SELECT count(*) FROM policy p JOIN quote q ON q.id = p.quote_id"
                " WHERE p.number >= :f AND q.policy_number IS DISTINCT FROM p.number"
            ),
            {"f": first},
        ).scalar_one()
        if twice or mislinked:
            problems.append(f"quotes with two policies: {twice}; wrong quote links: {mislinked}")
        per: dict[str, dict[str, int]] = {}
        for variant, (numbers_range, run) in runs.items():
            e = effects(conn, numbers_range.start, numbers_range.stop - 1)
            per[variant] = e
            if e["policies"] != run.done:
                problems.append(f"{variant}: {run.done} issued but {e['policies']} policies")
        shapes = {}
        for variant, e in per.items():
            n, a = e["policies"] or 1, e["agency policies"] or 1
            shapes[variant] = {
                k: (round(v / a, 6) if k == "commission entries" else round(v / n, 6))
                for k, v in e.items()
                if k != "agency policies"  # the mix of preparers differs with the counts
            }
        if len({json.dumps(s, sort_keys=True) for s in shapes.values()}) != 1:
            problems.append(f"effects per policy differ: {shapes}")
        after = summary_today(conn)
        issued = [issued_figures(conn, r.start, r.stop - 1) for r, _ in runs.values()]
        expected = (
            before[0] + sum(i[0] for i in issued),
            before[1] + sum(i[1] for i in issued),
            before[2] + sum(i[2] for i in issued),
            before[3] + sum(i[0] for i in issued),
        )
        if after != expected:
            problems.append(f"summary today {after}, expected {expected}")
        if "service" in runs and "raw" in runs:
            problems += same_as_service(conn, runs["service"][0], runs["raw"][0])
    return problems, per


# ------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument(
        "--quotes", type=int, default=0, help="quotes per variant (default: 45,000/min × seconds)"
    )
    parser.add_argument("--installments", type=int, default=4)
    parser.add_argument("--variant", choices=("both", "service", "raw"), default="both")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if not 1 <= args.installments <= MAX_INSTALLMENTS:  # else every worker fails its warm-up
        parser.error(f"--installments: 1 to {MAX_INSTALLMENTS} ({LINE}'s tariff allows no more)")
    quotes = args.quotes or int(45_000 * args.seconds / 60) + 50 * args.workers
    per_worker = max(1, quotes // args.workers)
    out = sys.stdout
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    out.write(
        f"issue bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {' '.join(load)},"
        f" {os.cpu_count()} cores; {args.workers} worker processes (multiprocessing, spawn),"
        f" {args.seconds:g} s per variant, {per_worker * args.workers:,} quotes per variant,"
        f" {args.installments} installments\n"
    )
    url = pg_create(f"iztim_bench_issue_{os.getpid()}")
    try:
        started = time.perf_counter()
        templates = prepare(url)
        variants = ("service", "raw") if args.variant == "both" else (args.variant,)
        jobs: dict[str, list[Job]] = {}
        for variant in variants:
            jobs[variant] = [
                Job(
                    variant,
                    url,
                    w,
                    templates[w % len(templates)],
                    copy_quotes(url, templates[w % len(templates)], per_worker),
                    args.installments,
                    args.seconds,
                )
                for w in range(args.workers)
            ]
        with get_engine(url).connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
            first = (
                int(
                    conn.execute(
                        sa.text("SELECT last FROM number_sequence WHERE name = 'policy'")
                    ).scalar_one()
                )
                + 1
            )
            before = summary_today(conn)
        out.write(f"set-up (demo, {len(variants) * per_worker * args.workers:,} quotes): "
                  f"{time.perf_counter() - started:.1f} s\n")  # fmt: skip
        get_engine(url).dispose()
        runs: dict[str, tuple[range, Run]] = {}
        next_number = first
        for variant in variants:
            run = run_variant(variant, jobs[variant])
            runs[variant] = (range(next_number, next_number + run.done), run)
            next_number += run.done
            out.write(
                f"{variant:>7}: {run.done:,} policies in {run.seconds:.1f} s ="
                f" {run.per_minute:,.0f} per minute; failures {run.failures}\n"
            )
            if run.done:
                out.write(f"         {run.cpu_line()}\n")
            for sample in run.samples:
                out.write(f"         {sample}\n")
        problems, per = check(url, first, runs, before)
        for variant, e in per.items():
            out.write(f"{variant:>7} effects: {json.dumps(e)}\n")
        ok = not problems and all(r.failures == 0 for _, r in runs.values())
        for problem in problems:
            out.write(f"CHECK FAILED: {problem}\n")
        if "service" in runs:
            service = runs["service"][1].per_minute
            verdict = "pass" if service >= TARGET_PER_MINUTE else "FAIL"
            out.write(f"service {service:,.0f}/min, target >= {TARGET_PER_MINUTE:,}: {verdict}\n")
        if len(runs) == 2:
            ratio = runs["service"][1].per_minute / runs["raw"][1].per_minute
            verdict = "pass" if ratio >= TARGET_RATIO else "FAIL"
            out.write(f"ratio service / raw SQL {ratio:.2f}, target >= {TARGET_RATIO}: {verdict}\n")
        out.write("checks: numbers unique and contiguous, one policy per quote, effects equal\n"
                  if ok else "CHECKS FAILED\n")  # fmt: skip
        return 0 if ok else 1
    finally:
        get_engine(url).dispose()
        if not args.keep:
            pg_drop(url)


if __name__ == "__main__":
    raise SystemExit(main())
