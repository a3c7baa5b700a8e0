"""Running services at the same moment: each job in its own thread and session, all
released at one barrier (shared by the quote, policy, endorsement and payment races)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from iztim_app.core.db import session_scope


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
