"""A private PostgreSQL cluster for tests that stop and restart the server: initdb into a
directory of its own under /tmp, its own free port (loopback only) and socket directory,
trust authentication, run as the `postgres` user. The system server is never touched.

    with private_cluster() as pg:
        url = pg.create_database("iztim")
        pg.restart()                 # pg_ctl restart -m fast
        pg.stop(); ...; pg.start()

Run as `postgres` through runuser when we are root, else as the current user. Skipped on a
developer machine without the PostgreSQL server binaries, a failure on CI
(`tests.postgres.unavailable`)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from tests.browser.harness import free_port
from tests.postgres import PG_HOST, PG_PORT, unavailable

BIN = Path(os.environ.get("IZTIM_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "postgres"
# Durability is not what these tests are about: no fsync keeps the cluster cheap.
SETTINGS = ("fsync=off", "full_page_writes=off", "synchronous_commit=off", "max_connections=100")


def _as_root() -> bool:
    return os.geteuid() == 0


def _as_postgres(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """As the `postgres` user when we are root (the server refuses to run as root), else
    as ourselves (a CI user: the cluster's superuser is still named postgres)."""
    return subprocess.run(
        ["runuser", "-u", USER, "--", *args] if _as_root() else list(args),
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _missing() -> str | None:
    for tool in ("initdb", "pg_ctl", "pg_dump", "pg_restore"):
        if not (BIN / tool).exists():
            return f"{BIN / tool} missing"
    if _as_root():
        if shutil.which("runuser") is None:
            return "runuser is needed to run a private PostgreSQL as postgres"
        try:
            pwd.getpwnam(USER)
        except KeyError:
            return f"no {USER} user"
    return None


@dataclass
class PrivateCluster:
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def sockets(self) -> Path:
        return self.root / "sockets"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{name}"

    def _ctl(self, *args: str) -> None:
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args)

    def _options(self) -> tuple[str, ...]:
        """The server's log file (never our pipes: the server outlives pg_ctl) and options."""
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        options += "".join(f" -c {s}" for s in SETTINGS)
        return ("-l", str(self.log), "-o", options)

    def start(self) -> None:
        self._ctl(*self._options(), "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def restart(self, mode: str = "fast") -> None:
        """pg_ctl restart: every connection is cut, the server is back with the same data."""
        self._ctl(*self._options(), "-m", mode, "restart")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname=dbname, autocommit=True
        )

    def create_database(self, name: str, from_database: str | None = None) -> str:
        """A new database; with `from_database` (a database of the system server, e.g. the
        session's demo template) a copy of it by pg_dump | pg_restore."""
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        if from_database:
            dump = self.root / f"{from_database}.dump"
            subprocess.run(
                [
                    str(BIN / "pg_dump"),
                    "-Fc",
                    "-h",
                    PG_HOST,
                    "-p",
                    str(PG_PORT),
                    "-U",
                    USER,
                    "-f",
                    str(dump),
                    from_database,
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            subprocess.run(
                [
                    str(BIN / "pg_restore"),
                    "--no-owner",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    USER,
                    "-d",
                    name,
                    str(dump),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
        return self.url(name)


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """A started private cluster, stopped (immediate) and removed when the block ends."""
    reason = _missing()
    if reason:
        unavailable(f"private PostgreSQL cluster: {reason}")
    root = Path(tempfile.mkdtemp(prefix="iztim-pg-"))
    if _as_root():
        owner = pwd.getpwnam(USER)
        os.chown(root, owner.pw_uid, owner.pw_gid)
    root.chmod(0o700)
    cluster = PrivateCluster(root=root, port=free_port())
    try:
        _as_postgres(
            str(BIN / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
            timeout=120,
        )
        _as_postgres("mkdir", "-p", str(cluster.sockets))
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            try:
                cluster.stop("immediate")
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(root, ignore_errors=True)
