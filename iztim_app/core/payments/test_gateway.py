"""The built-in test bank: a Turkish bank's 3D model without a bank.

`start` hands the browser a signed ACS state (order, amount, masked card, the test card's
class, an expiry) to post to our ACS page; the page asks the one-time code and calls
`acs_submit`, which returns the callback fields the browser posts back, signed with
HMAC-SHA256; `verify_callback` recomputes the signature and compares the signed order with
the one we expect. The card number never leaves `start`: the ACS state carries only its
class ("ok" | "decline" | "other"), so no storage is needed and no digits are kept.

Cards (domain.md): 4111 1111 1111 1111 + code 123456 → approved; 4000 0000 0000 0002 →
authenticated, then declined by the bank; any other code → 3D authentication fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from iztim_app.core import clock
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.payments.gateway import (
    CallbackResult,
    CallbackStatus,
    CardInput,
    PaymentOrder,
    ThreeDStart,
)

SECRET_NAME = "payment_test_gateway"  # installation_secret(db, SECRET_NAME)
APPROVED_CARD = "4111111111111111"
DECLINED_CARD = "4000000000000002"
GOOD_OTP = "123456"
ACS_STATE_FIELD = "acs_state"
STATE_TTL = timedelta(minutes=15)

CardClass = Literal["ok", "decline", "other"]
MD_AUTHENTICATED = "1"
MD_FAILED = "0"

# Signed in this order; `signature` is over exactly these.
CALLBACK_FIELDS = (
    "order_id",
    "amount",
    "currency",
    "installments",
    "result",
    "md_status",
    "transaction_id",
    "last4",
    "reason",
    "nonce",
)
SIGNATURE_FIELD = "signature"

_OUTCOMES: dict[str, tuple[CallbackStatus, str]] = {
    "approved": ("approved", "payment.result_approved"),
    "declined": ("declined", "payment.result_declined"),
    "auth_failed": ("auth_failed", "payment.result_auth_failed"),
}
# The bank's own texts, as a bank's ErrMsg would read (kept for staff, not translated).
BANK_REASONS = {
    "approved": "00 Onaylandı",
    "declined": "05 Red - Onaylanmadı",
    "auth_failed": "3D doğrulama başarısız (mdStatus 0)",
}
UNKNOWN_CARD_REASON = "14 Geçersiz kart numarası"


class AcsStateInvalid(ValidationFailed):
    """The ACS page was posted a state we did not sign, or one that has expired."""

    code = "payment.acs_state_invalid"


def _key(secret: bytes, purpose: bytes) -> bytes:
    """One key per use, so an ACS state can never pass for a callback signature."""
    return hmac.new(secret, b"iztim-test-gateway:" + purpose, hashlib.sha256).digest()


def _canonical(values: list[str]) -> bytes:
    return json.dumps(values, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _sign(secret: bytes, purpose: bytes, payload: bytes) -> str:
    return hmac.new(_key(secret, purpose), payload, hashlib.sha256).hexdigest()


def card_class(card: CardInput) -> CardClass:
    if card.number == APPROVED_CARD:
        return "ok"
    if card.number == DECLINED_CARD:
        return "decline"
    return "other"


@dataclass(frozen=True)
class AcsView:
    """What the ACS page shows: never more than the masked card."""

    order_id: str
    amount: Decimal
    currency: str
    masked_card: str
    return_url: str


def _encode_state(secret: bytes, payload: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(
        json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    ).decode("ascii")
    return f"{body}.{_sign(secret, b'acs-state', body.encode('ascii'))}"


def _decode_state(secret: bytes, state: str, now: datetime) -> dict[str, Any]:
    body, _, signature = str(state or "").partition(".")
    expected = _sign(secret, b"acs-state", body.encode("ascii", "replace"))
    if not body or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise AcsStateInvalid()
    try:
        payload = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
    except (binascii.Error, ValueError) as exc:  # signed by us, so only a bug gets here
        raise AcsStateInvalid() from exc
    if int(payload["expires"]) <= int(now.timestamp()):
        raise AcsStateInvalid("payment.acs_state_expired")
    return payload


def acs_view(secret: bytes, acs_state: str, *, now: datetime | None = None) -> AcsView:
    """Read a posted ACS state for display; AcsStateInvalid when forged or expired."""
    payload = _decode_state(secret, acs_state, now or clock.utcnow())
    return AcsView(
        order_id=payload["order_id"],
        amount=Decimal(payload["amount"]),
        currency=payload["currency"],
        masked_card=payload["masked"],
        return_url=payload["return_url"],
    )


def acs_submit(
    secret: bytes, acs_state: str, otp: str, *, now: datetime | None = None
) -> dict[str, str]:
    """The test bank's ACS: check the one-time code, decide, and sign the callback fields
    the browser posts to the order's return url. AcsStateInvalid for a forged or expired state.
    """
    payload = _decode_state(secret, acs_state, now or clock.utcnow())
    authenticated = hmac.compare_digest(str(otp or "").strip().encode(), GOOD_OTP.encode())
    if not authenticated:
        result, md_status, transaction_id = "auth_failed", MD_FAILED, ""
    elif payload["card_class"] == "ok":
        result, md_status, transaction_id = "approved", MD_AUTHENTICATED, _transaction_id()
    else:  # "decline" — and "other": an unknown card the test bank refuses after 3D
        result, md_status, transaction_id = "declined", MD_AUTHENTICATED, _transaction_id()
    fields = {
        "order_id": payload["order_id"],
        "amount": payload["amount"],
        "currency": payload["currency"],
        "installments": payload["installments"],
        "result": result,
        "md_status": md_status,
        "transaction_id": transaction_id,
        "last4": payload["last4"],
        "reason": UNKNOWN_CARD_REASON
        if result == "declined" and payload["card_class"] == "other"
        else BANK_REASONS[result],
        "nonce": secrets.token_hex(16),
    }
    fields[SIGNATURE_FIELD] = callback_signature(secret, fields)
    return fields


def _transaction_id() -> str:
    return "TB" + secrets.token_hex(8).upper()


def callback_signature(secret: bytes, fields: Mapping[str, str]) -> str:
    """HMAC-SHA256 over CALLBACK_FIELDS in that order (a JSON list: no separator ambiguity)."""
    return _sign(secret, b"callback", _canonical([fields[name] for name in CALLBACK_FIELDS]))


def _invalid(order: PaymentOrder) -> CallbackResult:
    return CallbackResult(
        status="invalid", order_id=order.order_id, reason_code="payment.callback_invalid"
    )


class TestGateway:
    """The built-in test bank behind the `Gateway` protocol; pure given the secret."""

    __test__ = False  # not a pytest class, despite the name
    name = "test"

    def __init__(
        self,
        secret: bytes,
        acs_url: str = "/portal/acs",
        *,
        now: Callable[[], datetime] = clock.utcnow,
        ttl: timedelta = STATE_TTL,
    ) -> None:
        self._secret = secret
        self.acs_url = acs_url
        self._now = now
        self._ttl = ttl

    def __repr__(self) -> str:
        return f"TestGateway(acs_url={self.acs_url!r})"

    def start(self, order: PaymentOrder, card: CardInput) -> ThreeDStart:
        expires = int((self._now() + self._ttl).timestamp())
        state = _encode_state(
            self._secret,
            {
                "order_id": order.order_id,
                "amount": order.amount_text,
                "currency": order.currency,
                "installments": order.refs_text,
                "return_url": order.return_url,
                "masked": card.masked,
                "last4": card.last4,
                "card_class": card_class(card),
                "expires": expires,
            },
        )
        return ThreeDStart(action_url=self.acs_url, form_fields={ACS_STATE_FIELD: state})

    def acs_view(self, acs_state: str) -> AcsView:
        return acs_view(self._secret, acs_state, now=self._now())

    def acs_submit(self, acs_state: str, otp: str) -> dict[str, str]:
        return acs_submit(self._secret, acs_state, otp, now=self._now())

    def verify_callback(
        self, fields: Mapping[str, str], expected_order: PaymentOrder
    ) -> CallbackResult:
        names = (*CALLBACK_FIELDS, SIGNATURE_FIELD)
        if not all(isinstance(fields.get(name), str) for name in names):
            return _invalid(expected_order)
        given = fields[SIGNATURE_FIELD].encode("ascii", "replace")
        if not hmac.compare_digest(given, callback_signature(self._secret, fields).encode()):
            return _invalid(expected_order)
        signed_order = (
            fields["order_id"],
            fields["amount"],
            fields["currency"],
            fields["installments"],
        )
        expected = (
            expected_order.order_id,
            expected_order.amount_text,
            expected_order.currency,
            expected_order.refs_text,
        )
        outcome = _OUTCOMES.get(fields["result"])
        if signed_order != expected or outcome is None:
            return _invalid(expected_order)
        status, reason_code = outcome
        authenticated = fields["md_status"] == MD_AUTHENTICATED
        if authenticated == (status == "auth_failed"):  # result and mdStatus must agree
            return _invalid(expected_order)
        return CallbackResult(
            status=status,
            order_id=expected_order.order_id,
            reason_code=reason_code,
            md_status=fields["md_status"],
            transaction_id=fields["transaction_id"],
            bank_reason=fields["reason"],
            last4=fields["last4"],
            nonce=fields["nonce"],
        )
