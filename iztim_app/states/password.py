"""Changing one's own password."""

import reflex as rx

from iztim_app.core.auth import services as auth
from iztim_app.states.session import AppState


class PasswordState(AppState):
    form_key: int = 0

    @rx.event
    def change(self, form: dict):
        ok, _ = self._call(
            auth.change_password,
            str(form.get("current", "")),
            str(form.get("new", "")),
            str(form.get("repeat", "")),
        )
        if ok:
            self.must_change_password = False
            self.message = self._text("password.changed")
            self.form_key += 1
