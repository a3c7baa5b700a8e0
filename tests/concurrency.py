"""Running services at the same moment: each job in its own thread and session, all
released at one barrier (shared by the quote, policy, endorsement and payment races)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core.db import get_engine, session_scope


@dataclass
class Outcome:
    results: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def run_together(jobs: list[Callable[[Session], object]], url: str) -> Outcome:
    """Each job in its own thread and session; all start at one barrier."""
    barrier = threading.Barrier(len(jobs))
    outcome = Outcome()
    lock = threading.Lock()

    def worker(job: Callable[[Session], object]) -> None:
        try:
            with session_scope(url) as db:
                db.connection()  # connect before the barrier: the race is the service, not the pool
                db.rollback()
                barrier.wait(timeout=60)
                result = job(db)
            with lock:
                outcome.results.append(result)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            with lock:
                outcome.errors.append(exc)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return outcome


class GapWatcher:
    """Another user refreshing a numbered list while a race runs: records every snapshot in
    which the numbers so far are not `first, first+1, …` (a hole a reader could see)."""

    def __init__(self, url: str, table: str, first: int, pause: float = 0.005) -> None:
        self.url, self.table, self.first, self.pause = url, table, first, pause
        self.gaps: list[list[int]] = []
        self.snapshots = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def _watch(self) -> None:
        query = sa.text(f"SELECT number FROM {self.table} ORDER BY number")  # noqa: S608 (test)
        engine = get_engine(self.url)
        while not self._done.is_set():
            with engine.connect() as conn:
                found = [n for (n,) in conn.execute(query)]
            self.snapshots += 1
            if found != list(range(self.first, self.first + len(found))):
                self.gaps.append(found)
            time.sleep(self.pause)

    def __enter__(self) -> GapWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=30)
