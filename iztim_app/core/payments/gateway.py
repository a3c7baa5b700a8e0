"""The payment gateway interface: what a 3D Secure provider (the built-in test bank, iyzico)
must offer, and the inputs and results it works with.

Card data lives only in `CardInput`, which never prints its number or CVV; everything a
gateway returns (the 3D start, the callback result) carries at most the last four digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol

from iztim_app.core import clock
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import KURUS, MAX_AMOUNT

CallbackStatus = Literal["approved", "declined", "auth_failed", "invalid"]
CURRENCY = "TRY"

_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REF = re.compile(r"[A-Za-z0-9/_.-]{1,64}")  # no comma: refs travel comma-joined
_SEPARATORS = re.compile(r"[\s-]")


class GatewayNotConfigured(RuntimeError):
    """A gateway cannot be built: an unknown name, missing keys, an unsafe provider address.
    The message names the environment variables to set, never their values."""


class CardProblems(ValidationFailed):
    """Every problem of a card form at once; code/field are the first one's."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        first = problems[0]
        super().__init__(first.code, field=first.field, **first.params)
        self.problems = tuple(problems)


def luhn_valid(digits: str) -> bool:
    """The card number check digit (ISO/IEC 7812): catches one wrong digit or a swap."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def amount_text(amount: Decimal) -> str:
    """`1234.5` → `1234.50`: the one form an amount takes in signed gateway fields."""
    return str(amount.quantize(KURUS))


@dataclass(frozen=True)
class Buyer:
    """Who pays, for providers that must send the buyer (iyzico: buyer and billing address).
    The built-in test bank ignores it. `ip` is the customer's address as we saw it."""

    customer_number: str
    name: str
    national_id: str = field(default="", repr=False)
    email: str = ""
    phone: str = ""
    address: str = ""
    ip: str = ""
    city: str = ""


@dataclass(frozen=True)
class PaymentOrder:
    """What is being paid: our order id (one per payment attempt), the total, and which
    installments it settles. A gateway signs all of it, so none can change on the way.
    `buyer` is optional: only providers that need it (iyzico) read it."""

    order_id: str
    amount: Decimal
    installment_refs: tuple[str, ...]
    return_url: str
    currency: str = CURRENCY
    buyer: Buyer | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.order_id, str) or not _ORDER_ID.fullmatch(self.order_id):
            raise ValidationFailed("payment.order_invalid", field="order_id")
        amount = self.amount
        if (
            not isinstance(amount, Decimal)
            or not amount.is_finite()
            or not 0 < amount < MAX_AMOUNT
            or amount != amount.quantize(KURUS)
        ):
            raise ValidationFailed("payment.order_invalid", field="amount")
        refs = self.installment_refs
        if (
            not isinstance(refs, tuple)
            or not refs
            or len(set(refs)) != len(refs)
            or not all(isinstance(r, str) and _REF.fullmatch(r) for r in refs)
        ):
            raise ValidationFailed("payment.order_invalid", field="installment_refs")
        if self.currency != CURRENCY:
            raise ValidationFailed("payment.order_invalid", field="currency")
        if not isinstance(self.return_url, str) or not self.return_url:
            raise ValidationFailed("payment.order_invalid", field="return_url")
        if self.buyer is not None and not isinstance(self.buyer, Buyer):
            raise ValidationFailed("payment.order_invalid", field="buyer")

    @property
    def amount_text(self) -> str:
        return amount_text(self.amount)

    @property
    def refs_text(self) -> str:
        return ",".join(self.installment_refs)


def _expiry_year(raw: str) -> int | None:
    if not raw.isascii() or not raw.isdigit() or len(raw) not in (2, 4):
        return None
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


