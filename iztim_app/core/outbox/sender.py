"""The app's own outbox sender: one daemon thread per process that sends what waits.

It sends every kind of document (quotes, policies, endorsements), and runs only when a mail
server is configured. The screen wakes it after e-mailing (so what waited before the server
was there, or failed earlier, goes out too) and it wakes by itself every few minutes to try
failed e-mails again. It works in its own thread with its own database sessions, never in an
event handler; `iztim outbox send` does the same from cron.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from iztim_app.core.db import session_scope
from iztim_app.core.outbox import services
from iztim_app.core.users.actor import operator_actor

RETRY_SECONDS = 300
log = logging.getLogger(__name__)


class BackgroundSender:
    def __init__(self, drain: Callable[[], services.RetryResult] | None = None) -> None:
        self._drain = drain or _drain_outbox
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.drained = threading.Event()  # set after each pass (for tests and diagnostics)

    def wake(self) -> bool:
        """Asks for a pass soon; starts the thread on first use. False: no mail server."""
        if not services.mail_server_configured():
            return False
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="iztim-outbox-sender", daemon=True
                )
                self._thread.start()
        self._wake.set()
        return True

    def _run(self) -> None:
        while True:
            self._wake.wait(RETRY_SECONDS)
            self._wake.clear()
            self.drained.clear()
            if services.mail_server_configured():
                try:
                    self._drain()
                except Exception:  # a broken pass must not stop later ones; it is logged
                    log.exception("outbox sender pass failed")
            self.drained.set()


def _drain_outbox() -> services.RetryResult:
    with session_scope() as db:
        return services.send_pending(db, operator_actor("outbox"))


sender = BackgroundSender()
