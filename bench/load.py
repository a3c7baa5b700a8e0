"""Load: round trip of "price and save a quote" over the real event socket, with many staff
tabs at once, against the service layer called in-process with the same concurrency.

    .venv/bin/python bench/load.py [--sessions 100] [--seconds 20] [--workers 3]
                                   [--think 1.0] [--sqlite] [--redis-url URL]

Default: a new PostgreSQL database made from the demo installation (schema, tariffs, demo
data; dropped afterwards), Redis state, `--workers` granian workers (`reflex run --env prod
--backend-only`, tests/scale/harness.py). `--sqlite`: the embedded default instead (a
SQLite file, one worker, state in memory). Each tab signs in the way the browser does,
fills the new-quote form once, then for `--seconds` types a new sum insured (the form
prices) and saves, pausing `--think` seconds on average (uniform 0…2×) before each, as a
user reads the screen; `--think 0` is a closed loop that measures saturation instead.

Printed: p50/p95/p99 of the price event, the save event and both together; the same
price + save through the services (session check, preview, save_quote) from as many
threads in this process, with the same pauses, on the same database; their ratio; and the
backend's peak memory over the server process tree, sampled from /proc every 0.2 s, two
ways: summed RSS and summed PSS (`smaps_rollup`), and per process. Reflex 0.10 on Linux
imports the app in the server process, `gc.freeze()`s it and then lets granian fork the
workers (`reflex.utils.exec._preload_for_fork`; the `fork` start method, Python's default
before 3.14; it spawns instead only while a telemetry send is still running — this run
checks and prints which). So the workers' copy-on-write pages (the imported code and
data, libraries) are counted once per process by RSS but exist once; PSS splits each
shared page among the processes sharing it, so its sum is the memory the backend really
takes (with spawned workers it is still right: less is shared). The memory target is
judged on PSS; RSS is printed beside it. A consequence for lazy imports: a library every
worker ends up using is cheaper imported before the fork (once, shared) than on first use
(a private copy per worker); only what most workers never load is worth deferring.
Targets: p95 of price + save under 150 ms with 100 tabs, memory under 500 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iztim_app.core import clock  # noqa: E402
from iztim_app.core.auth import services as auth  # noqa: E402
from iztim_app.core.customers import services as customers  # noqa: E402
from iztim_app.core.db import get_engine, session_scope  # noqa: E402
from iztim_app.core.quotes import services as quotes  # noqa: E402
from iztim_app.core.sessions import services as sessions  # noqa: E402
from iztim_app.demo import DEMO_PASSWORD  # noqa: E402
from tests.scale.harness import Backend, backend, prepare_database  # noqa: E402
from tests.scale.ws_client import FORMS, STAFF, run_sessions  # noqa: E402

LINE = "konut"


# ------------------------------------------------------------------ figures


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds (nearest rank)."""
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered) + 0.5) - 1))] * 1000

    return {"n": len(ordered), "p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99)}


def line_of(name: str, values: list[float]) -> str:
    p = percentiles(values)
    return (
        f"  {name:<22} n={p['n']:>6}  p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms  "
        f"p99 {p['p99']:7.1f} ms"
    )


# ------------------------------------------------------------------ memory


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        found.append(p)
        try:
            stack += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            pass
    return found


def _rss_pss_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of one process (`smaps_rollup`: the kernel sums its mappings)."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def _forked(pid: int) -> bool:
    """Whether a worker was forked (its command line is its parent's) rather than spawned
    (a fresh interpreter started by `multiprocessing.spawn`, which imports the app again)."""
    try:
        parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes()
            == Path(f"/proc/{parent}/cmdline").read_bytes()
        )
    except OSError:
        return False


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its descendants have used so far."""
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class MemorySampler(threading.Thread):
    """Peaks of the summed RSS and of the summed PSS of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak = self.peak_pss = 0.0
        self.peak_parts: dict[int, float] = {}
        self.peak_pss_parts: dict[int, float] = {}
        self._halt = threading.Event()

    def sample(self) -> None:
        both = {p: _rss_pss_mb(p) for p in _tree(self.pid)}
        rss = {p: r for p, (r, _) in both.items()}
        pss = {p: s for p, (_, s) in both.items()}
        if sum(rss.values()) > self.peak:
            self.peak, self.peak_parts = sum(rss.values()), rss
        if sum(pss.values()) > self.peak_pss:
            self.peak_pss, self.peak_pss_parts = sum(pss.values()), pss

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


# ------------------------------------------------------------------ the socket side


