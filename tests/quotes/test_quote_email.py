"""E-mailing an approved quote as PDF through the outbox, with a real SMTP server on loopback.

Queueing commits the outbox row and sends nothing; a sender (the screen's follow-up, the
app's background sender, `iztim outbox send`) sends it with no transaction open."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.outbox import services as outbox
from iztim_app.core.outbox.models import OutboxMessage
from iztim_app.core.outbox.sender import BackgroundSender
from iztim_app.core.users.actor import operator_actor
from tests.foundation.support import use_settings
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, save, who


class Inbox:
    """Collects what the SMTP server receives; `delay` makes it a slow mail server."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.delay = delay
        self.receiving = threading.Event()  # set when a message's data has started to arrive

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.receiving.set()
        await asyncio.sleep(self.delay)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(monkeypatch, inbox: Inbox) -> Controller:  # noqa: ANN001
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    configured = dataclasses.replace(
        outbox.settings,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_from="teklif@iztim.test",
    )
    monkeypatch.setattr(outbox, "settings", configured)
    return controller


@pytest.fixture
def smtp(monkeypatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = _serve(monkeypatch, inbox)
    yield inbox
    controller.stop()


@pytest.fixture
def slow_smtp(monkeypatch) -> Iterator[Inbox]:
    """A mail server that takes 3 s to accept each message."""
    inbox = Inbox(delay=3.0)
    controller = _serve(monkeypatch, inbox)
    yield inbox
    controller.stop()


def _outbox(db: Session) -> list[tuple[str, str, int, str, int]]:
    db.expire_all()
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    result = [(m.recipient, m.status, m.document_number, m.created_by, m.attempts) for m in rows]
    db.rollback()
    return result


def _queue(db: Session, code: str, number: int, to: str = "musteri@example.com"):  # noqa: ANN202
    return outbox.queue_quote(db, who(db, code), number, to, today=TODAY)


def test_an_approved_quote_is_queued_at_once_then_mailed_with_its_pdf(
    db: Session, customers: Customers, smtp: Inbox
):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    # when it is e-mailed: recorded, and nothing sent yet
    queued = _queue(db, "gm.onay", quote.number)
    assert (queued.status, queued.recipient, queued.number) == (
        "queued",
        "musteri@example.com",
        quote.number,
    )
    assert smtp.messages == []
    assert _outbox(db) == [("musteri@example.com", "queued", quote.number, "gm.onay", 0)]
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "quote.email")).one()
    assert audit.after == {"recipient": "musteri@example.com", "status": "queued", "lang": "tr"}

    # then the follow-up sends it
    status = outbox.deliver(db, who(db, "gm.onay"), queued.message_id, today=TODAY)
    assert status == "sent"
    assert len(smtp.messages) == 1
    sender, recipients, content = smtp.messages[0]
    assert (sender, recipients) == ("teklif@iztim.test", ["musteri@example.com"])
    mail = email.message_from_bytes(content)
    assert str(email.header.make_header(email.header.decode_header(mail["Subject"]))) == (
        f"Sigorta teklifiniz: {quote.number}"
    )
    attachments = [part for part in mail.walk() if part.get_content_type() == "application/pdf"]
    assert attachments[0].get_filename() == f"teklif-{quote.number}.pdf"
    assert attachments[0].get_payload(decode=True).startswith(b"%PDF-")
    assert _outbox(db) == [("musteri@example.com", "sent", quote.number, "gm.onay", 1)]
    assert outbox.status_of(db, who(db, "gm.onay"), queued.message_id) == "sent"

    # and a second sender (a stale button, the background sender) sends nothing twice
    assert outbox.deliver(db, who(db, "gm.onay"), queued.message_id, today=TODAY) == "sent"
    assert outbox.send_pending(db, operator_actor("outbox"), today=TODAY) == outbox.RetryResult(
        0, 0, 0
    )
    assert len(smtp.messages) == 1


def test_without_a_mail_server_the_message_waits_in_the_outbox(db: Session, customers: Customers):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    queued = _queue(db, "gm.onay", quote.number)
    assert queued.status == "queued"
    # a sender finds no server: it stays queued and no attempt is counted
    assert outbox.deliver(db, who(db, "gm.onay"), queued.message_id, today=TODAY) == "queued"
    assert _outbox(db) == [("musteri@example.com", "queued", quote.number, "gm.onay", 0)]


