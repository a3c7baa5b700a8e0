"""TCKN/VKN rules, masking and the Turkish name folding: pure functions, no database."""

from __future__ import annotations

import pytest

from iztim_app.core.customers.identity import mask_national_id, normalize_national_id
from iztim_app.core.customers.services import fold_name, phone_problem
from iztim_app.core.errors import ValidationFailed
from iztim_app.i18n import translate


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("individual", "17291716060", "17291716060"),
        ("individual", "10000000146", "10000000146"),
        ("individual", " 172 917 160 60 ", "17291716060"),
        ("corporate", "4540536920", "4540536920"),
        ("corporate", "1000036109", "1000036109"),
        ("corporate", "454 053 6920", "4540536920"),
    ],
)
def test_valid_national_ids_are_stored_without_spaces(kind, typed, stored):
    assert normalize_national_id(kind, typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        ("individual", "17291716050", "customer.tckn_invalid"),  # wrong check digits
        ("individual", "07291716092", "customer.tckn_invalid"),  # cannot start with 0
        ("individual", "1729171606", "customer.tckn_invalid"),  # ten digits
        ("individual", "1729171606a", "customer.tckn_invalid"),
        ("individual", "4540536920", "customer.tckn_invalid"),  # a VKN for a person
        ("corporate", "4540536921", "customer.vkn_invalid"),
        ("corporate", "17291716060", "customer.vkn_invalid"),  # a TCKN for a company
        ("corporate", "  ", "customer.national_id_required"),
        ("individual", "", "customer.national_id_required"),
    ],
)
def test_invalid_national_ids_are_refused_on_the_id_field(kind, typed, code):
    with pytest.raises(ValidationFailed) as info:
        normalize_national_id(kind, typed)
    assert (info.value.code, info.value.field, info.value.params) == (code, "national_id", {})


def test_an_unknown_customer_kind_is_refused_on_the_kind_field():
    with pytest.raises(ValidationFailed) as info:
        normalize_national_id("company", "4540536920")
    assert (info.value.code, info.value.field) == ("customer.kind_invalid", "kind")


def test_error_texts_read_as_the_staff_expect():
    assert translate("customer.tckn_invalid") == "Geçersiz T.C. kimlik numarası."
    assert translate("customer.vkn_invalid") == "Geçersiz vergi kimlik numarası."
    assert translate("customer.duplicate", "tr", number=100001) == (
        "Bu kimlik numarasıyla kayıtlı müşteri var: müşteri no 100001."
    )


@pytest.mark.parametrize(
    ("value", "masked"),
    [("17291716060", "172******60"), ("4540536920", "454*****20"), ("12345", "*****"), ("", "")],
)
def test_masking_keeps_the_first_three_and_last_two_digits(value, masked):
    assert mask_national_id(value) == masked


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("İSTANBUL Lojistik A.Ş.", "istanbul lojistik a.ş."),
        ("IŞIK Gıda", "ışık gıda"),
        ("  Ayşe   ŞAHİN ", "ayşe şahin"),
        ("I\u0307stanbul", "istanbul"),  # İ typed as I + combining dot
    ],
)
def test_names_fold_the_turkish_way(name, folded):
    assert fold_name(name) == folded


@pytest.mark.parametrize(
    ("phone", "problem"),
    [
        ("", None),
        ("0532 123 45 67", None),
        ("+90 532 123 45 67", None),
        ("5321234567", None),
        ("532123456", "customer.phone_invalid"),  # nine digits
        ("+90 532 123 45 67 1234", "customer.phone_invalid"),  # sixteen digits
        ("0532-123-45-67", "customer.phone_invalid"),
        ("90+5321234567", "customer.phone_invalid"),
    ],
)
def test_phone_numbers_are_digits_spaces_and_a_leading_plus(phone, problem):
    assert phone_problem(phone) == problem
