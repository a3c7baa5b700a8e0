"""print_document / queue_email on both engines: approved documents print with their number,
the Turkish customer name and the gross amount, audited; anything else is refused, and an
out-of-scope document is exactly an unknown one. A refusal changes nothing."""

from __future__ import annotations

from functools import partial

import pytest
import sqlalchemy as sa

from iztim_app.core.customers.models import Customer
from iztim_app.core.documents import services as documents
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.money import format_try
from iztim_app.i18n import error_text
from tests.foundation.support import actor_of, snapshot
from tests.printing.fixtures import Printing, audit_rows, not_printable, outbox_rows, printing
from tests.printing.world import A1, B1, CUSTOMER, EMAIL, LATER, STAFF, pdf_text

__all__ = ["printing"]


def test_every_approved_document_prints_with_number_customer_and_gross_and_is_audited(
    printing: Printing,
):
    db, d = printing.db, printing.docs
    a1 = actor_of(db, A1)
    expected = [
        (
            "quote",
            d.quote.number,
            f"teklif-{d.quote.number}.pdf",
            format_try(d.quote.gross_premium),
        ),
        ("policy", d.policy.number, f"police-{d.policy.number}.pdf", "657,80 ₺"),
        ("endorsement", d.endorsement.label, f"zeyil-1-{d.endorsed}.pdf", "298,49 ₺"),
        ("endorsement", d.cancellation.label, f"zeyil-1-{d.cancelled}.pdf", "378,47 ₺"),
        ("policy", d.cancelled, f"police-{d.cancelled}.pdf", "789,36 ₺"),
    ]
    assert format_try(d.policy.gross_premium) == "657,80 ₺"
    assert format_try(d.endorsement.gross_change) == "298,49 ₺"
    assert format_try(d.cancellation.gross_refund) == "378,47 ₺"
    for kind, ref, filename, gross in expected:
        # when acente.a1 prints it
        printed = documents.print_document(db, a1, kind, ref, "tr")
        # then it is that document's PDF: number, customer in Turkish letters, gross amount
        text = pdf_text(printed.content)
        assert (printed.kind, printed.label, printed.filename) == (kind, str(ref), filename)
        assert printed.content[:5] == b"%PDF-"
        assert f"No: {ref}" in text, (kind, ref)
        assert CUSTOMER in text and gross in text, (kind, ref)
        assert printed.customer_email == EMAIL
    # and each print is in the audit trail, under the user's name
    assert audit_rows(db, "quote.print", "policy.print", "endorsement.print") == [
        ("quote.print", "quote", str(d.quote.number), A1, {"status": "approved", "lang": "tr"}),
        (
            "policy.print",
            "policy",
            str(d.policy.number),
            A1,
            {"status": "approved", "lang": "tr", "version": 1},
        ),
        (
            "endorsement.print",
            "endorsement",
            d.endorsement.label,
            A1,
            {"status": "approved", "lang": "tr"},
        ),
        (
            "endorsement.print",
            "endorsement",
            d.cancellation.label,
            A1,
            {"status": "approved", "lang": "tr"},
        ),
        (
            "policy.print",
            "policy",
            str(d.cancelled),
            A1,
            {"status": "cancelled", "lang": "tr", "version": 1},
        ),
    ]


def test_an_english_print_speaks_english(printing: Printing):
    db, d = printing.db, printing.docs
    text = pdf_text(
        documents.print_document(db, actor_of(db, A1), "policy", d.policy.number, "en").content
    )
    assert "POLICY" in text and CUSTOMER in text and "657,80 ₺" in text


def _refusals(printing: Printing) -> list[tuple[str, str, str, dict]]:
    d = printing.docs
    e = d.endorsed
    return [
        (
            "quote",
            str(d.quote_awaiting),
            not_printable(f"Teklif {d.quote_awaiting}", "Onay bekliyor"),
            {},
        ),
        (
            "quote",
            str(d.quote_rejected),
            not_printable(f"Teklif {d.quote_rejected}", "Reddedildi"),
            {},
        ),
        (
            "quote",
            str(d.quote.number),
            not_printable(f"Teklif {d.quote.number}", "Süresi doldu"),
            {"today": LATER},
        ),
        (
            "policy",
            str(d.policy_awaiting),
            not_printable(f"Poliçe {d.policy_awaiting}", "Onay bekliyor"),
            {},
        ),
        (
            "policy",
            str(d.policy_rejected),
            not_printable(f"Poliçe {d.policy_rejected}", "Reddedildi"),
            {},
        ),
        ("policy", str(d.policy_draft), not_printable(f"Poliçe {d.policy_draft}", "Taslak"), {}),
        ("endorsement", f"2/{e}", not_printable(f"Zeyil 2/{e}", "Reddedildi"), {}),
        ("endorsement", f"3/{e}", not_printable(f"Zeyil 3/{e}", "Onay bekliyor"), {}),
    ]


