"""The commission screens in the browser, on a demo database (its policies were approved at
loading, so today's statements hold them): the production manager sets a rate from
tomorrow; an agency user opens their statement and downloads it as PDF; head office picks
another agency."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from iztim_app.core import clock
from tests.browser.conftest import Screens
from tests.browser.journeys import expect_signed_in, sign_in

pytestmark = pytest.mark.browser

AGENCY_A = "A Sigorta Aracılık Hizmetleri Ltd. Şti."
AGENCY_B = "B Sigorta Acentesi (Ayşe Yılmaz)"


@pytest.fixture
def shot(request):  # noqa: ANN001, ANN201
    return Screens("commission-" + request.node.name.replace("test_", ""))


def test_the_manager_sets_a_rate_from_tomorrow(app, new_page, shot):
    page = new_page()
    page.goto(f"{app.url}/yonetim/komisyon")
    sign_in(page, "gm.mudur")
    expect_signed_in(page, "gm.mudur")
    expect(page.get_by_role("heading", name="Acente komisyon oranları")).to_be_visible()
    expect(page.get_by_test_id("rates-table")).to_contain_text("%13,50")  # the demo's change
    tomorrow = clock.today() + timedelta(days=1)
    page.get_by_label("Acente", exact=True).first.select_option(label=AGENCY_A)
    page.get_by_label("Branş").select_option(label="Konut Sigortası")
    page.get_by_label("Oran", exact=True).fill("21,25")
    page.get_by_label("Geçerlilik başlangıcı").fill(tomorrow.isoformat())
    page.get_by_test_id("save-rate").click()
    expect(page.get_by_role("status")).to_have_text(
        f"{AGENCY_A} için Konut Sigortası oranı {clock.format_date(tomorrow)} tarihinden "
        "itibaren %21,25 olarak kaydedildi."
    )
    row = page.get_by_test_id("rates-table").get_by_role("row").filter(has_text="%21,25")
    expect(row).to_contain_text("İleri tarihli")
    shot(page, "1-rate-saved")
    # a rate in the past is refused beside its field
    page.get_by_label("Oran", exact=True).fill("150")
    page.get_by_label("Geçerlilik başlangıcı").fill((clock.today() - timedelta(days=3)).isoformat())
    page.get_by_test_id("save-rate").click()
    beside = page.locator(".iz-field-error")
    expect(beside.filter(has_text='Oran 0 ile 100 arasında olmalı: "150".')).to_be_visible()
    expect(beside.filter(has_text="Geçerlilik başlangıcı bugünden")).to_be_visible()
    shot(page, "2-rate-refused")


def test_an_agency_user_downloads_their_statement(app, new_page, shot):
    page = new_page()
    page.goto(f"{app.url}/raporlar/komisyon")
    sign_in(page, "acente.a1")
    expect_signed_in(page, "acente.a1")
    expect(page.get_by_label("Acente", exact=True)).to_be_disabled()
    # the demo's approvals spread over the past year: the statement of the last twelve months
    start = clock.today() - timedelta(days=365)
    page.get_by_label("Başlangıç tarihi").fill(start.isoformat())
    page.get_by_test_id("show-statement").click()
    expect(page.locator(".iz-dl")).to_contain_text(f"{start:%d.%m.%Y}")
    expect(page.get_by_test_id("statement-entries")).to_contain_text("Poliçe")
    total = page.get_by_test_id("statement-total")
    expect(total).not_to_have_text("0,00 ₺")
    shown_total = total.inner_text()
    shot(page, "1-statement")
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    assert info.value.suggested_filename.startswith("komisyon-A-ACENTE-A-")
    with open(info.value.path(), "rb") as fh:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    assert AGENCY_A in text and shown_total in text


def test_head_office_picks_an_agency(app, new_page, shot):
    page = new_page()
    page.goto(f"{app.url}/raporlar/komisyon")
    sign_in(page, "gm.onay")
    expect_signed_in(page, "gm.onay")
    page.get_by_label("Acente", exact=True).select_option(label=AGENCY_B)
    page.get_by_test_id("show-statement").click()
    expect(page.get_by_test_id("line-totals")).to_contain_text("Toplam komisyon")
    expect(page.locator(".iz-dl")).to_contain_text(AGENCY_B)
    shot(page, "1-agency-b")
