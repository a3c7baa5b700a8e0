"""The home dashboard: who I am, what I may do, my limits."""

import reflex as rx

from iztim_app.core.lines import known_lines
from iztim_app.core.money import format_try
from iztim_app.core.quotes import services as quotes
from iztim_app.states.session import AppState


class HomeState(AppState):
    permission_names: list[str] = []
    limits: list[dict[str, str]] = []
    welcome: str = ""
    office_line: str = ""
    work: dict[str, str] = {}

    @rx.event
    def load(self):
        self._fresh_screen()

        def _read(db, actor):  # noqa: ANN001
            readers = ("quote.view", "quote.create")
            summary = quotes.work_summary(db, actor) if any(map(actor.can, readers)) else None
            return actor, known_lines(db), summary

        self._act(_read, then=self._show)

    def _show(self, found) -> None:  # noqa: ANN001
        actor, lines, summary = found
        if summary is not None:
            self.work = {
                "awaiting": str(summary.awaiting),
                "approved": str(summary.approved),
                "queue": "" if summary.queue is None else str(summary.queue),
            }
        self.welcome = self._text("home.welcome", name=actor.name)
        self.office_line = self._text("home.office", office=actor.office_name)
        self.permission_names = [self._text(f"perm.{p}") for p in sorted(actor.permissions)]
        policy = dict(actor.policy_limits)
        self.limits = [
            {
                "line": lines[code].name(self.lang_pref) if code in lines else code,
                "quote": format_try(amount),
                "policy": format_try(policy.get(code, amount)),
            }
            for code, amount in actor.quote_limits
        ]
