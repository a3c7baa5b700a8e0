"""The iyzico adapter for real, through iyzipay, against a small fake iyzico on loopback.

The fake speaks the API's JSON at /payment/3dsecure/initialize, /payment/3dsecure/auth and
/payment/cancel, checks the client's IYZWSv2 authorization, and signs its answers the way
iyzico does, so the adapter's requests, checks and signature verification all run.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from iztim_app.core.payments import providers
from iztim_app.core.payments.gateway import (
    Buyer,
    CallbackResult,
    CardInput,
    Gateway,
    GatewayNotConfigured,
    PaymentOrder,
    ThreeDStart,
)
from iztim_app.core.payments.iyzico import IyzicoGateway, price_text, three_d_form
from iztim_app.core.settings import Settings
from iztim_app.i18n import CATALOGUE

API_KEY = "sandbox-api-key-1"
SECRET_KEY = "sandbox-secret-key-1"
APPROVE = "5528790000000008"
DECLINE_AT_START = "4111111111111129"  # Luhn-valid; the fake refuses it at initialize
CVV = "739"
TODAY = date(2026, 12, 1)
# iyzico's threeDSHtmlContent as its sandbox sends it: one form posting to iyzico's own host,
# its hidden fields, a button for browsers without scripts, and the inline auto-submit.
ACS_PATH = "/payment/mock/init3ds"
ACS_FIELDS = {
    "orderId": "mock12-7417064494397413-25149157",
    "bin": "552879",
    "successUrl": "/payment/iyzipos/callback3ds/success/3",
    "PaReq": 'eJx&Vc<9>"q',  # entities in the page, the plain text in the post
}
ACS_PAGE = (
    '<!doctype html><html lang="tr"><head><meta charset="utf-8">'
    "<title>iyzico Mock 3D-Secure Processing Page</title></head><body>"
    '<form id="iyzico-3ds-form" name="iyzico-3ds-form" action="{base}{path}" method="POST">'
    '<input type="hidden" name="orderId" value="mock12-7417064494397413-25149157">'
    '<input type="hidden" name="bin" value="552879"/>'
    "<input type='hidden' name='successUrl' value='/payment/iyzipos/callback3ds/success/3'>"
    '<input type="hidden" name="PaReq" value="eJx&amp;Vc&lt;9&gt;&quot;q">'
    '<noscript><input type="submit" id="btnSbmt" name="go" value="Gönder"></noscript>'
    "</form>"
    '<script type="text/javascript">document.getElementById("iyzico-3ds-form").submit();'
    "</script></body></html>"
)


def sign(values: list[str]) -> str:
    return hmac.new(SECRET_KEY.encode(), ":".join(values).encode(), hashlib.sha256).hexdigest()


class FakeIyzico:
    """State of the fake provider; each test changes `tamper` to make it misbehave."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.raw_bodies: list[bytes] = []
        self.payments: dict[str, dict[str, Any]] = {}
        self.tamper: dict[str, Any] = {}
        self.next_id = 25149157
        self.bad_auth = 0
        self.base_url = ""  # the fake's own address, set once it listens

    def three_d_page(self) -> str:
        page = self.tamper.get("page", ACS_PAGE)
        return page.replace("{base}", self.base_url).replace("{path}", ACS_PATH)

    def handle(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append((path, body))
        if path == "/payment/3dsecure/initialize":
            return self.initialize(body)
        if path == "/payment/3dsecure/auth":
            return self.auth(body)
        if path == "/payment/cancel":
            return {"status": "success", "paymentId": body["paymentId"], "locale": "tr"}
        return {"status": "failure", "errorCode": "404", "errorMessage": "bilinmeyen adres"}

    def initialize(self, body: dict[str, Any]) -> dict[str, Any]:
        card = body["paymentCard"]["cardNumber"]
        if card == DECLINE_AT_START:
            return {
                "status": "failure",
                "errorCode": "10051",
                # A provider text echoing the card: the adapter must mask it.
                "errorMessage": f"Kart limiti yetersiz, yetersiz bakiye ({card})",
                "conversationId": body["conversationId"],
            }
        payment_id = str(self.next_id)
        self.next_id += 1
        self.payments[payment_id] = {
            "conversationId": body["conversationId"],
            "basketId": body["basketId"],
            "paidPrice": float(body["paidPrice"]),
            "price": float(body["price"]),
            "currency": body["currency"],
            "last4": card[-4:],
        }
        conversation = self.tamper.get("init_conversation", body["conversationId"])
        return {
            "status": "success",
            "locale": "tr",
            "conversationId": conversation,
            "paymentId": payment_id,
            "threeDSHtmlContent": base64.b64encode(self.three_d_page().encode()).decode(),
            "signature": sign([payment_id, conversation]),
        }

    def auth(self, body: dict[str, Any]) -> dict[str, Any]:
        payment = self.payments.get(body["paymentId"])
        if payment is None or self.tamper.get("auth_refuses"):
            return {
                "status": "failure",
                "errorCode": "10054",
                "errorMessage": "Son kullanma tarihi hatalı",
                "conversationId": body.get("conversationId"),
            }
        paid = self.tamper.get("paid_price", payment["paidPrice"])
        answer = {
            "status": "success",
            "locale": "tr",
            "conversationId": payment["conversationId"],
            "paymentId": body["paymentId"],
            "price": payment["price"],
            "paidPrice": paid,
            "installment": 1,
            "fraudStatus": 1,
            "currency": payment["currency"],
            "basketId": payment["basketId"],
            "lastFourDigits": payment["last4"],
            "binNumber": "55287900",
            "authCode": "214525",
            "mdStatus": 1,
        }
        answer["signature"] = sign(
            [
                answer["paymentId"],
                answer["currency"],
                answer["basketId"],
                answer["conversationId"],
                price_text(answer["paidPrice"]),
                price_text(answer["price"]),
            ]
        )
        if "signature" in self.tamper:
            answer["signature"] = self.tamper["signature"]
        return answer

    def post(self, path: str, raw: bytes, headers: Any) -> tuple[int, bytes, str]:
        """One HTTP POST to the fake's JSON API: (status, body, content type)."""
        self.raw_bodies.append(raw)
        if not _authorized(headers, path, raw.decode()):
            self.bad_auth += 1
            answer = {"status": "failure", "errorCode": "1001", "errorMessage": "api bilgileri"}
        else:
            answer = self.handle(path, json.loads(raw))
        return 200, json.dumps(answer).encode(), "application/json"


def _authorized(headers, path: str, body: str) -> bool:
    scheme, _, token = headers.get("Authorization", "").partition(" ")
    if scheme != "IYZWSv2":
        return False
    parts = dict(p.split(":", 1) for p in base64.b64decode(token).decode().split("&"))
    random_key = parts.get("randomKey", "")
    expected = hmac.new(
        SECRET_KEY.encode(), (random_key + path + body).encode(), hashlib.sha256
    ).hexdigest()
    return (
        parts.get("apiKey") == API_KEY
        and random_key == headers.get("x-iyzi-rnd")
        and hmac.compare_digest(parts.get("signature", ""), expected)
    )


@contextmanager
def serving(state: FakeIyzico) -> Iterator[FakeIyzico]:
    """The fake on a loopback port (its `base_url`), answering through `state.post`."""

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name) - e.g. a browser's favicon
            self._send(204, b"", "text/plain")

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send(*state.post(self.path, raw, self.headers))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def fake() -> Iterator[tuple[FakeIyzico, str]]:
    with serving(FakeIyzico()) as state:
        yield state, state.base_url