def socket_run(running: Backend, args: argparse.Namespace) -> dict[str, list[float]]:
    sampler = MemorySampler(running.process.pid)
    sampler.sample()
    idle, idle_pss = sampler.peak, sampler.peak_pss
    idle_parts = {p: (sampler.peak_pss_parts[p], sampler.peak_parts[p]) for p in sampler.peak_parts}
    sampler.start()
    t0 = time.monotonic()
    quoting: dict[str, float] = {}

    def started(_: object) -> None:
        # CPU from here on is the quoting only (sign-ins and first forms are done).
        quoting.update(backend=_cpu_seconds(running.process.pid), client=time.process_time())
        quoting["wall"] = time.monotonic()

    runs = asyncio.run(
        run_sessions(
            running.url,
            STAFF,
            args.sessions,
            args.seconds,
            DEMO_PASSWORD,
            full_form=False,
            think=args.think,
            on_started=started,
        )
    )
    wall = time.monotonic() - t0
    backend_cpu = _cpu_seconds(running.process.pid) - quoting["backend"]
    client_cpu = time.process_time() - quoting["client"]
    quoting_wall = time.monotonic() - quoting["wall"]
    sampler.stop()
    problems = [p for r in runs for p in r.problems]
    timings: dict[str, list[float]] = {}
    for r in runs:
        for kind, values in r.timings.by_kind.items():
            timings.setdefault(kind, []).extend(values)
    saved = sum(len(r.saved) for r in runs)
    print(f"socket: {args.sessions} tabs, {saved} quotes saved in {args.seconds} s of quoting")
    print(f"  (sign-in and first form included: {wall:.1f} s wall)")
    if problems:
        print(f"  PROBLEMS ({len(problems)}): {problems[:5]}")
    for kind in ("price", "save", "price+save"):
        print(line_of(kind, timings.get(kind, [])))
    events = len(timings.get("price", [])) + len(timings.get("save", []))
    # CPU per event does not depend on what else the machine runs, unlike the latencies.
    print(
        f"  CPU while quoting ({quoting_wall:.1f} s): backend {backend_cpu:.1f} s "
        f"({backend_cpu / max(events, 1) * 1000:.1f} ms per price or save event, "
        f"{backend_cpu / quoting_wall * 100:.0f} % of one core), this client {client_cpu:.1f} s"
    )
    workers = len(running.worker_pids())
    for name, first, peak, at_peak in (
        ("PSS", idle_pss, sampler.peak_pss, sampler.peak_pss_parts),
        ("RSS", idle, sampler.peak, sampler.peak_parts),
    ):
        parts = ", ".join(f"{mb:.0f}" for mb in sorted(at_peak.values(), reverse=True))
        print(
            f"  backend memory ({name}): idle {first:.0f} MB, peak {peak:.0f} MB "
            f"({len(at_peak)} processes, {workers} workers: {parts} MB)"
        )
    # Per process: PSS / RSS when idle and at the PSS peak (the server first, then workers).
    roles = {running.process.pid: "server"}
    roles |= {p: f"worker {i}" for i, p in enumerate(running.worker_pids(), 1)}
    print("  per process, PSS / RSS MB, idle -> at the PSS peak:")
    for pid, role in roles.items():
        before = idle_parts.get(pid, (0.0, 0.0))
        at = (sampler.peak_pss_parts.get(pid, 0.0), sampler.peak_parts.get(pid, 0.0))
        print(f"    {role:<9} {before[0]:4.0f} / {before[1]:4.0f} -> {at[0]:4.0f} / {at[1]:4.0f}")
    forked = [_forked(p) for p in running.worker_pids()]
    print(
        "  workers forked from the server after it imported the app: "
        + ("yes (shared pages counted once by PSS)" if all(forked) else f"NO {forked}")
    )
    timings["_memory_peak"] = [sampler.peak_pss]
    timings["_memory_peak_rss"] = [sampler.peak]
    return timings


# ------------------------------------------------------------------ the service layer


