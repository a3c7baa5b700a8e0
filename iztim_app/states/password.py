"""Changing one's own password."""

import reflex as rx

from iztim_app.core.auth import services as auth
from iztim_app.states.session import AppState


class PasswordState(AppState):
    form_key: int = 0

    @rx.event
    def change(self, form: dict):
        self._act(
            auth.change_password,
            str(form.get("current", "")),
            str(form.get("new", "")),
            str(form.get("repeat", "")),
            then=self._changed,
            done="password.changed",
        )

    def _changed(self, _) -> None:  # noqa: ANN001
        self.must_change_password = False
        self.form_key += 1
