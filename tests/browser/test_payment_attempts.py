"""Ödemeler in a real browser: head office finds a customer's failed 3D attempts with the
bank's reason apart from the list of every attempt, filters by result and policy number
with labelled controls, and reads the screen in English.

The attempts are written into the app's database as the payment service leaves them, on
the demo's portal policy (README's 5000003)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect
from sqlmodel import select

from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.payments.models import PaymentAttempt
from iztim_app.core.policies.models import Policy
from iztim_app.demo.portal import DEMO_PORTAL_POLICY
from tests.browser.journeys import sign_in

DECLINED = "05 Red - Onaylanmadı"
AUTH_FAILED = "3D doğrulama başarısız (mdStatus 0)"


def _write_attempts(url: str) -> dict[str, str]:
    now = clock.utcnow()
    with session_scope(url) as db:
        policy = db.exec(select(Policy).where(Policy.number == DEMO_PORTAL_POLICY)).one()
        made = {}
        for i, (status, last4, reason, md, txn) in enumerate(
            [
                ("declined", "0002", DECLINED, "1", "TB-DECL-1"),
                ("auth_failed", "1111", AUTH_FAILED, "0", None),
                ("approved", "1111", "00 Onaylandı", "1", "TB-OK-1"),
            ]
        ):
            created = now - timedelta(minutes=30 - i)
            order_id = f"PA{i + 1:020X}"
            db.add(
                PaymentAttempt(
                    order_id=order_id,
                    gateway="test",
                    customer_id=policy.customer_id,
                    policy_number=policy.number,
                    installment_refs=f"{policy.number}/4",
                    plan=[[4, "2276.68", "0.00"]],
                    amount=Decimal("2276.68"),
                    currency="TRY",
                    card_last4=last4,
                    status=status,
                    reason_code=status if status != "approved" else "",
                    bank_reason=reason,
                    md_status=md,
                    transaction_id=txn,
                    created_at=created,
                    expires_at=created + timedelta(minutes=20),
                    finished_at=created + timedelta(minutes=1),
                    source="203.0.113.9",
                )
            )
            made[status] = order_id
        db.commit()
    return made


def test_head_office_answers_a_customers_call_from_the_failed_3d_list(app, new_page, shot):  # noqa: ANN001
    orders = _write_attempts(app.env["DATABASE_URL"])
    page = new_page()
    page.goto(f"{app.url}/odemeler")
    sign_in(page, "gm.onay")
    expect(page.get_by_role("heading", name="Ödemeler", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Ödemeler", exact=True)).to_be_visible()  # the menu

    failed = page.get_by_test_id("failed-attempts")
    expect(failed.get_by_role("heading", name="Başarısız 3D denemeleri")).to_be_visible()
    rows = failed.get_by_test_id("failed-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(orders["auth_failed"])
    expect(rows.nth(0)).to_contain_text(AUTH_FAILED)
    expect(rows.nth(0)).to_contain_text("3D doğrulama başarısız")
    expect(rows.nth(1)).to_contain_text(orders["declined"])
    expect(rows.nth(1)).to_contain_text(DECLINED)
    expect(rows.nth(1)).to_contain_text("**** 0002")
    expect(rows.nth(1)).to_contain_text("2.276,68 ₺")
    expect(failed).not_to_contain_text(orders["approved"])

    every = page.get_by_test_id("all-attempts").get_by_test_id("attempt-row")
    expect(every).to_have_count(3)
    expect(every.nth(0)).to_contain_text("Onaylandı")
    expect(every.nth(0)).to_contain_text("TB-OK-1")
    shot(page, "1-every-attempt-and-the-failed-ones")

    page.get_by_label("Sonuç").select_option("approved")
    page.get_by_label("Poliçe no").fill(str(DEMO_PORTAL_POLICY))
    page.get_by_role("button", name="Filtrele").click()
    expect(every).to_have_count(1)
    expect(every.nth(0)).to_contain_text(orders["approved"])
    expect(rows).to_have_count(2)  # the result filter narrows the first list only
    shot(page, "2-filtered")

    page.get_by_label("Poliçe no").fill("5000001")  # a policy with no attempts
    page.get_by_label("Sonuç").select_option("")
    page.get_by_role("button", name="Filtrele").click()
    expect(page.get_by_text("Kayıt yok.")).to_be_visible()
    expect(page.get_by_text("Başarısız 3D denemesi yok.")).to_be_visible()

    with page.expect_navigation():  # the language is saved, then the page reloads
        page.get_by_label("Dil").select_option("en")
    expect(page.get_by_role("heading", name="Payments", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Failed 3D attempts")).to_be_visible()
    expect(rows).to_have_count(2)
    shot(page, "3-english")


def _customer_pays(page, app, card: str, one_time_code: str) -> str:  # noqa: ANN001
    """README's portal walk-through: the demo policy and code as README prints them, the
    unpaid installment, the card form, the test bank's page; returns the order id."""
    page.goto(f"{app.url}/portal")
    page.get_by_label("Poliçe no veya müşteri no").fill("5000003")
    page.get_by_label("Erişim kodu").fill("DENEME26")
    page.get_by_role("button", name="Giriş").click()
    expect(page.get_by_role("heading", name="Poliçelerim")).to_be_visible()
    page.get_by_test_id("portal-policies").get_by_role("link", name="5000003", exact=True).click()
    page.wait_for_url("**/portal/police?no=5000003")
    page.get_by_role("button", name="Öde", exact=True).click()
    page.get_by_label("Kart numarası").fill(card)
    page.get_by_label("Kart üzerindeki isim").fill("Deneme Müşteri")
    page.get_by_label("Son kullanma tarihi (AA/YY)").fill("12/30")
    page.get_by_label("Güvenlik kodu (CVV)").fill("123")
    page.get_by_role("button", name="Ödemeye geç").click()
    page.wait_for_url(f"{app.url}/portal/acs")
    page.get_by_label("Tek kullanımlık kod").fill(one_time_code)
    page.get_by_role("button", name="Onayla").click()
    page.wait_for_url(re.compile(r"/portal/odeme/sonuc/?\?siparis=PA"))
    return parse_qs(urlsplit(page.url).query)["siparis"][0]


