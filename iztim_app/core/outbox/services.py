"""E-mailing approved documents as PDF, through the outbox.

The PDF is made again from the immutable document when sent, so the outbox keeps only
who sent what to whom and how delivery went; no attachment is stored twice.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.email_address import is_email
from iztim_app.core.errors import DomainError, ValidationFailed
from iztim_app.core.outbox.models import OutboxMessage, OutboxStatus
from iztim_app.core.quotes import services as quotes
from iztim_app.core.settings import settings
from iztim_app.core.users.actor import Actor
from iztim_app.i18n import translate


@dataclass(frozen=True)
class SendResult:
    status: str
    recipient: str
    number: int


def send_quote(  # noqa: ANN001
    db: Session, actor: Actor, number, recipient: str, lang: str = "tr", today: date | None = None
) -> SendResult:
    """Only what may be printed may be e-mailed: approved, unexpired, within the actor's scope."""
    recipient = (recipient or "").strip()
    if not is_email(recipient):
        raise ValidationFailed("outbox.email_invalid", field="email")
    printed = quotes.quote_document(db, actor, number, lang, today=today)
    view = printed.quote
    subject = translate("outbox.quote_subject", lang, number=view.number)
    message = OutboxMessage(
        created_at=clock.utcnow(),
        created_by=actor.code,
        recipient=recipient,
        subject=subject,
        document_type="quote",
        document_number=view.number,
        status=OutboxStatus.QUEUED.value,
    )
    db.add(message)
    db.flush()
    _deliver(message, printed, lang)
    audit_log.record(
        db,
        actor,
        "quote.email",
        "quote",
        view.number,
        None,
        {"recipient": recipient, "status": message.status},
    )
    db.commit()
    return SendResult(message.status, recipient, view.number)


def _deliver(message: OutboxMessage, printed: quotes.PrintedQuote, lang: str) -> None:
    if not settings.smtp_host:
        return
    quote = printed.quote
    body = translate("outbox.quote_body", lang, number=quote.number, customer=quote.customer_name)
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail.set_content(body)
    mail.add_attachment(
        printed.content, maintype="application", subtype="pdf", filename=printed.filename
    )
    message.attempts += 1
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        message.status = OutboxStatus.FAILED.value
        message.last_error = type(exc).__name__[:400]
        return
    message.status = OutboxStatus.SENT.value
    message.sent_at = clock.utcnow()


MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class RetryResult:
    sent: int
    failed: int
    dropped: int  # documents that may no longer be sent (e.g. the quote expired meanwhile)


def send_pending(
    db: Session, actor: Actor, lang: str = "tr", today: date | None = None
) -> RetryResult:
    """Sends what waits in the outbox (no server then, or the server was down), oldest first."""
    actor.require("quote.view")
    sent = failed = dropped = 0
    waiting = db.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_([OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value]),
            OutboxMessage.attempts < MAX_ATTEMPTS,
        )
        .order_by(OutboxMessage.id)
    ).all()
    for message in waiting:
        try:
            printed = quotes.quote_document(db, actor, message.document_number, lang, today=today)
        except DomainError as exc:
            message.status = OutboxStatus.FAILED.value
            message.attempts = MAX_ATTEMPTS
            message.last_error = exc.code[:400]
            dropped += 1
            continue
        _deliver(message, printed, lang)
        if message.status == OutboxStatus.SENT.value:
            sent += 1
        else:
            failed += 1
    db.commit()
    return RetryResult(sent, failed, dropped)
