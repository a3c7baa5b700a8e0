"""JSON API throughput: requests/s and latency of price, quote and policy issue with
concurrent HTTP clients against the real app, and the same operations through the service
layer in-process, in the same run.

    .venv/bin/python bench/api.py [--sqlite] [--seconds S] [--clients N] [--workers W]

Default: PostgreSQL (127.0.0.1:5432, a database of its own, dropped afterwards) and W=3
backend workers (`reflex run --env prod --backend-only`, granian) with state in Redis db 11
(flushed); `--sqlite`: the embedded default (a throw-away SQLite file, 1 worker). The demo
installation is loaded as `make run` loads it; tokens are made for sube.istanbul and
sube.ankara (limits 2,500,000: quotes and policies are approved at once).

Each of N clients (default 16) is a thread with its own `httpx.Client` (keep-alive). For
each operation, every client makes two untimed calls, then all start together and call as
fast as they can for S seconds (default 6):

- `POST /price` (konut, sum insured varied; nothing saved);
- `POST /quotes` with a unique `Idempotency-Key` per request;
- `POST /policies` from an approved quote (4 installments, a unique `Idempotency-Key`);
  the quotes are made beforehand (the quote phases' and, if short, more made untimed).

Then the same operation through the service layer in this machine's processes (no HTTP, no
token check, no idempotency record): W processes (as many as the backend's workers) with
N threads in all, each call in its own session, the actor loaded once per thread; the
calls are the ones the route makes, including its answer shape. Printed per operation:
requests/s, p50/p95/p99, errors (any non-2xx, each printed), the ratio API/service of the
rates, and the CPU shares over the timed window: the clients' own process, the backend's
workers, the database's server processes (PostgreSQL) and everything else on the machine.
Afterwards the database must hold exactly the quotes and policies the clients got 201 for
(no duplicates, no extras), with an idempotency record holding that answer for each API call:
exit 1 otherwise or on any error. Run it under `flock /tmp/iztim-heavy.lock` on a shared
machine; a run takes about a minute.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/api.py`: tests/ is imported below
    sys.path.insert(0, str(ROOT))

from iztim_app.core.db import get_engine, session_scope  # noqa: E402

PG_HOST, PG_PORT, PG_ADMIN_DB = "127.0.0.1", 5432, "test"
REDIS_URL = "redis://127.0.0.1:6379/11"
USERS = ("sube.istanbul", "sube.ankara")
LINE = "konut"
FIELDS = {
    "construction_class": "betonarme",
    "earthquake_zone": "1",
    "earthquake_cover": "yes",
    "building_age": "15",
    "floor_area": "120",
    "in_municipality": "yes",
}
INSTALLMENTS = 4
WARMUP_CALLS = 2
OPERATIONS = ("price", "quotes", "policies")
TICKS = os.sysconf("SC_CLK_TCK")
# One call of a client: seq → (HTTP status or its equivalent, detail, number made or None)
Call = Callable[[int], tuple[int, str, "int | None"]]


# ---------------------------------------------------------------- measuring


@dataclass
class Tally:
    """One client's calls in the timed window (and the untimed warm-up's results)."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # quote/policy numbers answered 201
    warm_numbers: list[int] = field(default_factory=list)
    exhausted_at: float | None = None  # ran out of quotes (policies) this long after start


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def proc_ticks(pid: int) -> int:
    try:
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(parts[11]) + int(parts[12])  # utime, stime


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        found.append(p)
        try:
            stack.extend(int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except OSError:
            pass
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / TICKS, total / TICKS


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuWatch:
    """CPU seconds over a window: machine, the given process trees, the database's server
    processes serving this database (PostgreSQL: found in pg_stat_activity)."""

    def __init__(self, url: str, trees: list[int]) -> None:
        self.url, self.trees = url, trees

    def _db_pids(self) -> set[int]:
        if not self.url.startswith("postgresql"):
            return set()
        name = self.url.rsplit("/", 1)[1]
        with get_engine(self.url).connect() as conn:
            rows = conn.execute(
                sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            return {int(r[0]) for r in rows}

    def _tree_ticks(self) -> dict[int, int]:
        return {p: proc_ticks(p) for root in self.trees for p in descendants(root)}

    def start(self) -> None:
        self.db_before = {p: proc_ticks(p) for p in self._db_pids()}
        self.tree_before = self._tree_ticks()
        self.own_before = own_cpu()
        self.machine_before = machine_busy()

    def stop(self) -> dict[str, float]:
        busy, total = machine_busy()
        own = own_cpu() - self.own_before
        tree_after = self._tree_ticks()
        db_after = {p: proc_ticks(p) for p in self._db_pids() | set(self.db_before)}
        tree = sum(t - self.tree_before.get(p, 0) for p, t in tree_after.items()) / TICKS
        dbs = sum(t - self.db_before.get(p, 0) for p, t in db_after.items() if t) / TICKS
        return {
            "capacity": total - self.machine_before[1],
            "busy": busy - self.machine_before[0],
            "own": own,
            "trees": tree,
            "db": dbs,
        }


# ---------------------------------------------------------------- bodies


def today() -> date:
    from iztim_app.core import clock

    return clock.today()


def sum_insured(rng: random.Random) -> str:
    return f"{rng.randrange(400_000, 2_400_000, 1000)}"


def price_body(rng: random.Random) -> dict[str, Any]:
    return {
        "line": LINE,
        "customer_group": "bireysel",
        "sum_insured": sum_insured(rng),
        "start": today().isoformat(),
        "fields": FIELDS,
    }


def quote_body(rng: random.Random, customer_number: int) -> dict[str, Any]:
    return {
        "customer_number": customer_number,
        "line": LINE,
        "sum_insured": sum_insured(rng),
        "start": today().isoformat(),
        "fields": FIELDS,
    }


# ---------------------------------------------------------------- one client


class Exhausted(Exception):
    """No approved quote left for this client's user."""


class Stock:
    """Approved quotes of one user, shared by that user's clients in one process (pickled
    to a service process without its lock)."""

    def __init__(self, numbers: list[int]) -> None:
        self.numbers, self.taken, self.lock = list(numbers), 0, threading.Lock()

    def take(self) -> int:
        with self.lock:
            if self.taken >= len(self.numbers):
                raise Exhausted()
            self.taken += 1
            return self.numbers[self.taken - 1]

    def __getstate__(self) -> dict[str, Any]:
        return {"numbers": self.numbers[self.taken :]}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["numbers"])


@dataclass
class Job:
    """What one client (API or service) does in one phase."""

    op: str
    user_code: str
    customers: list[int]
    quotes: Stock | None  # policies: the approved quotes of its user, shared
    index: int  # the client's number: its token
    tag: str  # makes idempotency keys unique per run, phase and client


def run_calls(
    call: Call,
    job: Job,
    ready: Callable[[], float],
) -> Tally:
    """Warm-up calls, then (after `ready()` gives the common deadline) timed calls.

    `call(seq)` answers (status, detail, number); `policies` stop when the quotes run out."""
    tally = Tally()
    seq = 0

    def one(timed: bool) -> None:
        nonlocal seq
        started = time.perf_counter()
        status, detail, number = call(seq)
        elapsed = time.perf_counter() - started
        seq += 1
        if timed:
            tally.latencies.append(elapsed)
        if not 200 <= status < 300:
            tally.errors.append(f"{status} {detail[:300]}")
        elif number is not None:
            (tally.numbers if timed else tally.warm_numbers).append(number)

    for _ in range(WARMUP_CALLS):
        one(timed=False)
    deadline = ready()
    started = time.monotonic()
    while time.monotonic() < deadline:
        try:
            one(timed=True)
        except Exhausted:
            tally.exhausted_at = time.monotonic() - started
            break
    return tally


def api_client(base: str, token: str, job: Job) -> Call:
    rng = random.Random(job.index)
    client = httpx.Client(
        base_url=base + "/api/v1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
    )

    def call(seq: int) -> tuple[int, str, int | None]:
        if job.op == "price":
            resp = client.post("/price", json=price_body(rng))
            return resp.status_code, resp.text, None
        key = {"Idempotency-Key": f"{job.tag}-{seq}"}
        if job.op == "quotes":
            body = quote_body(rng, job.customers[seq % len(job.customers)])
            resp = client.post("/quotes", json=body, headers=key)
        else:
            body = {"quote_number": job.quotes.take(), "installments": INSTALLMENTS}
            resp = client.post("/policies", json=body, headers=key)
        number = resp.json().get("number") if resp.status_code == 201 else None
        return resp.status_code, resp.text, number

    call.client = client  # type: ignore[attr-defined]
    return call


def service_client(url: str, user_id: int, job: Job) -> Call:
    """The route's calls without HTTP: the same services and the same answer shape."""
    from dataclasses import replace

    from iztim_app.api import shapes_policies, shapes_quotes
    from iztim_app.core import clock
    from iztim_app.core.customers import services as customers
    from iztim_app.core.errors import DomainError
    from iztim_app.core.policies import services as policies
    from iztim_app.core.quotes import pricing
    from iztim_app.core.quotes import services as quotes
    from iztim_app.core.users.actor import load_actor

    rng = random.Random(job.index)
    with session_scope(url) as db:
        actor = load_actor(db, user_id)
    assert actor is not None

    def price(db: Any, seq: int) -> int | None:
        body = price_body(rng)
        result = pricing.price_for_group(
            db,
            actor,
            body["line"],
            body["customer_group"],
            Decimal(body["sum_insured"]),
            date.fromisoformat(body["start"]),
            None,
            body["fields"],
            on=clock.today(),
        )
        shapes_quotes.price_shape(
            result.net_premium,
            result.taxes,
            result.gross_premium,
            [step.to_json_dict() for step in result.worksheet],
        )
        return None

    def quote(db: Any, seq: int) -> int | None:
        body = quote_body(rng, job.customers[seq % len(job.customers)])
        customer_id = customers.get_customer(db, actor, number=body["customer_number"]).id
        inp = quotes.QuoteInput(
            line_code=LINE,
            customer_id=customer_id,
            sum_insured=Decimal(body["sum_insured"]),
            start_date=date.fromisoformat(body["start"]),
            end_date=None,
            values=dict(body["fields"]),
        )
        return shapes_quotes.quote_shape(quotes.save_quote(db, actor, inp))["number"]

    def policy(db: Any, seq: int) -> int | None:
        inp = replace(
            policies.from_quote(db, actor, job.quotes.take()), installment_count=INSTALLMENTS
        )
        result = policies.issue(db, actor, inp)
        return shapes_policies.policy(db, actor, result.policy)["number"]

    do = {"price": price, "quotes": quote, "policies": policy}[job.op]

    def call(seq: int) -> tuple[int, str, int | None]:
        try:
            with session_scope(url) as db:
                return (201 if job.op != "price" else 200), "", do(db, seq)
        except DomainError as exc:
            return 409, f"{type(exc).__name__} {exc}", None

    return call


# ---------------------------------------------------------------- threads and processes


def run_threads(
    make: Callable[[Job], Call],
    jobs: list[Job],
    on_ready: Callable[[], float],
) -> list[Tally]:
    """One thread per job: each makes its client, warms up, waits for the others (then
    `on_ready()` gives the deadline, called once), runs until it."""
    ready = threading.Barrier(len(jobs) + 1)
    box: dict[str, float] = {}
    go = threading.Event()
    tallies: list[Tally | None] = [None] * len(jobs)
    failures: list[BaseException] = []

    def wait() -> float:
        ready.wait(timeout=300)
        go.wait(timeout=300)
        return box["deadline"]

    def work(i: int) -> None:
        try:
            call = make(jobs[i])
            tallies[i] = run_calls(call, jobs[i], wait)
            client = getattr(call, "client", None)
            if client is not None:
                client.close()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            failures.append(exc)
            ready.abort()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(jobs))]
    for t in threads:
        t.start()
    try:
        ready.wait(timeout=300)
    except threading.BrokenBarrierError:
        pass
    if not failures:
        box["deadline"] = on_ready()
        go.set()
    for t in threads:
        t.join(timeout=300)
    if failures:
        raise failures[0]
    return [t for t in tallies if t is not None]


