"""Steps a user takes, shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "Demo.2026"


def sign_in(page: Page, code: str, password: str = DEMO_PASSWORD) -> None:
    page.get_by_label("Kullanıcı kodu").fill(code)
    page.get_by_label("Şifre", exact=True).fill(password)
    page.get_by_role("button", name="Giriş").click()


def expect_signed_in(page: Page, code: str) -> None:
    expect(page.get_by_test_id("user-code")).to_have_text(code)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Çıkış").click()
    expect(page.get_by_label("Kullanıcı kodu")).to_be_visible()
