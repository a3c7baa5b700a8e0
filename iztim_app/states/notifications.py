"""The menu's notifications and approval-queue badge, loaded with every page."""

from __future__ import annotations

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.notifications import services as notifications
from iztim_app.core.notifications.services import NotificationSummary
from iztim_app.states.session import AppState

_HREF = {
    notifications.QUOTE: "/teklifler/detay?no={number}",
    notifications.POLICY: "/policeler/detay?no={number}",
    notifications.ENDORSEMENT: "/policeler/detay?no={number}",
}


class NotificationsState(AppState):
    unread: int = 0
    more: str = ""  # "and N more" beyond the items shown
    items: list[dict[str, str]] = []
    queue_count: int = 0
    queue_label: str = ""

    @rx.event
    def load(self):
        self._reload()

    @rx.event
    def mark_seen(self):
        outcome = self._call(notifications.mark_seen)
        if outcome.signed_out:
            self._signed_out()
            return
        self._reload()

    def _reload(self) -> None:
        """Quiet: a menu decoration never shows an error; the page reports its own."""
        outcome = self._call(notifications.summary)
        if outcome.ok:
            self._show(outcome.value)
        else:
            self._fresh_screen()

    def _show(self, summary: NotificationSummary) -> None:
        self.unread = summary.unread
        self.items = [
            {
                "text": self._text(
                    f"notifications.{n.kind}_{n.outcome}",
                    label=n.label,
                    by=n.decided_by,
                    reason=n.reason,
                ),
                "when": clock.format_date(n.decided_at),
                "href": _HREF[n.kind].format(number=n.number),
            }
            for n in summary.items
        ]
        extra = summary.unread - len(summary.items)
        self.more = self._text("notifications.more", count=extra) if extra > 0 else ""
        self.queue_count = summary.queue.total if summary.queue is not None else 0
        self.queue_label = self._text("notifications.queue_badge", count=self.queue_count)
