"""Issue 9 in the browser, on a demo database, the app's mail settings pointing at a real SMTP
server on loopback (aiosmtpd):

- an agency user prints their customer's policy (a PDF with the number and the Turkish name),
  e-mails it from the dialog filled in with the customer's address, and the mail arrives with
  the PDF; the verification URL printed in it opens, signed out, the public page with the
  number and status and no name;
- the production manager runs the production report by channel between two dates (rows,
  totals, chart equal to the summary table's own sums), defines a format by line and month,
  runs it and exports it to Excel;
- the manager batch-prints today's approved policies and follows the progress to the link.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from iztim_app.core import clock
from iztim_app.core.jobs.batch_print import day_bounds
from tests.browser.conftest import Screens
from tests.browser.documents_journeys import (
    AppDatabase,
    Inbox,
    pdf_pages,
    pdf_text,
    try_text,
    verification_path,
)
from tests.browser.journeys import expect_signed_in, sign_in

CHANNELS = {"head_office": "GM direkt", "branch": "Şube", "agency": "Acente"}
BY_CHANNEL = "Satış kanalına göre üretim"
NEW_FORMAT = "Branş ve aylara göre prim"


@pytest.fixture
def shot(request):  # noqa: ANN001, ANN201
    return Screens("docs-" + request.node.name.replace("test_", ""))


@pytest.fixture(scope="module")
def mail_app(mail_server_app):  # noqa: ANN001, ANN201
    """The session's app whose outbox sender mails to a loopback SMTP server; this module's
    inbox receives, and the demo data is restored when the module ends."""
    inbox = Inbox()
    with mail_server_app.delivering_to(inbox) as running:
        yield running, AppDatabase(running.env["DATABASE_URL"]), inbox


def _downloaded(info) -> bytes:  # noqa: ANN001
    with open(info.value.path(), "rb") as fh:
        return fh.read()


# ---------------------------------------------------------------- print, e-mail, verify


def test_a_policy_is_printed_e_mailed_and_verified(mail_app, new_page, shot):
    app, db, inbox = mail_app
    policy = db.agency_policy_of_individual()
    number = str(policy.number)

    page = new_page()
    page.goto(f"{app.url}/policeler/detay?no={number}")
    sign_in(page, policy.preparer)
    expect_signed_in(page, policy.preparer)
    expect(page.get_by_test_id("policy-status")).to_have_text("Onaylı")
    expect(page.get_by_role("heading", name=f"Poliçe no {number}")).to_be_visible()
    shot(page, "1-policy")

    # Yazdır: a PDF holding the number and the customer's Turkish name
    with page.expect_download() as info:
        page.get_by_role("button", name="Yazdır", exact=True).click()
    assert info.value.suggested_filename == f"police-{number}.pdf"
    printed = _downloaded(info)
    assert printed.startswith(b"%PDF-")
    text = pdf_text(printed)
    assert f"No: {number}" in text
    assert f"Poliçe no {number}" in text
    assert policy.customer in text

    # E-posta gönder: the dialog names the policy and holds the customer's address
    page.get_by_role("button", name="E-posta gönder", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("email-document")).to_have_text(f"Poliçe {number}")
    expect(dialog.get_by_label("E-posta adresi")).to_have_value(policy.email)
    shot(page, "2-email-dialog")
    dialog.get_by_role("button", name="Gönder", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(
        f"Poliçe {number}, {policy.email} adresine gönderildi."
    )
    shot(page, "3-email-sent")

    inbox.wait_for(1)
    assert inbox.messages[0][1] == [policy.email]
    mail = inbox.message(0)
    assert mail["From"] == "police@iztim.test"
    assert number in str(mail["Subject"])
    (attached,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert attached.get_filename() == f"police-{number}.pdf"
    sent_text = pdf_text(attached.get_payload(decode=True))
    assert f"No: {number}" in sent_text
    assert policy.customer in sent_text

    # The verification URL printed under the QR code, opened signed out in a fresh context
    # (the PDF names the configured public address; the path goes to this test's app).
    path = verification_path(text)
    assert f"n={number}" in path
    visitor = new_page()
    visitor.goto(app.url + path)
    result = visitor.get_by_test_id("verify-result")
    expect(result).to_contain_text("Belge no")
    expect(result).to_contain_text(number)
    expect(result).to_contain_text("Durum")
    expect(result).to_contain_text("Yürürlükte")
    expect(visitor.get_by_role("status")).to_be_visible()
    expect(visitor.get_by_text(policy.customer)).to_have_count(0)
    assert policy.customer not in visitor.content()
    assert policy.email not in visitor.content()
    expect(visitor.get_by_label("Kullanıcı kodu")).to_have_count(0)
    shot(visitor, "4-verified-signed-out")

    # A wrong code: one "not verified" message, nothing about the policy
    visitor.goto(app.url + re.sub(r"c=[A-Z0-9]+", "c=AAAAAAAAAA", path))
    expect(visitor.get_by_test_id("verify-failed")).to_be_visible()
    expect(visitor.get_by_test_id("verify-result")).to_have_count(0)
    shot(visitor, "5-not-verified")


# ---------------------------------------------------------------- reports


def _fresh_run_form(page) -> None:  # noqa: ANN001
    """Waits until the run form has been remounted after a format change: a sentinel date
    typed before is replaced by the format's default dates."""
    expect(page.get_by_label("Başlangıç tarihi")).not_to_have_value("2000-01-01")


