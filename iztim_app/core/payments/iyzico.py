"""iyzico's 3D Secure API behind the `Gateway` protocol, through its Python client (iyzipay).

`start` calls threedsInitialize with the card, the buyer and one basket item for the order
(conversationId = basketId = our order id). iyzico answers `threeDSHtmlContent`: a page with
one self-posting form (and the inline script that submits it). Writing that page into the
portal would need inline scripts without hashes in the portal's CSP, so the form is read
here instead (its action, method and hidden fields) and handed back as `action_url` and
`form_fields`, which the portal posts the way it posts the test bank's. Only one POST form
whose action is on iyzico's own origin (the configured base URL: https) is accepted;
anything else is a failed start, never posted. When iyzico refuses, its error code and
message.
After the bank's page iyzico posts the callback (status, paymentId, conversationData,
conversationId, mdStatus) through the customer's browser to our return url, so none of it is
trusted: `verify_callback` checks it names our order and a successful 3D check, then calls
threedsPayment, which takes the money, and checks iyzico's own answer (paymentId,
conversationId, basketId, currency, paidPrice and, when present, its HMAC signature) against
the order we expect. An answer that does not match is cancelled at once (money is never kept
for a payment we do not book) and reported as "invalid". nonce = transaction id = paymentId.

Nothing here raises for a refusal or an unreachable provider: that is a result. The card
number and CVV go only into the request body sent to iyzico over TLS: never into a log line,
an exception, or anything returned (a provider text echoing the number is masked).

The client (1.0.46) connects with `http.client.HTTPSConnection(options['base_url'])`, no
timeout, and shares one header dict between threads; the resources here give it a
connection with a timeout and build the signed headers per call, so two payments at the same
moment never mix their signatures. Plain HTTP is accepted only for a loopback address (a
local fake provider in tests).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import http.client
import json
import logging
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import iyzipay
from iyzipay.iyzipay_resource import IyzipayResource

from iztim_app.core.payments.gateway import (
    CallbackResult,
    CallbackStatus,
    CardInput,
    GatewayNotConfigured,
    PaymentOrder,
    ThreeDStart,
)

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MD_AUTHENTICATED = "1"
SUCCESS = "success"
MAX_REASON = 250
MAX_CONVERSATION_DATA = 4096
# iyzico's mdStatus values (its 3D integration guide), as staff read them.
MD_STATUS_TEXTS = {
    "0": "3D Secure imzası geçersiz veya doğrulama başarısız",
    "2": "Kart sahibi veya bankası 3D Secure sistemine kayıtlı değil",
    "3": "Kartın bankası 3D Secure sistemine kayıtlı değil",
    "4": "Doğrulama yapılamadı: kart sahibi 3D kaydını sonraya bırakmış",
    "5": "Doğrulama yapılamıyor",
    "6": "3D Secure hatası",
    "7": "Sistem hatası",
    "8": "Bilinmeyen kart numarası",
}
UNREACHABLE = "iyzico'ya ulaşılamadı veya yanıtı okunamadı"
MISMATCH = "iyzico yanıtı siparişle eşleşmiyor"
BAD_3D_PAGE = "iyzico'nun 3D sayfası beklenen biçimde değil (tek POST formu, iyzico adresine)"
BUTTON_TYPES = frozenset({"submit", "button", "reset", "image"})
_LONG_DIGITS = re.compile(r"\d(?:[ -]?\d){11,18}")  # anything that could be a card number


class _OwnConnection:
    """Mixin for iyzipay resources: our connection (timeout; HTTP only for loopback) and the
    signed headers built per call instead of in the client's shared class attribute."""

    def __init__(
        self,
        connection_class: type[http.client.HTTPConnection],
        timeout: float,  # float-ok: a socket timeout in seconds
    ):
        self.httplib = SimpleNamespace(
            HTTPSConnection=functools.partial(connection_class, timeout=timeout)
        )

    def get_http_header(self, url, options=None, body_str=None):
        random_str = IyzipayResource.generate_random_string(IyzipayResource.RANDOM_STRING_SIZE)
        signed = IyzipayResource.generate_v2_hash(
            options["api_key"], url.split("?")[0], options["secret_key"], random_str, body_str
        )
        return {
            "Accept": "application/json",
            "Content-type": "application/json",
            "x-iyzi-client-version": IyzipayResource.header["x-iyzi-client-version"],
            "x-iyzi-rnd": random_str,
            "Authorization": f"IYZWSv2 {signed}",
        }


class _ThreedsInitialize(_OwnConnection, iyzipay.ThreedsInitialize):
    pass


class _ThreedsPayment(_OwnConnection, iyzipay.ThreedsPayment):
    pass