def make_gateway(base_url: str) -> IyzicoGateway:
    return IyzicoGateway(api_key=API_KEY, secret_key=SECRET_KEY, base_url=base_url, timeout=5)


BUYER = Buyer(
    customer_number="M000123",
    name="Ayşe Nur Yılmaz",
    national_id="10000000146",
    email="ayse@example.com",
    phone="+905321112233",
    address="Alsancak Mah. 1469 Sok. No:5",
    ip="85.34.78.112",
    city="İzmir",
)


def order(**changes: Any) -> PaymentOrder:
    values = {
        "order_id": "PA0123456789ABCDEF0123",
        "amount": Decimal("1234.50"),
        "installment_refs": ("5000001/2", "5000001/3"),
        "return_url": "https://portal.example.com.tr/portal/odeme/donus",
        "buyer": BUYER,
    }
    values.update(changes)
    return PaymentOrder(**values)


def card(number: str = APPROVE) -> CardInput:
    return CardInput(number, "Ayşe Nur Yılmaz", "08", "29", CVV, today=TODAY)


def callback(started: ThreeDStart, the_order: PaymentOrder, **changes: str) -> dict[str, str]:
    """What iyzico posts through the browser to the return url after the bank's page."""
    fields = {
        "status": "success",
        "paymentId": started.provider_ref,
        "conversationData": "",
        "conversationId": the_order.order_id,
        "mdStatus": "1",
    }
    fields.update(changes)
    return fields


