"""What a screen says after an action, decided in one place (`AppState._act` / `_report`),
and the actions that hand their slow part to a background event: e-mailing a quote and
validating a tariff upload. Background events need the app's event loop, so their pieces
are driven directly here (the browser tests run them whole)."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from reflex.state import State
from sqlmodel import Session, select

from iztim_app import i18n
from iztim_app.core.db import session_scope
from iztim_app.core.outbox.models import OutboxMessage
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.tables import TariffVersion
from iztim_app.states.admin_users import UsersState
from iztim_app.states.quote_detail import QuoteDetailState, deliver_and_wait
from iztim_app.states.quote_form import QuoteFormState
from iztim_app.states.session import Outcome, run_as
from iztim_app.states.tariffs import (
    TariffState,
    UploadJob,
    _read_versions,
    check_and_store_upload,
)
from tests.foundation.support import snapshot, user_of
from tests.quotes import test_quote_email as email_tests
from tests.quotes import test_quote_states as quote_states
from tests.quotes.fixtures_db import SHIPPED
from tests.quotes.test_quote_email import Inbox
from tests.quotes.test_quote_states import Book, sign_in, sub, visit

# The quote screens' fixtures: this test database, a signed-in tab, the book of quotes.
app_url = quote_states.app_url
book = quote_states.book
root = quote_states.root
slow_smtp = email_tests.slow_smtp

KASKO_RATES = (SHIPPED / "kasko/rates.csv").read_bytes()


def _broken_kasko() -> bytes:
    lines = KASKO_RATES.decode().splitlines()
    cells = lines[1].split(",")
    cells[3] = "otuz dört"
    return "\n".join([lines[0], ",".join(cells), *lines[2:]]).encode() + b"\n"


def _versions(url: str) -> list[tuple[int, str]]:
    with session_scope(url) as db:
        return [(v.number, v.status) for v in db.exec(select(TariffVersion)).all()]


# ====================================================================== one place decides


def test_a_success_message_survives_the_reload_that_follows(root: State, book: Book, db: Session):
    # given bt.admin with acente.a2's record open on the users screen
    sign_in(root, "bt.admin")
    users = sub(root, UsersState)
    users.load()
    users.open_user(str(user_of(db, "acente.a2").id))
    selected = dict(users.selected)
    # when its name is saved (the detail and the list are reloaded after the change)
    users.save_user({**selected, "name": "Acente A İkinci Kullanıcı"})
    # then the list shows the new name and the screen still says it was saved
    assert users.error == "" and users.field_errors == {}
    assert users.message == i18n.translate("common.saved", "tr")
    assert users.selected["name"] == "Acente A İkinci Kullanıcı"
    assert [r["name"] for r in users.rows if r["code"] == "acente.a2"] == [
        "Acente A İkinci Kullanıcı"
    ]


def test_a_refusal_shows_beside_its_field_says_nothing_else_and_changes_nothing(
    root: State, book: Book, quotes_url: str
):
    sign_in(root, "bt.admin")
    users = sub(root, UsersState)
    users.load()
    users.message = "an earlier message"
    before = snapshot(quotes_url)
    users.create(
        {
            "code": "",
            "name": "Adı Var",
            "office_id": "1",
            "role": "manager",
            "password": "Yeni.Parola.1",
        }
    )
    assert users.field_errors and list(users.field_errors) == ["code"]
    assert users.error == users.field_errors["code"] != ""
    assert users.message == ""
    assert snapshot(quotes_url) == before
    # and the next successful action clears what the refusal left
    users.open_user(str(users.rows[0]["id"]))
    assert (users.error, users.field_errors, users.message) == ("", {}, "")


def test_while_filling_in_a_price_refusal_is_shown_beside_the_field_only(root: State, book: Book):
    sign_in(root, "acente.a1")
    form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni", revize=str(book.a1_home.number))
    form.load()
    revising = i18n.translate("quote.revising", "tr", number=book.a1_home.number)
    # the revision's message is said after the form has been priced, and stays
    assert (form.message, form.error) == (revising, "")
    assert form.price_rows != []
    asyncio.run(form.set_sum_insured("çok"))
    assert list(form.field_errors) == ["sum_insured"]
    assert (form.error, form.price_rows) == ("", [])
    asyncio.run(form.set_sum_insured("400.000"))
    assert (form.field_errors, form.error) == ({}, "")
    assert form.price_rows != []


# ====================================================================== e-mail


def test_e_mailing_a_quote_returns_at_once_and_the_follow_up_shows_it_sent(
    root: State,
    book: Book,
    slow_smtp: Inbox,
    quotes_url: str,
):
    session = sign_in(root, "acente.a1")
    detail = sub(root, QuoteDetailState)
    number = str(book.a1_home.number)
    visit(root, "/teklifler/detay", no=number)
    detail.load()
    # when the user sends it (the mail server takes 3 s)
    began = time.monotonic()
    follow_up = detail.send_email({"email": "ayse@example.com"})
    assert time.monotonic() - began < 1.0
    # then the handler has only queued it and asks for the background follow-up
    assert follow_up is QuoteDetailState.deliver_email or "deliver_email" in str(follow_up)
    assert detail.message == f"Teklif {number}, ayse@example.com adresine gönderiliyor…"
    with session_scope(quotes_url) as db:
        (message,) = db.exec(select(OutboxMessage)).all()
        assert (message.status, message.created_by) == ("queued", "acente.a1")
    assert slow_smtp.messages == []

    # the follow-up's work (in a worker thread, as the signed-in user) sends it …
    delivered = deliver_and_wait(session._token(), "tr", message.id)
    assert (delivered.ok, delivered.value) == (True, "sent")
    assert len(slow_smtp.messages) == 1
    # … and the screen then says so
    shown = {"document": f"Teklif {number}", "email": "ayse@example.com"}
    detail._show_delivery(delivered, shown)
    assert detail.message == f"Teklif {number}, ayse@example.com adresine gönderildi."
    assert detail.error == ""

    # a failed delivery is shown as an error, and says it will be tried again
    detail._show_delivery(Outcome(True, "failed"), {**shown, "email": "x@example.com"})
    assert detail.message == ""
    assert detail.error == i18n.translate("outbox.failed", "tr", document=f"Teklif {number}")


def test_without_a_mail_server_the_e_mail_is_queued_and_no_follow_up_runs(
    root: State, book: Book, quotes_url: str
):
    sign_in(root, "acente.a1")
    detail = sub(root, QuoteDetailState)
    number = str(book.a1_home.number)
    visit(root, "/teklifler/detay", no=number)
    detail.load()
    assert detail.send_email({"email": "ayse@example.com"}) is None
    assert detail.message == i18n.translate("outbox.queued", "tr", document=f"Teklif {number}")
    with session_scope(quotes_url) as db:
        assert [m.status for m in db.exec(select(OutboxMessage)).all()] == ["queued"]


def test_an_invalid_address_is_shown_beside_the_field_and_queues_nothing(
    root: State, book: Book, quotes_url: str
):
    sign_in(root, "acente.a1")
    detail = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=str(book.a1_home.number))
    detail.load()
    assert detail.send_email({"email": "not-an-address"}) is None
    text = i18n.translate("outbox.email_invalid", "tr")
    assert (detail.error, detail.field_errors, detail.message) == (text, {"email": text}, "")
    with session_scope(quotes_url) as db:
        assert db.exec(select(OutboxMessage)).all() == []


# ====================================================================== tariff upload


def test_a_broken_upload_lists_every_problem_and_stores_nothing(
    root: State, book: Book, quotes_url: str
):
    session = sign_in(root, "bt.admin")
    tariffs = sub(root, TariffState)
    tariffs.load()
    before = _versions(quotes_url)
    job = UploadJob(session._token(), "tr", "rates.csv", _broken_kasko(), "kasko/rates.csv", "")
    checked = check_and_store_upload(job)
    assert checked.outcome.ok is False
    assert len(checked.problems) == 1 and checked.problems[0].startswith("kasko/rates.csv:2:")
    tariffs.uploading = True
    tariffs._upload_finished(checked, None)
    assert tariffs.uploading is False and tariffs.upload_step == ""
    assert tariffs.problems == checked.problems
    assert "hiçbir şey değiştirilmedi" in tariffs.error
    assert tariffs.message == ""
    assert _versions(quotes_url) == before


def test_a_valid_upload_becomes_a_draft_with_no_write_lock_held_while_validating(
    root: State, book: Book, quotes_url: str, monkeypatch: pytest.MonkeyPatch
):
    session = sign_in(root, "bt.admin")
    tariffs = sub(root, TariffState)
    tariffs.load()
    assert _versions(quotes_url) == [(1, "activated")]

    # while the upload is being validated, another connection takes the write lock at once
    validate = versions._validated
    took: list[float] = []

    def _validated_while_someone_writes(files):  # noqa: ANN001, ANN202
        other = sqlite3.connect(
            quotes_url.removeprefix("sqlite:///"), timeout=0.5, isolation_level=None
        )
        try:
            began = time.monotonic()
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            took.append(time.monotonic() - began)
        finally:
            other.close()
        return validate(files)

    monkeypatch.setattr(versions, "_validated", _validated_while_someone_writes)
    job = UploadJob(session._token(), "tr", "rates.csv", KASKO_RATES, "kasko/rates.csv", "aynı")
    checked = check_and_store_upload(job)
    assert len(took) == 1 and took[0] < 0.5
    assert (checked.outcome.ok, checked.problems) == (True, [])
    assert _versions(quotes_url) == [(1, "activated"), (2, "draft")]

    # the end on screen: the new draft listed and one message
    tariffs.uploading = True
    tariffs._upload_finished(checked, run_as(session._token(), "tr", _read_versions))
    assert tariffs.uploading is False
    assert tariffs.message == i18n.translate("tariffv.draft_created", "tr", number=2)
    assert (tariffs.error, tariffs.problems) == ("", [])
    assert [r["number"] for r in tariffs.versions_rows][:2] in (["2", "1"], ["1", "2"])


def test_the_upload_handler_only_takes_the_bytes(root: State, book: Book, quotes_url: str):
    sign_in(root, "bt.admin")
    tariffs = sub(root, TariffState)
    tariffs.load()

    class _File:
        name = "rates.csv"

        async def read(self, size: int) -> bytes:
            return KASKO_RATES[:size]

    result = asyncio.run(tariffs.upload([_File()]))
    assert tariffs.uploading is True and tariffs._upload_data == KASKO_RATES
    assert tariffs.upload_step == i18n.translate("tariffv.step_received", "tr", name="rates.csv")
    assert "check_upload" in str(result)
    assert _versions(quotes_url) == [(1, "activated")]  # nothing stored by the handler
    # a second upload while the first is checked is refused and changes nothing
    asyncio.run(tariffs.upload([_File()]))
    assert tariffs.error == i18n.translate("tariffv.upload_busy", "tr")
    assert _versions(quotes_url) == [(1, "activated")]
