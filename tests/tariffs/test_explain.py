"""The worksheet in words and the tariff's names for its codes (labels.py, explain.py).

A newcomer read `province_group`, `kamu_personeli` and `yes` on the worksheet and
`1.990 – 2.027` as the bounds of a model year: every code with a label in the tariff files
is shown by that label, and a year prints like a year.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels, number_text
from iztim_app.core.tariffs.loader import load_tariff_set
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.rating import price
from iztim_app.i18n import Label, error_text, translate

D = Decimal
SHIPPED = Path(__file__).resolve().parents[2] / "tariffs"
# A 90-day kasko quote: the short-rate step shows too.
KASKO = {
    "vehicle_type": "otomobil",
    "usage": "hususi",
    "model_year": "2020",
    "province_group": "2",
    "no_claims_step": "3",
    "deductible": "yuzde_2",
    "lpg": "yes",
    "birth_date": "1985-05-05",
}


@pytest.fixture(scope="module")
def shipped() -> TariffSet:
    tariff_set, problems = load_tariff_set(SHIPPED)
    assert problems == []
    assert tariff_set is not None
    return tariff_set


def _steps(shipped: TariffSet) -> list[dict]:
    result = price(
        shipped, "kasko", "kamu_personeli", "850000", date(2026, 12, 1), date(2027, 3, 1), KASKO
    )
    return [step.to_json_dict() for step in result.worksheet]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (D("1990"), "integer", "1990"),  # a year: no thousands dot
        (D("10000"), "integer", "10000"),  # a count
        ("2027", "integer", "2027"),  # as stored in JSON
        (D("1234.56"), "money", "1.234,56"),
        (D("250000"), "money", "250.000"),
        (D("250000.5"), "money", "250.000,50"),
        (D("0.75"), "decimal", "0,75"),
        (D("1500"), "decimal", "1.500"),
        (D("1.1200"), "decimal", "1,12"),
        ("abc", "integer", "abc"),
    ],
)
def test_numbers_print_by_what_they_count(value, kind, text):
    assert number_text(value, kind) == text


# --------------------------------------------------------------------------- worksheet


def test_the_worksheet_names_every_code_by_its_label_in_turkish(shipped):
    rows = explain(_steps(shipped), "tr", LineLabels.of(shipped, "kasko", "tr"))
    assert [(r["step"], r["detail"], r["amount"]) for r in rows] == [
        (
            "Baz prim",
            "Oran tablosu satır 18 (Müşteri grubu: Kamu Personeli, Araç türü: Otomobil, "
            "Kullanım şekli: Hususi): 850.000,00 ₺ × ‰25,2 + 0,00 ₺ sabit",
            "21.420,00 ₺",
        ),
        (
            "Çarpan",
            "İl grubu: 2. grup (Ankara, İzmir, Bursa, Kocaeli, Antalya) → satır 3 × 1",
            "21.420,00 ₺",
        ),
        ("Çarpan", "Hasarsızlık kademesi: 3 yıl hasarsız → satır 9 × 0,6", "12.852,00 ₺"),
        ("Çarpan", "Yaş: 41 → satır 15 [30 – 60) × 1", "12.852,00 ₺"),
        ("Çarpan", "Araç yaşı: 6 → satır 21 [6 – 11) × 1,12", "14.394,24 ₺"),
        (
            "Çarpan",
            "Sigorta bedeli: 850.000,00 ₺ → satır 26 [500.000 – 1.000.000) × 1",
            "14.394,24 ₺",
        ),
        ("Çarpan", "Muafiyet: %2 muafiyet → satır 31 × 0,95", "13.674,53 ₺"),
        ("Çarpan", "LPG'li araç: Evet → satır 34 × 1,05", "14.358,25 ₺"),
        ("Kısa süre", "90 günlük süre: yıllık primin %40'i", "5.743,30 ₺"),
        ("Net prim", "Yuvarlanmış net prim (5.743,30 ₺)", "5.743,30 ₺"),
        ("Vergi", "BSMV · Banka ve Sigorta Muameleleri Vergisi · %5", "287,17 ₺"),
        ("Brüt prim", "Net prim 5.743,30 ₺ + vergiler 287,17 ₺", "6.030,47 ₺"),
    ]


def test_the_worksheet_in_english_uses_the_english_labels(shipped):
    rows = explain(_steps(shipped), "en", LineLabels.of(shipped, "kasko", "en"))
    assert [r["detail"] for r in rows[:3]] + [rows[7]["detail"]] == [
        "Rate table row 18 (Customer group: Public Sector Employee, Vehicle type: Passenger car, "
        "Usage: Private): 850.000,00 ₺ × 25,2‰ + 0,00 ₺ fixed",
        "Province group: Group 2 (Ankara, Izmir, Bursa, Kocaeli, Antalya) → row 3 × 1",
        "No-claims step: 3 claim-free years → row 9 × 0,6",
        "LPG-converted vehicle: Yes → row 34 × 1,05",
    ]


def test_without_the_tariff_the_codes_stand_for_themselves_and_standard_names_stay(shipped):
    """A worksheet whose tariff is not at hand is still explained, never left blank."""
    rows = explain(_steps(shipped), "tr")
    assert [r["detail"] for r in rows[:4]] == [
        "Oran tablosu satır 18 (Müşteri grubu: kamu_personeli, vehicle_type: otomobil, "
        "usage: hususi): 850.000,00 ₺ × ‰25,2 + 0,00 ₺ sabit",
        "province_group: 2 → satır 3 × 1",
        "no_claims_step: 3 → satır 9 × 0,6",
        "Yaş: 41 → satır 15 [30 – 60) × 1",
    ]


def test_a_wildcard_factor_row_says_any_value(shipped):
    step = {
        "kind": "factor",
        "factor": "use",
        "field": "usage",
        "value": "taksi",
        "row": 2,
        "match": "*",
        "min": None,
        "max": None,
        "multiplier": "2.00",
        "amount": "3000.00",
    }
    rows = explain([step], "tr", LineLabels.of(shipped, "kasko", "tr"))
    assert rows == [
        {
            "step": "Çarpan",
            "detail": "Kullanım şekli: Taksi / dolmuş → satır 2 (her değer) × 2",
            "amount": "3.000,00 ₺",
        }
    ]


def test_integer_bands_print_without_thousands_dots(shipped):
    step = {
        "kind": "factor",
        "factor": "year",
        "field": "model_year",
        "value": "2015",
        "row": 4,
        "match": None,
        "min": "1990",
        "max": "2020",
        "multiplier": "1.1",
        "amount": "1100.00",
    }
    rows = explain([step], "tr", LineLabels.of(shipped, "kasko", "tr"))
    assert rows[0]["detail"] == "Model yılı: 2015 → satır 4 [1990 – 2020) × 1,1"


# --------------------------------------------------------------------------- labels


def test_line_labels_name_groups_choices_and_yes_no(shipped):
    labels = LineLabels.of(shipped, "kasko", "tr")
    assert labels.group("kamu_personeli") == "Kamu Personeli"
    assert labels.field("province_group") == "İl grubu"
    assert labels.value("province_group", "1") == "1. grup (İstanbul)"
    assert (labels.value("lpg", "yes"), labels.value("lpg", "no")) == ("Evet", "Hayır")
    assert labels.value("birth_date", "1985-05-05") == "05.05.1985"
    assert labels.value("model_year", "2020") == "2020"
    assert labels.value("plate", "") == "—"
    assert labels.group("unknown") == "unknown"
    # the plain data survives a round trip through a screen's state
    assert LineLabels("tr", labels.data).value("usage", "taksi") == "Taksi / dolmuş"


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("change", "tr", "en"),
    [
        (
            {"vehicle_type": ""},
            "Zorunlu alan boş: Araç türü.",
            "Required field is empty: Vehicle type.",
        ),
        (
            {"model_year": "1985"},
            "Model yılı en az 1990 olmalı: 1985.",
            "Model year must be at least 1990: 1985.",
        ),
        (
            {"model_year": "2030"},
            "Model yılı en çok 2027 olabilir: 2030.",
            "Model year can be at most 2027: 2030.",
        ),
        (
            {"model_year": "yeni"},
            'Model yılı bir tam sayı olmalı: "yeni".',
            'Model year must be a whole number: "yeni".',
        ),
        (
            {"birth_date": "2027-01-01"},
            "Sürücü doğum tarihi (01.01.2027) poliçe başlangıcından sonra olamaz.",
            "Driver's date of birth (01.01.2027) cannot be after the policy start.",
        ),
    ],
)
def test_field_messages_name_the_field_by_its_label(shipped, change, tr, en):
    with pytest.raises(ValidationFailed) as caught:
        price(shipped, "kasko", "bireysel", "850000", date(2026, 12, 1), None, {**KASKO, **change})
    field = next(iter(change))
    assert caught.value.field == field  # the form still puts it beside the right field
    assert (error_text(caught.value, "tr"), error_text(caught.value, "en")) == (tr, en)


def test_standard_fields_are_named_from_the_catalogue(shipped):
    with pytest.raises(ValidationFailed) as caught:
        price(shipped, "kasko", "bireysel", "yüz bin", date(2026, 12, 1), None, KASKO)
    assert caught.value.field == "sum_insured"
    assert error_text(caught.value, "en") == (
        "Sum insured must be zero or a positive amount (decimal point, at most two places): "
        '"yüz bin".'
    )


def test_a_label_param_takes_the_readers_language():
    label = Label("Model yılı", "Model year")
    assert translate("pricing.required", "tr", name=label) == "Zorunlu alan boş: Model yılı."
    assert translate("pricing.required", "en", name=label) == "Required field is empty: Model year."
    assert Label.of("field.sum_insured") == Label("Sigorta bedeli", "Sum insured")
