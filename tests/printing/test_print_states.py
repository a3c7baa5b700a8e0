"""The screens' print and e-mail actions: present only where the document prints, and the
handlers (callable from the browser with any arguments) refuse everything else and change
nothing. E-mail goes through the outbox with the background follow-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reflex.state import State
from sqlmodel import Session

from iztim_app.core.db import get_engine
from iztim_app.states.document_actions import deliver_and_wait
from iztim_app.states.policy_detail import PolicyDetailState
from iztim_app.states.quote_detail import QuoteDetailState
from tests.foundation.support import snapshot, use_settings
from tests.printing.fixtures import audit_rows, not_printable, outbox_rows
from tests.printing.world import A1, EMAIL, Docs, make_docs
from tests.quotes.fixtures_db import SHIPPED
from tests.quotes.test_quote_email import Inbox, _free_port
from tests.quotes.test_quote_states import sign_in, sub, visit

QUEUED = "gönderim kuyruğuna alındı; e-posta sunucusu tanımlanınca gönderilecek."


@pytest.fixture
def app_url(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(
        monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False, smtp_host=""
    )
    yield quotes_url
    get_engine.cache_clear()


@pytest.fixture
def docs(app_url: str, db: Session) -> Docs:
    return make_docs(db)


@pytest.fixture
def root(app_url: str) -> State:
    return State(_reflex_internal_init=True)


def _policy_screen(root: State, number: int, user: str | None = A1) -> PolicyDetailState:
    if user:
        sign_in(root, user)
    screen = sub(root, PolicyDetailState)
    visit(root, "/policeler/detay", no=str(number))
    screen.load()
    return screen


def _quote_screen(root: State, number: int, user: str | None = A1) -> QuoteDetailState:
    if user:
        sign_in(root, user)
    screen = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=str(number))
    screen.load()
    return screen


def test_the_policy_screen_prints_the_policy_and_its_approved_endorsements(
    root: State, docs: Docs, db: Session
):
    screen = _policy_screen(root, docs.endorsed)
    assert screen.can_print is True
    # each endorsement row offers printing only when approved
    assert [(e["seq"], e["printable"]) for e in screen.endorsements] == [
        ("1", "1"),
        ("2", ""),
        ("3", ""),
    ]
    assert screen.endorsements[0]["print_label"] == f"Zeyil 1/{docs.endorsed} yazdır (PDF indir)"
    assert screen.endorsements[0]["email_label"] == f"Zeyil 1/{docs.endorsed} e-postayla gönder"
    download = screen.print_pdf()
    assert f"police-{docs.endorsed}.pdf" in str(download)
    download = screen.print_document("endorsement", "1")
    assert f"zeyil-1-{docs.endorsed}.pdf" in str(download)
    assert screen.error == ""
    assert [
        (a, i, who) for a, _, i, who, _ in audit_rows(db, "policy.print", "endorsement.print")
    ] == [
        ("policy.print", str(docs.endorsed), A1),
        ("endorsement.print", f"1/{docs.endorsed}", A1),
    ]


def test_forged_prints_of_documents_not_approved_are_refused_and_change_nothing(
    root: State, docs: Docs, app_url: str
):
    screen = _policy_screen(root, docs.endorsed)
    before = snapshot(app_url)  # signed in: the screens below change nothing more
    # the rejected and the awaiting endorsement, asked for from the browser anyway
    for seq, status in (("2", "Reddedildi"), ("3", "Onay bekliyor")):
        assert screen.print_document("endorsement", seq) is None
        assert screen.error == not_printable(f"Zeyil {seq}/{docs.endorsed}", status)
    # nonsense names no document
    for kind, seq in (("endorsement", "abc"), ("invoice", ""), ("quote", "")):
        screen.error = ""
        assert screen.print_document(kind, seq) is None
        assert screen.error == ""
    # a policy awaiting approval: no print action, and the handler refuses
    awaiting = _policy_screen(root, docs.policy_awaiting, None)
    assert (awaiting.policy["status"], awaiting.can_print) == ("awaiting_approval", False)
    assert awaiting.print_pdf() is None
    assert awaiting.error == not_printable(f"Poliçe {docs.policy_awaiting}", "Onay bekliyor")
    draft = _policy_screen(root, docs.policy_draft, None)
    assert draft.can_print is False
    assert draft.print_pdf() is None
    assert draft.error == not_printable(f"Poliçe {docs.policy_draft}", "Taslak")
    # a quote awaiting approval
    quote = _quote_screen(root, docs.quote_awaiting, None)
    assert quote.quote["can_print"] == ""
    assert quote.print_pdf() is None
    assert quote.error == not_printable(f"Teklif {docs.quote_awaiting}", "Onay bekliyor")
    assert snapshot(app_url) == before


def test_the_e_mail_dialog_is_filled_with_the_customers_address_and_queues_the_document(
    root: State, docs: Docs, db: Session
):
    screen = _policy_screen(root, docs.endorsed)
    screen.open_email("policy")
    assert screen.email_doc == {
        "kind": "policy",
        "seq": "",
        "ref": str(docs.endorsed),
        "text": f"Poliçe {docs.endorsed}",
    }
    assert screen.email_address == EMAIL
    # when sent (no mail server here): queued, the dialog closes, the user is told
    assert screen.send_email({"email": EMAIL}) is None
    assert screen.message == f"Poliçe {docs.endorsed} {QUEUED}"
    assert screen.email_doc == {}
    # an endorsement row's dialog, to an address typed in
    screen.open_email("endorsement", "1")
    assert (screen.email_doc["text"], screen.email_address) == (f"Zeyil 1/{docs.endorsed}", EMAIL)
    screen.send_email({"email": "ayse.sahin@example.com"})
    assert screen.message == f"Zeyil 1/{docs.endorsed} {QUEUED}"
    assert outbox_rows(db) == [
        ("policy", docs.endorsed, None, EMAIL, "queued", A1),
        ("endorsement", docs.endorsed, 1, "ayse.sahin@example.com", "queued", A1),
    ]
    # a cancellation is named as such
    cancelled = _policy_screen(root, docs.cancelled)
    cancelled.open_email("endorsement", "1")
    assert cancelled.email_doc["text"] == f"Fesih zeyili 1/{docs.cancelled}"
    # closing the dialog forgets it
    cancelled.email_open_change(False)
    assert cancelled.email_doc == {}


def test_forged_e_mails_of_documents_not_approved_queue_nothing(
    root: State, docs: Docs, app_url: str, db: Session
):
    screen = _policy_screen(root, docs.endorsed)
    before = snapshot(app_url)  # signed in: the screens below change nothing more
    screen.open_email("endorsement", "3")
    assert screen.send_email({"email": EMAIL}) is None
    assert screen.error == not_printable(f"Zeyil 3/{docs.endorsed}", "Onay bekliyor")
    awaiting = _policy_screen(root, docs.policy_awaiting, None)
    assert awaiting.send_email({"email": EMAIL}) is None
    assert awaiting.error == not_printable(f"Poliçe {docs.policy_awaiting}", "Onay bekliyor")
    quote = _quote_screen(root, docs.quote_rejected, None)
    assert quote.send_email({"email": EMAIL}) is None
    assert quote.error == not_printable(f"Teklif {docs.quote_rejected}", "Reddedildi")
    # a bad address is said beside the field, the dialog stays open
    screen = _policy_screen(root, docs.endorsed, None)
    screen.open_email("policy")
    screen.send_email({"email": "not-an-address"})
    assert screen.field_errors == {"email": "Geçerli bir e-posta adresi yazın."}
    assert screen.email_doc["kind"] == "policy"
    assert outbox_rows(db) == []
    assert snapshot(app_url) == before


def test_with_a_mail_server_the_follow_up_sends_it_and_the_screen_says_so(
    root: State, docs: Docs, app_url: str, monkeypatch: pytest.MonkeyPatch
):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        use_settings(
            monkeypatch,
            database_url=app_url,
            tariffs_dir=SHIPPED,
            demo_mode=False,
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            smtp_from="police@iztim.test",
        )
        session = sign_in(root, A1)
        screen = _policy_screen(root, docs.endorsed, None)
        screen.open_email("endorsement", "1")
        follow_up = screen.send_email({"email": EMAIL})
        assert "deliver_email" in str(follow_up)
        assert screen.message == f"Zeyil 1/{docs.endorsed}, {EMAIL} adresine gönderiliyor…"
        queued = dict(screen._email)
        assert queued["document"] == f"Zeyil 1/{docs.endorsed}"
        delivered = deliver_and_wait(session._token(), "tr", int(queued["id"]))
        assert (delivered.ok, delivered.value) == (True, "sent")
        assert [rcpt for _, rcpt, _ in inbox.messages] == [[EMAIL]]
        assert screen._on_screen(queued) is True
        screen._show_delivery(delivered, queued)
        assert screen.message == f"Zeyil 1/{docs.endorsed}, {EMAIL} adresine gönderildi."
    finally:
        controller.stop()