def test_an_unreachable_mail_server_is_recorded_as_failed(
    db: Session, customers: Customers, monkeypatch
):
    closed = dataclasses.replace(outbox.settings, smtp_host="127.0.0.1", smtp_port=_free_port())
    monkeypatch.setattr(outbox, "settings", closed)
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    queued = _queue(db, "gm.onay", quote.number)
    assert outbox.deliver(db, who(db, "gm.onay"), queued.message_id, today=TODAY) == "failed"
    assert _outbox(db) == [("musteri@example.com", "failed", quote.number, "gm.onay", 1)]
    db.expire_all()
    assert db.exec(select(OutboxMessage)).one().last_error == "ConnectionRefusedError"


def test_awaiting_quotes_bad_addresses_and_other_agencies_quotes_queue_nothing(
    db: Session, customers: Customers, smtp: Inbox
):
    awaiting = save(db, "acente.a1", form("kasko", customers.a1_company, "900000"))
    assert awaiting.status == "awaiting_approval"
    with pytest.raises(Conflict) as refused:
        _queue(db, "acente.a1", awaiting.number, "a@example.com")
    assert refused.value.code == "document.not_printable"
    db.rollback()
    ours = save(db, "acente.a1", form("konut", customers.a1_person, "400000"))
    assert ours.status == "approved"
    with pytest.raises(ValidationFailed) as bad:
        _queue(db, "acente.a1", ours.number, "not-an-address")
    assert (bad.value.code, bad.value.field) == ("outbox.email_invalid", "email")
    db.rollback()
    theirs = save(db, "acente.b1", form("konut", customers.b1_person, "400000"))
    assert theirs.status == "approved"
    with pytest.raises(NotFound):
        _queue(db, "acente.a1", theirs.number, "a@example.com")
    db.rollback()
    assert smtp.messages == []
    assert _outbox(db) == []


def test_only_the_user_who_queued_an_e_mail_can_have_it_sent_or_read_its_status(
    db: Session, customers: Customers, smtp: Inbox
):
    quote = save(db, "acente.b1", form("konut", customers.b1_person, "400000"))
    queued = _queue(db, "acente.b1", quote.number)
    for code in ("acente.a1", "acente.b2"):
        with pytest.raises(NotFound):
            outbox.deliver(db, who(db, code), queued.message_id, today=TODAY)
        db.rollback()
        with pytest.raises(NotFound):
            outbox.status_of(db, who(db, code), queued.message_id)
        db.rollback()
    assert smtp.messages == []
    assert _outbox(db) == [("musteri@example.com", "queued", quote.number, "acente.b1", 0)]


def test_a_slow_mail_server_holds_up_neither_the_user_nor_the_database(
    db: Session, customers: Customers, slow_smtp: Inbox, quotes_url: str
):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    # queueing does not wait for the mail server
    began = time.monotonic()
    queued = _queue(db, "gm.onay", quote.number)
    assert time.monotonic() - began < 1.0
    assert slow_smtp.messages == []

    # while a sender waits 3 s for the server, another connection writes at once
    result: dict[str, object] = {}

    def _send() -> None:
        with session_scope(quotes_url) as own:
            result["status"] = outbox.deliver(
                own, who(own, "gm.onay"), queued.message_id, today=TODAY
            )
        result["took"] = time.monotonic() - began

    began = time.monotonic()
    sending = threading.Thread(target=_send)
    sending.start()
    assert slow_smtp.receiving.wait(10), "the mail server never got the message"
    other = sqlite3.connect(
        quotes_url.removeprefix("sqlite:///"), timeout=0.5, isolation_level=None
    )
    try:
        wrote = time.monotonic()
        other.execute("BEGIN IMMEDIATE")  # the write lock: refused if a sender held it
        other.execute("UPDATE outbox_message SET last_error = '' WHERE id = -1")
        other.execute("COMMIT")
        assert time.monotonic() - wrote < 0.5
        status_now = other.execute(
            "SELECT status FROM outbox_message WHERE id = ?", (queued.message_id,)
        ).fetchone()
    finally:
        other.close()
    assert status_now == ("sending",)
    assert "status" not in result  # the send was still in progress
    sending.join(15)
    assert result["status"] == "sent" and result["took"] >= 3.0
    assert len(slow_smtp.messages) == 1
    assert _outbox(db) == [("musteri@example.com", "sent", quote.number, "gm.onay", 1)]


