"""Printing and e-mailing a document from any screen (quote, policy, endorsement rows).

A screen's state mixes in `DocumentActions` (before AppState) and says which document its
action names (`_document_ref`); the services decide whether it prints. E-mail is recorded
by the handler and sent by the background follow-up (`deliver_email`), outside the state
lock and any write transaction, so a slow mail server holds up no one.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import reflex as rx

from iztim_app.core.documents import services as documents
from iztim_app.core.outbox import services as outbox
from iztim_app.core.outbox.sender import sender
from iztim_app.states.session import Outcome, run_as

MAX_REF = 30
document_text = documents.document_text


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


class DocumentActions(rx.State, mixin=True):
    """Print and e-mail actions; the e-mail dialog (`email_doc`: kind, seq, label, document
    text; empty when closed) is pre-filled with the customer's address."""

    email_doc: dict[str, str] = {}
    email_address: str = ""
    _email: dict[str, str] = {}  # the e-mail just queued, for the follow-up that sends it
    _customer_email: str = ""

    # ------------------------------------------------ what the screen names (overridden)

    def _document_ref(self, kind: str, seq: str) -> str | None:
        """The reference of the document this screen shows for (kind, seq), or None."""
        raise NotImplementedError

    def _on_screen(self, email: dict[str, str]) -> bool:
        """Whether the user is still on the screen of that e-mail's document."""
        raise NotImplementedError

    def _cancellation(self, seq: str) -> bool:
        """Whether endorsement `seq` on this screen is a cancellation (named as such)."""
        return False

    def _main_kind(self) -> str:
        """The screen's own document, e-mailed when no dialog named another."""
        raise NotImplementedError

    def _ref_of(self, kind: Any, seq: Any) -> tuple[str, str] | None:
        kind = str(kind or "")[:20]
        if kind not in documents.KINDS:
            return None
        ref = self._document_ref(kind, str(seq or "")[:10])
        return (kind, ref[:MAX_REF]) if ref else None

    # ------------------------------------------------ printing

    def _print(self, kind: Any, seq: Any = "") -> Any:
        named = self._ref_of(kind, seq)
        if named is None:
            return None
        found = self._act(documents.print_document, named[0], named[1], self.lang_pref)
        if found.ok:
            printed: documents.PrintedDocument = found.value
            return rx.download(
                data=printed.content, filename=printed.filename, mime_type="application/pdf"
            )
        return None

    @rx.event
    def print_document(self, kind: str, seq: str = ""):
        """Yazdır: the PDF of the named document, downloaded (refused: said, nothing made)."""
        return self._print(kind, seq)

    # ------------------------------------------------ e-mail

    @rx.event
    def open_email(self, kind: str, seq: str = ""):
        """Opens the dialog for one document, the customer's address filled in."""
        named = self._ref_of(kind, seq)
        if named is None:
            return
        seq = str(seq or "")[:10]
        self._clear_messages()
        self.email_doc = {
            "kind": named[0],
            "seq": seq,
            "ref": named[1],
            "text": document_text(named[0], named[1], self.lang_pref, self._cancellation(seq)),
        }
        self.email_address = self._customer_email

    @rx.event
    def email_open_change(self, is_open: bool):
        if not is_open:
            self.email_doc = {}

    @rx.event
    def send_email(self, form: dict):
        """Records the e-mail and returns at once; sending is the background follow-up's."""
        doc = dict(self.email_doc) or {"kind": self._main_kind(), "seq": ""}
        named = self._ref_of(doc.get("kind"), doc.get("seq"))
        if named is None:
            return None
        kind, ref = named
        email = str(form.get("email", ""))[:200]
        queued = self._act(
            documents.queue_email, kind, ref, email, self.lang_pref, done=self._email_text
        )
        if not queued.ok:
            if not queued.field:  # not the address: the document itself was refused
                self.email_doc = {}
            return None
        self.email_doc = {}
        if outbox.mail_server_configured():
            sent: outbox.SendResult = queued.value
            self._email = {
                "id": str(sent.message_id),
                "kind": sent.kind,
                "label": sent.label,
                "document": self._sent_document(sent),
                "email": sent.recipient,
            }
            return type(self).deliver_email
        return None

    def _sent_document(self, sent: outbox.SendResult) -> str:
        return document_text(sent.kind, sent.label, self.lang_pref)

    def _email_text(self, sent: outbox.SendResult) -> str:
        status = (
            "sending"
            if sent.status == "queued" and outbox.mail_server_configured()
            else sent.status
        )
        return self._text(
            f"outbox.{status}", document=self._sent_document(sent), email=sent.recipient
        )

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
            if self._on_screen(email):
                self._show_delivery(delivered, email)
        sender.wake()  # and whatever else waits in the outbox

    def _show_delivery(self, delivered: Outcome, email: dict[str, str]) -> None:
        """Sent: a message; failed: an error; refused (e.g. signed out): as any refusal."""
        if not delivered.ok:
            self._report(delivered)
            return
        text = self._text(
            f"outbox.{delivered.value}", document=email["document"], email=email["email"]
        )
        if delivered.value == "failed":
            self._report(Outcome(False, error=text))
        else:
            self._report(delivered, done=lambda _: text)
