"""Policies in the browser: an agency user's approved Konut quote becomes a policy after the
preview and "Onaylamak istiyor musunuz?", and a payment is recorded on it; an over-limit
policy waits for gm.onay, who approves it, adds an increase endorsement and cancels it with
the refund shown before confirming."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from iztim_app.core import clock
from tests.browser.journeys import expect_signed_in, sign_in

# Today on the Turkish calendar: the first installment is due today (unpaid, not overdue).
START = clock.today().isoformat()


def _new_customer(page, tckn: str, name: str) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Yeni müşteri").click()
    page.get_by_label("Müşteri türü").select_option("individual")
    page.get_by_label("TCKN / VKN").fill(tckn)
    page.get_by_label("Ad soyad / Unvan").fill(name)
    page.get_by_label("Telefon").fill("0532 123 45 67")
    page.get_by_label("Müşteri grubu", exact=True).select_option("bireysel")
    form = page.locator("form").filter(has=page.get_by_label("TCKN / VKN"))
    form.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_test_id("selected-customer")).to_contain_text(name)


def _fill_konut(page, sum_insured: str) -> None:  # noqa: ANN001
    page.get_by_label("Branş").select_option("konut")
    page.get_by_label("Yapı tarzı").select_option("betonarme")
    page.get_by_label("Deprem bölgesi").select_option("1")
    page.get_by_label("Deprem ek teminatı").select_option("yes")
    page.get_by_label("Belediye sınırları içinde").select_option("yes")
    page.get_by_label("Bina yaşı").fill("15")
    page.get_by_label("Brüt alan (m²)").fill("120")
    page.get_by_label("Sigorta bedeli").fill(sum_insured)
    page.get_by_label("Başlangıç tarihi").fill(START)
    page.get_by_label("Risk adresi").fill("Moda Cad. 12, Kadıköy")
    page.get_by_label("Bina yaşı").click()  # leaving the last field prices it


def _form_loaded(page) -> None:  # noqa: ANN001
    """The form's on_load has run (it remounts the forms): only then type into them."""
    expect(page.get_by_label("Branş")).to_contain_text("Konut Sigortası")


def _number(page) -> str:  # noqa: ANN001
    return re.search(r"no=(\d+)", page.url).group(1)


def test_an_approved_quote_becomes_a_policy_after_preview_and_confirm(app, new_page, shot):
    agent = new_page()
    agent.goto(app.url + "/teklifler/yeni")
    sign_in(agent, "acente.a1")
    expect_signed_in(agent, "acente.a1")
    _form_loaded(agent)
    _new_customer(agent, "38271645972", "Zeynep Kaya")
    _fill_konut(agent, "400.000")
    expect(agent.get_by_test_id("price")).to_contain_text("Brüt prim")
    agent.get_by_role("button", name="Teklifi kaydet").click()
    expect(agent.get_by_test_id("quote-status")).to_have_text("Onaylandı")
    quote = _number(agent)

    agent.goto(app.url + "/policeler/yeni")
    _form_loaded(agent)
    agent.get_by_label("Teklif no").fill(quote)
    agent.get_by_role("button", name="Tekliften doldur").click()
    expect(agent.get_by_role("status")).to_have_text(f"Teklif {quote} bilgileri forma aktarıldı.")
    expect(agent.get_by_test_id("selected-customer")).to_contain_text("Zeynep Kaya")
    expect(agent.get_by_label("Branş")).to_be_disabled()
    expect(agent.get_by_label("Sigorta bedeli")).to_have_value("400.000,00")
    agent.get_by_label("Taksit sayısı").select_option("3")
    expect(agent.get_by_test_id("installments-plan").locator("tbody tr")).to_have_count(3)
    shot(agent, "1-from-quote")

    agent.get_by_role("button", name="Önizle").click()
    preview = agent.get_by_test_id("policy-preview")
    expect(preview).to_contain_text("Zeynep Kaya")
    expect(preview).to_contain_text("Moda Cad. 12, Kadıköy")
    expect(preview.get_by_test_id("confirm-policy")).to_contain_text("Onaylamak istiyor musunuz?")
    shot(agent, "2-preview")
    preview.get_by_role("button", name="Evet").click()

    expect(agent.get_by_test_id("policy-status")).to_have_text("Onaylı")
    number = _number(agent)
    expect(agent.get_by_role("status")).to_have_text(f"Poliçe {number} kaydedildi ve onaylandı.")
    expect(agent.get_by_test_id("policy-quote")).to_have_text(quote)
    expect(agent.get_by_test_id("money").locator("tbody tr").first).to_contain_text("Ödenmedi")
    shot(agent, "3-issued")

    # a payment on the first installment
    agent.get_by_label("Tahsilat tutarı").fill("100,00")
    agent.get_by_label("Ödeme şekli").select_option("transfer")
    agent.get_by_label("Açıklama / dekont no").fill("EFT-778")
    agent.get_by_role("button", name="Tahsilat kaydet").click()
    expect(agent.get_by_role("status")).to_have_text("1. taksite 100,00 ₺ ödeme kaydedildi.")
    expect(agent.get_by_test_id("payments")).to_contain_text("EFT-778")
    expect(agent.get_by_test_id("plan-paid")).to_have_text("100,00 ₺")
    shot(agent, "4-payment")

    # the list shows it
    agent.goto(app.url + "/policeler")
    expect(agent.get_by_test_id(f"policy-row-{number}")).to_contain_text("Zeynep Kaya")


