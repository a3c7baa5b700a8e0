"""An agency user's Kasko quote over their limit waits for a head-office approver, who
approves it from the queue; the agency user then sees it approved, prints and revises it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.journeys import expect_signed_in, sign_in

KASKO = {
    "Araç türü": "otomobil",
    "Kullanım şekli": "hususi",
    "İl grubu": "1",
    "Hasarsızlık kademesi": "0",
    "Muafiyet": "yok",
    "LPG'li araç": "no",
}


def _fill_kasko(page) -> None:  # noqa: ANN001
    page.get_by_label("Branş").select_option("kasko")
    for label, value in KASKO.items():
        page.get_by_label(label, exact=True).select_option(value)
    page.get_by_label("Model yılı").fill("2022")
    page.get_by_label("Sürücü doğum tarihi").fill("1985-04-12")
    page.get_by_label("Plaka").fill("34 ABC 123")
    page.get_by_label("Sigorta bedeli").fill("850.000")
    page.get_by_label("Başlangıç tarihi").fill("2026-12-01")
    page.get_by_label("Plaka").click()  # leaving the last field prices the quote


def test_quote_over_limit_is_approved_from_the_queue_then_revised(app, new_page, shot):
    agent = new_page()
    agent.goto(app.url + "/teklifler/yeni")
    sign_in(agent, "acente.a1")
    expect_signed_in(agent, "acente.a1")

    agent.get_by_role("button", name="Yeni müşteri").click()
    agent.get_by_label("Müşteri türü").select_option("individual")
    agent.get_by_label("TCKN / VKN").fill("17291716050")
    agent.get_by_label("Ad soyad / Unvan").fill("Mehmet Öztürk")
    agent.get_by_label("Telefon").fill("0532 123 45 67")
    agent.get_by_label("Müşteri grubu", exact=True).select_option("bireysel")
    customer_form = agent.locator("form").filter(has=agent.get_by_label("TCKN / VKN"))
    customer_form.get_by_role("button", name="Kaydet").click()
    expect(customer_form.get_by_role("alert")).to_have_text("Geçersiz T.C. kimlik numarası.")
    shot(agent, "1-invalid-tckn")
    agent.get_by_label("TCKN / VKN").fill("10000000146")
    customer_form.get_by_role("button", name="Kaydet").click()
    expect(agent.get_by_test_id("selected-customer")).to_contain_text("Mehmet Öztürk")
    # Agency users without the right see the national id masked.
    expect(agent.get_by_test_id("selected-customer")).to_contain_text("100******46")

    _fill_kasko(agent)
    expect(agent.get_by_test_id("price")).to_contain_text("Brüt prim")
    expect(
        agent.get_by_text("Bu teklif yetki limitinizi aşıyor; kaydedilince onay bekleyecek.")
    ).to_be_visible()
    expect(agent.get_by_test_id("worksheet")).to_contain_text("Oran tablosu satır")
    # codes are named as the tariff files name them; a model year prints as a year
    expect(agent.get_by_test_id("worksheet")).to_contain_text("Kullanım şekli: Hususi")
    expect(agent.get_by_test_id("worksheet")).to_contain_text("İl grubu: 1. grup (İstanbul)")
    expect(agent.get_by_test_id("selected-customer")).to_contain_text("Bireysel")
    expect(agent.get_by_text("1990 – 2027")).to_be_visible()
    shot(agent, "2-priced-form")
    agent.get_by_role("button", name="Teklifi kaydet").click()

    expect(agent.get_by_test_id("quote-status")).to_have_text("Onay bekliyor")
    number = re.search(r"no=(\d+)", agent.url).group(1)
    expect(agent.get_by_role("status")).to_contain_text(f"Teklif {number} kaydedildi")
    expect(agent.get_by_role("status")).to_contain_text(
        "genel müdürlük onay yetkilisinin onaylaması gerekir"
    )
    expect(agent.get_by_role("button", name="Yazdır")).to_have_count(0)
    expect(agent.get_by_role("button", name="E-posta gönder")).to_have_count(0)
    expect(agent.get_by_role("button", name="Onayla")).to_have_count(0)
    shot(agent, "3-awaiting")

    # The home screen counts it among the quotes awaiting approval and links to them.
    agent.goto(app.url + "/")
    tile = agent.get_by_test_id("work-awaiting")
    expect(tile).to_have_text(re.compile(r"^[1-9]\d*$"))
    awaiting = int(tile.inner_text())
    tile.click()
    expect(agent.get_by_test_id(f"quote-row-{number}")).to_be_visible()
    statuses = agent.get_by_test_id("status")
    expect(statuses).to_have_count(min(awaiting, 20))
    assert set(statuses.all_inner_texts()) == {"Onay bekliyor"}
    expect(agent.get_by_label("Durum")).to_have_value("awaiting_approval")

    # Another agency's user: the number behaves as if it did not exist.
    other = new_page()
    other.goto(app.url + f"/teklifler/detay?no={number}")
    sign_in(other, "acente.b1")
    expect_signed_in(other, "acente.b1")
    expect(other.get_by_role("alert")).to_have_text("Kayıt bulunamadı.")
    expect(other.get_by_test_id("quote-status")).to_have_count(0)

    approver = new_page()
    approver.goto(app.url + "/onay")
    sign_in(approver, "gm.onay")
    expect_signed_in(approver, "gm.onay")
    row = approver.get_by_test_id(f"quote-row-{number}")
    expect(row).to_contain_text("acente.a1")
    shot(approver, "4-queue")
    row.get_by_role("link", name=number).click()
    expect(approver.get_by_test_id("worksheet")).to_contain_text("Brüt prim")
    expect(approver.get_by_text("Sigorta süresi")).to_be_visible()
    expect(approver.get_by_text("01.12.2026 12:00 – 01.12.2027 12:00 (365 gün)")).to_be_visible()
    approver.get_by_role("button", name="Onayla").click()
    expect(approver.get_by_role("status")).to_have_text(f"Teklif {number} onaylandı.")
    expect(approver.get_by_test_id("quote-status")).to_have_text("Onaylandı")
    shot(approver, "5-approved")

    # The preparer sees the new state without signing in again.
    agent.goto(app.url + "/teklifler")
    expect(agent.get_by_test_id(f"quote-row-{number}").get_by_test_id("status")).to_have_text(
        "Onaylandı"
    )
    shot(agent, "6-list")
    agent.get_by_test_id(f"quote-row-{number}").get_by_role("link", name=number).click()
    with agent.expect_download() as info:
        agent.get_by_role("button", name="Yazdır", exact=True).click()
    assert info.value.suggested_filename == f"teklif-{number}.pdf"
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    # No mail server in the test app: the e-mail waits in the outbox, and the user is told so.
    agent.get_by_role("button", name="E-posta gönder").click()
    dialog = agent.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Teklif {number}")
    dialog.get_by_label("E-posta adresi").fill("mehmet@example.com")
    shot(agent, "6b-email-dialog")
    dialog.get_by_role("button", name="Gönder", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(agent.get_by_role("status")).to_have_text(
        f"Teklif {number} gönderim kuyruğuna alındı; e-posta sunucusu tanımlanınca gönderilecek."
    )

    agent.get_by_role("button", name="Revize et").click()
    expect(agent.get_by_role("status")).to_contain_text(f"{number} numaralı teklif revize ediliyor")
    expect(agent.get_by_test_id("selected-customer")).to_contain_text("Mehmet Öztürk")
    agent.get_by_label("Sigorta bedeli").fill("450.000")
    agent.get_by_label("Plaka").click()
    expect(
        agent.get_by_text("Bu teklif yetki limitinizi aşıyor; kaydedilince onay bekleyecek.")
    ).to_have_count(0)
    agent.get_by_role("button", name="Teklifi kaydet").click()
    expect(agent.get_by_test_id("quote-status")).to_have_text("Onaylandı")
    new_number = re.search(r"no=(\d+)", agent.url).group(1)
    assert new_number != number
    expect(agent.get_by_role("link", name=number)).to_be_visible()  # "revises" link to the original
    shot(agent, "7-revision")
    agent.get_by_role("link", name=number).click()
    expect(agent.get_by_test_id("quote-status")).to_have_text("Revize edildi")


def test_quote_statistics_show_a_table_and_a_chart(app, new_page, shot):
    page = new_page()
    page.goto(app.url + "/teklifler/istatistik")
    sign_in(page, "gm.mudur")
    expect_signed_in(page, "gm.mudur")
    table = page.get_by_test_id("stats-table")
    expect(table.get_by_role("row").filter(has_text="Kasko Sigortası").first).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Toplam")).to_contain_text("₺")
    expect(page.locator(".recharts-surface").first).to_be_visible()
    shot(page, "stats")
    # A backwards date range is refused with a message beside the field.
    page.get_by_label("Başlangıç tarihi").fill("2026-11-20")
    page.get_by_label("Bitiş tarihi").fill("2026-11-01")
    page.get_by_role("button", name="Göster").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Bitiş tarihi başlangıç tarihinden önce olamaz."
    )
    expect(table.get_by_role("row")).to_have_count(1)  # the heading row only
