"""Several backend workers (`reflex run --env prod --backend-only`, granian) on PostgreSQL
with Redis state, started for real on a free loopback port.

No front end is built: the socket protocol and the HTTP routes are the back end's. A
worker is one of granian's child processes; killing one with SIGKILL is a crash, not a
shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.harness import ROOT, app_env, child_pids, free_port


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "iztim_app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_database(database_url: str) -> None:
    """Schema, tariff version 1 and the demo data: what `make run` gives a newcomer."""
    env = app_env(database_url, 0)
    for args in (("db", "upgrade"), ("tariffs", "init"), ("demo", "load")):
        run_cli(env, *args)


@dataclass
class Backend:
    url: str
    port: int
    database_url: str
    env: dict[str, str]
    log: Path
    workers: int
    process: subprocess.Popen | None = None
    starts: int = field(default=0)

    def start(self, timeout: float = 120) -> None:
        self.starts += 1
        fh = self.log.open("a")
        fh.write(f"\n===== start {self.starts} =====\n")
        fh.flush()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reflex",
                "run",
                "--env",
                "prod",
                "--backend-only",
                "--backend-port",
                str(self.port),
                "--loglevel",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 120) -> None:
        """Until /ping answers and every worker is up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the backend exited early:\n{self.log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(self.url + "/ping", timeout=2) as resp:
                    if resp.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the backend did not start in time:\n{self.log.read_text()[-4000:]}")

    def worker_pids(self) -> list[int]:
        """granian's worker processes (children of the server process under reflex)."""
        if self.process is None:
            return []
        found: list[int] = []
        stack = child_pids(self.process.pid)
        while stack:
            pid = stack.pop()
            kids = child_pids(pid)
            if kids:
                stack.extend(kids)
                # the granian server is the parent of the workers; it is not one itself
                continue
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"python" in cmd or b"granian" in cmd or not cmd:
                found.append(pid)
        return sorted(found)

    def kill_worker(self, pid: int | None = None) -> int:
        """SIGKILL one worker (the first if none is named): a crash in mid-request."""
        pid = pid or self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def backend(
    workdir: Path,
    database_url: str,
    *,
    workers: int = 3,
    redis_url: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Backend:
    """A started backend; call `.stop()` when done."""
    port = free_port()
    extra = {"GRANIAN_WORKERS": str(workers), **(extra_env or {})}
    if redis_url:
        extra["REFLEX_REDIS_URL"] = redis_url
    env = app_env(database_url, port, extra)
    running = Backend(
        url=f"http://127.0.0.1:{port}",
        port=port,
        database_url=database_url,
        env=env,
        log=workdir / f"backend-{port}.log",
        workers=workers,
    )
    running.start()
    return running
