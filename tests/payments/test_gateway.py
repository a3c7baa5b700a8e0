"""The gateway layer, pure: card checks, the test bank's 3D outcomes, signed callbacks."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.payments.gateway import (
    CallbackResult,
    CardInput,
    CardProblems,
    Gateway,
    PaymentOrder,
    ThreeDStart,
    luhn_valid,
)
from iztim_app.core.payments.test_gateway import (
    ACS_STATE_FIELD,
    AcsStateInvalid,
    TestGateway,
    acs_submit,
    acs_view,
    callback_signature,
)
from iztim_app.i18n import CATALOGUE

SECRET = bytes(range(32))
OTHER_SECRET = bytes(32)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
OK_CARD = "4111 1111 1111 1111"
DECLINE_CARD = "4000 0000 0000 0002"
OTHER_CARD = "5555 5555 5555 4444"  # Luhn-valid, not a test-bank card
CVV = "739"


def order(**changes) -> PaymentOrder:
    values = {
        "order_id": "PA-000042",
        "amount": Decimal("1234.50"),
        "installment_refs": ("5000001/2", "5000001/3"),
        "return_url": "/portal/pay/return",
    }
    values.update(changes)
    return PaymentOrder(**values)


def card(number: str = OK_CARD, cvv: str = CVV) -> CardInput:
    return CardInput(number, "Ayşe Yılmaz", "08", "29", cvv, today=TODAY)


def gateway(now: datetime = NOW) -> TestGateway:
    return TestGateway(SECRET, "/portal/acs", now=lambda: now)


def pay(number: str, otp: str, the_order: PaymentOrder | None = None):
    the_order = the_order or order()
    gw = gateway()
    started = gw.start(the_order, card(number))
    fields = gw.acs_submit(started.form_fields[ACS_STATE_FIELD], otp)
    return started, fields, gw.verify_callback(fields, the_order)


# ---------------------------------------------------------------- outcomes


def test_the_approved_card_with_the_right_code_is_approved():
    started, fields, result = pay(OK_CARD, "123456")
    assert started.action_url == "/portal/acs"
    assert not started.failed
    assert list(started.form_fields) == [ACS_STATE_FIELD]
    assert result.status == "approved"
    assert result.approved is True
    assert result.md_status == "1"
    assert result.reason_code == "payment.result_approved"
    assert result.bank_reason == "00 Onaylandı"
    assert result.last4 == "1111"
    assert result.order_id == "PA-000042"
    assert result.transaction_id.startswith("TB") and len(result.transaction_id) == 18
    assert result.nonce == fields["nonce"] and len(result.nonce) == 32


def test_the_decline_card_authenticates_then_the_bank_declines():
    _, _, result = pay(DECLINE_CARD, "123456")
    assert (result.status, result.md_status, result.reason_code) == (
        "declined",
        "1",
        "payment.result_declined",
    )
    assert result.bank_reason == "05 Red - Onaylanmadı"
    assert result.last4 == "0002"
    assert result.approved is False


def test_an_unknown_card_authenticates_then_is_declined_as_unknown():
    _, _, result = pay(OTHER_CARD, "123456")
    assert (result.status, result.md_status, result.bank_reason) == (
        "declined",
        "1",
        "14 Geçersiz kart numarası",
    )


@pytest.mark.parametrize("number", [OK_CARD, DECLINE_CARD, OTHER_CARD])
@pytest.mark.parametrize("otp", ["123457", "", "12345", " 654321 "])
def test_any_other_code_fails_3d_authentication(number: str, otp: str):
    _, fields, result = pay(number, otp)
    assert (result.status, result.md_status, result.reason_code) == (
        "auth_failed",
        "0",
        "payment.result_auth_failed",
    )
    assert result.transaction_id == ""
    assert fields["result"] == "auth_failed"


def test_every_callback_has_its_own_nonce():
    gw = gateway()
    state = gw.start(order(), card()).form_fields[ACS_STATE_FIELD]
    first, second = gw.acs_submit(state, "123456"), gw.acs_submit(state, "123456")
    assert first["nonce"] != second["nonce"]
    assert first["signature"] != second["signature"]


def test_the_acs_page_sees_the_order_and_the_masked_card_only():
    gw = gateway()
    state = gw.start(order(), card()).form_fields[ACS_STATE_FIELD]
    view = gw.acs_view(state)
    assert (view.order_id, view.amount, view.currency, view.masked_card, view.return_url) == (
        "PA-000042",
        Decimal("1234.50"),
        "TRY",
        "**** **** **** 1111",
        "/portal/pay/return",
    )
    assert acs_view(SECRET, state, now=NOW) == view


def test_the_test_gateway_is_a_gateway():
    gw: Gateway = gateway()
    assert gw.name == "test"


# ---------------------------------------------------------------- the ACS state


def test_an_expired_acs_state_is_refused():
    state = gateway().start(order(), card()).form_fields[ACS_STATE_FIELD]
    later = NOW + timedelta(minutes=15)
    with pytest.raises(AcsStateInvalid) as refused:
        acs_submit(SECRET, state, "123456", now=later)
    assert refused.value.code == "payment.acs_state_expired"
    assert acs_view(SECRET, state, now=later - timedelta(seconds=1)).order_id == "PA-000042"


@pytest.mark.parametrize(
    "forge",
    [
        lambda s: s[:-1] + ("0" if s[-1] != "0" else "1"),  # signature changed
        lambda s: "x" + s,  # body changed
        lambda s: s.partition(".")[0],  # signature removed
        lambda s: "",
        lambda s: "not a state",
    ],
)
def test_a_forged_acs_state_is_refused(forge):
    state = gateway().start(order(), card(DECLINE_CARD)).form_fields[ACS_STATE_FIELD]
    with pytest.raises(AcsStateInvalid) as refused:
        acs_submit(SECRET, forge(state), "123456", now=NOW)
    assert refused.value.code == "payment.acs_state_invalid"


def test_an_acs_state_made_with_another_secret_is_refused():
    state = TestGateway(OTHER_SECRET, now=lambda: NOW).start(order(), card())
    with pytest.raises(AcsStateInvalid):
        acs_submit(SECRET, state.form_fields[ACS_STATE_FIELD], "123456", now=NOW)


def test_the_card_class_cannot_be_switched_in_the_acs_state():
    import base64

    state = gateway().start(order(), card(DECLINE_CARD)).form_fields[ACS_STATE_FIELD]
    body, _, signature = state.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body))
    assert payload["card_class"] == "decline"
    payload["card_class"] = "ok"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode() + "." + signature
    with pytest.raises(AcsStateInvalid):
        acs_submit(SECRET, forged, "123456", now=NOW)


# ---------------------------------------------------------------- tampered callbacks


def approved_fields() -> dict[str, str]:
    return pay(OK_CARD, "123456")[1]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("amount", "1.00"),
        ("amount", "1234.5"),
        ("installments", "5000001/2"),
        ("installments", "5000001/2,5000001/3,5000001/4"),
        ("result", "declined"),
        ("md_status", "0"),
        ("nonce", "0" * 32),
        ("order_id", "PA-000043"),
        ("currency", "USD"),
        ("transaction_id", "TB0000000000000000"),
        ("last4", "9999"),
        ("signature", "0" * 64),
    ],
)
def test_a_tampered_callback_is_invalid(name: str, value: str):
    fields = approved_fields()
    fields[name] = value
    result = gateway().verify_callback(fields, order())
    assert result == CallbackResult(
        status="invalid", order_id="PA-000042", reason_code="payment.callback_invalid"
    )


def test_a_tampered_callback_re_signed_with_another_secret_is_invalid():
    fields = approved_fields()
    fields["amount"] = "1.00"
    fields["signature"] = callback_signature(OTHER_SECRET, fields)
    assert gateway().verify_callback(fields, order()).status == "invalid"


@pytest.mark.parametrize(
    "name", ["order_id", "amount", "result", "md_status", "nonce", "signature"]
)
def test_a_callback_missing_a_field_is_invalid(name: str):
    fields = approved_fields()
    del fields[name]
    assert gateway().verify_callback(fields, order()).status == "invalid"


def test_a_callback_with_a_non_text_field_is_invalid():
    fields: dict = approved_fields()
    fields["signature"] = None
    assert gateway().verify_callback(fields, order()).status == "invalid"


@pytest.mark.parametrize(
    "expected",
    [
        {"order_id": "PA-000043"},
        {"amount": Decimal("1234.51")},
        {"installment_refs": ("5000001/2",)},
        {"installment_refs": ("5000001/3", "5000001/2")},
        {"installment_refs": ("5000002/2", "5000002/3")},
    ],
)
def test_a_genuine_callback_for_another_order_is_invalid(expected: dict):
    result = gateway().verify_callback(approved_fields(), order(**expected))
    assert result.status == "invalid"
    assert result.transaction_id == "" and result.last4 == ""


def test_a_signed_but_inconsistent_result_is_invalid():
    """Even correctly signed, "approved" with mdStatus 0 or an unknown result is refused."""
    for result, md_status in [("approved", "0"), ("auth_failed", "1"), ("paid", "1")]:
        fields = approved_fields()
        fields.update(result=result, md_status=md_status)
        fields["signature"] = callback_signature(SECRET, fields)
        assert gateway().verify_callback(fields, order()).status == "invalid"


def test_the_amount_is_signed_in_one_form():
    """1234.5 and 1234.50 are one order: the signed text is always `1234.50`."""
    fields = approved_fields()
    assert fields["amount"] == "1234.50"
    result = gateway().verify_callback(fields, order(amount=Decimal("1234.5")))
    assert result.status == "approved"


# ---------------------------------------------------------------- card input


def test_a_valid_card_is_normalised():
    checked = CardInput(
        " 4111-1111 1111 1111 ", "  Ayşe   Yılmaz ", "8", "2029", "739", today=TODAY
    )
    assert (checked.number, checked.holder, checked.expiry_month, checked.expiry_year) == (
        "4111111111111111",
        "Ayşe Yılmaz",
        8,
        2029,
    )
    assert (checked.last4, checked.masked, checked.cvv) == ("1111", "**** **** **** 1111", "739")


def test_every_card_problem_is_reported_at_once():
    with pytest.raises(CardProblems) as refused:
        CardInput("4111 1111 1111 1112", "  ", "13", "29", "73", today=TODAY)
    problems = [(p.field, p.code) for p in refused.value.problems]
    assert problems == [
        ("card_number", "payment.card_number_invalid"),
        ("expiry", "payment.expiry_invalid"),
        ("cvv", "payment.cvv_invalid"),
        ("holder", "payment.holder_missing"),
    ]
    assert (refused.value.field, refused.value.code) == (
        "card_number",
        "payment.card_number_invalid",
    )
    assert isinstance(refused.value, ValidationFailed)
    assert all(code in CATALOGUE for _, code in problems)


@pytest.mark.parametrize(
    ("month", "year", "code"),
    [
        ("11", "26", "payment.expiry_past"),
        ("12", "2025", "payment.expiry_past"),
        ("01", "2047", "payment.expiry_past"),
        ("0", "29", "payment.expiry_invalid"),
        ("ab", "29", "payment.expiry_invalid"),
        ("08", "202", "payment.expiry_invalid"),
        ("", "", "payment.expiry_invalid"),
    ],
)
def test_a_bad_expiry_is_refused(month: str, year: str, code: str):
    with pytest.raises(CardProblems) as refused:
        CardInput(OK_CARD, "Ayşe Yılmaz", month, year, CVV, today=TODAY)
    assert [(p.field, p.code) for p in refused.value.problems] == [("expiry", code)]


def test_this_month_is_still_a_future_expiry():
    assert CardInput(OK_CARD, "A B", "12", "26", CVV, today=TODAY).expiry_year == 2026


@pytest.mark.parametrize("number", ["", "4111", "4111 1111 1111 111x", "٤١١١١١١١١١١١١١١١"])
def test_a_bad_card_number_is_refused(number: str):
    with pytest.raises(CardProblems) as refused:
        CardInput(number, "Ayşe Yılmaz", "08", "29", CVV, today=TODAY)
    assert [p.field for p in refused.value.problems] == ["card_number"]


@pytest.mark.parametrize("cvv", ["", "12", "1234", "12a", "١٢٣"])
def test_a_bad_cvv_is_refused(cvv: str):
    with pytest.raises(CardProblems) as refused:
        card(cvv=cvv)
    assert [p.field for p in refused.value.problems] == ["cvv"]


def test_luhn_on_known_numbers():
    assert [luhn_valid(n) for n in ("4111111111111111", "4000000000000002", "79927398713")] == [
        True,
        True,
        True,
    ]
    assert [luhn_valid(n) for n in ("4111111111111112", "79927398710", "", "12a4")] == [
        False,
        False,
        False,
        False,
    ]


def _check_digit(body: str) -> str:
    return str(next(d for d in range(10) if luhn_valid(body + str(d))))


@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_luhn_accepts_exactly_one_check_digit(body: str):
    assert sum(luhn_valid(body + str(d)) for d in range(10)) == 1


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.data())
def test_luhn_catches_any_single_wrong_digit(body: str, data):
    number = body + _check_digit(body)
    index = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[index]]))
    assert luhn_valid(number[:index] + wrong + number[index + 1 :]) is False


# ---------------------------------------------------------------- no card data anywhere

SECRETS_OF_THE_CARD = ("4111111111111111", "4111 1111 1111 1111", "411111", CVV)


def test_the_card_number_and_cvv_appear_nowhere():
    gw = gateway()
    checked = card()
    started = gw.start(order(), checked)
    state = started.form_fields[ACS_STATE_FIELD]
    import base64

    decoded_state = base64.urlsafe_b64decode(state.partition(".")[0]).decode()
    fields = gw.acs_submit(state, "123456")
    result = gw.verify_callback(fields, order())
    texts = [
        repr(checked),
        str(checked),
        f"{checked}",
        repr(started),
        state,
        decoded_state,
        repr(gw.acs_view(state)),
        json.dumps(fields),
        repr(result),
        repr(gw),
    ]
    leaks = [(text, secret) for text in texts for secret in SECRETS_OF_THE_CARD if secret in text]
    assert leaks == []
    assert "1111" in repr(checked)  # the last four are fine


def test_a_card_is_never_pickled_or_copied_out_of_memory():
    with pytest.raises(TypeError):
        pickle.dumps(card())
    with pytest.raises(TypeError):
        copy.deepcopy(card())
    assert not hasattr(card(), "__dict__")


def test_card_problems_never_carry_the_number():
    with pytest.raises(CardProblems) as refused:
        CardInput("4111 1111 1111 1112", "", "13", "29", "7391", today=TODAY)
    text = (
        repr(refused.value) + str(refused.value) + repr([p.params for p in refused.value.problems])
    )
    assert "4111" not in text and "7391" not in text


# ---------------------------------------------------------------- the order


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"order_id": ""}, "order_id"),
        ({"order_id": "a b"}, "order_id"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": Decimal("1.005")}, "amount"),
        ({"amount": Decimal("NaN")}, "amount"),
        ({"amount": 10}, "amount"),
        ({"installment_refs": ()}, "installment_refs"),
        ({"installment_refs": ("a,b",)}, "installment_refs"),
        ({"installment_refs": ("x", "x")}, "installment_refs"),
        ({"installment_refs": ["x"]}, "installment_refs"),
        ({"currency": "USD"}, "currency"),
        ({"return_url": ""}, "return_url"),
    ],
)
def test_a_malformed_order_is_refused(changes: dict, field: str):
    with pytest.raises(ValidationFailed) as refused:
        order(**changes)
    assert (refused.value.code, refused.value.field) == ("payment.order_invalid", field)


def test_an_immediate_failure_is_a_start_without_a_redirect():
    refused = ThreeDStart(
        failure_code="payment.start_failed", bank_reason="Kart 3D'ye kayıtlı değil"
    )
    assert refused.failed is True and refused.action_url == "" and dict(refused.form_fields) == {}
    assert ThreeDStart(action_url="/portal/acs").failed is False
