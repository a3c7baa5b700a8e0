"""The customer portal in a real browser, against the demo installation: sign in with a
policy's printed access code, see the policy, pay an installment by card through the test
bank's 3D page and get the receipt; a declined card, a wrong one-time code, a wrong access
code (and English), a replayed and a tampered bank callback.

Each test takes its own demo policy with an unpaid installment, so none sees another's
payment. Card numbers are the test bank's (domain.md)."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import select

from iztim_app.core.db import session_scope
from iztim_app.core.installments.models import Installment, Payment
from iztim_app.core.money import format_try
from iztim_app.core.payments.models import PaymentAttempt, PaymentCallback
from iztim_app.core.policies.access_codes import PolicyAccessCode
from iztim_app.core.policies.models import Policy

APPROVED_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"
GOOD_OTP = "123456"
CVV = "123"
CALLBACK = "/portal/odeme/donus"


@dataclass(frozen=True)
class Target:
    number: int
    code: str
    seq: int  # its first unpaid installment
    remaining: Decimal
    amount: Decimal


def _target(app, index: int) -> Target:  # noqa: ANN001
    """The index-th demo policy (current version approved) with an unpaid installment."""
    with session_scope(app.env["DATABASE_URL"]) as db:
        latest = (
            select(Policy.number, sa.func.max(Policy.version).label("v"))
            .group_by(Policy.number)
            .subquery()
        )
        unpaid = (
            select(Installment.policy_number)
            .where(Installment.paid < Installment.amount)
            .distinct()
            .subquery()
        )
        numbers = db.exec(
            select(Policy.number)
            .join(latest, sa.and_(Policy.number == latest.c.number, Policy.version == latest.c.v))
            .join(unpaid, unpaid.c.policy_number == Policy.number)
            .where(Policy.status == "approved")
            .order_by(Policy.number)
        ).all()
        number = numbers[index]
        code = db.exec(
            select(PolicyAccessCode.code).where(PolicyAccessCode.policy_number == number)
        ).one()
        first = db.exec(
            select(Installment)
            .where(Installment.policy_number == number, Installment.paid < Installment.amount)
            .order_by(Installment.seq)
        ).first()
        return Target(number, code, first.seq, first.amount - first.paid, first.amount)


def _paid(app, number: int) -> dict[int, Decimal]:  # noqa: ANN001
    with session_scope(app.env["DATABASE_URL"]) as db:
        rows = db.exec(
            select(Installment.seq, Installment.paid).where(Installment.policy_number == number)
        ).all()
    return dict(rows)


def _payments(app, order_id: str) -> list[Payment]:  # noqa: ANN001
    with session_scope(app.env["DATABASE_URL"]) as db:
        return list(db.exec(select(Payment).where(Payment.reference == order_id)).all())


def _sign_in(page, app, target: Target, shot=None) -> None:  # noqa: ANN001
    page.goto(f"{app.url}/portal")
    expect(page.get_by_role("heading", name="Müşteri girişi")).to_be_visible()
    page.get_by_label("Poliçe no veya müşteri no").fill(str(target.number))
    page.get_by_label("Erişim kodu").fill(target.code.lower())
    if shot is not None:
        shot(page, "1-sign-in")
    page.get_by_role("button", name="Giriş").click()
    expect(page.get_by_role("heading", name="Poliçelerim")).to_be_visible()
    expect(page).to_have_url(re.compile(r".*/portal/?$"))  # through the cookie route


def _to_bank(page, app, target: Target, card: str, shot=None) -> None:  # noqa: ANN001
    """From "Poliçelerim": the policy, its unpaid installment, the card form, the ACS page."""
    page.get_by_test_id("portal-policies").get_by_role(
        "link", name=str(target.number), exact=True
    ).click()
    page.wait_for_url(re.compile(rf".*/portal/police/?\?no={target.number}$"))
    row = page.get_by_test_id(f"installment-{target.seq}")
    expect(row).to_contain_text(format_try(target.remaining))
    expect(page.get_by_label(f"{target.seq}. taksidi seç")).to_be_checked()
    if shot is not None:
        shot(page, "3-policy")
    page.get_by_role("button", name="Öde", exact=True).click()
    form = page.get_by_test_id("portal-card-form")
    expect(form).to_contain_text(f"Ödenecek tutar: {format_try(target.remaining)}")
    page.get_by_label("Kart numarası").fill(card)
    page.get_by_label("Kart üzerindeki isim").fill("Deneme Müşteri")
    page.get_by_label("Son kullanma tarihi (AA/YY)").fill("12/30")
    page.get_by_label("Güvenlik kodu (CVV)").fill(CVV)
    if shot is not None:
        shot(page, "4-card-form")
    page.get_by_role("button", name="Ödemeye geç").click()
    page.wait_for_url(re.compile(r".*/portal/acs$"))
    expect(page.get_by_text("Test Bankası · 3D Secure").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(format_try(target.remaining))
    expect(page.locator("main")).to_contain_text("1111" if "1111" in card else "0002")
    assert card.replace(" ", "") not in page.content()


def _one_time_code(page, code: str, shot=None, name: str = "5-acs") -> None:  # noqa: ANN001
    page.get_by_label("Tek kullanımlık kod").fill(code)
    if shot is not None:
        shot(page, name)
    page.get_by_role("button", name="Onayla").click()
    page.wait_for_url(re.compile(r".*/portal/odeme/sonuc/?\?siparis=PA\w+(&.*)?$"))


def _order_id(page) -> str:  # noqa: ANN001
    query = urllib.parse.urlsplit(page.url).query
    return urllib.parse.parse_qs(query)["siparis"][0]


def _capture_callback(page) -> dict[str, str]:  # noqa: ANN001
    """The fields the bank's page posts back to us, as the browser sent them."""
    captured: dict[str, str] = {}

    def seen(request) -> None:  # noqa: ANN001
        if request.method == "POST" and request.url.endswith(CALLBACK):
            captured.update(dict(urllib.parse.parse_qsl(request.post_data or "")))

    page.on("request", seen)
    return captured


