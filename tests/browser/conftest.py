"""Browser tests: Playwright drives Debian's chromium against the started app.

Starting the app costs about 25 s (front-end build, demo load), so one app serves every
module that asks for `app`, and one more with a loopback mail server (`mail_server_app`)
the modules that e-mail. Only one app runs at a time: every `reflex run` rebuilds the one
front end in `.web`, which then calls the event socket of *its* port, so an app started
later breaks the pages of one still running. Modules are therefore run grouped by the app
they use (plain `app` first, then the mail app, then modules starting their own app, which
call `app_pool.release()` before they do).

Tests change the demo data (a disabled user, a new tariff version, a saved language...):
after each module the app's database is put back exactly as it was when the app had
started, so no module sees another's changes, in any order.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_ENV,
    SCREENSHOTS,
    RunningApp,
    child_pids,
    copy_sqlite,
    free_port,
    prepare_database,
    start_app,
)

pytestmark = pytest.mark.browser

_PLAIN, _MAIL, _OWN = 0, 1, 2  # the order modules run in, by the app they use


def _app_kind(item: pytest.Item) -> int:
    names = getattr(item, "fixturenames", ())
    if "mail_server_app" in names:
        return _MAIL
    if "app" in names:
        return _PLAIN
    return _OWN


def pytest_collection_modifyitems(items):
    slots = []
    for i, item in enumerate(items):
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            slots.append(i)
    # Group the browser modules by the app they use (stable: file order within a group).
    ordered = sorted((items[i] for i in slots), key=_app_kind)
    for i, item in zip(slots, ordered, strict=True):
        items[i] = item


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory) -> Path:  # noqa: ANN001
    """The demo installation on SQLite, built once; apps start on copies of it."""
    path = tmp_path_factory.mktemp("demo-template") / "iztim.db"
    prepare_database(f"sqlite:///{path}")
    return path


@dataclass
class SharedApp:
    """A running app on its own SQLite file and a snapshot of that file taken once it ran."""

    running: RunningApp
    database: Path
    snapshot: Path

    def restore(self) -> None:
        """Puts the database back as it was at the snapshot (the app keeps running)."""
        copy_sqlite(self.snapshot, self.database)


class _MailRelay:
    """The SMTP handler of the session's mail server: hands each message to the inbox of the
    module running now; with none, the server answers "try later" (the outbox retries)."""

    def __init__(self) -> None:
        self.inbox = None

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        inbox = self.inbox
        if inbox is None:
            return "451 no test is receiving mail now"
        return await inbox.handle_DATA(server, session, envelope)


class AppPool:
    """The session's apps, at most one running: `get(kind)` stops another kind first."""

    def __init__(self, tmp_path_factory, template: Callable[[], Path]) -> None:  # noqa: ANN001
        self._tmp = tmp_path_factory
        self._template = template
        self._kind: str | None = None
        self._shared: SharedApp | None = None
        self._smtp = None
        self.relay = _MailRelay()

    def _mail_env(self) -> dict[str, str]:
        if self._smtp is None:
            from aiosmtpd.controller import Controller

            self._smtp = Controller(self.relay, hostname="127.0.0.1", port=free_port())
            self._smtp.start()
        return {
            "IZTIM_SMTP_HOST": "127.0.0.1",
            "IZTIM_SMTP_PORT": str(self._smtp.port),
            "IZTIM_SMTP_FROM": "police@iztim.test",
        }

    def get(self, kind: str) -> SharedApp:
        if self._kind != kind:
            self.release()
            env = self._mail_env() if kind == "mail" else None
            workdir = self._tmp.mktemp(f"{kind}-app")
            database = workdir / "iztim.db"
            copy_sqlite(self._template(), database)
            running = start_app(workdir, f"sqlite:///{database}", env, prepared=True)
            snapshot = workdir / "snapshot.db"
            copy_sqlite(database, snapshot)
            self._kind, self._shared = kind, SharedApp(running, database, snapshot)
        assert self._shared is not None
        return self._shared

    def release(self) -> None:
        """Stops the running app (a module about to start an app of its own calls this)."""
        if self._shared is not None:
            self._shared.running.stop()
        self._kind = self._shared = None

    def close(self) -> None:
        self.release()
        if self._smtp is not None:
            self._smtp.stop()


@pytest.fixture(scope="session")
def app_pool(tmp_path_factory, request) -> Iterator[AppPool]:  # noqa: ANN001
    pool = AppPool(tmp_path_factory, lambda: request.getfixturevalue("demo_sqlite_template"))
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def app(app_pool: AppPool) -> Iterator[RunningApp]:
    """The session's app on the demo data (no mail server: e-mails wait in the outbox);
    whatever the module changed is undone when it ends."""
    shared = app_pool.get("plain")
    yield shared.running
    shared.restore()


@dataclass
class MailServerApp:
    shared: SharedApp
    relay: _MailRelay

    @property
    def running(self) -> RunningApp:
        return self.shared.running

    @property
    def database(self) -> Path:
        return self.shared.database

    @contextlib.contextmanager
    def delivering_to(self, inbox) -> Iterator[RunningApp]:  # noqa: ANN001
        """Mail goes to `inbox` inside the block; the database is restored after it."""
        self.relay.inbox = inbox
        try:
            yield self.running
        finally:
            self.relay.inbox = None
            self.shared.restore()


@pytest.fixture(scope="module")
def mail_server_app(app_pool: AppPool) -> MailServerApp:
    """The session's app whose outbox sender mails to a real SMTP server on loopback
    (aiosmtpd); a module receives with `delivering_to(inbox)`."""
    return MailServerApp(app_pool.get("mail"), app_pool.relay)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=CHROMIUM_ENV)
        yield browser
        browser.close()


class Screens:
    """Saves named screenshots for a person to look at after the run."""

    def __init__(self, prefix: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix

    def __call__(self, page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{self.prefix}-{name}.png"), full_page=True)


@pytest.fixture
def shot(request):
    return Screens(request.node.name.replace("test_", ""))


@pytest.fixture
def new_page(browser):
    """Opens pages in a Turkish locale; fails the test on any console error."""
    contexts = []
    errors: list[str] = []

    def _open(locale: str = "tr-TR"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 860})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    yield _open
    with _renderer_watchdog(CLOSE_PATIENCE):
        for context in contexts:
            context.close()
    assert errors == [], f"browser console errors: {errors}"


# Closing a context once hung for minutes on one Chromium renderer after the test had passed
# (killing that renderer by hand let the close finish at once): past this many seconds the
# run's renderers are killed, with a note on stderr, so CI never idles to its time limit.
CLOSE_PATIENCE = 60.0


def _renderers(root: int) -> list[int]:
    """Chromium renderer processes anywhere below `root`."""
    found, stack = [], child_pids(root)
    while stack:
        pid = stack.pop()
        stack.extend(child_pids(pid))
        with contextlib.suppress(OSError):
            if b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
    return found


@contextlib.contextmanager
def _renderer_watchdog(seconds: float) -> Iterator[None]:
    def fire() -> None:
        hung = _renderers(os.getpid())
        sys.stderr.write(f"\nbrowser context close hung {seconds:g} s: killing renderers {hung}\n")
        for pid in hung:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
