"""E-mailing an approved quote as PDF through the outbox, with a real SMTP server on loopback."""

from __future__ import annotations

import dataclasses
import email
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.outbox import services as outbox
from iztim_app.core.outbox.models import OutboxMessage
from iztim_app.core.users.actor import operator_actor
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, save, who


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    configured = dataclasses.replace(
        outbox.settings,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_from="teklif@iztim.test",
    )
    monkeypatch.setattr(outbox, "settings", configured)
    yield inbox
    controller.stop()


def _outbox(db: Session) -> list[tuple[str, str, int, str]]:
    db.expire_all()
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [(m.recipient, m.status, m.document_number, m.created_by) for m in rows]


def test_an_approved_quote_is_mailed_with_its_pdf(db: Session, customers: Customers, smtp: Inbox):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    result = outbox.send_quote(
        db, who(db, "gm.onay"), quote.number, "musteri@example.com", today=TODAY
    )
    assert (result.status, result.recipient, result.number) == (
        "sent",
        "musteri@example.com",
        quote.number,
    )
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
    assert _outbox(db) == [("musteri@example.com", "sent", quote.number, "gm.onay")]
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "quote.email")).one()
    assert audit.after == {"recipient": "musteri@example.com", "status": "sent"}


def test_without_a_mail_server_the_message_waits_in_the_outbox(db: Session, customers: Customers):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    result = outbox.send_quote(
        db, who(db, "gm.onay"), quote.number, "musteri@example.com", today=TODAY
    )
    assert result.status == "queued"
    assert _outbox(db) == [("musteri@example.com", "queued", quote.number, "gm.onay")]


def test_an_unreachable_mail_server_is_recorded_as_failed(
    db: Session, customers: Customers, monkeypatch
):
    closed = dataclasses.replace(outbox.settings, smtp_host="127.0.0.1", smtp_port=_free_port())
    monkeypatch.setattr(outbox, "settings", closed)
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    result = outbox.send_quote(
        db, who(db, "gm.onay"), quote.number, "musteri@example.com", today=TODAY
    )
    assert result.status == "failed"
    assert _outbox(db) == [("musteri@example.com", "failed", quote.number, "gm.onay")]


def test_awaiting_quotes_bad_addresses_and_other_agencies_quotes_send_nothing(
    db: Session, customers: Customers, smtp: Inbox
):
    awaiting = save(db, "acente.a1", form("kasko", customers.a1_company, "900000"))
    assert awaiting.status == "awaiting_approval"
    with pytest.raises(Conflict) as refused:
        outbox.send_quote(db, who(db, "acente.a1"), awaiting.number, "a@example.com", today=TODAY)
    assert refused.value.code == "quote.not_printable"
    db.rollback()
    with pytest.raises(ValidationFailed) as bad:
        outbox.send_quote(db, who(db, "acente.a1"), awaiting.number, "not-an-address", today=TODAY)
    assert (bad.value.code, bad.value.field) == ("outbox.email_invalid", "email")
    db.rollback()
    theirs = save(db, "acente.b1", form("konut", customers.b1_person, "400000"))
    assert theirs.status == "approved"
    with pytest.raises(NotFound):
        outbox.send_quote(db, who(db, "acente.a1"), theirs.number, "a@example.com", today=TODAY)
    db.rollback()
    assert smtp.messages == []
    assert _outbox(db) == []


def test_waiting_e_mails_go_out_once_a_server_is_there(
    db: Session, customers: Customers, monkeypatch
):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    outbox.send_quote(db, who(db, "gm.onay"), quote.number, "musteri@example.com", today=TODAY)
    second = save(db, "gm.onay", form("konut", customers.gm_person, "2000000"))
    outbox.send_quote(db, who(db, "gm.onay"), second.number, "b@example.com", today=TODAY)
    assert [s for _, s, _, _ in _outbox(db)] == ["queued", "queued"]

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        configured = dataclasses.replace(
            outbox.settings, smtp_host="127.0.0.1", smtp_port=controller.port
        )
        monkeypatch.setattr(outbox, "settings", configured)
        # Both quotes are valid on TODAY; the operator sends what waits.
        result = outbox.send_pending(db, operator_actor("outbox"), today=TODAY)
    finally:
        controller.stop()
    assert (result.sent, result.failed, result.dropped) == (2, 0, 0)
    assert sorted(rcpt[0] for _, rcpt, _ in inbox.messages) == [
        "b@example.com",
        "musteri@example.com",
    ]
    assert [s for _, s, _, _ in _outbox(db)] == ["sent", "sent"]
    # Nothing is sent twice.
    assert outbox.send_pending(db, operator_actor("outbox"), today=TODAY) == outbox.RetryResult(
        0, 0, 0
    )


def test_a_quote_that_expired_while_waiting_is_not_sent(db: Session, customers: Customers):
    quote = save(db, "gm.onay", form("konut", customers.gm_person, "1000000"))
    outbox.send_quote(db, who(db, "gm.onay"), quote.number, "musteri@example.com", today=TODAY)
    later = TODAY.replace(month=TODAY.month + 2)  # konut quotes are valid for 30 days
    result = outbox.send_pending(db, operator_actor("outbox"), today=later)
    assert (result.sent, result.failed, result.dropped) == (0, 0, 1)
    db.expire_all()
    message = db.exec(select(OutboxMessage)).one()
    assert (message.status, message.last_error) == ("failed", "quote.not_printable")
