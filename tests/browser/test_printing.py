"""In the browser, with the app's own mail server settings pointing at a real SMTP server
(aiosmtpd on loopback): gm.onay prints a demo policy and one of its endorsements, e-mails
both from the dialog (the customer's address filled in, edited), and the mails arrive with
the PDFs; a policy awaiting approval offers neither action."""

from __future__ import annotations

import email
import email.policy
import io
import sqlite3
import time

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import Screens
from tests.browser.journeys import expect_signed_in, sign_in
from tests.quotes.test_quote_email import Inbox

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(request):  # noqa: ANN001, ANN201
    return Screens("print-" + request.node.name.replace("test_", ""))


@pytest.fixture(scope="module")
def mail_app(mail_server_app):  # noqa: ANN001, ANN201
    """The session's app with a loopback SMTP server; this module's inbox receives."""
    inbox = Inbox()
    with mail_server_app.delivering_to(inbox) as running:
        yield running, mail_server_app.database, inbox


def _one(database, sql: str) -> tuple:  # noqa: ANN001
    with sqlite3.connect(database) as conn:
        return conn.execute(sql).fetchone()


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _wait_for(inbox: Inbox, count: int) -> None:
    for _ in range(100):
        if len(inbox.messages) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"{len(inbox.messages)} e-mails arrived, expected {count}")


def _attachment(inbox: Inbox, index: int) -> tuple[list[str], str, str, bytes]:
    _, recipients, content = inbox.messages[index]
    mail = email.message_from_bytes(content, policy=email.policy.default)
    (pdf,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    return recipients, str(mail["Subject"]), pdf.get_filename(), pdf.get_payload(decode=True)


def test_print_and_e_mail_a_policy_and_its_endorsement(mail_app, new_page, shot):
    app, database, inbox = mail_app
    number, seq = _one(
        database,
        "SELECT e.policy_number, e.seq FROM endorsement e JOIN policy p ON p.id = e.policy_id "
        "WHERE e.status = 'approved' AND e.kind = 'increase' AND p.status = 'approved' "
        "ORDER BY e.id LIMIT 1",
    )
    (customer_email,) = _one(
        database,
        "SELECT c.email FROM customer c JOIN policy p ON p.customer_id = c.id "
        f"WHERE p.number = {number} ORDER BY p.version DESC LIMIT 1",
    )
    label = f"{seq}/{number}"
    page = new_page()
    page.goto(f"{app.url}/policeler/detay?no={number}")
    sign_in(page, "gm.onay")
    expect_signed_in(page, "gm.onay")
    expect(page.get_by_test_id("policy-status")).to_have_text("Onaylı")

    # Yazdır: the policy's PDF is downloaded
    with page.expect_download() as info:
        page.get_by_role("button", name="Yazdır", exact=True).click()
    assert info.value.suggested_filename == f"police-{number}.pdf"
    assert f"No: {number}" in _pdf_text(open(info.value.path(), "rb").read())

    # E-posta gönder: the dialog names the policy, the customer's address is filled in
    page.get_by_role("button", name="E-posta gönder", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Poliçe {number}")
    expect(dialog.get_by_label("E-posta adresi")).to_have_value(customer_email or "")
    dialog.get_by_label("E-posta adresi").fill("ayse.sahin@example.com")
    shot(page, "1-policy-dialog")
    dialog.get_by_role("button", name="Gönder", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(
        f"Poliçe {number}, ayse.sahin@example.com adresine gönderildi."
    )
    _wait_for(inbox, 1)
    recipients, subject, filename, pdf = _attachment(inbox, 0)
    assert (recipients, subject, filename) == (
        ["ayse.sahin@example.com"],
        f"Sigorta poliçeniz: {number}",
        f"police-{number}.pdf",
    )
    assert f"No: {number}" in _pdf_text(pdf)
    shot(page, "2-policy-sent")

    # the endorsement row: print and e-mail it
    row = page.get_by_test_id(f"endorsement-{seq}")
    with page.expect_download() as info:
        row.get_by_role("button", name=f"Zeyil {label} yazdır (PDF indir)").click()
    assert info.value.suggested_filename == f"zeyil-{seq}-{number}.pdf"
    row.get_by_role("button", name=f"Zeyil {label} e-postayla gönder").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Zeyil {label}")
    dialog.get_by_label("E-posta adresi").fill("zeyil@example.com")
    dialog.get_by_role("button", name="Gönder", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        f"Zeyil {label}, zeyil@example.com adresine gönderildi."
    )
    _wait_for(inbox, 2)
    recipients, subject, filename, pdf = _attachment(inbox, 1)
    assert (recipients, subject, filename) == (
        ["zeyil@example.com"],
        f"Poliçe zeyilnameniz: {label}",
        f"zeyil-{seq}-{number}.pdf",
    )
    assert f"No: {label}" in _pdf_text(pdf)
    shot(page, "3-endorsement-sent")

    # a policy awaiting approval offers neither action
    (awaiting,) = _one(
        database, "SELECT number FROM policy WHERE status = 'awaiting_approval' LIMIT 1"
    )
    page.goto(f"{app.url}/policeler/detay?no={awaiting}")
    expect(page.get_by_test_id("policy-status")).to_have_text("Onay bekliyor")
    expect(page.get_by_role("button", name="Yazdır", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="E-posta gönder", exact=True)).to_have_count(0)
    shot(page, "4-awaiting-no-actions")