def service_run(url: str, args: argparse.Namespace) -> dict[str, list[float]]:
    """The same price + save through the services, one thread per session."""
    engine_url = url
    tokens: list[tuple[str, str]] = []
    with session_scope(engine_url) as db:
        for i in range(args.sessions):
            code = STAFF[i % len(STAFF)]
            result = auth.sign_in(db, code, DEMO_PASSWORD, source="127.0.0.1")
            token = sessions.redeem_handoff(db, result.handoff)
            assert token
            tokens.append((code, token))

    def call(token: str, service, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        # What `run_as` does for a screen: the session from the token, then the service.
        with session_scope(engine_url) as db:
            actor = sessions.resolve_session(db, token)
            assert actor is not None
            return service(db, actor, *a, **kw)

    timings: dict[str, list[float]] = {"price": [], "save": [], "price+save": []}
    lock = threading.Lock()
    errors: list[str] = []
    stop_at = [0.0]
    # The clock starts when the last thread is ready, before any is released.
    start = threading.Barrier(
        args.sessions + 1, action=lambda: stop_at.__setitem__(0, time.monotonic() + args.seconds)
    )

    def session(i: int, token: str) -> None:
        pause = random.Random(i)
        found = call(token, customers.find_customers, "", 1, 10)
        customer = found.rows[i % len(found.rows)]
        start.wait()
        rounds = 0
        mine: dict[str, list[float]] = {"price": [], "save": [], "price+save": []}
        while time.monotonic() < stop_at[0]:
            amount = f"{(300 + (i * 7 + rounds * 13) % 400) * 1000:,}".replace(",", ".")
            inp = quotes.QuoteInput(
                line_code=LINE,
                customer_id=customer.id,
                sum_insured=amount,
                start_date=clock.today(),
                values=dict(FORMS[LINE]),
            )
            try:
                if args.think:
                    time.sleep(pause.uniform(0, 2 * args.think))
                t0 = time.perf_counter()
                call(token, quotes.preview, inp)
                priced = time.perf_counter() - t0
                if args.think:
                    time.sleep(pause.uniform(0, 2 * args.think))
                t0 = time.perf_counter()
                call(token, quotes.save_quote, inp)
                saved = time.perf_counter() - t0
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
                return
            mine["price"].append(priced)
            mine["save"].append(saved)
            mine["price+save"].append(priced + saved)
            rounds += 1
        with lock:
            for k, v in mine.items():
                timings[k].extend(v)

    threads = [
        threading.Thread(target=session, args=(i, token), daemon=True)
        for i, (_, token) in enumerate(tokens)
    ]
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join()
    print(
        f"in-process services: {args.sessions} threads, {len(timings['save'])} quotes saved "
        f"in {args.seconds} s"
    )
    if errors:
        print(f"  ERRORS ({len(errors)}): {errors[:3]}")
    for kind in ("price", "save", "price+save"):
        print(line_of(kind, timings[kind]))
    return timings


# ------------------------------------------------------------------ main


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause (s) per step")
    parser.add_argument("--sqlite", action="store_true", help="SQLite, one worker, no Redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--template", help="copy this PostgreSQL demo database instead of building one"
    )
    parser.add_argument("--db-prefix", default="iztim_bench_load", help="the new database's name")
    args = parser.parse_args()
    if args.sqlite:
        args.workers = 1

    from tests.postgres import database  # noqa: PLC0415

    workdir = Path(tempfile.mkdtemp(prefix="iztim-load-"))
    setup = (
        "SQLite, 1 worker, memory state"
        if args.sqlite
        else f"PostgreSQL + Redis, {args.workers} workers"
    )
    print(
        f"bench/load.py: {args.sessions} sessions, {args.seconds:g} s, think {args.think:g} s, "
        f"{setup}"
    )
    print(f"  load before: {Path('/proc/loadavg').read_text().strip()}  ({os.cpu_count()} CPUs)")

    def run(url: str, fresh: bool = True) -> None:
        t0 = time.monotonic()
        if fresh:
            prepare_database(url)
        print(f"  demo database ready in {time.monotonic() - t0:.0f} s")
        redis_url = None
        if not args.sqlite:
            import redis  # noqa: PLC0415

            client = redis.Redis.from_url(args.redis_url)
            client.flushdb()
            client.close()
            redis_url = args.redis_url
        running = backend(workdir, url, workers=args.workers, redis_url=redis_url)
        try:
            sock = socket_run(running, args)
        finally:
            running.stop()
        errors = [
            line
            for line in running.log.read_text().splitlines()
            if any(w in line for w in ("Traceback", "ERROR", "Error", "Exception"))
        ]
        if errors:
            print(f"  BACKEND LOG ERRORS ({len(errors)}): {errors[:3]}  (log {running.log})")
        if args.skip_baseline:
            return
        base = service_run(url, args)
        get_engine(url).dispose()
        for kind in ("price", "save", "price+save"):
            s, b = percentiles(sock.get(kind, [])), percentiles(base[kind])
            if b["p50"] and b["p95"]:
                print(
                    f"  ratio socket/in-process {kind:<10}: p50 {s['p50'] / b['p50']:5.1f}x  "
                    f"p95 {s['p95'] / b['p95']:5.1f}x"
                )
        p95 = percentiles(sock.get("price+save", []))["p95"]
        peak, peak_rss = sock["_memory_peak"][0], sock["_memory_peak_rss"][0]
        print(
            f"  target p95 price+save < 150 ms: {'met' if p95 < 150 else 'MISSED'} ({p95:.0f} ms);"
            f" memory (PSS) < 500 MB: {'met' if peak < 500 else 'MISSED'} ({peak:.0f} MB;"
            f" summed RSS {peak_rss:.0f} MB)"
        )
        if base["save"]:
            print(f"  (mean in-process save {statistics.mean(base['save']) * 1000:.1f} ms)")

    if args.sqlite:
        run(f"sqlite:///{workdir / 'iztim.db'}")
    else:
        with database(args.db_prefix, template=args.template) as url:
            run(url, fresh=args.template is None)
    print(f"  load after: {Path('/proc/loadavg').read_text().strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