def test_an_over_limit_policy_is_approved_then_increased_and_cancelled(app, new_page, shot):
    agent = new_page()
    agent.goto(app.url + "/policeler/yeni")
    sign_in(agent, "acente.a1")
    expect_signed_in(agent, "acente.a1")
    _form_loaded(agent)
    _new_customer(agent, "49581726350", "Hakan Demir")
    _fill_konut(agent, "900.000")
    expect(
        agent.get_by_text("Bu poliçe yetki limitinizi aşıyor; kaydedilince genel müdürlük")
    ).to_be_visible()
    agent.get_by_role("button", name="Önizle").click()
    agent.get_by_test_id("confirm-policy").get_by_role("button", name="Evet").click()
    expect(agent.get_by_test_id("policy-status")).to_have_text("Onay bekliyor")
    number = _number(agent)
    expect(agent.get_by_role("status")).to_contain_text(
        "yetki limitinizi aştığı için onay bekliyor"
    )
    expect(agent.get_by_role("button", name="Onayla")).to_have_count(0)
    shot(agent, "1-awaiting")

    approver = new_page()
    approver.goto(app.url + "/onay")
    sign_in(approver, "gm.onay")
    expect_signed_in(approver, "gm.onay")
    row = approver.get_by_test_id("queue-policies").get_by_test_id(f"policy-row-{number}")
    expect(row).to_contain_text("Hakan Demir")
    shot(approver, "2-queue")
    row.get_by_role("link", name=number).click()
    approver.get_by_role("button", name="Onayla").click()
    expect(approver.get_by_role("status")).to_have_text(f"Poliçe {number} onaylandı.")
    expect(approver.get_by_test_id("policy-status")).to_have_text("Onaylı")

    # an increase endorsement: preview, then confirm
    form = approver.locator("form").filter(has=approver.get_by_label("Zeyil türü"))
    form.get_by_label("Zeyil türü").select_option("increase")
    form.get_by_label("Yürürlük tarihi").fill("2027-03-01")
    form.get_by_label("Yeni sigorta bedeli").fill("1.000.000")
    form.get_by_label("Açıklama", exact=True).fill("Bedel artışı")
    form.get_by_role("button", name="Önizle").click()
    change = approver.get_by_test_id("endorsement-preview")
    expect(change).to_contain_text("1.000.000,00 ₺")
    shot(approver, "3-endorsement-preview")
    change.get_by_role("button", name="Evet").click()
    expect(approver.get_by_role("status")).to_contain_text(f"1/{number}")
    expect(approver.get_by_test_id("endorsement-1")).to_contain_text("Onaylı")
    expect(approver.get_by_test_id("gross-in-force")).to_be_visible()

    # a cancellation: earned premium, refund and tax refunds shown before confirming
    cancel = approver.locator("form").filter(has=approver.get_by_label("Fesih nedeni"))
    cancel.get_by_label("Fesih nedeni").select_option("sirket_feshi")
    cancel.get_by_label("Fesih tarihi").fill("2027-06-01")
    cancel.get_by_label("Açıklama", exact=True).fill("Şirket kararı")
    cancel.get_by_role("button", name="Önizle").click()
    refund = approver.get_by_test_id("cancellation-preview")
    expect(refund.get_by_test_id("cancel-refund")).to_have_text(re.compile(r"^[\d.]+,\d\d ₺$"))
    expect(refund.get_by_test_id("cancel-earned")).to_have_text(re.compile(r"^[\d.]+,\d\d ₺$"))
    expect(refund.get_by_test_id("cancel-refunds")).to_contain_text("BSMV")
    shot(approver, "4-cancellation-preview")
    refund.get_by_role("button", name="Evet").click()
    expect(approver.get_by_test_id("policy-status")).to_have_text("Feshedildi")
    expect(approver.get_by_test_id("endorsement-2")).to_contain_text("Onaylı")
    shot(approver, "5-cancelled")
