"""Demo-load speed: `iztim tariffs init` then `iztim demo load` into a fresh SQLite file.

    .venv/bin/python bench/demo_load.py [--budget SECONDS]

The test suite checks what the demo holds; how long loading it takes is measured here, where
a busy machine cannot turn a slow second into a failed test. Target: within the budget
(default 30 s), so `make run` on a fresh clone starts promptly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import func, select

from iztim_app import demo
from iztim_app.core import schema
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.policies.models import Policy
from iztim_app.core.quotes.models import Quote
from iztim_app.core.settings import PROJECT_ROOT
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import operator_actor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--tariffs", type=Path, default=PROJECT_ROOT / "tariffs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        schema.upgrade(url)
        with session_scope(url) as db:
            versions.load_shipped(db, operator_actor("bench"), args.tariffs)
            started = time.perf_counter()
            loaded = demo.load(db)
            seconds = time.perf_counter() - started
            count = db.exec(select(func.count(Quote.id))).one()
            policy_count = db.exec(select(func.count(Policy.id))).one()
        get_engine(url).dispose()

    out = sys.stdout
    out.write(f"demo loaded: {loaded}, quotes: {count}, policies: {policy_count}\n")
    out.write(f"demo load: {seconds:.1f} s (budget {args.budget:.0f} s)\n")
    return 0 if loaded and seconds <= args.budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