def card_data_in(value: Any) -> bool:
    text = repr(value) + str(value)
    if dataclasses.is_dataclass(value):
        text += json.dumps(dataclasses.asdict(value), default=str)
    return APPROVE in text or DECLINE_AT_START in text or f"'{CVV}'" in text


# ---------------------------------------------------------------- the happy path


def test_approved_initialize_then_the_callback_takes_the_money(fake, caplog):
    caplog.set_level(logging.DEBUG)
    state, base_url = fake
    gw = make_gateway(base_url)
    as_gateway: Gateway = gw  # the protocol, statically
    assert as_gateway.name == "iyzico"
    the_order = order()
    started = gw.start(the_order, card())
    assert not started.failed
    # iyzico's page read into the form the portal posts itself: no page of iyzico's is
    # written into the portal, no inline script of iyzico's runs there
    assert started.action_url == base_url + ACS_PATH
    assert dict(started.form_fields) == ACS_FIELDS
    assert started.provider_ref == "25149157"

    path, sent = state.requests[0]
    assert path == "/payment/3dsecure/initialize"
    assert state.bad_auth == 0  # the client's IYZWSv2 signature checked out
    assert (sent["conversationId"], sent["basketId"]) == (the_order.order_id,) * 2
    assert (sent["price"], sent["paidPrice"], sent["currency"]) == ("1234.50", "1234.50", "TRY")
    assert sent["callbackUrl"] == "https://portal.example.com.tr/portal/odeme/donus"
    assert sent["paymentCard"] == {
        "cardHolderName": "Ayşe Nur Yılmaz",
        "cardNumber": APPROVE,
        "expireMonth": "08",
        "expireYear": "2029",
        "cvc": CVV,
        "registerCard": "0",
    }
    assert sent["buyer"]["id"] == "M000123"
    assert (sent["buyer"]["name"], sent["buyer"]["surname"]) == ("Ayşe Nur", "Yılmaz")
    assert sent["buyer"]["identityNumber"] == "10000000146"
    assert sent["buyer"]["ip"] == "85.34.78.112"
    assert sent["buyer"]["gsmNumber"] == "+905321112233"
    assert sent["billingAddress"]["city"] == "İzmir"
    assert [item["price"] for item in sent["basketItems"]] == ["1234.50"]

    result = gw.verify_callback(callback(started, the_order), the_order)
    assert result == CallbackResult(
        status="approved",
        order_id=the_order.order_id,
        reason_code="payment.result_approved",
        md_status="1",
        transaction_id="25149157",
        bank_reason="Onaylandı (onay kodu 214525)",
        last4="0008",
        nonce="25149157",
    )
    auth_path, auth_sent = state.requests[1]
    assert auth_path == "/payment/3dsecure/auth"
    assert auth_sent == {
        "locale": "tr",
        "conversationId": the_order.order_id,
        "paymentId": "25149157",
    }
    assert len(state.requests) == 2  # no cancel
    for record in caplog.records:
        assert APPROVE not in record.getMessage() and CVV not in record.getMessage()


def test_conversation_data_from_the_callback_is_passed_on(fake):
    state, base_url = fake
    gw = make_gateway(base_url)
    the_order = order()
    started = gw.start(the_order, card())
    fields = callback(started, the_order, conversationData="bankadan-gelen-veri")
    assert gw.verify_callback(fields, the_order).approved
    assert state.requests[1][1]["conversationData"] == "bankadan-gelen-veri"


# ---------------------------------------------------------------- refusals


def test_a_card_refused_at_initialize_is_a_failed_start_with_the_banks_reason(fake, caplog):
    caplog.set_level(logging.DEBUG)
    state, base_url = fake
    started = make_gateway(base_url).start(order(), card(DECLINE_AT_START))
    assert started.failed
    assert started.failure_code == "payment.start_failed"
    assert started.failure_code in CATALOGUE
    assert (
        started.bank_reason == "10051 Kart limiti yetersiz, yetersiz bakiye (**** **** **** 1129)"
    )
    assert (started.action_url, dict(started.form_fields)) == ("", {})
    assert not card_data_in(started)
    assert all(DECLINE_AT_START not in r.getMessage() for r in caplog.records)