def test_readme_portal_pair_then_the_failures_on_the_staff_screen(app, new_page, shot):  # noqa: ANN001
    customer = new_page()
    declined = _customer_pays(customer, app, "4000 0000 0000 0002", "123456")
    expect(customer.get_by_test_id("portal-result-message")).to_contain_text(
        "Bankanız ödemeyi onaylamadı"
    )
    customer = new_page()  # a new visit signs in again
    wrong_code = _customer_pays(customer, app, "4111 1111 1111 1111", "654321")
    expect(customer.get_by_test_id("portal-result-message")).to_contain_text(
        "tek kullanımlık kod yanlış"
    )

    staff = new_page()
    staff.goto(f"{app.url}/odemeler")
    sign_in(staff, "gm.mudur")  # head office's manager: every office's policies
    failed = staff.get_by_test_id("failed-attempts")
    declined_row = failed.get_by_test_id("failed-row").filter(has_text=declined)
    expect(declined_row).to_contain_text(DECLINED)
    expect(declined_row).to_contain_text("Banka reddetti")
    expect(declined_row).to_contain_text("**** 0002")
    expect(declined_row).not_to_contain_text("payment.")  # no catalogue key shown as a code
    wrong_row = failed.get_by_test_id("failed-row").filter(has_text=wrong_code)
    expect(wrong_row).to_contain_text(AUTH_FAILED)
    expect(wrong_row).to_contain_text("3D doğrulama başarısız")
    assert "4111111111111111" not in staff.content()
    assert "4000000000000002" not in staff.content()
    shot(staff, "staff-sees-the-customers-failures")