class CardInput:
    """A card as typed, checked at once (every problem reported together).

    Kept only in memory for the one call to the gateway: its repr and str show the masked
    number, never the full number or the CVV, so a log line or a traceback cannot leak them.
    """

    __slots__ = ("_cvv", "_number", "expiry_month", "expiry_year", "holder")

    def __init__(
        self,
        number: str,
        holder: str,
        expiry_month: str | int,
        expiry_year: str | int,
        cvv: str,
        *,
        today: date | None = None,
    ) -> None:
        problems: list[ValidationFailed] = []
        digits = _SEPARATORS.sub("", str(number or ""))
        if not (12 <= len(digits) <= 19 and luhn_valid(digits)):
            problems.append(ValidationFailed("payment.card_number_invalid", field="card_number"))
        month_text = str(expiry_month or "").strip()
        month = int(month_text) if month_text.isascii() and month_text.isdigit() else 0
        year = _expiry_year(str(expiry_year or "").strip())
        day = today or clock.today()
        if not 1 <= month <= 12 or year is None:
            problems.append(ValidationFailed("payment.expiry_invalid", field="expiry"))
        elif (year, month) < (day.year, day.month) or year > day.year + 20:
            problems.append(ValidationFailed("payment.expiry_past", field="expiry"))
        cvv_text = str(cvv or "").strip()
        if not (len(cvv_text) == 3 and cvv_text.isascii() and cvv_text.isdigit()):
            problems.append(ValidationFailed("payment.cvv_invalid", field="cvv"))
        holder_text = " ".join(str(holder or "").split())
        if not holder_text:
            problems.append(ValidationFailed("payment.holder_missing", field="holder"))
        if problems:
            raise CardProblems(problems)
        self._number = digits
        self._cvv = cvv_text
        self.holder = holder_text
        self.expiry_month = month
        self.expiry_year = year

    @property
    def number(self) -> str:
        """The full number: only for the call to the provider, never to store or show."""
        return self._number

    @property
    def cvv(self) -> str:
        return self._cvv

    @property
    def last4(self) -> str:
        return self._number[-4:]

    @property
    def masked(self) -> str:
        """`**** **** **** 1111`: safe to show, log and keep."""
        return f"**** **** **** {self.last4}"

    def __repr__(self) -> str:
        return f"CardInput({self.masked}, {self.expiry_month:02d}/{self.expiry_year})"

    __str__ = __repr__

    def __reduce__(self) -> object:
        raise TypeError("CardInput is never pickled: card data must not leave memory")


@dataclass(frozen=True)
class ThreeDStart:
    """Where the browser goes next: post `form_fields` to `action_url` (a bank's ACS page, or
    iyzico's 3D page, whose form its adapter reads out of threeDSHtmlContent), or — when
    `failure_code` is set — nothing: the provider refused at once (`bank_reason` says why).
    Never a provider's page: the portal's CSP allows no provider's inline script."""

    action_url: str = ""
    form_fields: Mapping[str, str] = field(default_factory=dict)
    failure_code: str = ""
    bank_reason: str = ""
    provider_ref: str = ""  # e.g. iyzico's paymentId/conversation id, to keep with the attempt

    @property
    def failed(self) -> bool:
        return bool(self.failure_code)


@dataclass(frozen=True)
class CallbackResult:
    """The checked outcome of a bank's callback. Only "approved" means the money moved;
    "invalid" means the callback must change nothing (bad signature, another order, a changed
    amount/currency/installment, a missing field). `reason_code` is a catalogue key;
    `bank_reason` the bank's own text, for staff answering a customer's call. `nonce` is unique
    per callback, for the caller's replay check."""

    status: CallbackStatus
    order_id: str
    reason_code: str
    md_status: str = ""
    transaction_id: str = ""
    bank_reason: str = ""
    last4: str = ""
    nonce: str = ""

    @property
    def approved(self) -> bool:
        return self.status == "approved"


class Gateway(Protocol):
    """A 3D Secure provider. `start` may call the provider (iyzico's threedsInitialize);
    `verify_callback` checks the callback against the order we expect and, for providers
    that need a second call to take the money (iyzico's threedsPayment), makes it. Neither
    raises for a bank's refusal: that is a result."""

    name: str

    def start(self, order: PaymentOrder, card: CardInput) -> ThreeDStart: ...

    def verify_callback(
        self, fields: Mapping[str, str], expected_order: PaymentOrder
    ) -> CallbackResult: ...
