"""The one amount parser (core/money.py) and the one date parser (core/dates.py) that
forms, the command line and services share: what they read, and what they refuse, naming
the field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from iztim_app.core.dates import check_order, parse_date, read_date
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import parse_amount
from iztim_app.i18n import error_text

# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.250.000,50", "1250000.50"),  # Turkish: dots group thousands, comma decimals
        ("750.000", "750000"),  # dots in groups of three are thousands
        ("1234.56", "1234.56"),  # a plain decimal point still works
        ("1250000,5", "1250000.5"),
        (" 12.000,00 ₺", "12000.00"),
        ("12 000 TL", "12000"),
        ("0", "0"),
        ("999.999.999.999,99", "999999999999.99"),  # the largest amount stored
        (Decimal("10.50"), "10.50"),
        (Decimal("100.000"), "100.000"),  # trailing zeros are not decimals
        (7, "7"),
    ],
)
def test_amounts_as_typed(typed: object, expected: str):
    assert parse_amount(typed, "limit") == Decimal(expected)


@pytest.mark.parametrize(
    "typed", ["100,555", "1.250.000,505", "1234.567", "0,001", Decimal("0.001")]
)
def test_more_decimals_than_kurus_are_refused_not_rounded(typed: object):
    with pytest.raises(ValidationFailed) as caught:
        parse_amount(typed, "quote_limit")
    assert (caught.value.code, caught.value.field) == ("amount.too_many_decimals", "quote_limit")
    assert error_text(caught.value, "en") == (
        "An amount has at most two decimal places (kuruş); it is not rounded: "
        f'"{str(typed).strip()}".'
    )


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "abc",
        "yüz bin",
        "1,2,3",
        "1.25.000",  # a broken thousands group
        "1.250,000.5",
        "1e3",
        "NaN",
        "Infinity",
        "-5",
        "-0,01",
        "1.000.000.000.000,00",  # 10¹²: more than an amount column holds
        None,
        1.5,  # a float is never money
        True,
        Decimal("NaN"),
        Decimal("-1"),
    ],
)
def test_garbage_is_refused_with_the_callers_code_and_field(typed: object):
    with pytest.raises(ValidationFailed) as caught:
        parse_amount(typed, "policy_limit", code="limit.invalid")
    assert (caught.value.code, caught.value.field) == ("limit.invalid", "policy_limit")


def test_the_default_refusal_names_the_typed_value():
    with pytest.raises(ValidationFailed) as caught:
        parse_amount("on bin", "sum_insured")
    assert (caught.value.code, caught.value.field) == ("amount.invalid", "sum_insured")
    assert error_text(caught.value, "tr") == (
        'Sıfır ya da pozitif bir tutar girin, örneğin 1.250.000,50: "on bin".'
    )


def test_positive_refuses_zero():
    with pytest.raises(ValidationFailed) as caught:
        parse_amount("0,00", "sum_insured", positive=True)
    assert (caught.value.code, caught.value.field) == ("amount.invalid", "sum_insured")
    assert parse_amount("0,01", "sum_insured", positive=True) == Decimal("0.01")


@pytest.mark.parametrize(
    ("typed", "outcome"),
    [
        ("850000", Decimal("850000")),
        ("1234.56", Decimal("1234.56")),
        ("750.000", Decimal("750")),  # the contract has no thousands separator: 750
        ("1.000,00", "amount.invalid"),
        ("12.000 ₺", "amount.invalid"),
        ("100000.005", "amount.too_many_decimals"),
        ("-5", "amount.invalid"),
    ],
)
def test_plain_is_the_tariff_contracts_variant(typed: str, outcome: object):
    """Command line and tariff engine input: `.` decimals only (specs/tariffs.md)."""
    if isinstance(outcome, Decimal):
        assert parse_amount(typed, "sum_insured", plain=True) == outcome
        return
    with pytest.raises(ValidationFailed) as caught:
        parse_amount(typed, "sum_insured", plain=True)
    assert (caught.value.code, caught.value.field) == (outcome, "sum_insured")


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-25", date(2026, 11, 25)),  # <input type="date">, the command line
        ("25.11.2026", date(2026, 11, 25)),  # as Turkish users type it
        (" 5.1.2026 ", date(2026, 1, 5)),
        ("29.02.2028", date(2028, 2, 29)),
        (date(2026, 12, 1), date(2026, 12, 1)),
    ],
)
def test_dates_as_typed(typed: object, expected: date):
    assert parse_date(typed, "start_date") == expected


@pytest.mark.parametrize(
    "typed",
    [
        "2026-02-30",
        "30.02.2026",
        "29.02.2027",
        "2026-13-01",
        "25/11/2026",
        "25.11.26",
        "2026-1-5",
        "yarın",
        "25.11.2026 10:00",
        datetime(2026, 11, 25, 10, 0, tzinfo=UTC),  # a datetime is refused, not truncated
        20261125,
    ],
)
def test_invalid_dates_are_refused_naming_the_field(typed: object):
    with pytest.raises(ValidationFailed) as caught:
        parse_date(typed, "end_date")
    assert (caught.value.code, caught.value.field) == ("date.invalid", "end_date")


def test_blank_is_none_when_optional_and_required_otherwise():
    assert parse_date("  ", "date_to", required=False) is None
    assert parse_date(None, "date_to", required=False) is None
    with pytest.raises(ValidationFailed) as caught:
        parse_date("", "start")
    assert (caught.value.code, caught.value.field) == ("error.required", "start")


def test_iso_only_is_the_tariff_contracts_variant():
    assert read_date("2026-11-25", iso_only=True) == date(2026, 11, 25)
    assert read_date("25.11.2026", iso_only=True) is None
    with pytest.raises(ValidationFailed) as caught:
        parse_date("25.11.2026", "start_date", iso_only=True, code="pricing.not_date")
    assert (caught.value.code, caught.value.field) == ("pricing.not_date", "start_date")


def test_an_end_before_its_start_is_refused_beside_the_end():
    check_order(date(2026, 1, 1), date(2026, 1, 1), "date_to")  # the same day is a period
    check_order(None, date(2026, 1, 1), "date_to")  # an open start: nothing to compare
    with pytest.raises(ValidationFailed) as caught:
        check_order(date(2026, 11, 25), date(2026, 11, 24), "date_to")
    assert (caught.value.code, caught.value.field) == ("error.date_range", "date_to")
