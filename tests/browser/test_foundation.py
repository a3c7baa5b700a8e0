"""Sign-in, sign-out, the guard on every route, and IT creating an agency user."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.journeys import expect_signed_in, sign_in, sign_out


def test_sign_in_wrong_password_and_sign_out(app, new_page, shot):
    page = new_page()
    page.goto(app.url + "/")
    expect(page.get_by_label("Kullanıcı kodu")).to_be_visible()
    expect(page.get_by_test_id("demo-sign-ins")).to_contain_text("acente.a1")
    shot(page, "1-sign-in-form")

    sign_in(page, "sube.ankara", "yanlis-sifre-1")
    expect(page.get_by_role("alert")).to_have_text(
        "Kullanıcı kodu veya şifre hatalı (ya da hatalı denemeler nedeniyle hesap geçici "
        "olarak kilitli)."
    )
    expect(page.get_by_test_id("user-code")).to_have_count(0)
    shot(page, "2-wrong-password")

    sign_in(page, "sube.ankara")
    expect_signed_in(page, "sube.ankara")
    expect(page.get_by_test_id("office-name")).to_have_text("Ankara Şube")
    expect(page.get_by_role("heading", name="Hoş geldiniz, Ankara Şube Operasyon")).to_be_visible()
    # Branch staff see the quote and policy menus but not administration.
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Teklifler")).to_be_visible()
    expect(nav.get_by_role("link", name="Yönetim")).to_have_count(0)
    shot(page, "3-home")
    # The session cookie was set by the server: HttpOnly (no script reads it), Strict.
    [cookie] = [c for c in page.context.cookies() if c["name"] == "iztim_session"]
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
    assert "iztim_session" not in page.evaluate("document.cookie")

    sign_out(page)
    expect(page).to_have_url(re.compile(r"/$"))
    # The cookie is cleared by /auth/signed-out, on the way back to the sign-in form: wait
    # for that navigation (the URL is "/" before and after it).
    for _ in range(50):
        if not [c for c in page.context.cookies() if c["name"] == "iztim_session"]:
            break
        page.wait_for_timeout(200)
    assert [c for c in page.context.cookies() if c["name"] == "iztim_session"] == []
    shot(page, "4-signed-out")
    # The session is gone on the server: a reload still shows the sign-in form.
    page.reload()
    expect(page.get_by_label("Kullanıcı kodu")).to_be_visible()
    expect(page.get_by_test_id("user-code")).to_have_count(0)


def test_any_route_asks_for_sign_in_and_lands_there(app, new_page, shot):
    page = new_page()
    page.goto(app.url + "/yonetim/ofisler")
    expect(page.get_by_label("Kullanıcı kodu")).to_be_visible()
    sign_in(page, "bt.admin")
    expect_signed_in(page, "bt.admin")
    expect(page).to_have_url(re.compile(r"/yonetim/ofisler/?$"))
    expect(page.get_by_role("cell", name="İç Anadolu Bölge Müdürlüğü").first).to_be_visible()
    shot(page, "offices")


def test_agency_user_cannot_administer(app, new_page, shot):
    page = new_page()
    page.goto(app.url + "/yonetim")
    sign_in(page, "acente.b1")
    expect_signed_in(page, "acente.b1")
    expect(page.get_by_role("alert")).to_have_text("Bu işlem için yetkiniz yok.")
    expect(page.get_by_role("link", name="acente.a1")).to_have_count(0)
    shot(page, "denied")


def test_english_can_be_selected(app, new_page, shot):
    page = new_page()
    page.goto(app.url + "/")
    page.get_by_label("Dil").select_option("en")
    expect(page.get_by_label("User code")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shot(page, "english")


def test_it_creates_agency_user_with_limit_who_then_signs_in(app, new_page, shot):
    admin = new_page()
    admin.goto(app.url + "/yonetim")
    sign_in(admin, "bt.admin")
    expect_signed_in(admin, "bt.admin")

    admin.get_by_role("button", name="Yeni kullanıcı").click()
    form = admin.locator("form").filter(has=admin.get_by_label("İlk şifre"))
    form.get_by_label("Kullanıcı kodu").fill("acente.a3")
    form.get_by_label("Ad soyad").fill("Zeynep Çağlar")
    form.get_by_label("E-posta").fill("zeynep@acentea.example")
    office = form.get_by_label("Ofis")
    office.select_option(office.locator("option", has_text="(A-ACENTE-A)").get_attribute("value"))
    form.get_by_label("Rol şablonu").select_option("agency_user")
    form.get_by_label("İlk şifre").fill("Baslangic.2026")
    shot(admin, "1-new-user-form")
    form.get_by_role("button", name="Kaydet").click()
    expect(admin.get_by_role("status")).to_have_text("Kullanıcı oluşturuldu.")
    expect(admin.get_by_role("heading", name="acente.a3")).to_be_visible()
    expect(
        admin.get_by_text("Acente kullanıcıları her zaman yalnız kendi kayıtlarını görür.")
    ).to_be_visible()

    admin.get_by_label("Branş").select_option(label="Kasko Sigortası")
    admin.get_by_label("Teklif limiti").fill("750.000")
    admin.get_by_label("Poliçe limiti").fill("500.000,50")
    admin.get_by_role("button", name="Limiti kaydet").click()
    limits = admin.get_by_role("row").filter(has_text="Kasko")
    expect(limits).to_contain_text("750.000,00 ₺")
    expect(limits).to_contain_text("500.000,50 ₺")
    shot(admin, "2-user-with-limit")

    # The audit log shows who created the user and set the limit.
    admin.goto(app.url + "/yonetim/denetim")
    admin.get_by_label("İşlem").fill("user.")
    admin.get_by_role("button", name="Filtrele").click()
    expect(admin.get_by_role("row").filter(has_text="user.limit").first).to_contain_text("bt.admin")
    expect(admin.get_by_role("row").filter(has_text="user.create").first).to_contain_text(
        "acente.a3"
    )
    shot(admin, "3-audit")

    user = new_page()
    user.goto(app.url + "/")
    sign_in(user, "acente.a3", "Baslangic.2026")
    expect_signed_in(user, "acente.a3")
    # A password set by IT is temporary: the user must choose their own first.
    expect(user.get_by_text("Geçici şifrenizi değiştirmeniz gerekiyor.")).to_be_visible()
    shot(user, "4-must-change-password")
    user.get_by_label("Mevcut şifre").fill("Baslangic.2026")
    user.get_by_label("Yeni şifre", exact=True).fill("Zeynep.2026x")
    user.get_by_label("Yeni şifre (tekrar)").fill("Zeynep.2026x")
    user.get_by_role("button", name="Kaydet").click()
    expect(user.get_by_role("heading", name="Hoş geldiniz, Zeynep Çağlar")).to_be_visible()
    expect(user.get_by_role("row").filter(has_text="Kasko")).to_contain_text("750.000,00 ₺")
    shot(user, "5-new-user-home")