def test_documents_not_approved_are_neither_printed_nor_e_mailed_and_nothing_changes(
    printing: Printing,
):
    db = printing.db
    before = snapshot(printing.url)
    for user in (A1, STAFF):
        actor = actor_of(db, user)
        for kind, ref, message, kw in _refusals(printing):
            for attempt in (
                partial(documents.print_document, db, actor, kind, ref, "tr", **kw),
                partial(documents.queue_email, db, actor, kind, ref, "a@x.example", "tr", **kw),
                partial(documents.prepare_document, db, actor, kind, ref, "tr", **kw),
            ):
                with pytest.raises(Conflict) as refused:
                    attempt()
                assert refused.value.code == "document.not_printable"
                assert error_text(refused.value, "tr") == message
                db.rollback()
    assert snapshot(printing.url) == before
    assert outbox_rows(db) == []


def test_the_refusal_names_a_cancellation_as_such_and_speaks_english(printing: Printing):
    db, d = printing.db, printing.docs
    with pytest.raises(Conflict) as refused:
        documents.print_document(db, actor_of(db, A1), "policy", d.policy_draft, "en")
    assert error_text(refused.value, "en") == (
        f"Policy {d.policy_draft} cannot be printed or e-mailed: its status is “Draft”. Only "
        "approved documents (quotes within their validity, a policy's current version) are "
        "printed."
    )


def test_another_agencys_documents_are_exactly_unknown_ones(printing: Printing):
    db, d = printing.db, printing.docs
    b1 = actor_of(db, B1)
    before = snapshot(printing.url)
    theirs = [
        ("quote", d.quote.number),
        ("quote", d.quote_awaiting),
        ("policy", d.policy.number),
        ("policy", d.policy_awaiting),
        ("endorsement", d.endorsement.label),
        ("endorsement", f"3/{d.endorsed}"),
    ]
    unknown = [
        ("quote", 9999999),
        ("policy", 9999999),
        ("endorsement", f"9/{d.endorsed}"),
        ("endorsement", str(d.endorsed)),  # no seq
        ("policy", "abc"),
        ("invoice", d.policy.number),
    ]
    for kind, ref in theirs + unknown:
        for attempt in (
            partial(documents.print_document, db, b1, kind, ref),
            partial(documents.queue_email, db, b1, kind, ref, None),
        ):
            with pytest.raises(NotFound) as missing:
                attempt()
            assert (missing.value.code, missing.value.params) == ("error.not_found", {})
            db.rollback()
    assert snapshot(printing.url) == before


def test_e_mail_goes_to_the_customer_unless_an_address_is_typed(printing: Printing):
    db, d = printing.db, printing.docs
    a1 = actor_of(db, A1)
    # no address typed: the customer's; one typed: that one
    first = documents.queue_email(db, a1, "policy", d.policy.number, None)
    second = documents.queue_email(
        db, a1, "endorsement", d.endorsement.label, " zeyil@example.com "
    )
    assert (first.status, first.recipient, first.kind, first.label) == (
        "queued",
        EMAIL,
        "policy",
        str(d.policy.number),
    )
    assert (second.recipient, second.kind, second.label, second.number) == (
        "zeyil@example.com",
        "endorsement",
        d.endorsement.label,
        d.endorsed,
    )
    assert outbox_rows(db) == [
        ("policy", d.policy.number, None, EMAIL, "queued", A1),
        ("endorsement", d.endorsed, 1, "zeyil@example.com", "queued", A1),
    ]
    assert audit_rows(db, "policy.email", "endorsement.email") == [
        (
            "policy.email",
            "policy",
            str(d.policy.number),
            A1,
            {"recipient": EMAIL, "status": "queued", "lang": "tr", "version": 1},
        ),
        (
            "endorsement.email",
            "endorsement",
            d.endorsement.label,
            A1,
            {"recipient": "zeyil@example.com", "status": "queued", "lang": "tr"},
        ),
    ]


def test_without_any_address_or_with_a_bad_one_nothing_is_queued(printing: Printing):
    db, d = printing.db, printing.docs
    db.exec(sa.update(Customer).where(Customer.id == d.customer.id).values(email=""))
    db.commit()
    a1 = actor_of(db, A1)
    before = snapshot(printing.url)
    with pytest.raises(ValidationFailed) as none:
        documents.queue_email(db, a1, "policy", d.policy.number, "")
    assert (none.value.code, none.value.field) == ("print.no_email", "email")
    db.rollback()
    with pytest.raises(ValidationFailed) as bad:
        documents.queue_email(db, a1, "policy", d.policy.number, "not-an-address")
    assert (bad.value.code, bad.value.field) == ("outbox.email_invalid", "email")
    db.rollback()
    assert snapshot(printing.url) == before