def _run(page, date_from: str, date_to: str) -> None:  # noqa: ANN001
    page.get_by_label("Başlangıç tarihi").fill(date_from)
    page.get_by_label("Bitiş tarihi").fill(date_to)
    page.get_by_role("button", name="Çalıştır").click()


def _table_rows(page) -> list[list[str]]:  # noqa: ANN001
    table = page.get_by_test_id("report-table")
    expect(table).to_be_visible()
    return [
        [c.strip() for c in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def _settled(chart) -> None:  # noqa: ANN001
    """Waits for the chart's drawing animation to end (the shapes stop moving), so the
    screenshot shows the finished chart."""
    last = None
    for _ in range(40):
        now = chart.evaluate(
            "el => [...el.querySelectorAll('path')].map(p => p.getAttribute('d')).join('|')"
        )
        if now and now == last:
            return
        last = now
        chart.page.wait_for_timeout(150)


def _headers(page) -> list[str]:  # noqa: ANN001
    return [
        h.strip() for h in page.get_by_test_id("report-table").locator("thead th").all_inner_texts()
    ]


def test_a_manager_runs_defines_and_exports_production_reports(mail_app, new_page, shot):
    app, db, _ = mail_app
    today = clock.today()
    start, end = today - timedelta(days=120), today
    period = f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"

    page = new_page()
    page.goto(app.url + "/raporlar")
    sign_in(page, "gm.mudur")
    expect_signed_in(page, "gm.mudur")
    choose = page.get_by_label("Rapor formatı")
    expect(choose.locator("option", has_text=BY_CHANNEL)).to_have_count(1)

    # 1. the production report by channel between two dates
    page.get_by_label("Başlangıç tarihi").fill("2000-01-01")
    choose.select_option(label=BY_CHANNEL)
    _fresh_run_form(page)
    _run(page, start.isoformat(), end.isoformat())
    expect(page.get_by_test_id("report-title")).to_have_text(f"{BY_CHANNEL}: {period}, 3 satır")
    by_channel = db.production_by(("channel",), start, end)
    assert set(by_channel) == {(c,) for c in CHANNELS}
    assert _headers(page) == [
        "Satış kanalı",
        "Poliçe adedi (net)",
        "Net prim",
        "Vergiler",
        "Brüt prim",
    ]
    expected = [
        [CHANNELS[c], str(p), try_text(net), try_text(tax), try_text(gross)]
        for (c,), (p, net, tax, gross, _) in sorted(by_channel.items(), key=lambda kv: -kv[1][3])
    ]
    totals = [sum(v[i] for v in by_channel.values()) for i in range(4)]
    expected.append(
        ["Toplam", str(totals[0]), try_text(totals[1]), try_text(totals[2]), try_text(totals[3])]
    )
    assert _table_rows(page) == expected
    chart = page.get_by_test_id("report-chart")
    expect(chart.locator("svg.recharts-surface").first).to_be_visible()
    expect(chart.locator(".recharts-pie-sector")).to_have_count(3)
    expect(page.get_by_text("Grafik: Brüt prim")).to_be_visible()
    _settled(chart)
    shot(page, "1-by-channel")

    # 2. a new format: by line and month, net and gross premium, a bar chart
    page.get_by_role("button", name="Yeni format").click()
    editor = page.get_by_test_id("format-editor")
    expect(editor.get_by_test_id("editor-title")).to_have_text("Yeni rapor formatı")
    editor.get_by_label("Format adı").fill(NEW_FORMAT)
    editor.get_by_label("Açıklama").fill("Branşların aylık net ve brüt primi.")
    editor.get_by_label("1. gruplama").select_option(label="Branş")
    editor.get_by_label("2. gruplama").select_option(label="Ay")
    measures = editor.get_by_test_id("editor-measure")
    measures.get_by_label("Poliçe adedi (net)", exact=True).uncheck()
    measures.get_by_label("Net prim", exact=True).check()
    measures.get_by_label("Brüt prim", exact=True).check()
    editor.get_by_label("1. sıralama sütunu").select_option(label="Brüt prim")
    editor.get_by_label("1. sıralama yönü").select_option(label="Azalan")
    editor.get_by_label("Grafik türü").select_option(label="Sütun grafik")
    editor.get_by_label("Grafik ölçüsü").select_option(label="Brüt prim")
    editor.get_by_label("Varsayılan dönem").select_option(label="Bu ay")
    shot(page, "2-editor")
    page.get_by_label("Başlangıç tarihi").fill("2000-01-01")
    editor.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_role("status")).to_have_text(f"Rapor formatı kaydedildi: {NEW_FORMAT}.")
    expect(page.get_by_test_id("format-editor")).to_have_count(0)
    row = page.get_by_test_id("format-row").filter(has_text=NEW_FORMAT)
    expect(row).to_contain_text("Kullanıcı tanımlı")
    expect(row).to_contain_text("gm.mudur")
    format_id = db.format_id(NEW_FORMAT)
    expect(choose).to_have_value(str(format_id))
    _fresh_run_form(page)
    expect(page.get_by_label("Başlangıç tarihi")).to_have_value(today.replace(day=1).isoformat())
    shot(page, "3-saved")

    # 3. run it: one row per line and month, figures equal to the summary table's sums
    _run(page, start.isoformat(), end.isoformat())
    by_line = db.production_by(("line_code", "month"), start, end)
    names = db.line_names()
    expect(page.get_by_test_id("report-title")).to_have_text(
        f"{NEW_FORMAT}: {period}, {len(by_line)} satır"
    )
    assert _headers(page) == ["Branş", "Ay", "Net prim", "Brüt prim"]
    ordered = sorted(by_line.items(), key=lambda kv: -kv[1][3])
    expected = [
        [names[line], month, try_text(net), try_text(gross)]
        for (line, month), (_, net, _, gross, _) in ordered
    ]
    net_total = sum(v[1] for v in by_line.values())
    gross_total = sum(v[3] for v in by_line.values())
    expected.append(["Toplam", "", try_text(net_total), try_text(gross_total)])
    assert _table_rows(page) == expected
    chart = page.get_by_test_id("report-chart")
    expect(chart.locator("svg.recharts-surface").first).to_be_visible()
    expect(chart.locator(".recharts-bar-rectangle")).to_have_count(len(by_line))
    _settled(chart)
    shot(page, "4-new-format-run")

    # 4. Excel: the header row, each line's figures as numbers, the totals row
    with page.expect_download() as info:
        page.get_by_role("button", name="Excel", exact=True).click()
    assert info.value.suggested_filename == (
        f"brans-ve-aylara-gore-prim-{start.isoformat()}-{end.isoformat()}.xlsx"
    )
    expect(page.get_by_role("status")).to_have_text(f"{info.value.suggested_filename} indirildi.")
    sheet = load_workbook(io.BytesIO(_downloaded(info))).active
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert cells[0] == ["Branş", "Ay", "Net prim", "Brüt prim"]
    assert all(c.font.bold for c in sheet[1])
    assert len(cells) == len(by_line) + 2
    for r, ((line, month), (_, net, _, gross, _)) in enumerate(ordered, start=2):
        assert cells[r - 1][:2] == [names[line], month]
        assert Decimal(str(cells[r - 1][2])) == Decimal(net) / 100
        assert Decimal(str(cells[r - 1][3])) == Decimal(gross) / 100
        assert sheet.cell(row=r, column=3).number_format == "#,##0.00"
    assert cells[-1][0] == "Toplam"
    assert Decimal(str(cells[-1][3])) == Decimal(gross_total) / 100
    shot(page, "5-exported")


# ---------------------------------------------------------------- batch printing


def test_a_manager_batch_prints_a_days_policies(mail_app, new_page, shot):
    app, db, _ = mail_app
    day, count = db.busiest_approval_day()
    start, end = (t.strftime("%Y-%m-%d %H:%M:%S") for t in day_bounds(day))
    assert db.approved_on(start, end) == count

    page = new_page()
    page.goto(app.url + "/policeler/toplu-baski")
    sign_in(page, "gm.mudur")
    expect_signed_in(page, "gm.mudur")
    expect(page.get_by_label("Onay günü")).to_have_value(clock.today().isoformat())
    page.get_by_label("Onay günü").fill(day.isoformat())
    page.get_by_label("Dosya biçimi").select_option(label="Tek PDF")
    shot(page, "1-form")
    page.get_by_role("button", name="Başlat").click()
    expect(page.get_by_test_id("job-progress-text")).to_have_text(
        f"{count} / {count}", timeout=60000
    )
    progress = page.get_by_role("progressbar", name="İlerleme")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("aria-valuenow", "100")
    name = f"policeler-{day.isoformat()}.pdf"
    expect(page.get_by_role("status")).to_have_text(f"Dosya hazır: {name}")
    link = page.get_by_test_id("job-download")
    expect(link).to_have_accessible_name(f"{name} dosyasını indir")
    expect(page.get_by_role("link", name=f"{name} dosyasını indir")).to_have_count(2)
    shot(page, "2-done")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == name
    merged = _downloaded(info)
    assert pdf_pages(merged) >= count