class _Cancel(_OwnConnection, iyzipay.Cancel):
    pass


def _host(base_url: str) -> tuple[str, type[http.client.HTTPConnection]]:
    """`https://sandbox-api.iyzipay.com` (or a bare host) → the client's host[:port] and the
    connection class. GatewayNotConfigured for anything else."""
    text = base_url.strip()
    parts = urlsplit(text if "//" in text else f"https://{text}")
    if parts.path.strip("/") or parts.query or parts.fragment or not parts.hostname:
        raise GatewayNotConfigured(
            "IZTIM_IYZICO_BASE_URL must be a host, e.g. https://api.iyzipay.com"
        )
    if parts.scheme == "https":
        return parts.netloc, http.client.HTTPSConnection
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return parts.netloc, http.client.HTTPConnection
    raise GatewayNotConfigured("IZTIM_IYZICO_BASE_URL must use https")


def price_text(value: Any) -> str:
    """A price as iyzico's clients sign it (their float text, a trailing ".0" dropped):
    `877.10` → `877.1`, `877.00` → `877`; made from the Decimal, so exact."""
    return format(Decimal(str(value)).normalize(), "f")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _scrub(text: str, card: CardInput | None = None) -> str:
    """A provider text safe to keep: no card number (nor any digit run that could be one)."""
    if card is not None:
        text = text.replace(card.number, card.masked)
    return _LONG_DIGITS.sub("****", text)


def _bank_reason(data: Mapping[str, Any], card: CardInput | None = None) -> str:
    code = _text(data.get("errorCode")).strip()
    message = _text(data.get("errorMessage")).strip()
    reason = " ".join(part for part in (code, message) if part) or "iyzico: işlem reddedildi"
    return _scrub(reason, card)[:MAX_REASON]


