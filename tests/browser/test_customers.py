"""One person at two agencies: agency A and agency B each register Ayşe Şahin (same TCKN)
from the quote form, neither is stopped nor sees the other's data; agency A edits her
phone on the customer page; head office finds both records and sees them as one person."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from iztim_app.core import clock
from tests.browser.journeys import expect_signed_in, sign_in

TCKN = "17291716060"
TRAFIK = {"Araç türü": "otomobil", "İl grubu": "1", "Basamak": "4"}


def _save_trafik_quote(page: Page) -> str:
    """A Trafik quote for the selected customer; returns its number."""
    page.get_by_label("Branş").select_option("trafik")
    for label, value in TRAFIK.items():
        page.get_by_label(label, exact=True).select_option(value)
    page.get_by_label("Model yılı").fill("2020")
    page.get_by_label("Sigorta bedeli").fill("100.000")
    page.get_by_label("Başlangıç tarihi").fill((clock.today() + timedelta(days=1)).isoformat())
    page.get_by_label("Model yılı").click()  # leaving the last field prices the quote
    expect(page.get_by_test_id("price")).to_contain_text("Brüt prim")
    page.get_by_role("button", name="Teklifi kaydet").click()
    expect(page.get_by_test_id("quote-status")).to_be_visible()
    return re.search(r"no=(\d+)", page.url).group(1)


def _register(page: Page, phone: str) -> None:
    """The quote form's new-customer card, as an agency user fills it in."""
    page.get_by_role("button", name="Yeni müşteri").click()
    page.get_by_label("Müşteri türü").select_option("individual")
    page.get_by_label("TCKN / VKN").fill(TCKN)
    page.get_by_label("Ad soyad / Unvan").fill("Ayşe Şahin")
    page.get_by_label("Telefon").fill(phone)
    page.get_by_label("Müşteri grubu", exact=True).select_option("bireysel")
    customer_form = page.locator("form").filter(has=page.get_by_label("TCKN / VKN"))
    customer_form.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_test_id("selected-customer")).to_contain_text("Ayşe Şahin")
    expect(page.get_by_test_id("selected-customer")).to_contain_text("172******60")


def _open_customer_by_tckn(page: Page) -> None:
    expect(page.locator("[data-testid^='customer-row-']").first).to_be_visible()  # list loaded
    page.get_by_label("Müşteri ara").fill(TCKN)
    page.get_by_role("button", name="Ara").click()


def test_one_person_at_two_agencies_and_head_office_sees_both(app, new_page, shot):
    agent_a = new_page()
    agent_a.goto(app.url + "/teklifler/yeni")
    sign_in(agent_a, "acente.a1")
    expect_signed_in(agent_a, "acente.a1")
    _register(agent_a, "0532 123 45 67")
    quote = _save_trafik_quote(agent_a)

    # Agency B registers the same TCKN: no refusal, no hint, a record of its own.
    agent_b = new_page()
    agent_b.goto(app.url + "/teklifler/yeni")
    sign_in(agent_b, "acente.b1")
    expect_signed_in(agent_b, "acente.b1")
    _register(agent_b, "0312 555 44 33")
    expect(agent_b.get_by_role("alert")).to_have_count(0)
    shot(agent_b, "1-agency-b-registered")

    # B's customer list shows B's record only, id masked, with B's phone.
    agent_b.get_by_role("link", name="Müşteriler").click()
    _open_customer_by_tckn(agent_b)
    rows = agent_b.locator("[data-testid^='customer-row-']")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("0312 555 44 33")
    expect(rows.first).to_contain_text("172******60")
    expect(agent_b.get_by_text("0532 123 45 67")).to_have_count(0)
    expect(agent_b.get_by_text(quote)).to_have_count(0)
    shot(agent_b, "2-agency-b-list")

    # Agency A edits the phone on its customer page; the change is shown at once.
    agent_a.goto(app.url + "/musteriler")
    _open_customer_by_tckn(agent_a)
    a_row = agent_a.locator("[data-testid^='customer-row-']")
    expect(a_row).to_have_count(1)
    a_number = a_row.first.get_by_role("link").inner_text()
    a_row.first.get_by_role("link").click()
    expect(agent_a.get_by_test_id("customer-name")).to_have_text("Ayşe Şahin")
    expect(agent_a.get_by_test_id("same-person")).to_have_count(0)
    expect(agent_a.get_by_test_id(f"quote-row-{quote}")).to_contain_text("acente.a1")
    agent_a.get_by_role("button", name="İletişim bilgilerini değiştir").click()
    agent_a.get_by_label("Telefon").fill("0532-123")
    agent_a.get_by_role("button", name="Kaydet").click()
    expect(agent_a.get_by_role("alert").first).to_contain_text("Geçersiz telefon numarası")
    shot(agent_a, "3-agency-a-bad-phone")
    agent_a.get_by_label("Telefon").fill("0532 999 88 77")
    agent_a.get_by_label("Adres").fill("Moda Cad. No: 5 Kadıköy/İstanbul")
    agent_a.get_by_role("button", name="Kaydet").click()
    expect(agent_a.get_by_role("status")).to_have_text(
        f"Müşteri {a_number} iletişim bilgileri kaydedildi."
    )
    expect(agent_a.get_by_test_id("customer-phone")).to_have_text("0532 999 88 77")
    expect(agent_a.get_by_test_id("customer-address")).to_have_text(
        "Moda Cad. No: 5 Kadıköy/İstanbul"
    )
    shot(agent_a, "4-agency-a-saved")

    # Head office: two records of one person, each page pointing to the other portfolio.
    office = new_page()
    office.goto(app.url + "/musteriler")
    sign_in(office, "gm.onay")
    expect_signed_in(office, "gm.onay")
    _open_customer_by_tckn(office)
    both = office.locator("[data-testid^='customer-row-']")
    expect(both).to_have_count(2)
    expect(both.first).to_contain_text(TCKN)
    shot(office, "5-head-office-list")
    office.get_by_role("link", name=a_number).click()
    same = office.get_by_test_id("same-person")
    expect(same).to_contain_text("Aynı kişi başka portföylerde")
    expect(same).to_contain_text("0312 555 44 33")
    expect(same).to_contain_text("acente.b1")
    expect(office.get_by_test_id("customer-national-id")).to_have_text(TCKN)
    shot(office, "6-head-office-same-person")
    # B's record lists A's quote too (one person), and the quote opens from there.
    same.get_by_role("link").click()
    expect(office.get_by_test_id("customer-phone")).to_have_text("0312 555 44 33")
    office.get_by_test_id(f"quote-row-{quote}").get_by_role("link", name=quote).click()
    expect(office.get_by_test_id("quote-status")).to_be_visible()
    expect(office).to_have_url(re.compile(rf"/teklifler/detay\?no={quote}$"))
