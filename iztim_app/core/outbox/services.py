"""E-mailing approved documents as PDF, through the outbox: quotes, policies, endorsements.

Recording and sending are two steps, so that nothing slow runs in an event handler or while
a write transaction is open (on SQLite that would hold the one write lock and freeze every
other user): `documents.services.queue_email` records the e-mail in one short transaction
and returns at once. A sender then sends it — the screen's background follow-up (`deliver`),
the app's background sender or `iztim outbox send` (`send_pending`) — in three steps: claim
the message (short transaction), make the PDF and talk to the mail server with no
transaction open, record the result (short transaction). The claim lets several senders
(workers, cron) run at once without sending anything twice.

The PDF is made again when sent, by the printing rules (`documents.services`), so no
attachment is stored twice, and a document no longer printable (a quote that expired, a
policy un-approved while its e-mail waited) is not sent.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.documents import services as documents
from iztim_app.core.errors import DomainError, NotFound
from iztim_app.core.outbox.models import OutboxMessage, OutboxStatus
from iztim_app.core.policies import lookup
from iztim_app.core.policies.models import Policy
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
    number: int  # the quote or policy number (an endorsement's policy)
    message_id: int
    kind: str = "quote"
    label: str = ""  # as printed: "12345" or "2/12345"


def mail_server_configured() -> bool:
    return bool(settings.smtp_host)


def record_message(
    db: Session,
    created_by: str,
    kind: str,
    number: int,
    seq: int | None,
    recipient: str,
    subject: str,
    now: datetime,
) -> OutboxMessage:
    """Adds one queued e-mail to the caller's transaction (documents.queue_email checks,
    audits and commits)."""
    message = OutboxMessage(
        created_at=now,
        created_by=created_by,
        recipient=recipient,
        subject=subject[:200],
        document_type=kind,
        document_number=number,
        document_seq=seq,
        status=OutboxStatus.QUEUED.value,
    )
    db.add(message)
    db.flush()
    return message


def queue_quote(  # noqa: ANN001
    db: Session, actor: Actor, number, recipient: str, lang: str = "tr", today: date | None = None
) -> SendResult:
    """A quote's e-mail: `documents.services.queue_email` for kind "quote"."""
    return documents.queue_email(db, actor, "quote", number, recipient, lang, today=today)


def _require_sender(actor: Actor) -> None:
    """Sending e-mails of documents needs the right to read some: quotes or policies."""
    actor.require_any("quote.view", "policy.view")


def deliver(
    db: Session, actor: Actor, message_id: int, lang: str = "tr", today: date | None = None
) -> str:
    """Sends one e-mail the actor queued (the screen's follow-up); returns its status after.
    The PDF is made with the actor's own rights, so permission and scope are checked again."""
    _require_sender(actor)
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
    _require_sender(actor)
    now = clock.utcnow()
    waiting = db.exec(
        select(OutboxMessage.id).where(_claimable(now), _in_scope(actor)).order_by(OutboxMessage.id)
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


def _in_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """E-mails of documents the actor may read and see: others' are not this actor's to send
    (nor to drop); the operator (`iztim outbox send`, the app's sender) sees them all."""
    kinds = []
    if actor.can("quote.view") or actor.can("quote.create"):
        quotes = select(Quote.number).where(
            actor.visible(Quote.prepared_by_id, Quote.office_id, Quote.office_path)
        )
        kinds.append(
            sa.and_(
                OutboxMessage.document_type == "quote",
                OutboxMessage.document_number.in_(quotes),
            )
        )
    if actor.can("policy.view") or actor.can("policy.issue"):
        policies = select(Policy.number).where(lookup.visible(actor))
        kinds.append(
            sa.and_(
                OutboxMessage.document_type.in_(("policy", "endorsement")),
                OutboxMessage.document_number.in_(policies),
            )
        )
    return sa.or_(*kinds) if kinds else sa.false()


def _ref(message: OutboxMessage) -> str:
    if message.document_type == "endorsement":
        return f"{message.document_seq}/{message.document_number}"
    return str(message.document_number)


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
        printed = documents.prepare_document(
            db, actor, message.document_type, _ref(message), lang, today=today
        )
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


def _mail(message: OutboxMessage, printed: documents.PrintedDocument, lang: str) -> EmailMessage:
    body = translate(
        f"outbox.{printed.kind}_body", lang, number=printed.label, customer=printed.customer_name
    )
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
