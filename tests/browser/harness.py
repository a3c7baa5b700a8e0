"""Starts the real app (`reflex run --env prod`) on a free port against a throw-away database."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("IZTIM_CHROMIUM", "/usr/bin/chromium")
# The browser's own language (with Debian's chromium-l10n): date inputs then read 01.12.2026,
# as a Turkish user's browser shows them, not 12/01/2026.
CHROMIUM_ENV = {**os.environ, "LANGUAGE": "tr"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=tr-TR",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        IZTIM_PORT=str(port),
        IZTIM_DEMO="1",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
        PATH=os.pathsep.join(
            [
                str(ROOT / ".tools/node_modules/.bin"),
                str(Path(sys.executable).parent),
                env.get("PATH", ""),
            ]
        ),
    )
    env.pop("REFLEX_REDIS_URL", None)
    env.update(extra or {})
    return env


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str]

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def copy_sqlite(source: Path, target: Path) -> None:
    """Copies a SQLite database page by page (SQLite's backup API), WAL pages included.

    The target may be the database of a running app: its connections see the copy at their
    next statement (the backup takes the write lock; a busy target is retried)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def prepare_database(database_url: str) -> None:
    """Migrates the database, loads the shipped tariffs and the demo installation."""
    env = app_env(database_url, 0)
    for args in (["db", "upgrade"], ["tariffs", "init"], ["demo", "load"]):
        subprocess.run([sys.executable, "-m", "iztim_app", *args], cwd=ROOT, env=env, check=True)


def start_app(
    workdir: Path,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    *,
    prepared: bool = False,
) -> RunningApp:
    """Starts the app on a free port; `prepared`: the database already holds the demo."""
    port = free_port()
    env = app_env(database_url, port, extra_env)
    if not prepared:
        for args in (["db", "upgrade"], ["tariffs", "init"], ["demo", "load"]):
            subprocess.run(
                [sys.executable, "-m", "iztim_app", *args], cwd=ROOT, env=env, check=True
            )
    log = workdir / f"reflex-{port}.log"
    with log.open("w") as fh:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reflex",
                "run",
                "--env",
                "prod",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
                "--loglevel",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = RunningApp(f"http://localhost:{port}", process, log, env)
    deadline = time.monotonic() + 420
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(app.url + "/ping", timeout=2) as resp:
                if resp.status == 200 and "App running" in log.read_text():
                    return app
        except OSError:
            pass
        time.sleep(1)
    app.stop()
    raise RuntimeError(f"the app did not start in time:\n{log.read_text()[-4000:]}")


def child_pids(pid: int) -> list[int]:
    """The process's direct children (Linux /proc); [] once it is gone."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]
