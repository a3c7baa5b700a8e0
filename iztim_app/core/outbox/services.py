"""E-mailing approved documents as PDF, through the outbox.

Recording and sending are two steps, so that nothing slow runs in an event handler or while
a write transaction is open (on SQLite that would hold the one write lock and freeze every
other user): `queue_quote` records the e-mail in one short transaction and returns at once.
A sender then sends it — the screen's background follow-up (`deliver`), the app's background
sender or `iztim outbox send` (`send_pending`) — in three steps: claim the message (short
transaction), make the PDF and talk to the mail server with no transaction open, record the
result (short transaction). The claim lets several senders (workers, cron) run at once
without sending anything twice.

The PDF is made again from the immutable quote when sent, so no attachment is stored twice,
and a quote that expired while its e-mail waited is not sent.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.email_address import is_email
from iztim_app.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from iztim_app.core.outbox.models import OutboxMessage, OutboxStatus
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import Quote
from iztim_app.core.settings import settings
from iztim_app.core.users.actor import Actor
from iztim_app.i18n import translate

MAX_ATTEMPTS = 5
SMTP_TIMEOUT_SECONDS = 15
# A claim older than this was left by a sender that stopped (crash, restart): take it again.
STALE_CLAIM = timedelta(minutes=10)

_WAITING = (OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value)


@dataclass(frozen=True)
class SendResult:
    status: str
    recipient: str
    number: int
    message_id: int


def mail_server_configured() -> bool:
    return bool(settings.smtp_host)


def queue_quote(  # noqa: ANN001
    db: Session, actor: Actor, number, recipient: str, lang: str = "tr", today: date | None = None
) -> SendResult:
    """Only what may be printed may be e-mailed: approved, unexpired, within the actor's scope.
    Records the e-mail (committed before this returns); sends nothing itself."""
    recipient = (recipient or "").strip()
    if not is_email(recipient):
        raise ValidationFailed("outbox.email_invalid", field="email")
    view = quotes.get_quote(db, actor, number, today=today)
    if not view.can_print:
        raise Conflict("quote.not_printable")
    message = OutboxMessage(
        created_at=clock.utcnow(),
        created_by=actor.code,
        recipient=recipient,
        subject=translate("outbox.quote_subject", lang, number=view.number),
        document_type="quote",
        document_number=view.number,
        status=OutboxStatus.QUEUED.value,
    )
    db.add(message)
    db.flush()
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
    return SendResult(message.status, recipient, view.number, message.id)


def deliver(
    db: Session, actor: Actor, message_id: int, lang: str = "tr", today: date | None = None
) -> str:
    """Sends one e-mail the actor queued (the screen's follow-up); returns its status after.
    The PDF is made with the actor's own rights, so scope is checked again."""
    actor.require("quote.view")
    message = db.get(OutboxMessage, message_id)
    if message is None or message.created_by != actor.code:
        raise NotFound("error.not_found")
    db.rollback()  # end the read: the claim starts its own short transaction
    return _send_one(db, actor, message_id, lang, today)


def status_of(db: Session, actor: Actor, message_id: int) -> str:
    """Where an e-mail the actor queued stands now (queued, sending, sent, failed)."""
    actor.require_ready()
    message = db.get(OutboxMessage, message_id)
    if message is None or message.created_by != actor.code:
        raise NotFound("error.not_found")
    return message.status


@dataclass(frozen=True)
class RetryResult:
    sent: int
    failed: int
    dropped: int  # documents that may no longer be sent (e.g. the quote expired meanwhile)


def send_pending(
    db: Session, actor: Actor, lang: str = "tr", today: date | None = None
) -> RetryResult:
    """Sends what waits in the outbox (no server then, or the server was down), oldest first.
    Without a mail server configured everything stays queued, except what may no longer be
    sent."""
    actor.require("quote.view")
    now = clock.utcnow()
    # Only e-mails of quotes within the actor's scope: others' are not this actor's to send
    # (nor to drop); the operator (`iztim outbox send`, the app's sender) sees them all.
    in_scope = select(Quote.number).where(
        actor.visible(Quote.prepared_by_id, Quote.office_id, Quote.office_path)
    )
    waiting = db.exec(
        select(OutboxMessage.id)
        .where(
            _claimable(now),
            OutboxMessage.document_type == "quote",
            OutboxMessage.document_number.in_(in_scope),
        )
        .order_by(OutboxMessage.id)
    ).all()
    db.rollback()
    sent = failed = dropped = 0
    for message_id in waiting:
        status = _send_one(db, actor, message_id, lang, today)
        if status == OutboxStatus.SENT.value:
            sent += 1
        elif status == _DROPPED:
            dropped += 1
        elif status == OutboxStatus.FAILED.value:
            failed += 1
    return RetryResult(sent, failed, dropped)


# ------------------------------------------------------------------ one message, three steps

_DROPPED = "dropped"  # internal: failed for good, the document may no longer be sent


def _claimable(now):  # noqa: ANN001, ANN202
    return sa.or_(
        sa.and_(OutboxMessage.status.in_(_WAITING), OutboxMessage.attempts < MAX_ATTEMPTS),
        sa.and_(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.sent_at < now - STALE_CLAIM,
        ),
    )


def _send_one(db: Session, actor: Actor, message_id: int, lang: str, today: date | None) -> str:
    # 1. Claim it (one short transaction): of several senders, exactly one gets it.
    now = clock.utcnow()
    claimed = db.exec(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(
            status=OutboxStatus.SENDING.value,
            attempts=OutboxMessage.attempts + 1,
            sent_at=now,
        )
    ).rowcount
    db.commit()
    message = db.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:
        return _DROPPED
    if claimed != 1:
        status = message.status
        db.rollback()
        return status
    # 2. Make the PDF (a read) and close the transaction before talking to the mail server.
    try:
        printed = quotes.quote_document(db, actor, message.document_number, lang, today=today)
    except DomainError as exc:
        db.rollback()
        _finish(db, message_id, OutboxStatus.FAILED, error=exc.code, attempts=MAX_ATTEMPTS)
        return _DROPPED
    mail = _mail(message, printed, lang)
    db.rollback()
    if not mail_server_configured():
        _finish(db, message_id, OutboxStatus.QUEUED, undo_attempt=True)
        return OutboxStatus.QUEUED.value
    error = _smtp_send(mail)
    # 3. Record how it went (one short transaction).
    status = OutboxStatus.FAILED if error else OutboxStatus.SENT
    _finish(db, message_id, status, error=error)
    return status.value


def _finish(
    db: Session,
    message_id: int,
    status: OutboxStatus,
    *,
    error: str = "",
    attempts: int | None = None,
    undo_attempt: bool = False,
) -> None:
    values: dict = {
        "status": status.value,
        "sent_at": clock.utcnow() if status is OutboxStatus.SENT else None,
        "last_error": error[:400],
    }
    if attempts is not None:
        values["attempts"] = attempts
    elif undo_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    db.exec(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.SENDING.value,
        )
        .values(**values)
    )
    db.commit()


def _mail(message: OutboxMessage, printed: quotes.PrintedQuote, lang: str) -> EmailMessage:
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
    return mail


def _smtp_send(mail: EmailMessage) -> str:
    """Talks to the mail server; '' when it took the message, else why not (no secrets)."""
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        return type(exc).__name__
    return ""