def service_process(url: str, inbox: Any, outbox: Any, ready: Any, go: Any, deadline: Any) -> None:
    """A service worker: for each command (jobs with user ids), threads as in `run_threads`;
    answers the tallies and the process's CPU seconds over the timed window."""
    get_engine(url)  # this process's own engine and pool
    while True:
        command = inbox.get()
        if command is None:
            return
        try:
            outbox.put(("ok", _serve(url, *command, ready, go, deadline)))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            ready.abort()
            outbox.put(("error", repr(exc)))


def _serve(
    url: str, jobs: list[Job], users: dict[str, int], ready: Any, go: Any, deadline: Any
) -> tuple[list[Tally], float]:
    cpu: dict[str, float] = {}

    def on_ready() -> float:
        ready.wait(timeout=300)
        go.wait(timeout=300)
        cpu["start"] = own_cpu()
        return deadline.value

    tallies = run_threads(
        lambda job: service_client(url, users[job.user_code], job), jobs, on_ready
    )
    return tallies, own_cpu() - cpu["start"]


class ServicePool:
    """W spawned processes (fresh imports, their own connections), used for every phase."""

    def __init__(self, url: str, processes: int) -> None:
        ctx = mp.get_context("spawn")
        self.ready = ctx.Barrier(processes + 1)
        self.go = ctx.Barrier(processes + 1)
        self.deadline = ctx.Value("d", 0.0)
        self.outbox = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(processes)]
        self.procs = [
            ctx.Process(
                target=service_process,
                args=(url, box, self.outbox, self.ready, self.go, self.deadline),
                daemon=True,
            )
            for box in self.inboxes
        ]
        for p in self.procs:
            p.start()

    def run(
        self, jobs: list[Job], users: dict[str, int], seconds: float, watch: CpuWatch
    ) -> tuple[list[Tally], dict[str, float]]:
        shares = [jobs[i :: len(self.procs)] for i in range(len(self.procs))]
        for box, share in zip(self.inboxes, shares, strict=True):
            box.put((share, users))
        self.ready.wait(timeout=300)
        watch.start()
        self.deadline.value = time.monotonic() + seconds
        self.go.wait(timeout=300)
        tallies: list[Tally] = []
        child_cpu = 0.0
        for _ in self.procs:
            kind, payload = self.outbox.get(timeout=300)
            if kind != "ok":
                raise RuntimeError(f"a service process failed: {payload}")
            tallies.extend(payload[0])
            child_cpu += payload[1]
        cpu = watch.stop()
        cpu["clients"] = child_cpu
        return tallies, cpu

    def close(self) -> None:
        for box in self.inboxes:
            box.put(None)
        for p in self.procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()


