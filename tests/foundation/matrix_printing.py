"""Printing and e-mailing documents (documents.services) and sending the outbox."""

from __future__ import annotations

from typing import Any

from iztim_app.core.documents import services as documents
from iztim_app.core.outbox import services as outbox
from tests.foundation.test_service_matrix import (
    A1,
    APPROVER,
    B1,
    POLICY_READ,
    RECIPIENT,
    VIEW,
    Case,
    Outsider,
    World,
    eq,
    not_found,
)

SENDER = frozenset({"quote.view", "policy.view"})  # either lets a user send what waits


def _pdf(name: str) -> Any:
    def check(world: World, printed: Any) -> None:
        number = world.ids.approved if name == "teklif" else world.ids.policy_approved
        assert (printed.filename, printed.content[:5], printed.status) == (
            f"{name}-{number}.pdf",
            b"%PDF-",
            "approved",
        )

    return check


CASES = (
    Case(
        "documents.print_document",
        lambda w, a: documents.print_document(w.db, a, "quote", w.ids.approved),
        A1,
        VIEW,
        "quote.print",
        _pdf("teklif"),
        not_found(),
    ),
    Case(
        "documents.print_document#policy",
        lambda w, a: documents.print_document(w.db, a, "policy", w.ids.policy_approved),
        A1,
        POLICY_READ,
        "policy.print",
        _pdf("police"),
        not_found(),
    ),
    Case(
        "documents.prepare_document",
        lambda w, a: documents.prepare_document(w.db, a, "policy", w.ids.policy_approved),
        A1,
        POLICY_READ,
        None,
        _pdf("police"),
        not_found(),
        touches_rows=True,  # the installation's document secret is made on first use
    ),
    Case(
        "documents.queue_email",
        lambda w, a: documents.queue_email(w.db, a, "policy", w.ids.policy_approved, None),
        A1,
        POLICY_READ,
        "policy.email",
        lambda w, r: eq(
            (r.status, r.recipient, r.kind, r.number),
            ("queued", RECIPIENT, "policy", w.ids.policy_approved),
        ),
        not_found(),
    ),
    Case(
        "documents.queue_email#quote",
        lambda w, a: documents.queue_email(w.db, a, "quote", w.ids.approved, ""),
        A1,
        VIEW,
        "quote.email",
        lambda w, r: eq((r.status, r.recipient, r.number), ("queued", RECIPIENT, w.ids.approved)),
        not_found(),
    ),
    Case(
        "outbox.deliver",
        lambda w, a: outbox.deliver(w.db, a, w.ids.message_id),
        A1,
        SENDER,
        None,
        lambda w, r: eq(r, "queued"),  # no mail server: it waits
        not_found(),
        touches_rows=True,
    ),
    Case(
        "outbox.send_pending",
        lambda w, a: outbox.send_pending(w.db, a),
        APPROVER,
        SENDER,
        None,
        lambda w, r: eq((r.sent, r.failed, r.dropped), (0, 0, 0)),  # no mail server: all wait
        Outsider(B1, lambda w, r: eq((r.sent, r.failed, r.dropped), (0, 0, 0))),
        touches_rows=True,
    ),
)