def test_a_failed_3d_check_is_auth_failed_without_taking_money(fake):
    state, base_url = fake
    gw = make_gateway(base_url)
    the_order = order()
    started = gw.start(the_order, card())
    result = gw.verify_callback(
        callback(started, the_order, status="failure", mdStatus="0"), the_order
    )
    assert (result.status, result.reason_code, result.md_status) == (
        "auth_failed",
        "payment.result_auth_failed",
        "0",
    )
    assert result.bank_reason == "mdStatus 0: 3D Secure imzası geçersiz veya doğrulama başarısız"
    assert result.transaction_id == ""
    assert [path for path, _ in state.requests] == ["/payment/3dsecure/initialize"]  # no auth
    other = gw.verify_callback(callback(started, the_order, mdStatus="8"), the_order)
    assert (other.status, other.bank_reason) == (
        "auth_failed",
        "mdStatus 8: Bilinmeyen kart numarası",
    )


def test_iyzico_refusing_the_payment_after_3d_is_declined_with_its_reason(fake):
    state, base_url = fake
    gw = make_gateway(base_url)
    the_order = order()
    started = gw.start(the_order, card())
    state.tamper["auth_refuses"] = True
    result = gw.verify_callback(callback(started, the_order), the_order)
    assert (result.status, result.reason_code) == ("declined", "payment.result_declined")
    assert result.bank_reason == "10054 Son kullanma tarihi hatalı"
    assert result.nonce == "25149157"


# ---------------------------------------------------------------- attacks and mismatches


@pytest.mark.parametrize(
    "changes",
    [
        {"conversationId": "PA0000000000000000OTHER"},
        {"conversationId": ""},
        {"mdStatus": ""},
        {"status": "failure"},  # mdStatus 1 with a failure: contradictory
        {"paymentId": ""},
    ],
)
def test_a_tampered_callback_is_invalid_and_never_reaches_iyzico(fake, changes):
    state, base_url = fake
    gw = make_gateway(base_url)
    the_order = order()
    started = gw.start(the_order, card())
    result = gw.verify_callback(callback(started, the_order, **changes), the_order)
    assert (result.status, result.reason_code) == ("invalid", "payment.callback_invalid")
    assert result.approved is False
    assert result.nonce == ""  # a forged callback cannot spend the real one's nonce
    assert [path for path, _ in state.requests] == ["/payment/3dsecure/initialize"]


def test_a_callback_for_another_order_is_invalid_even_if_posted_to_ours(fake):
    state, base_url = fake
    gw = make_gateway(base_url)
    mine, theirs = order(), order(order_id="PA9999999999999999999Z")
    started = gw.start(theirs, card())
    result = gw.verify_callback(callback(started, theirs), mine)
    assert result.status == "invalid"
    assert len(state.requests) == 1


def test_a_paid_price_other_than_the_order_is_invalid_and_cancelled(fake):
    state, base_url = fake
    gw = make_gateway(base_url)
    the_order = order()
    started = gw.start(the_order, card())
    state.tamper["paid_price"] = 1.0
    result = gw.verify_callback(callback(started, the_order), the_order)
    assert (result.status, result.reason_code) == ("invalid", "payment.callback_invalid")
    assert result.bank_reason == "iyzico yanıtı siparişle eşleşmiyor; ödeme iptal edildi"
    assert result.transaction_id == result.nonce == "25149157"
    assert state.requests[-1] == (
        "/payment/cancel",
        {"locale": "tr", "conversationId": the_order.order_id, "paymentId": "25149157"},
    )


def test_a_payment_answer_for_another_basket_is_invalid(fake):
    """The callback names our order but carries the paymentId of another of the customer's
    iyzico payments: iyzico's answer shows the other basket, and nothing is booked."""
    state, base_url = fake
    gw = make_gateway(base_url)
    mine, other = order(), order(order_id="PAOTHER0000000000000000")
    gw.start(mine, card())
    other_started = gw.start(other, card())
    result = gw.verify_callback(callback(other_started, mine, conversationId=mine.order_id), mine)
    assert result.status == "invalid"
    assert state.requests[-1][0] == "/payment/cancel"


def test_a_wrong_response_signature_is_invalid_and_cancelled(fake):
    state, base_url = fake
    gw = make_gateway(base_url)
    the_order = order()
    started = gw.start(the_order, card())
    state.tamper["signature"] = "0" * 64
    result = gw.verify_callback(callback(started, the_order), the_order)
    assert result.status == "invalid"
    assert state.requests[-1][0] == "/payment/cancel"


