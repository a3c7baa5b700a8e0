"""The public verification page in a real browser: opened from a printed policy's QR link
without signing in, a wrong code, the form typed by hand, English."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlmodel import select

from iztim_app.core.customers.models import Customer
from iztim_app.core.db import session_scope
from iztim_app.core.documents import verification
from iztim_app.core.policies.models import Policy


def test_a_policy_verifies_from_its_link_and_by_hand_without_sign_in(app, new_page, shot):  # noqa: ANN001
    page = new_page()
    with session_scope(app.env["DATABASE_URL"]) as db:
        policy = db.exec(
            select(Policy).where(Policy.status == "approved").order_by(Policy.number)
        ).first()
        name = db.get(Customer, policy.customer_id).name
        link = urlsplit(verification.verification_url(db, "policy", policy.number))
        code = verification.verification_code(db, "policy", policy.number)
    page.goto(f"{app.url}/dogrula?{link.query}")
    result = page.get_by_test_id("verify-result")
    expect(result).to_contain_text("Belge doğrulandı")
    expect(result).to_contain_text(str(policy.number))
    expect(result).to_contain_text("Poliçe")
    expect(page.get_by_label("Kullanıcı kodu")).to_have_count(0)  # no sign-in form
    assert name not in page.content()
    shot(page, "1-from-the-qr-link")

    page.goto(f"{app.url}/dogrula?t=policy&n={policy.number}&c=AAAAAAAAAA")
    expect(page.get_by_test_id("verify-failed")).to_contain_text("Belge doğrulanamadı")
    expect(page.get_by_test_id("verify-result")).to_have_count(0)
    shot(page, "2-wrong-code")

    page.goto(f"{app.url}/dogrula")
    page.get_by_label("Belge türü").select_option("policy")
    page.get_by_label("Belge no").fill(str(policy.number))
    page.get_by_label("Doğrulama kodu").fill(verification.format_code(code).lower())
    page.get_by_role("button", name="Doğrula").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text(str(policy.number))
    shot(page, "3-typed-by-hand")

    with page.expect_navigation():  # the language is saved, then the page reloads
        page.get_by_label("Dil").select_option("en")
    expect(page.get_by_role("heading", name="Document verification")).to_be_visible()
    page.goto(f"{app.url}/dogrula?{link.query}")
    expect(page.get_by_test_id("verify-result")).to_contain_text("Verified")
    expect(page.get_by_role("heading", name="Document verification")).to_be_visible()
    shot(page, "4-english")