def _post_again(page, fields: dict[str, str]) -> None:  # noqa: ANN001
    """The browser posts the same fields to the callback again, as a page load."""
    page.evaluate(
        """([action, fields]) => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = action;
            for (const [k, v] of Object.entries(fields)) {
                const i = document.createElement('input');
                i.type = 'hidden'; i.name = k; i.value = v; form.appendChild(i);
            }
            document.body.appendChild(form); form.submit();
        }""",
        [CALLBACK, fields],
    )


def test_pay_an_installment_with_3d_secure_and_get_the_receipt(app, new_page, shot):  # noqa: ANN001
    target = _target(app, 0)
    page = new_page()
    callback = _capture_callback(page)
    _sign_in(page, app, target, shot)
    expect(page.get_by_test_id("portal-policies")).to_contain_text(str(target.number))
    shot(page, "2-my-policies")
    _to_bank(page, app, target, APPROVED_CARD, shot)
    _one_time_code(page, GOOD_OTP, shot)
    message = page.get_by_test_id("portal-result-message")
    expect(message).to_have_text("Ödemeniz onaylandı.")
    result = page.get_by_test_id("portal-result")
    expect(result).to_contain_text(format_try(target.remaining))
    expect(result).to_contain_text("**** 1111")
    expect(page.get_by_test_id("portal-result-installments")).to_contain_text(str(target.seq))
    shot(page, "6-result")
    order_id = _order_id(page)
    href = page.get_by_test_id("portal-receipt").get_attribute("href")
    assert href == f"/portal/makbuz/{order_id}?lang=tr"
    receipt = page.request.get(app.url + href)
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF-")
    [payment] = _payments(app, order_id)
    assert (payment.amount, payment.card_last4, payment.method) == (
        target.remaining,
        "1111",
        "card",
    )
    assert payment.provider_txn_id.endswith(f"/{target.seq}")
    assert _paid(app, target.number)[target.seq] == target.amount
    # the policy page shows it paid
    page.get_by_role("link", name="Poliçeye dön").click()
    page.wait_for_url(re.compile(rf".*/portal/police/?\?no={target.number}$"))
    expect(page.get_by_test_id(f"installment-{target.seq}")).to_contain_text("Ödendi")
    shot(page, "7-policy-after")
    document = page.get_by_role("link", name=f"Poliçe {target.number} (PDF)")
    assert document.get_attribute("href") == f"/portal/belge/policy/{target.number}?dil=tr"
    pdf = page.request.get(app.url + document.get_attribute("href"))
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.body().startswith(b"%PDF-")

    # the same callback posted again: nothing is paid twice, the page says so
    assert callback["order_id"] == order_id
    before = _paid(app, target.number)
    _post_again(page, callback)
    page.wait_for_url(re.compile(rf".*/portal/odeme/sonuc/?\?siparis={order_id}&yanit=replay$"))
    expect(page.get_by_test_id("portal-result-message")).to_have_text("Ödemeniz onaylandı.")
    expect(page.get_by_test_id("portal-result-note")).to_have_text(
        "Bu banka yanıtı daha önce işlendi; hiçbir şey değişmedi."
    )
    shot(page, "8-replayed")
    assert _paid(app, target.number) == before
    assert len(_payments(app, order_id)) == 1
    with session_scope(app.env["DATABASE_URL"]) as db:
        outcomes = db.exec(
            select(PaymentCallback.outcome)
            .join(PaymentAttempt, PaymentAttempt.id == PaymentCallback.attempt_id)
            .where(PaymentAttempt.order_id == order_id)
            .order_by(PaymentCallback.id)
        ).all()
    assert outcomes == ["applied", "replay"]
    # no card number or CVV anywhere the app keeps or logs things
    assert "4111111111111111" not in app.log.read_text()
    with session_scope(app.env["DATABASE_URL"]) as db:
        conn = db.connection()
        for table in sa.inspect(conn).get_table_names():
            text = repr(conn.exec_driver_sql(f'SELECT * FROM "{table}"').all())
            assert "4111111111111111" not in text and "4111 1111" not in text, table