def test_an_initialize_answer_for_another_conversation_is_a_failed_start(fake):
    state, base_url = fake
    state.tamper["init_conversation"] = "PASOMEONEELSE"
    started = make_gateway(base_url).start(order(), card())
    assert started.failed
    assert started.bank_reason == "iyzico yanıtı siparişle eşleşmiyor"
    assert (started.action_url, dict(started.form_fields)) == ("", {})


FORM = '<form action="{action}" method="post"><input type="hidden" name="a" value="1"></form>'
TAMPERED_PAGES = {
    "another host": FORM.replace("{action}", "https://acs.bank.example/3d"),
    "a look-alike host": FORM.replace("{action}", "http://127.0.0.1.evil.example/3d"),
    "another port": FORM.replace("{action}", "http://127.0.0.1:9/3d"),
    "a user-info trick": FORM.replace("{action}", "http://127.0.0.1@evil.example/3d"),
    "a relative action": FORM.replace("{action}", "/3d"),
    "a scheme-relative action": FORM.replace("{action}", "//evil.example/3d"),
    "a script action": FORM.replace("{action}", "javascript:alert(1)"),
    "no action": FORM.replace(' action="{action}"', ""),
    "a GET form": FORM.replace('method="post"', 'method="get"'),
    "no method (GET)": FORM.replace(' method="post"', ""),
    "two forms": FORM.replace("{action}", "{base}/a") + FORM.replace("{action}", "{base}/b"),
    "a nested form": FORM.replace("</form>", '<form action="https://evil.example"></form></form>'),
    "no form": "<p>3D</p><script>location='https://evil.example'</script>",
    "a field twice": FORM.replace("{action}", "{base}/a").replace(
        "</form>", '<input type="hidden" name="a" value="2"></form>'
    ),
    "not HTML at all": "",
}


@pytest.mark.parametrize("case", sorted(TAMPERED_PAGES))
def test_a_3d_page_other_than_one_post_form_to_iyzico_is_a_failed_start(fake, caplog, case):
    """The portal posts the form it is handed: it must be iyzico's, to iyzico's own origin."""
    state, base_url = fake
    state.tamper["page"] = TAMPERED_PAGES[case]
    started = make_gateway(base_url).start(order(), card())
    assert started.failed
    assert (started.failure_code, started.provider_ref) == ("payment.start_failed", "25149157")
    assert started.bank_reason.startswith("iyzico'nun 3D sayfası beklenen biçimde değil")
    assert (started.action_url, dict(started.form_fields)) == ("", {})
    assert "refused" in caplog.text  # the operator sees why


def test_the_untampered_page_passes_the_same_check(fake):
    """The cases above fail for their change alone: the same form to iyzico is accepted."""
    state, base_url = fake
    state.tamper["page"] = FORM.replace("{action}", "{base}/3d?x=1")
    started = make_gateway(base_url).start(order(), card())
    assert (started.failed, started.action_url) == (False, base_url + "/3d?x=1")
    assert dict(started.form_fields) == {"a": "1"}


def test_a_3d_page_echoing_the_card_number_hands_it_on_masked(fake):
    state, base_url = fake
    state.tamper["page"] = FORM.replace("{action}", "{base}/3d").replace(
        'value="1"', f'value="pan={APPROVE}"'
    )
    started = make_gateway(base_url).start(order(), card())
    assert dict(started.form_fields) == {"a": f"pan={card().masked}"}
    assert not card_data_in(started)


def test_with_the_real_host_only_an_https_action_on_it_is_accepted():
    origin = make_gateway("https://sandbox-api.iyzipay.com").origin
    assert origin == "https://sandbox-api.iyzipay.com"
    page = ACS_PAGE.replace("{path}", ACS_PATH)
    accepted = three_d_form(page.replace("{base}", "https://sandbox-api.iyzipay.com"), origin)
    assert accepted == ("https://sandbox-api.iyzipay.com" + ACS_PATH, ACS_FIELDS)
    assert three_d_form(page.replace("{base}", "HTTPS://Sandbox-API.iyzipay.com"), origin)
    for base in (
        "http://sandbox-api.iyzipay.com",  # not TLS
        "https://api.iyzipay.com",  # production's host, not the configured one
        "https://sandbox-api.iyzipay.com.evil.example",
        "https://evil.example\\@sandbox-api.iyzipay.com",
        "https://sandbox-api.iyzipay.com:8443",
    ):
        assert three_d_form(page.replace("{base}", base), origin) is None, base


