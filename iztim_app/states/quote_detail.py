"""One quote by number: its data, price, worksheet, approval trail and actions."""

from __future__ import annotations

import time
from functools import partial

import reflex as rx

from iztim_app.core.lines import known_lines
from iztim_app.core.outbox import services as outbox
from iztim_app.core.outbox.sender import sender
from iztim_app.core.quotes import rules
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.states.quote_views import taxes_rows, view_dict, worksheet_rows
from iztim_app.states.session import AppState, Outcome, run_as


def deliver_and_wait(token: str, lang: str, message_id: int, wait_seconds: int = 20) -> Outcome:
    """Sends one queued e-mail as the user; if another sender has it just now, waits a little
    for that one's result. Plain code for a worker thread: no state, no event loop."""
    delivered = run_as(token, lang, outbox.deliver, message_id, lang)
    for _ in range(wait_seconds):
        if not delivered.ok or delivered.value != "sending":
            break
        time.sleep(1)
        delivered = run_as(token, lang, outbox.status_of, message_id)
    return delivered


class QuoteDetailState(AppState):
    quote: dict[str, str] = {}
    values: list[dict[str, str]] = []
    taxes: list[dict[str, str]] = []
    worksheet: list[dict[str, str]] = []
    can_decide: bool = False
    # approved, unexpired, not yet a policy, and the user issues policies
    can_convert: bool = False
    _email: dict[str, str] = {}  # the e-mail just queued, for the follow-up that sends it

    def _show(self, number: str) -> Outcome:
        """Shows quote `number` as it is now (or nothing) and returns how reading it went."""
        lang = self.lang_pref

        def _get(db, actor):  # noqa: ANN001
            view = quotes.get_quote(db, actor, number)
            lines = known_lines(db)
            rows = quotes.field_rows(db, view, lang)
            tariff = versions.tariff_set_of(db.get(versions.TariffVersion, view.tariff_version_id))
            labels = LineLabels.of(tariff, view.line_code, lang)  # as it was priced
            can_decide = (
                view.status == "awaiting_approval"
                and actor.can("quote.approve")
                and rules.within_limit(actor.quote_limit(view.line_code), view.sum_insured)
            )
            can_convert = (
                view.can_print and view.policy_number is None and actor.can("policy.issue")
            )
            return (
                view,
                {c: li.name(lang) for c, li in lines.items()},
                labels,
                rows,
                can_decide,
                can_convert,
            )

        # Nothing of a quote shown before may stay when this one cannot be shown.
        self.quote, self.values, self.taxes, self.worksheet, self.can_decide = {}, [], [], [], False
        self.can_convert = False
        found = self._call(_get)
        if not found.ok:
            return found
        view, names, labels, rows, can_decide, can_convert = found.value
        self.quote = view_dict(view, lang, names, labels.data["groups"])
        self.values = [{"label": label, "value": value} for label, value in rows]
        self.taxes = taxes_rows(view)
        self.worksheet = worksheet_rows(view.worksheet, lang, labels)
        self.can_decide = can_decide
        self.can_convert = can_convert
        return found

    @rx.event
    def load(self):
        self._fresh_screen()
        params = self.router.url.query_parameters
        saved = bool(params.get("kaydedildi"))
        self._report(
            self._show(str(params.get("no", ""))[:20]), done=self._saved_text if saved else None
        )

    def _saved_text(self, _) -> str:  # noqa: ANN001
        key = "quote.saved_awaiting" if self.quote.get("awaiting") else "quote.saved_approved"
        return self._text(key, number=self.quote["number"])

    @rx.event
    def approve(self):
        number = self.quote.get("number", "")
        # Refused or not, the quote is shown as it now is (someone may have decided it).
        self._act(
            quotes.approve,
            number,
            then=lambda _: self._show(number),
            then_after_refusal=True,
            done=lambda view: self._text("quote.approved_msg", number=view.number),
        )

    @rx.event
    def reject(self, form: dict):
        number = self.quote.get("number", "")
        reason = str(form.get("reason", ""))[:400]
        self._act(
            quotes.reject,
            number,
            reason,
            then=lambda _: self._show(number),
            done=lambda view: self._text("quote.rejected_msg", number=view.number),
        )

    @rx.event
    def print_pdf(self):
        found = self._act(quotes.quote_document, self.quote.get("number", ""), self.lang_pref)
        if found.ok:
            printed = found.value
            return rx.download(
                data=printed.content, filename=printed.filename, mime_type="application/pdf"
            )

    @rx.event
    def send_email(self, form: dict):
        """Records the e-mail and returns at once; sending is the background follow-up's."""
        number = self.quote.get("number", "")
        email = str(form.get("email", ""))[:200]
        queued = self._act(outbox.queue_quote, number, email, self.lang_pref, done=self._email_text)
        if queued.ok and outbox.mail_server_configured():
            self._email = {
                "id": str(queued.value.message_id),
                "number": str(queued.value.number),
                "email": queued.value.recipient,
            }
            return QuoteDetailState.deliver_email

    def _email_text(self, sent: outbox.SendResult) -> str:
        status = (
            "sending"
            if sent.status == "queued" and outbox.mail_server_configured()
            else sent.status
        )
        return self._text(f"outbox.{status}", number=sent.number, email=sent.recipient)

    @rx.event(background=True)
    async def deliver_email(self):
        """Sends the e-mail just queued, outside the state lock and any write transaction (a
        slow mail server holds up no one), then shows how it went: sent or failed."""
        async with self:
            email, self._email = dict(self._email), {}
            token, lang = self._token(), self.lang_pref
        if not email.get("id"):
            return
        delivered = await rx.run_in_thread(partial(deliver_and_wait, token, lang, int(email["id"])))
        async with self:
            if self.quote.get("number") == email["number"]:  # still on that quote's screen
                self._show_delivery(delivered, email)
        sender.wake()  # and whatever else waits in the outbox

    def _show_delivery(self, delivered: Outcome, email: dict[str, str]) -> None:
        """Sent: a message; failed: an error; refused (e.g. signed out): as any refusal."""
        if not delivered.ok:
            self._report(delivered)
            return
        text = self._text(f"outbox.{delivered.value}", number=email["number"], email=email["email"])
        if delivered.value == "failed":
            self._report(Outcome(False, error=text))
        else:
            self._report(delivered, done=lambda _: text)

    @rx.event
    def revise(self):
        return rx.redirect(f"/teklifler/yeni?revize={self.quote.get('number', '')}")