def test_waiting_e_mails_go_out_once_a_server_is_there(
    db: Session, customers: Customers, monkeypatch
):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    _queue(db, "gm.onay", quote.number)
    second = save(db, "gm.onay", form("konut", customers.gm_person, "2000000"))
    _queue(db, "gm.onay", second.number, "b@example.com")
    # without a server the operator's run sends nothing and leaves both waiting
    assert outbox.send_pending(db, operator_actor("outbox"), today=TODAY) == outbox.RetryResult(
        0, 0, 0
    )
    assert [s for _, s, _, _, _ in _outbox(db)] == ["queued", "queued"]

    inbox = Inbox()
    controller = _serve(monkeypatch, inbox)
    try:
        # Both quotes are valid on TODAY; the operator sends what waits.
        result = outbox.send_pending(db, operator_actor("outbox"), today=TODAY)
    finally:
        controller.stop()
    assert (result.sent, result.failed, result.dropped) == (2, 0, 0)
    assert sorted(rcpt[0] for _, rcpt, _ in inbox.messages) == [
        "b@example.com",
        "musteri@example.com",
    ]
    assert [s for _, s, _, _, _ in _outbox(db)] == ["sent", "sent"]
    # Nothing is sent twice.
    assert outbox.send_pending(db, operator_actor("outbox"), today=TODAY) == outbox.RetryResult(
        0, 0, 0
    )


def test_a_quote_that_expired_while_waiting_is_not_sent(db: Session, customers: Customers):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    _queue(db, "gm.onay", quote.number)
    later = TODAY.replace(month=TODAY.month + 2)  # konut quotes are valid for 30 days
    result = outbox.send_pending(db, operator_actor("outbox"), today=later)
    assert (result.sent, result.failed, result.dropped) == (0, 0, 1)
    db.expire_all()
    message = db.exec(select(OutboxMessage)).one()
    assert (message.status, message.last_error, message.attempts) == (
        "failed",
        "document.not_printable",
        outbox.MAX_ATTEMPTS,
    )


def test_a_claim_left_by_a_stopped_sender_is_taken_again_later(
    db: Session, customers: Customers, smtp: Inbox
):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    queued = _queue(db, "gm.onay", quote.number)
    message = db.get(OutboxMessage, queued.message_id)
    message.status, message.attempts = "sending", 1
    message.sent_at = clock.utcnow() - timedelta(minutes=2)
    db.commit()
    # a sender is (as far as anyone knows) at work: nobody else sends it
    assert outbox.send_pending(db, operator_actor("outbox"), today=TODAY) == outbox.RetryResult(
        0, 0, 0
    )
    assert smtp.messages == []
    # ten minutes on, that sender has clearly stopped: the next run sends it, once
    message = db.get(OutboxMessage, queued.message_id, populate_existing=True)
    message.sent_at = clock.utcnow() - outbox.STALE_CLAIM - timedelta(seconds=1)
    db.commit()
    assert outbox.send_pending(db, operator_actor("outbox"), today=TODAY) == outbox.RetryResult(
        1, 0, 0
    )
    assert len(smtp.messages) == 1
    assert _outbox(db) == [("musteri@example.com", "sent", quote.number, "gm.onay", 2)]


def test_the_apps_background_sender_drains_the_outbox_when_a_server_is_configured(
    db: Session, customers: Customers, monkeypatch, quotes_url: str
):
    use_settings(monkeypatch, database_url=quotes_url)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    _queue(db, "gm.onay", quote.number)
    # without a mail server it does not even start
    idle = BackgroundSender()
    assert idle.wake() is False

    inbox = Inbox()
    controller = _serve(monkeypatch, inbox)
    try:
        background = BackgroundSender()
        assert background.wake() is True
        assert background.drained.wait(15)
    finally:
        controller.stop()
        get_engine.cache_clear()
    assert [rcpt for _, rcpt, _ in inbox.messages] == [["musteri@example.com"]]
    assert _outbox(db) == [("musteri@example.com", "sent", quote.number, "gm.onay", 1)]


def test_a_scoped_user_sending_what_waits_leaves_other_agencies_e_mails_alone(
    db: Session, customers: Customers, smtp: Inbox
):
    theirs = save(db, "acente.b1", form("konut", customers.b1_person, "400000"))
    _queue(db, "acente.b1", theirs.number)
    ours = save(db, "acente.a1", form("konut", customers.a1_person, "400000"))
    _queue(db, "acente.a1", ours.number, "ayse@example.com")
    # when acente.a1 sends what waits: only its own quote's e-mail goes, B's is not touched
    result = outbox.send_pending(db, who(db, "acente.a1"), today=TODAY)
    assert (result.sent, result.failed, result.dropped) == (1, 0, 0)
    assert [rcpt for _, rcpt, _ in smtp.messages] == [["ayse@example.com"]]
    assert _outbox(db) == [
        ("musteri@example.com", "queued", theirs.number, "acente.b1", 0),
        ("ayse@example.com", "sent", ours.number, "acente.a1", 1),
    ]