def test_a_declined_card_pays_nothing(app, new_page, shot):  # noqa: ANN001
    target = _target(app, 1)
    before = _paid(app, target.number)
    page = new_page()
    _sign_in(page, app, target)
    _to_bank(page, app, target, DECLINED_CARD)
    _one_time_code(page, GOOD_OTP)
    expect(page.get_by_test_id("portal-result-message")).to_have_text(
        "Bankanız ödemeyi onaylamadı. Başka bir kart deneyebilir veya bankanızla görüşebilirsiniz."
    )
    expect(page.get_by_test_id("portal-receipt")).to_have_count(0)
    expect(page.get_by_test_id("portal-result")).to_contain_text("**** 0002")
    shot(page, "declined")
    assert _paid(app, target.number) == before
    assert _payments(app, _order_id(page)) == []


def test_a_wrong_one_time_code_fails_3d_and_pays_nothing(app, new_page, shot):  # noqa: ANN001
    target = _target(app, 2)
    before = _paid(app, target.number)
    page = new_page()
    _sign_in(page, app, target)
    _to_bank(page, app, target, APPROVED_CARD)
    _one_time_code(page, "000000", shot, "acs-wrong-code")
    expect(page.get_by_test_id("portal-result-message")).to_have_text(
        "3D Secure doğrulaması başarısız oldu: tek kullanımlık kod yanlış. Ödeme alınmadı."
    )
    expect(page.get_by_test_id("portal-receipt")).to_have_count(0)
    shot(page, "wrong-code")
    assert _paid(app, target.number) == before
    assert _payments(app, _order_id(page)) == []