def test_an_unreachable_iyzico_is_a_result_not_an_exception(fake, caplog):
    _, base_url = fake
    gw = make_gateway("http://127.0.0.1:9")  # discard port: nobody listens
    started = gw.start(order(), card())
    assert (started.failure_code, started.bank_reason) == (
        "payment.start_failed",
        "iyzico'ya ulaşılamadı veya yanıtı okunamadı",
    )
    the_order = order()
    fields = {
        "status": "success",
        "paymentId": "1",
        "conversationId": the_order.order_id,
        "mdStatus": "1",
    }
    result = gw.verify_callback(fields, the_order)
    assert (result.status, result.nonce) == ("invalid", "")  # not booked, may be retried
    assert "ConnectionRefusedError" in caplog.text
    assert APPROVE not in caplog.text


def test_an_order_without_a_buyer_is_refused_before_calling_iyzico(fake):
    state, base_url = fake
    started = make_gateway(base_url).start(order(buyer=None), card())
    assert (started.failure_code, started.bank_reason) == (
        "payment.start_failed",
        "alıcı bilgisi eksik",
    )
    assert state.requests == []


# ---------------------------------------------------------------- no card data out


def test_no_card_number_or_cvv_in_anything_the_adapter_returns(fake, caplog):
    caplog.set_level(logging.DEBUG)
    state, base_url = fake
    gw = make_gateway(base_url)
    the_order = order()
    outputs: list[Any] = [gw, repr(gw)]
    started = gw.start(the_order, card())
    outputs.append(started)
    outputs.append(gw.verify_callback(callback(started, the_order), the_order))
    outputs.append(gw.start(order(), card(DECLINE_AT_START)))
    second = gw.start(order(order_id="PA2"), card())
    outputs.append(
        gw.verify_callback(
            callback(second, order(order_id="PA2"), mdStatus="0"), order(order_id="PA2")
        )
    )
    state.tamper["paid_price"] = 2.0
    outputs.append(
        gw.verify_callback(callback(second, order(order_id="PA2")), order(order_id="PA2"))
    )
    assert outputs[3].approved  # the card really went through the adapter
    assert APPROVE.encode() in state.raw_bodies[0]  # ...to iyzico, and only there
    for value in outputs:
        assert not card_data_in(value), value
    assert APPROVE not in caplog.text and DECLINE_AT_START not in caplog.text


# ---------------------------------------------------------------- configuration


def test_the_base_url_must_be_https_except_for_loopback():
    for bad in ("http://api.iyzipay.com", "https://api.iyzipay.com/payment", "ftp://x"):
        with pytest.raises(GatewayNotConfigured):
            make_gateway(bad)
    assert make_gateway("https://api.iyzipay.com").host == "api.iyzipay.com"
    assert make_gateway("sandbox-api.iyzipay.com").host == "sandbox-api.iyzipay.com"
    assert make_gateway("http://localhost:8080").host == "localhost:8080"
    assert SECRET_KEY not in repr(make_gateway("https://api.iyzipay.com"))


def test_providers_build_iyzico_from_the_settings(db, fake):
    state, base_url = fake
    config = Settings.from_env(
        {
            "IZTIM_PAYMENT_GATEWAY": "iyzico",
            "IZTIM_IYZICO_API_KEY": API_KEY,
            "IZTIM_IYZICO_SECRET_KEY": SECRET_KEY,
            "IZTIM_IYZICO_BASE_URL": base_url,
            "IZTIM_PUBLIC_URL": "https://portal.example.com.tr",
        }
    )
    providers.check_configuration(config)
    gw = providers.gateway(db, config=config)
    assert isinstance(gw, IyzicoGateway)
    assert providers.gateway(db, "iyzico", config=config).name == "iyzico"
    url = providers.return_url(gw, config=config)
    assert url == "https://portal.example.com.tr/portal/odeme/donus"
    started = gw.start(order(return_url=url), card())
    assert (started.action_url, dict(started.form_fields)) == (base_url + ACS_PATH, ACS_FIELDS)
    assert state.bad_auth == 0
    with pytest.raises(GatewayNotConfigured, match="must use https"):
        providers.gateway(db, config=dataclasses.replace(config, iyzico_base_url="http://x.com"))