# ---------------------------------------------------------------- the installation


def create_pg_database() -> str:
    import psycopg
    from psycopg import sql

    name = f"iztim_bench_api_{secrets.token_hex(4)}"
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, dbname=PG_ADMIN_DB, user="postgres", autocommit=True
    ) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    get_engine(url).dispose()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, dbname=PG_ADMIN_DB, user="postgres", autocommit=True
    ) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def make_tokens(url: str, clients: int) -> tuple[list[str], dict[str, int], dict[str, list[int]]]:
    """A token per client (clients take the users in turn), the users' ids and a few
    customers in each user's scope."""
    from sqlmodel import select

    from iztim_app.core.api_tokens import services as api_tokens
    from iztim_app.core.customers import services as customers
    from iztim_app.core.users.actor import load_actor, operator_actor
    from iztim_app.core.users.models import User

    tokens, ids, owned = [], {}, {}
    with session_scope(url) as db:
        for code in USERS:
            user = db.exec(select(User).where(User.code == code)).one()
            ids[code] = user.id
            actor = load_actor(db, user.id)
            rows = customers.find_customers(db, actor, "", 1, 20).rows
            owned[code] = [r.number for r in rows if r.kind == "individual"][:5] or [
                r.number for r in rows
            ][:5]
            assert owned[code], f"no customer in the scope of {code}"
        for i in range(clients):
            code = USERS[i % len(USERS)]
            made = api_tokens.create_token(db, operator_actor("bench"), ids[code], f"bench {i}")
            tokens.append(made.token)
    return tokens, ids, owned