def test_a_tampered_callback_changes_nothing(app, new_page, shot):  # noqa: ANN001
    target = _target(app, 3)
    before = _paid(app, target.number)
    page = new_page()
    changed: list[str] = []

    def lower_the_amount(route) -> None:  # noqa: ANN001
        fields = dict(urllib.parse.parse_qsl(route.request.post_data or ""))
        changed.append(fields["amount"])
        fields["amount"] = "1.00"
        route.continue_(post_data=urllib.parse.urlencode(fields))

    page.route(f"**{CALLBACK}", lower_the_amount)
    _sign_in(page, app, target)
    _to_bank(page, app, target, APPROVED_CARD)
    _one_time_code(page, GOOD_OTP)
    assert changed == [str(target.remaining.quantize(Decimal("0.01")))]
    expect(page.get_by_test_id("portal-result-message")).to_have_text(
        "Bankadan gelen yanıt doğrulanamadı; ödeme alınmadı."
    )
    expect(page.get_by_test_id("portal-receipt")).to_have_count(0)
    shot(page, "tampered")
    assert _paid(app, target.number) == before
    assert _payments(app, _order_id(page)) == []


def test_a_wrong_access_code_is_refused_in_either_language(app, new_page, shot):  # noqa: ANN001
    target = _target(app, 4)
    page = new_page()
    page.goto(f"{app.url}/portal")
    page.get_by_label("Poliçe no veya müşteri no").fill(str(target.number))
    page.get_by_label("Erişim kodu").fill("YANLIS99")
    page.get_by_role("button", name="Giriş").click()
    expect(page.get_by_test_id("portal-sign-in-error")).to_have_text(
        "Numara veya erişim kodu hatalı."
    )
    expect(page.get_by_role("heading", name="Poliçelerim")).to_have_count(0)
    shot(page, "wrong-access-code")
    with page.expect_navigation():  # the choice is kept, then the page reloads
        page.get_by_label("Dil").select_option("en")
    expect(page.get_by_role("heading", name="Customer sign-in")).to_be_visible()
    page.get_by_label("Policy number or customer number").fill(str(target.number))
    page.get_by_label("Access code").fill("WRONG999")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("portal-sign-in-error")).to_have_text("Wrong number or access code.")
    shot(page, "wrong-access-code-en")
    # the right code still opens (two failures are under the throttle), then sign-out
    page.get_by_label("Access code").fill(target.code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My policies")).to_be_visible()
    shot(page, "signed-in-en")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Customer sign-in")).to_be_visible()
    expect(page).to_have_url(re.compile(r".*/portal/?$"))
    page.goto(f"{app.url}/portal/police?no={target.number}")
    expect(page.get_by_role("heading", name="Customer sign-in")).to_be_visible()
    expect(page.get_by_test_id("portal-installments")).to_have_count(0)


def test_card_problems_show_beside_their_fields_and_start_nothing(app, new_page, shot):  # noqa: ANN001
    target = _target(app, 5)
    page = new_page()
    _sign_in(page, app, target)
    page.goto(f"{app.url}/portal/police?no={target.number}")
    page.get_by_role("button", name="Öde", exact=True).click()
    page.get_by_label("Kart numarası").fill("4111 1111 1111 1112")  # one digit wrong
    page.get_by_label("Kart üzerindeki isim").fill("Deneme Müşteri")
    page.get_by_label("Son kullanma tarihi (AA/YY)").fill("01/20")
    page.get_by_label("Güvenlik kodu (CVV)").fill("12")
    page.get_by_role("button", name="Ödemeye geç").click()
    form = page.get_by_test_id("portal-card-form")
    expect(form.get_by_text("Kart numarası geçerli değil; lütfen kontrol edin.")).to_be_visible()
    expect(form.get_by_text("Kartın son kullanma tarihi geçmiş veya geçersiz.")).to_be_visible()
    expect(form.get_by_text("Güvenlik kodu kartın arkasındaki 3 hanedir.")).to_be_visible()
    expect(page.get_by_label("Kart numarası")).to_have_value("")  # the form forgets the card
    expect(page.get_by_label("Kart numarası")).to_have_attribute("autocomplete", "cc-number")
    shot(page, "card-problems")
    assert "/portal/police" in page.url  # still on the policy page: nothing was sent
    with session_scope(app.env["DATABASE_URL"]) as db:
        started = db.exec(
            select(PaymentAttempt).where(PaymentAttempt.policy_number == target.number)
        ).all()
    assert started == []
