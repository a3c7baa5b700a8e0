"""API tokens on the running app: IT makes a token on the user's admin screen (shown once),
the token opens /api/v1 on the same port, the docs page works offline, and revoking stops
the token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.browser.journeys import expect_signed_in, sign_in


def _me(base: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_it_makes_a_token_that_opens_the_api_and_revokes_it(app, new_page, shot):
    admin = new_page()
    admin.goto(app.url + "/yonetim")
    sign_in(admin, "bt.admin")
    expect_signed_in(admin, "bt.admin")
    admin.get_by_test_id("user-row-acente.a1").click()
    expect(admin.get_by_role("heading", name="API erişim anahtarları")).to_be_visible()
    expect(admin.get_by_text("Bu kullanıcının API anahtarı yok.")).to_be_visible()
    admin.get_by_label("Ad", exact=True).fill("Muhasebe yazılımı")
    admin.get_by_role("button", name="Anahtar oluştur").click()
    expect(admin.get_by_role("status")).to_have_text("Anahtar oluşturuldu.")
    shown = admin.locator("#new-api-token")
    expect(shown).to_contain_text("iztim_")
    token = shown.inner_text().strip()
    row = admin.get_by_role("row").filter(has_text="Muhasebe yazılımı")
    expect(row).to_contain_text("Hiç")
    expect(row).to_contain_text("Süresiz")
    expect(row).to_contain_text("Geçerli")
    shot(admin, "1-token-shown-once")

    status, me = _me(app.url, token)
    assert (status, me["user_code"], me["office_code"]) == (200, "acente.a1", "A-ACENTE-A")

    docs = new_page()
    docs.goto(app.url + "/api/v1/docs")
    expect(docs.get_by_text("/quotes/{number}/approve").first).to_be_visible(timeout=20000)
    shot(docs, "2-docs")

    admin.reload()
    admin.get_by_test_id("user-row-acente.a1").click()
    row = admin.get_by_role("row").filter(has_text="Muhasebe yazılımı")
    expect(row).not_to_contain_text("Hiç")  # last use is shown
    row.get_by_role("button", name="İptal et").click()
    expect(admin.get_by_role("status")).to_have_text("Anahtar iptal edildi.")
    expect(row).to_contain_text("İptal edildi")
    expect(admin.locator("#new-api-token")).to_have_count(0)
    shot(admin, "3-token-revoked")
    status, problem = _me(app.url, token)
    assert (status, problem["code"]) == (401, "unauthenticated")
