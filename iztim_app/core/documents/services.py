"""Printing and e-mailing documents: quotes, policies, endorsements (cancellations too).

One rule for every path (screen, outbox, command line): only an approved document prints —
a quote also unexpired, a policy its current version approved or cancelled, an endorsement
approved — and only within the actor's scope (out of scope is "does not exist"). Every print
and every e-mail is audited; the e-mail itself goes through the outbox (recorded now, sent
by a sender with no transaction open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.models import Customer
from iztim_app.core.documents import render
from iztim_app.core.email_address import is_email
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.numbering import parse_number
from iztim_app.core.policies import lookup
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import services as quotes
from iztim_app.core.users.actor import Actor
from iztim_app.i18n import Label, translate

KINDS = ("quote", "policy", "endorsement")
FILE_PREFIX = {"quote": "teklif", "policy": "police", "endorsement": "zeyil"}


@dataclass(frozen=True)
class PrintedDocument:
    kind: str  # quote | policy | endorsement
    label: str  # "12345" or, for an endorsement, "2/12345"
    filename: str
    content: bytes
    status: str
    customer_email: str
    customer_name: str
    number: int  # the quote or policy number (an endorsement's policy)
    seq: int | None = None  # an endorsement's seq
    version: int | None = None  # a policy's version


@dataclass(frozen=True)
class _Found:
    """A document the actor may see, before any PDF is made."""

    kind: str
    number: int
    seq: int | None
    label: str
    status: str
    printable: bool
    customer_email: str
    customer_name: str
    view: Any
    version: int | None = None


def split_ref(kind: str, ref: Any) -> tuple[int, int | None]:
    """(number, seq) of a reference as typed: "12345", or "2/12345" for an endorsement.
    Anything else is an unknown document (`NotFound`)."""
    if kind not in KINDS:
        raise NotFound()
    text = str(ref if ref is not None else "").strip()
    if kind != "endorsement":
        return parse_number(text), None
    seq, slash, number = text.partition("/")
    if not slash:
        raise NotFound()
    return parse_number(number), parse_number(seq)


def _find(db: Session, actor: Actor, kind: str, ref: Any, today: date | None) -> _Found:
    number, seq = split_ref(kind, ref)
    if kind == "quote":
        q = quotes.get_quote(db, actor, number, today=today)
        return _Found(
            kind, q.number, None, str(q.number), q.status, q.can_print,
            q.customer_email, q.customer_name, q,
        )  # fmt: skip
    if kind == "policy":
        p = policies.get_policy(db, actor, number)
        return _Found(
            kind, p.number, None, str(p.number), p.status, p.can_print,
            p.customer_email, p.customer_name, p, p.version,
        )  # fmt: skip
    e = endorsements.get_endorsement(db, actor, number, seq)
    customer = db.get(Customer, lookup.current_version(db, e.policy_number, actor).customer_id)
    return _Found(
        kind, e.policy_number, e.seq, e.label, e.status, e.status == "approved",
        customer.email, customer.name, e,
    )  # fmt: skip


def _status_label(found: _Found) -> Label:
    if found.kind == "quote":
        return Label.of(f"quote_status.{found.status}")
    if found.kind == "policy":
        return Label.of(f"policy_status.{found.status}")
    return Label.of(f"endorsement.status.{found.status}")


def document_text(kind: str, label: str, lang: str, cancellation: bool = False) -> str:
    """ "Teklif 1000002", "Poliçe 5000001", "Zeyil 2/5000001", "Fesih zeyili 3/5000001"."""
    key = "print.document_cancellation" if cancellation else f"print.document_{kind}"
    return translate(key, lang, label=label)


def _document_label(found: _Found) -> Label:
    cancellation = found.kind == "endorsement" and found.view.kind == "cancellation"
    return Label(
        document_text(found.kind, found.label, "tr", cancellation),
        document_text(found.kind, found.label, "en", cancellation),
    )


def _printable(db: Session, actor: Actor, kind: str, ref: Any, today: date | None) -> _Found:
    found = _find(db, actor, kind, ref, today)
    if not found.printable:
        raise Conflict(
            "document.not_printable",
            document=_document_label(found),
            status=_status_label(found),
            kind=found.kind,
            number=found.label,
            raw_status=found.status,
        )
    return found


def _render(db: Session, found: _Found, lang: str) -> bytes:
    if found.kind == "quote":
        return render.quote_pdf(db, found.view, lang)
    if found.kind == "policy":
        return render.policy_pdf(db, found.view, lang)
    return render.endorsement_pdf(db, found.view, lang)


def _printed(found: _Found, content: bytes) -> PrintedDocument:
    name = found.label if found.seq is None else f"{found.seq}-{found.number}"
    return PrintedDocument(
        kind=found.kind,
        label=found.label,
        filename=f"{FILE_PREFIX[found.kind]}-{name}.pdf",
        content=content,
        status=found.status,
        customer_email=found.customer_email,
        customer_name=found.customer_name,
        number=found.number,
        seq=found.seq,
        version=found.version,
    )


def _audit_ref(found: _Found) -> tuple[str, Any]:
    return found.kind, found.label if found.kind == "endorsement" else found.number


def _print_after(found: _Found, lang: str) -> dict[str, Any]:
    after: dict[str, Any] = {"status": found.status, "lang": lang}
    if found.version is not None:
        after["version"] = found.version
    return after


def _email_after(found: _Found, lang: str, recipient: str, status: str) -> dict[str, Any]:
    after: dict[str, Any] = {"recipient": recipient, "status": status, "lang": lang}
    if found.version is not None:
        after["version"] = found.version
    return after


# ------------------------------------------------------------------ services


def prepare_document(
    db: Session, actor: Actor, kind: str, ref: Any, lang: str = "tr", today: date | None = None
) -> PrintedDocument:
    """The PDF by print_document's rules, not audited: for the outbox, which made its audit
    record when the e-mail was queued, and makes the document again when it sends."""
    return _printed(found := _printable(db, actor, kind, ref, today), _render(db, found, lang))


def print_document(
    db: Session, actor: Actor, kind: str, ref: Any, lang: str = "tr", today: date | None = None
) -> PrintedDocument:
    """The PDF of an approved document the actor may see (`ref`: the quote or policy number,
    or "seq/POLICYNO" for an endorsement); anything else is refused and nothing is recorded.
    Printing is audited (`<kind>.print`)."""
    found = _printable(db, actor, kind, ref, today)
    content = _render(db, found, lang)
    entity, entity_id = _audit_ref(found)
    try:
        audit_log.record(
            db, actor, f"{kind}.print", entity, entity_id, None, _print_after(found, lang)
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return _printed(found, content)


def queue_email(
    db: Session,
    actor: Actor,
    kind: str,
    ref: Any,
    recipient: str | None,
    lang: str = "tr",
    today: date | None = None,
) -> Any:
    """Records the e-mail of a printable document (committed before this returns) and sends
    nothing itself: `recipient` empty means the customer's address. Audited `<kind>.email`.
    Returns outbox.services.SendResult."""
    from iztim_app.core.outbox import services as outbox  # the outbox sends through us

    found = _printable(db, actor, kind, ref, today)
    address = (recipient or "").strip() or found.customer_email.strip()
    if not address:
        raise ValidationFailed("print.no_email", field="email")
    if not is_email(address):
        raise ValidationFailed("outbox.email_invalid", field="email")
    subject = translate(f"outbox.{kind}_subject", lang, number=found.label)
    try:
        message = outbox.record_message(
            db, actor.code, kind, found.number, found.seq, address, subject, clock.utcnow()
        )
        entity, entity_id = _audit_ref(found)
        audit_log.record(
            db,
            actor,
            f"{kind}.email",
            entity,
            entity_id,
            None,
            _email_after(found, lang, address, message.status),
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return outbox.SendResult(
        message.status, address, found.number, message.id, kind=kind, label=found.label
    )


def portal_document(
    db: Session, portal: Any, kind: str, ref: Any, lang: str = "tr"
) -> PrintedDocument:
    """The PDF of the portal customer's own policy or endorsement (`portal`: a
    portal.services.PortalCustomer), by print_document's rules (approved only); anything
    else — another customer's, a quote, a document not printable — is `NotFound`, exactly
    like one that does not exist. Audited (`<kind>.print`, actor "portal:<customer no>")."""
    from iztim_app.core.portal import services as portal_services  # portal reads policies
    from iztim_app.core.users.actor import operator_actor

    if kind not in ("policy", "endorsement"):
        raise NotFound()
    number, _ = split_ref(kind, ref)
    portal_services.my_policy(db, portal, number)  # NotFound unless it is theirs
    code = f"portal:{portal.customer_number}"
    try:
        found = _printable(db, operator_actor(code), kind, ref, None)
    except Conflict as exc:
        raise NotFound() from exc
    content = _render(db, found, lang)
    entity, entity_id = _audit_ref(found)
    try:
        audit_log.record(
            db, None, f"{kind}.print", entity, entity_id, None, _print_after(found, lang),
            actor_code=code,
        )  # fmt: skip
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return _printed(found, content)