class _Forms(HTMLParser):
    """The <form>s of a page: each one's attributes and its inputs' (name, value) pairs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict[str, str], list[tuple[str, str]]]] = []
        self._inside = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "form":
            self._inside += 1
            self.forms.append((values, []))  # a nested form counts too: it is refused
        elif tag == "input" and self._inside and "name" in values:
            if values.get("type", "text").strip().lower() not in BUTTON_TYPES:
                self.forms[-1][1].append((values["name"], values.get("value", "")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside -= 1


def three_d_form(html: str, origin: str) -> tuple[str, dict[str, str]] | None:
    """(action, fields) of iyzico's 3D page, or None unless it is exactly one POST form whose
    absolute action lies on `origin` (`https://host[:port]`, iyzico's) and whose field names
    are unique: what the browser would post, checked before the portal posts it."""
    reader = _Forms()
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # noqa: BLE001 - an unreadable page is refused like a wrong one
        return None
    if len(reader.forms) != 1:
        return None
    attrs, inputs = reader.forms[0]
    action = attrs.get("action", "").strip()
    parts = urlsplit(action)
    if (
        attrs.get("method", "").strip().lower() != "post"
        or f"{parts.scheme}://{parts.netloc}".lower() != origin.lower()
        or "@" in parts.netloc
        or any(ch in action for ch in "\\\t\r\n ")
    ):
        return None
    fields = dict(inputs)
    if len(fields) != len(inputs):  # a name twice: one dict cannot carry both
        return None
    return action, fields


def _split_name(name: str) -> tuple[str, str]:
    words = name.split()
    if len(words) < 2:
        return (words[0] if words else "-"), (words[0] if words else "-")
    return " ".join(words[:-1]), words[-1]


class IyzicoGateway:
    """iyzico 3D Secure (threedsInitialize → bank's page → callback → threedsPayment)."""

    name = "iyzico"

    def __init__(
        self,
        *,
        api_key: str,
        secret_key: str,
        base_url: str,
        timeout: float = TIMEOUT_SECONDS,  # float-ok: a socket timeout in seconds
        locale: str = "tr",
    ) -> None:
        if not api_key or not secret_key:
            raise GatewayNotConfigured(
                "IZTIM_IYZICO_API_KEY and IZTIM_IYZICO_SECRET_KEY must be set"
            )
        host, connection_class = _host(base_url)
        self._options = {"api_key": api_key, "secret_key": secret_key, "base_url": host}
        self._connection_class = connection_class
        self._timeout = timeout
        self.locale = locale
        self.host = host
        scheme = "https" if connection_class is http.client.HTTPSConnection else "http"
        self.origin = f"{scheme}://{host}"  # where iyzico's 3D form may post

    def __repr__(self) -> str:  # never the keys
        return f"IyzicoGateway(host={self.host!r})"

    # ------------------------------------------------------------------ provider calls

    def _call(self, resource: type[_OwnConnection], request: dict[str, Any]) -> dict | None:
        """One API call; None when iyzico cannot be reached or answers no JSON object. Logs
        the endpoint and the error's kind only: the request may hold the card."""
        client = resource(self._connection_class, self._timeout)
        try:
            response = client.create(request, self._options)
            try:
                body = response.read()
            finally:
                response.close()
        except Exception as exc:  # never raise for the provider; its kind only, no message
            log.warning("iyzico %s failed: %s", resource.__name__, type(exc).__name__)
            return None
        try:
            data = json.loads(body)
        except ValueError:
            log.warning("iyzico %s answered no JSON", resource.__name__)
            return None
        return data if isinstance(data, dict) else None

    def _signed(self, data: Mapping[str, Any], values: list[str]) -> bool:
        """iyzico's response signature (HMAC-SHA256 of the values joined by ':'), when the
        response carries one; older accounts' responses carry none."""
        given = data.get("signature")
        if given is None:
            return True
        expected = IyzipayResource.calculate_hmac_sha256_signature(
            values, self._options["secret_key"]
        )
        return hmac.compare_digest(_text(given).encode(), expected.encode())

    # ------------------------------------------------------------------ start

    def _initialize_request(self, order: PaymentOrder, card: CardInput) -> dict[str, Any]:
        buyer = order.buyer
        assert buyer is not None
        first, last = _split_name(buyer.name)
        city = buyer.city or "Türkiye"
        address = buyer.address or city
        place = {
            "contactName": buyer.name,
            "city": city,
            "country": "Turkey",
            "address": address,
        }
        price = order.amount_text
        return {
            "locale": self.locale,
            "conversationId": order.order_id,
            "price": price,
            "paidPrice": price,
            "currency": order.currency,
            "installment": "1",
            "basketId": order.order_id,
            "paymentChannel": "WEB",
            "paymentGroup": "PRODUCT",
            "callbackUrl": order.return_url,
            "paymentCard": {
                "cardHolderName": card.holder,
                "cardNumber": card.number,
                "expireMonth": f"{card.expiry_month:02d}",
                "expireYear": str(card.expiry_year),
                "cvc": card.cvv,
                "registerCard": "0",
            },
            "buyer": {
                "id": buyer.customer_number,
                "name": first,
                "surname": last,
                "identityNumber": buyer.national_id or "11111111111",
                "email": buyer.email or "musteri@iztim.invalid",
                "registrationAddress": address,
                "ip": buyer.ip or "127.0.0.1",
                "city": city,
                "country": "Turkey",
                **({"gsmNumber": buyer.phone} if buyer.phone else {}),
            },
            "shippingAddress": place,
            "billingAddress": place,
            "basketItems": [
                {
                    "id": order.order_id,
                    "name": f"Sigorta primi taksit {order.refs_text}"[:200],
                    "category1": "Sigorta",
                    "itemType": "VIRTUAL",
                    "price": price,
                }
            ],
        }

    def start(self, order: PaymentOrder, card: CardInput) -> ThreeDStart:
        if order.buyer is None:
            return ThreeDStart(
                failure_code="payment.start_failed", bank_reason="alıcı bilgisi eksik"
            )
        data = self._call(_ThreedsInitialize, self._initialize_request(order, card))
        if data is None:
            return ThreeDStart(failure_code="payment.start_failed", bank_reason=UNREACHABLE)
        payment_id = _text(data.get("paymentId"))[:64]
        if data.get("status") != SUCCESS:
            return ThreeDStart(
                failure_code="payment.start_failed",
                bank_reason=_bank_reason(data, card),
                provider_ref=payment_id,
            )
        if _text(data.get("conversationId")) != order.order_id or not self._signed(
            data, [payment_id, order.order_id]
        ):
            return ThreeDStart(
                failure_code="payment.start_failed", bank_reason=MISMATCH, provider_ref=payment_id
            )
        form = self._form(data, card)
        if form is None:
            log.warning(
                "iyzico 3D page of order %s refused: not one form to iyzico", order.order_id
            )
            return ThreeDStart(
                failure_code="payment.start_failed",
                bank_reason=BAD_3D_PAGE,
                provider_ref=payment_id,
            )
        action, fields = form
        return ThreeDStart(action_url=action, form_fields=fields, provider_ref=payment_id)

    def _form(self, data: Mapping[str, Any], card: CardInput) -> tuple[str, dict[str, str]] | None:
        """The 3D page's form, its values without the card number (should iyzico echo it)."""
        try:
            html = base64.b64decode(_text(data.get("threeDSHtmlContent")), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        form = three_d_form(html, self.origin)
        if form is None:
            return None
        action, fields = form
        return action, {
            name: value.replace(card.number, card.masked) for name, value in fields.items()
        }

    # ------------------------------------------------------------------ callback

    def verify_callback(
        self, fields: Mapping[str, str], expected_order: PaymentOrder
    ) -> CallbackResult:
        order = expected_order

        def result(status: CallbackStatus, reason_code: str, **values: str) -> CallbackResult:
            return CallbackResult(
                status=status, order_id=order.order_id, reason_code=reason_code, **values
            )

        def given(name: str) -> str:
            value = fields.get(name)
            return value.strip() if isinstance(value, str) else ""

        status, payment_id, md_status = given("status"), given("paymentId"), given("mdStatus")
        if given("conversationId") != order.order_id or not md_status:
            return result("invalid", "payment.callback_invalid")
        if md_status != MD_AUTHENTICATED:
            text = MD_STATUS_TEXTS.get(md_status, "3D doğrulama başarısız")
            return result(
                "auth_failed",
                "payment.result_auth_failed",
                md_status=md_status[:8],
                bank_reason=f"mdStatus {md_status[:8]}: {text}",
                nonce=payment_id[:64],
            )
        if status != SUCCESS or not payment_id or len(payment_id) > 64:
            return result("invalid", "payment.callback_invalid", md_status=md_status)

        request = {"locale": self.locale, "conversationId": order.order_id, "paymentId": payment_id}
        conversation_data = given("conversationData")
        if len(conversation_data) > MAX_CONVERSATION_DATA:
            return result("invalid", "payment.callback_invalid", md_status=md_status)
        if conversation_data:
            request["conversationData"] = conversation_data
        data = self._call(_ThreedsPayment, request)
        if data is None:  # unknown whether money moved: nothing booked, no nonce spent
            return result(
                "invalid", "payment.callback_invalid", md_status=md_status, bank_reason=UNREACHABLE
            )
        if data.get("status") != SUCCESS:
            return result(
                "declined",
                "payment.result_declined",
                md_status=md_status,
                bank_reason=_bank_reason(data),
                transaction_id=payment_id,
                nonce=payment_id,
            )
        if not self._matches(data, order, payment_id):
            return result(
                "invalid",
                "payment.callback_invalid",
                md_status=md_status,
                bank_reason=self._cancel(order, payment_id),
                transaction_id=payment_id,
                nonce=payment_id,
            )
        last4 = _text(data.get("lastFourDigits"))
        if _text(data.get("fraudStatus")) == "-1":
            return result(
                "declined",
                "payment.result_declined",
                md_status=md_status,
                bank_reason="iyzico dolandırıcılık kontrolü reddetti",
                transaction_id=payment_id,
                last4=last4 if last4.isdigit() and len(last4) == 4 else "",
                nonce=payment_id,
            )
        auth_code = _scrub(_text(data.get("authCode")))[:32]
        return result(
            "approved",
            "payment.result_approved",
            md_status=md_status,
            bank_reason=f"Onaylandı{f' (onay kodu {auth_code})' if auth_code else ''}",
            transaction_id=payment_id,
            last4=last4 if last4.isdigit() and len(last4) == 4 else "",
            nonce=payment_id,
        )

    def _matches(self, data: Mapping[str, Any], order: PaymentOrder, payment_id: str) -> bool:
        paid, price = _decimal(data.get("paidPrice")), _decimal(data.get("price"))
        if (
            _text(data.get("paymentId")) != payment_id
            or _text(data.get("conversationId")) != order.order_id
            or _text(data.get("basketId")) != order.order_id
            or _text(data.get("currency")) != order.currency
            or paid != order.amount
            or (price is not None and price != order.amount)
        ):
            return False
        values = [
            payment_id,
            order.currency,
            order.order_id,
            order.order_id,
            price_text(data.get("paidPrice")),
            price_text(data.get("price") if price is not None else data.get("paidPrice")),
        ]
        return self._signed(data, values)

    def _cancel(self, order: PaymentOrder, payment_id: str) -> str:
        """Void a payment iyzico took but we will not book; the text says what became of it."""
        data = self._call(
            _Cancel,
            {"locale": self.locale, "conversationId": order.order_id, "paymentId": payment_id},
        )
        if data is not None and data.get("status") == SUCCESS:
            return f"{MISMATCH}; ödeme iptal edildi"
        log.error(
            "iyzico payment %s did not match order %s and could not be cancelled",
            payment_id,
            order.order_id,
        )
        return f"{MISMATCH}; iptal edilemedi, iade gerekli"
