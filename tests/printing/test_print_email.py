"""E-mailing policies and endorsements end to end, to a real SMTP server on loopback
(aiosmtpd), on both engines: queued at once, sent by a sender with the PDF made again by the
printing rules, the attachment a PDF of that document."""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlmodel import select

from iztim_app.core.db import get_engine
from iztim_app.core.documents import services as documents
from iztim_app.core.outbox import services as outbox
from iztim_app.core.outbox.models import OutboxMessage
from iztim_app.core.outbox.sender import BackgroundSender
from iztim_app.core.policies import services as policies
from iztim_app.core.users.actor import operator_actor
from tests.foundation.support import actor_of, use_settings
from tests.printing.fixtures import Printing, outbox_rows, printing
from tests.printing.world import A1, CUSTOMER, EMAIL, GM, pdf_text
from tests.quotes.test_quote_email import Inbox, _free_port

__all__ = ["printing"]
SENDER = "police@iztim.test"


@pytest.fixture
def smtp(printing: Printing, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    use_settings(
        monkeypatch,
        database_url=printing.url,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_from=SENDER,
    )
    yield inbox
    controller.stop()
    get_engine.cache_clear()


def _subject(mail: Message) -> str:
    return str(mail["Subject"])


def _received(inbox: Inbox, index: int) -> tuple[Message, list[Message]]:
    sender, recipients, content = inbox.messages[index]
    mail = email.message_from_bytes(content, policy=email.policy.default)
    assert (sender, recipients, mail["To"]) == (SENDER, [mail["To"]], mail["To"])
    return mail, [p for p in mail.walk() if p.get_content_disposition() == "attachment"]


def test_a_policy_e_mailed_to_the_customer_arrives_with_its_pdf(printing: Printing, smtp: Inbox):
    db, d = printing.db, printing.docs
    a1 = actor_of(db, A1)
    # when acente.a1 e-mails the approved policy (no address typed: the customer's)
    queued = documents.queue_email(db, a1, "policy", d.policy.number, None)
    assert (queued.status, queued.recipient) == ("queued", EMAIL)
    assert smtp.messages == []  # queueing sends nothing
    # and the screen's follow-up sends it
    assert outbox.deliver(db, a1, queued.message_id) == "sent"
    # then the customer's mailbox has it, the PDF attached
    (_, recipients, _) = smtp.messages[0]
    assert recipients == [EMAIL]
    mail, attachments = _received(smtp, 0)
    assert _subject(mail) == f"Sigorta poliçeniz: {d.policy.number}"
    body = mail.get_body(("plain",)).get_content()
    assert f"Sayın {CUSTOMER}," in body and f"{d.policy.number} numaralı sigorta poliçeniz" in body
    assert [(a.get_content_type(), a.get_filename()) for a in attachments] == [
        ("application/pdf", f"police-{d.policy.number}.pdf")
    ]
    pdf = attachments[0].get_payload(decode=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    text = pdf_text(pdf)
    assert f"No: {d.policy.number}" in text and CUSTOMER in text and "657,80 ₺" in text
    assert outbox_rows(db) == [("policy", d.policy.number, None, EMAIL, "sent", A1)]


def test_an_endorsement_e_mailed_to_a_typed_address_arrives_with_its_pdf(
    printing: Printing, smtp: Inbox
):
    db, d = printing.db, printing.docs
    a1 = actor_of(db, A1)
    documents.queue_email(db, a1, "endorsement", d.endorsement.label, "ayse.sahin@example.com")
    documents.queue_email(db, a1, "endorsement", d.cancellation.label, None)
    # when the operator's run (`iztim outbox send`, the app's sender) sends what waits
    result = outbox.send_pending(db, operator_actor("outbox"))
    assert (result.sent, result.failed, result.dropped) == (2, 0, 0)
    # then both arrived, each with its own PDF
    assert [rcpt for _, rcpt, _ in smtp.messages] == [["ayse.sahin@example.com"], [EMAIL]]
    for index, (view, gross) in enumerate(
        ((d.endorsement, "298,49 ₺"), (d.cancellation, "378,47 ₺"))
    ):
        mail, attachments = _received(smtp, index)
        assert _subject(mail) == f"Poliçe zeyilnameniz: {view.label}"
        assert [(a.get_content_type(), a.get_filename()) for a in attachments] == [
            ("application/pdf", f"zeyil-{view.seq}-{view.policy_number}.pdf")
        ]
        text = pdf_text(attachments[0].get_payload(decode=True))
        assert f"No: {view.label}" in text and CUSTOMER in text and gross in text
    assert [row[4] for row in outbox_rows(db)] == ["sent", "sent"]
    # nothing is sent twice
    assert outbox.send_pending(db, operator_actor("outbox")) == outbox.RetryResult(0, 0, 0)
    assert len(smtp.messages) == 2


def test_a_policy_un_approved_while_its_e_mail_waited_is_not_sent(printing: Printing, smtp: Inbox):
    db, d = printing.db, printing.docs
    queued = documents.queue_email(db, actor_of(db, A1), "policy", d.policy.number, None)
    policies.unapprove(db, actor_of(db, GM), d.policy.number, "Düzeltme")
    result = outbox.send_pending(db, operator_actor("outbox"))
    assert (result.sent, result.failed, result.dropped) == (0, 0, 1)
    assert smtp.messages == []
    db.expire_all()
    message = db.get(OutboxMessage, queued.message_id)
    assert (message.status, message.last_error, message.attempts) == (
        "failed",
        "document.not_printable",
        outbox.MAX_ATTEMPTS,
    )


def test_a_scoped_sender_sends_only_its_own_documents_of_every_kind(
    printing: Printing, smtp: Inbox
):
    db, d = printing.db, printing.docs
    a1 = actor_of(db, A1)
    documents.queue_email(db, a1, "quote", d.quote.number, None)
    documents.queue_email(db, a1, "policy", d.policy.number, None)
    documents.queue_email(db, a1, "endorsement", d.endorsement.label, None)
    # agency B's user sends what waits: none of agency A's e-mails is theirs to send
    assert outbox.send_pending(db, actor_of(db, "acente.b1")) == outbox.RetryResult(0, 0, 0)
    assert smtp.messages == []
    # acente.a1 sends its own: all three kinds
    assert outbox.send_pending(db, a1) == outbox.RetryResult(3, 0, 0)
    assert [row[0] for row in outbox_rows(db)] == ["quote", "policy", "endorsement"]
    assert [row[4] for row in outbox_rows(db)] == ["sent", "sent", "sent"]


def test_the_apps_background_sender_sends_every_kind(printing: Printing, smtp: Inbox):
    db, d = printing.db, printing.docs
    a1 = actor_of(db, A1)
    documents.queue_email(db, a1, "policy", d.policy.number, None)
    documents.queue_email(db, a1, "endorsement", d.cancellation.label, None)
    background = BackgroundSender()
    assert background.wake() is True
    assert background.drained.wait(30)
    assert sorted(_received(smtp, i)[1][0].get_filename() for i in range(len(smtp.messages))) == [
        f"police-{d.policy.number}.pdf",
        f"zeyil-1-{d.cancelled}.pdf",
    ]
    db.expire_all()
    assert [m.status for m in db.exec(select(OutboxMessage)).all()] == ["sent", "sent"]