def approved_unused_quotes(url: str, ids: dict[str, int]) -> dict[str, list[int]]:
    """Per user: the approved quotes of today that are not yet a policy, oldest first."""
    from iztim_app.core.quotes.models import Quote

    found: dict[str, list[int]] = {}
    with session_scope(url) as db:
        for code, uid in ids.items():
            rows = db.execute(
                sa.select(Quote.number)
                .where(
                    Quote.prepared_by_id == uid,
                    Quote.status == "approved",
                    Quote.policy_number.is_(None),
                    Quote.quote_date == today(),
                )
                .order_by(Quote.number)
            )
            found[code] = [int(r[0]) for r in rows]
    return found


def top_up(
    url: str, ids: dict[str, int], owned: dict[str, list[int]], need: dict[str, int]
) -> None:
    """More approved quotes through the services (untimed warm-up), 8 threads."""
    jobs = []
    for code, count in need.items():
        per = -(-count // 4)
        for k in range(4 if count > 0 else 0):
            jobs.append((code, per, k))

    def work(code: str, count: int, k: int) -> None:
        job = Job("quotes", code, owned[code], None, 1000 + k, "topup")  # index: the seed
        call = service_client(url, ids[code], job)
        for seq in range(count):
            status, detail, _ = call(seq)
            if status != 201:
                raise RuntimeError(detail)

    threads = [threading.Thread(target=work, args=j) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def max_numbers(url: str) -> tuple[int, int]:
    with get_engine(url).connect() as conn:
        q = conn.execute(sa.text("SELECT coalesce(max(number), 0) FROM quote")).scalar_one()
        p = conn.execute(sa.text("SELECT coalesce(max(number), 0) FROM policy")).scalar_one()
    return int(q), int(p)


def check_stored(url: str, op: str, before: int, answered: list[int]) -> list[str]:
    """The database holds exactly the answered quotes/policies made in the phase."""
    table = "quote" if op == "quotes" else "policy"
    problems = []
    with get_engine(url).connect() as conn:
        stored = [
            int(n)
            for (n,) in conn.execute(
                sa.text(f"SELECT number FROM {table} WHERE number > :b"),  # noqa: S608
                {"b": before},
            )
        ]
        if op == "policies":
            linked = conn.execute(
                sa.text("SELECT count(*), count(DISTINCT quote_id) FROM policy WHERE number > :b"),
                {"b": before},
            ).one()
            if linked[0] != linked[1]:
                problems.append(f"{linked[0] - linked[1]} quotes made into more than one policy")
    if len(answered) != len(set(answered)):
        problems.append(f"{len(answered) - len(set(answered))} numbers answered twice")
    if len(stored) != len(set(stored)):
        problems.append(f"{len(stored) - len(set(stored))} {table} numbers stored twice")
    extra, missing = set(stored) - set(answered), set(answered) - set(stored)
    if extra:
        problems.append(f"{len(extra)} {table} rows stored but never answered 201")
    if missing:
        problems.append(f"{len(missing)} answered {table} numbers not stored")
    return problems


# ---------------------------------------------------------------- reporting


@dataclass
class Result:
    side: str
    op: str
    calls: int
    seconds: float
    latencies: list[float]
    errors: list[str]
    cpu: dict[str, float]
    exhausted: int

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        lat = sorted(self.latencies)
        ms = [percentile(lat, p) * 1000 for p in (50, 95, 99)]
        c = self.cpu
        cap = c["capacity"] or 1.0
        other = max(0.0, c["busy"] - c["clients"] - c["trees"] - c["db"])
        mine = (
            f"clients {c['clients'] / cap:5.1%}, backend {c['trees'] / cap:5.1%}"
            if self.side == "API"
            else f"service processes {c['clients'] / cap:5.1%}"
        )
        return (
            f"{self.side:>7} {self.op:<8} {self.rate:8.1f}/s  p50 {ms[0]:6.1f} ms  "
            f"p95 {ms[1]:6.1f} ms  p99 {ms[2]:6.1f} ms  errors {len(self.errors)}"
            + (f"  ({self.exhausted} clients ran out of quotes)" if self.exhausted else "")
            + f"\n{'':>16}CPU of {cap:.1f} core-s: {mine}, database {c['db'] / cap:5.1%}, "
            f"rest of the machine {other / cap:5.1%}, idle {max(0.0, 1 - c['busy'] / cap):5.1%}"
        )


def summarise(side: str, op: str, tallies: list[Tally], seconds: float, cpu: dict) -> Result:
    lat = [x for t in tallies for x in t.latencies]
    errors = [e for t in tallies for e in t.errors]
    return Result(
        side,
        op,
        len(lat),
        seconds,
        lat,
        errors,
        cpu,
        sum(t.exhausted_at is not None for t in tallies),
    )


# ---------------------------------------------------------------- main


@dataclass
class Bench:
    args: argparse.Namespace
    workers: int
    url: str
    tokens: list[str]
    ids: dict[str, int]
    owned: dict[str, list[int]]
    running: Any  # tests.scale.harness.Backend
    pool: ServicePool
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    results: dict[tuple[str, str], Result] = field(default_factory=dict)
    failed: bool = False

    def jobs(
        self, op: str, side: str, stock: dict[str, list[int]] | None, groups: int
    ) -> list[Job]:
        """Client i runs in group i % groups (a service process; the API: one group); the
        clients of one user in one group share that user's quotes."""
        shared = {
            (g, code): Stock(numbers[g::groups])
            for g in range(groups)
            for code, numbers in (stock or {}).items()
        }
        return [
            Job(
                op,
                USERS[i % len(USERS)],
                self.owned[USERS[i % len(USERS)]],
                shared.get((i % groups, USERS[i % len(USERS)])),
                i,
                f"{self.tag}-{op}-{side}-{i}",
            )
            for i in range(self.args.clients)
        ]

    def stocks(self, out: Any) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """Approved quotes for the two policy phases: what the quote phases made, and more
        (untimed) when that looks short of 1.3x the quote rates over the window."""
        seconds = self.args.seconds
        need_api = int(1.3 * self.results[("API", "quotes")].rate * seconds)
        need_svc = int(1.3 * self.results[("service", "quotes")].rate * seconds)
        per_user = (need_api + need_svc) // len(USERS) + 2 * WARMUP_CALLS * self.args.clients
        stock = approved_unused_quotes(self.url, self.ids)
        short = {code: max(0, per_user - len(numbers)) for code, numbers in stock.items()}
        if any(short.values()):
            started = time.perf_counter()
            top_up(self.url, self.ids, self.owned, short)
            out.write(
                f"(made {sum(short.values())} more approved quotes for the policy phases, "
                f"untimed: {time.perf_counter() - started:.1f} s)\n"
            )
            stock = approved_unused_quotes(self.url, self.ids)
        share = need_api / max(1, need_api + need_svc)
        split = {code: int(len(numbers) * share) for code, numbers in stock.items()}
        return (
            {code: numbers[: split[code]] for code, numbers in stock.items()},
            {code: numbers[split[code] :] for code, numbers in stock.items()},
        )

    def check(self, res: Result, op: str, before: tuple[int, int], tallies: list[Tally]) -> None:
        if op == "price":
            return
        answered = [n for t in tallies for n in (*t.warm_numbers, *t.numbers)]
        problems = check_stored(self.url, op, before[0 if op == "quotes" else 1], answered)
        if res.side == "API":
            # an answer is stored after it is sent: give the last ones a moment
            deadline = time.monotonic() + 5
            kept = kept_answers(self.url, f"{self.tag}-{op}-api-")
            while kept < len(answered) and time.monotonic() < deadline:
                time.sleep(0.05)
                kept = kept_answers(self.url, f"{self.tag}-{op}-api-")
            if kept != len(answered):
                problems.append(f"{kept} idempotency keys kept for {len(answered)} answers")
        if problems:
            self.failed = True
            res.errors.extend(f"stored: {p}" for p in problems)

    def api_phase(self, op: str, stock: dict[str, list[int]] | None) -> Result:
        watch = CpuWatch(self.url, [self.running.process.pid])
        before = max_numbers(self.url)

        def on_ready() -> float:
            watch.start()
            return time.monotonic() + self.args.seconds

        tallies = run_threads(
            lambda job: api_client(self.running.url, self.tokens[job.index], job),
            self.jobs(op, "api", stock, 1),
            on_ready,
        )
        cpu = watch.stop()
        cpu["clients"] = cpu["own"]
        res = summarise("API", op, tallies, self.args.seconds, cpu)
        self.check(res, op, before, tallies)
        return res

    def service_phase(self, op: str, stock: dict[str, list[int]] | None) -> Result:
        watch = CpuWatch(self.url, [])
        before = max_numbers(self.url)
        jobs = self.jobs(op, "svc", stock, self.workers)
        tallies, cpu = self.pool.run(jobs, self.ids, self.args.seconds, watch)
        res = summarise("service", op, tallies, self.args.seconds, cpu)
        self.check(res, op, before, tallies)
        return res

    def run(self, out: Any) -> None:
        for op in OPERATIONS:
            stock_api = stock_svc = None
            if op == "policies":
                stock_api, stock_svc = self.stocks(out)
            for side, phase, stock in (
                ("API", self.api_phase, stock_api),
                ("service", self.service_phase, stock_svc),
            ):
                res = phase(op, stock)
                self.results[(side, op)] = res
                out.write(res.line() + "\n")
                for error in sorted(set(res.errors))[:10]:
                    out.write(f"{'':>16}error: {error}\n")
                out.flush()
            api, svc = self.results[("API", op)], self.results[("service", op)]
            p50 = percentile(sorted(api.latencies), 50) / percentile(sorted(svc.latencies), 50)
            out.write(
                f"{'':>7} {op:<8} ratio API/service: {api.rate / (svc.rate or 1):.2f} "
                f"(requests/s); p50 latency API/service {p50:.1f}\n\n"
            )
            out.flush()
        self.failed = self.failed or any(r.errors for r in self.results.values())
        out.write(
            "stored: the database holds exactly the quotes and policies answered 201 "
            + ("- FAILED, see above\n" if self.failed else "(no duplicates, no extras)\n")
        )


def kept_answers(url: str, prefix: str) -> int:
    """Idempotency keys of the phase kept with a 201 answer."""
    with get_engine(url).connect() as conn:
        return int(
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM api_idempotency WHERE key LIKE :p AND status_code = 201"
                ),
                {"p": prefix + "%"},
            ).scalar_one()
        )


def flush_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="the embedded default, 1 worker")
    parser.add_argument("--seconds", type=float, default=6.0, help="timed window per phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="default 3 (SQLite: 1)")
    parser.add_argument("--log", type=Path, default=None, help="keep the backend's log here")
    args = parser.parse_args()
    workers = args.workers or (1 if args.sqlite else 3)
    out = sys.stdout
    from tests.scale.harness import backend, prepare_database

    tmp = tempfile.TemporaryDirectory(prefix="iztim-bench-api-")
    workdir = Path(tmp.name)
    if args.sqlite:
        url, redis_url = f"sqlite:///{workdir / 'iztim.db'}", None
    else:
        url, redis_url = create_pg_database(), REDIS_URL
        flush_redis()
    os.environ["DATABASE_URL"] = url  # the service processes read their settings from it
    os.environ["IZTIM_DEMO"] = "1"
    engine = "SQLite" if args.sqlite else "PostgreSQL + Redis"
    out.write(
        f"engine: {engine}, backend workers: {workers}, clients: {args.clients}, "
        f"{args.seconds:g} s per phase\n"
        f"load average before: {Path('/proc/loadavg').read_text().strip()}\n"
    )
    out.flush()
    running = pool = None
    try:
        started = time.perf_counter()
        prepare_database(url)
        tokens, ids, owned = make_tokens(url, args.clients)
        running = backend(workdir, url, workers=workers, redis_url=redis_url)
        pool = ServicePool(url, workers)
        out.write(
            "set-up (demo installation, backend, service processes): "
            f"{time.perf_counter() - started:.1f} s\n\n"
        )
        out.flush()
        bench = Bench(args, workers, url, tokens, ids, owned, running, pool)
        bench.run(out)
    finally:
        if pool is not None:
            pool.close()
        if running is not None:
            running.stop()
            if args.log:
                args.log.write_text(running.log.read_text())
        if not args.sqlite:
            drop_pg_database(url)
            flush_redis()
        tmp.cleanup()
    return 1 if running is None or bench.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
