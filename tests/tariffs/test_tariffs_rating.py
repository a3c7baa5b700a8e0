"""Pricing: each rule of the formula, with the premium worked out by hand beside it.

The BASE tariff (conftest) for kasko: min premium 1000.00, BSMV 5 %,
rates `*,*` 20 ‰, `*,hususi` 15 ‰, `kurumsal,ticari` 18 ‰ + 100.00 fixed;
factors driver_age (<25: 1.25, ≥25: 1.00), vehicle_age (<5: 1.00, ≥5: 1.20),
lpg (yes 1.10, no 1.00). `kasko_values` is hususi, model 2022, born 1990-01-01, no LPG.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs.errors import PricingError
from iztim_app.core.tariffs.rating import price
from iztim_app.i18n import Label, error_text

D = Decimal

# A one-line tariff where the premium is the sum insured per mille, nothing else:
# handy to show each rounding step on its own.
PLAIN_KASKO = {
    "lines.csv": """
        code,name_tr,name_en,min_premium,quote_valid_days,max_installments,min_retained
        kasko,Kasko,Motor own damage,0,15,9,0
        trafik,Trafik,Motor third-party liability,500.00,15,4,300.00
    """,
    "kasko/rates.csv": """
        customer_group,usage,rate_per_mille,fixed
        *,*,1,0
    """,
    "kasko/factors.csv": "factor,field,value,min,max,multiplier",
}


def kasko(tariff_set, sum_insured, values, start="2026-01-01", end=None, group="bireysel"):
    return price(tariff_set, "kasko", group, sum_insured, start, end, values)


# --------------------------------------------------------------------------- scenarios


def test_young_driver_old_lpg_car_annual_schedule(base_tariff, kasko_values):
    # Private car, sum insured 250,000.00, from 2026-03-10 for a year.
    #   base         250,000 × 15 ‰             = 3,750.00
    #   driver age   born 2003-03-11: 22 (<25)  × 1.25 = 4,687.50
    #   vehicle age  2026 − 2019 = 7 (≥5)        × 1.20 = 5,625.00
    #   LPG          yes                        × 1.10 = 6,187.50
    #   net          6,187.50 (above the 1,000.00 minimum)
    #   BSMV 5 %     309.375 → 309.38 (half up)
    #   gross        6,496.88
    values = {**kasko_values, "birth_date": "2003-03-11", "model_year": "2019", "lpg": "yes"}
    result = kasko(base_tariff, "250000", values, start="2026-03-10")
    assert result.net_premium == D("6187.50")
    assert result.taxes == {"BSMV": D("309.38")}
    assert result.gross_premium == D("6496.88")
    assert result.min_premium_applied is False
    assert (result.end, result.days) == (date(2027, 3, 10), 365)
    factors = [s for s in result.worksheet if s.kind == "factor"]
    assert [(s.factor, s.value, s.row, s.multiplier, s.amount) for s in factors] == [
        ("driver_age", "22", 2, D("1.25"), D("4687.50")),
        ("vehicle_age", "7", 5, D("1.20"), D("5625.00")),
        ("lpg", "yes", 6, D("1.10"), D("6187.50")),
    ]


def test_traffic_policy_taxes_in_file_order(base_tariff):
    # Trafik, step 0: fixed 1,000.00 × 1.50 = 1,500.00 net.
    #   THGF 5 % 75.00, GHP 2 % 30.00, BSMV 5 % 75.00 → gross 1,680.00
    result = price(base_tariff, "trafik", "bireysel", "0", "2026-05-01", values={"step": "0"})
    assert result.net_premium == D("1500.00")
    assert list(result.taxes.items()) == [
        ("THGF", D("75.00")),
        ("GHP", D("30.00")),
        ("BSMV", D("75.00")),
    ]
    assert result.gross_premium == D("1680.00")


def test_worksheet_as_json_shows_every_step(base_tariff):
    result = price(base_tariff, "trafik", "kurumsal", "0", "2026-05-01", values={"step": "2"})
    assert result.to_json_dict() == {
        "net_premium": "800.00",
        "taxes": {"THGF": "40.00", "GHP": "16.00", "BSMV": "40.00"},
        "gross_premium": "896.00",
        "worksheet": [
            {
                "kind": "rate",
                "row": 2,
                "customer_group": "*",
                "keys": {"step": "*"},
                "sum_insured": "0",
                "rate_per_mille": "0",
                "fixed": "1000.00",
                "base": "1000.00",
            },
            {
                "kind": "factor",
                "factor": "basamak",
                "field": "step",
                "value": "2",
                "row": 4,
                "match": "2",
                "min": None,
                "max": None,
                "multiplier": "0.80",
                "amount": "800.00",
            },
            {
                "kind": "net",
                "net_raw": "800.00",
                "rounded": "800.00",
                "min_premium": "500.00",
                "min_premium_applied": False,
                "net": "800.00",
            },
            {
                "kind": "tax",
                "code": "THGF",
                "name_tr": "Trafik Hizmetleri Geliştirme Fonu",
                "name_en": "Traffic services fund",
                "rate": "0.05",
                "base": "800.00",
                "amount": "40.00",
            },
            {
                "kind": "tax",
                "code": "GHP",
                "name_tr": "Güvence Hesabı Payı",
                "name_en": "Guarantee account share",
                "rate": "0.02",
                "base": "800.00",
                "amount": "16.00",
            },
            {
                "kind": "tax",
                "code": "BSMV",
                "name_tr": "Banka ve Sigorta Muameleleri Vergisi",
                "name_en": "Banking and insurance transactions tax",
                "rate": "0.05",
                "base": "800.00",
                "amount": "40.00",
            },
            {"kind": "gross", "net": "800.00", "taxes": "96.00", "gross": "896.00"},
        ],
    }


# --------------------------------------------------------------------------- rates.csv

SPECIFIC_RATES = {
    "kasko/rates.csv": """
        customer_group,usage,lpg,rate_per_mille,fixed
        *,*,*,20,0
        bireysel,hususi,no,10,0
        *,hususi,*,15,0
        *,*,yes,17,0
        *,hususi,yes,16,0
    """
}


@pytest.mark.parametrize(
    ("group", "usage", "lpg", "row", "net"),
    [
        # no * beats everything, wherever it stands in the file
        ("bireysel", "hususi", "no", 3, "1000.00"),  # 100,000 × 10 ‰
        ("kurumsal", "hususi", "no", 4, "1500.00"),  # 15 ‰ (two *)
        ("kurumsal", "ticari", "yes", 5, "1870.00"),  # 17 ‰ × 1.10 LPG
        # hususi + LPG would tie rows 4 and 5 (two * each); row 6 (one *) settles it
        ("kurumsal", "hususi", "yes", 6, "1760.00"),  # 16 ‰ × 1.10
        ("bireysel", "taksi", "no", 2, "2000.00"),  # only the all-* row matches
    ],
)
def test_the_row_with_fewest_wildcards_wins(tariff, kasko_values, group, usage, lpg, row, net):
    ts = tariff(SPECIFIC_RATES)
    result = kasko(ts, "100000", {**kasko_values, "usage": usage, "lpg": lpg}, group=group)
    assert result.rate_row.line_no == row
    assert result.net_premium == D(net)


def test_rate_row_of_the_group_with_fixed_amount(base_tariff, kasko_values):
    # kurumsal + ticari: 100,000 × 18 ‰ + 100.00 = 1,900.00
    result = kasko(base_tariff, "100000", {**kasko_values, "usage": "ticari"}, group="kurumsal")
    assert result.base == D("1900.00")
    assert result.net_premium == D("1900.00")
    step = result.worksheet[0]
    assert (step.kind, step.row, step.customer_group, step.keys) == (
        "rate",
        4,
        "kurumsal",
        {"usage": "ticari"},
    )


def test_no_matching_rate_row_is_a_pricing_error_naming_line_and_values(tariff, kasko_values):
    ts = tariff({"kasko/rates.csv": "customer_group,usage,rate_per_mille,fixed\n*,hususi,15,0"})
    with pytest.raises(PricingError) as caught:
        kasko(ts, "100000", {**kasko_values, "usage": "ticari"})
    assert caught.value.code == "pricing.no_rate"
    assert error_text(caught.value, "en") == (
        "Motor own damage: no rate row (rates.csv) fits this quote: customer_group=bireysel, "
        "usage=ticari."
    )


# --------------------------------------------------------------------------- factors.csv


@pytest.mark.parametrize(
    ("birth_date", "age", "multiplier"),
    [
        ("2001-06-15", "25", "1.00"),  # 25th birthday on the start date: min is inclusive
        ("2001-06-16", "24", "1.25"),  # a day short of 25: below the max (exclusive)
        ("1926-06-15", "100", "1.00"),  # open upper bound
        ("2026-06-15", "0", "1.25"),  # open lower bound
    ],
)
def test_age_band_edges(base_tariff, kasko_values, birth_date, age, multiplier):
    result = kasko(
        base_tariff, "100000", {**kasko_values, "birth_date": birth_date}, start="2026-06-15"
    )
    step = result.worksheet[1]
    assert (step.factor, step.value, step.multiplier) == ("driver_age", age, D(multiplier))
    assert result.net_premium == D("1500.00") * D(multiplier)


@pytest.mark.parametrize(
    ("start", "age"),
    [("2026-02-28", "21"), ("2026-03-01", "22"), ("2028-02-29", "24")],
)
def test_age_of_someone_born_on_29_february(tariff, kasko_values, start, age):
    ts = tariff(
        {
            "kasko/factors.csv": """
                factor,field,value,min,max,multiplier
                driver_age,age,,,22,1.25
                driver_age,age,,22,,1.00
            """
        }
    )
    result = kasko(ts, "100000", {**kasko_values, "birth_date": "2004-02-29"}, start=start)
    assert result.worksheet[1].value == age


@pytest.mark.parametrize(
    ("model_year", "vehicle_age", "multiplier"),
    [("2021", "5", "1.20"), ("2022", "4", "1.00"), ("2027", "-1", "1.00")],
)
def test_vehicle_age_is_start_year_minus_model_year(
    base_tariff, kasko_values, model_year, vehicle_age, multiplier
):
    result = kasko(
        base_tariff, "100000", {**kasko_values, "model_year": model_year}, start="2026-12-31"
    )
    step = result.worksheet[2]
    assert (step.factor, step.value, step.multiplier) == ("vehicle_age", vehicle_age, D(multiplier))


SUM_INSURED_BANDS = {
    "kasko/factors.csv": """
        factor,field,value,min,max,multiplier
        size,sum_insured,,,100000,1.10
        size,sum_insured,,100000,1000000,1.00
        size,sum_insured,,1000000,,0.90
    """
}


@pytest.mark.parametrize(
    ("sum_insured", "multiplier"),
    [
        ("0", "1.10"),
        ("99999.99", "1.10"),
        ("100000", "1.00"),
        ("999999.99", "1.00"),
        ("1000000.00", "0.90"),
        ("50000000", "0.90"),
    ],
)
def test_sum_insured_bands_min_inclusive_max_exclusive(
    tariff, kasko_values, sum_insured, multiplier
):
    result = kasko(tariff(SUM_INSURED_BANDS), sum_insured, kasko_values)
    assert result.worksheet[1].multiplier == D(multiplier)


def test_no_band_for_the_value_is_a_pricing_error_naming_the_factor(tariff, kasko_values):
    ts = tariff(
        {
            "kasko/factors.csv": """
                factor,field,value,min,max,multiplier
                driver_age,age,,18,70,1.00
            """
        }
    )
    with pytest.raises(PricingError) as caught:
        kasko(ts, "100000", {**kasko_values, "birth_date": "1950-01-01"}, start="2026-01-01")
    assert caught.value.code == "pricing.no_factor_row"
    assert caught.value.params == {
        "line": Label("Kasko", "Motor own damage"),
        "factor": "driver_age",
        "field": Label("Yaş", "Age"),
        "value": "76",
    }
    # the line and the value are named as people call them; the factor as IT wrote it
    assert error_text(caught.value, "tr") == (
        'Kasko: "driver_age" çarpanında Yaş = 76 değerine uyan satır yok.'
    )
    assert error_text(caught.value, "en") == (
        'Motor own damage: factor "driver_age" has no row for Age = 76.'
    )


def test_factors_apply_in_order_of_first_appearance(tariff, kasko_values):
    # lpg appears first, its second row comes after driver_age's rows.
    #   base 100,000 × 15 ‰ = 1,500.00 × 1.10 (lpg) = 1,650.00 × 1.25 (age 20) = 2,062.50
    ts = tariff(
        {
            "kasko/factors.csv": """
                factor,field,value,min,max,multiplier
                lpg,lpg,yes,,,1.10
                driver_age,age,,,25,1.25
                driver_age,age,,25,,1.00
                lpg,lpg,no,,,1.00
            """
        }
    )
    result = kasko(ts, "100000", {**kasko_values, "lpg": "yes", "birth_date": "2005-06-01"})
    steps = [(s.factor, s.amount) for s in result.worksheet if s.kind == "factor"]
    assert steps == [("lpg", D("1650.00")), ("driver_age", D("2062.50"))]
    assert result.net_premium == D("2062.50")


def test_a_wildcard_factor_row_matches_an_empty_optional_field(tariff, kasko_values):
    ts = tariff(
        {"kasko/factors.csv": "factor,field,value,min,max,multiplier\nplate,plate,*,,,1.05"}
    )
    result = kasko(ts, "100000", kasko_values)  # no plate given
    assert result.net_premium == D("1575.00")  # 1,500.00 × 1.05


# --------------------------------------------------------------------------- minimum premium


def test_minimum_premium_lifts_a_small_premium(base_tariff, kasko_values):
    # 10,000 × 15 ‰ = 150.00 < 1,000.00 minimum → net 1,000.00, BSMV 50.00
    result = kasko(base_tariff, "10000", kasko_values)
    assert (result.net_premium, result.min_premium_applied) == (D("1000.00"), True)
    assert result.gross_premium == D("1050.00")
    net_step = next(s for s in result.worksheet if s.kind == "net")
    assert (net_step.rounded, net_step.min_premium, net_step.net) == (
        D("150.00"),
        D("1000.00"),
        D("1000.00"),
    )


def test_minimum_premium_compares_the_rounded_net(base_tariff, kasko_values):
    # 66,666.67 × 15 ‰ = 1,000.00005 → round2 1,000.00: not below the minimum
    result = kasko(base_tariff, "66666.67", kasko_values)
    assert (result.net_premium, result.min_premium_applied) == (D("1000.00"), False)


# --------------------------------------------------------------------------- term


@pytest.mark.parametrize(
    ("end", "days", "percent", "net"),
    [
        ("2026-01-31", 30, "20", "3000.00"),  # up to 30 days: 15,000.00 × 20 %
        ("2026-02-01", 31, "40", "6000.00"),  # 31 days: the next row (90) applies
        ("2026-03-02", 60, "40", "6000.00"),
        ("2026-12-31", 364, "100", "15000.00"),  # still short-term, the last row
    ],
)
def test_short_term_policy_uses_the_short_rate_scale(
    base_tariff, kasko_values, end, days, percent, net
):
    # 1,000,000 × 15 ‰ = 15,000.00 a year
    result = kasko(base_tariff, "1000000", kasko_values, start="2026-01-01", end=end)
    step = next(s for s in result.worksheet if s.kind == "short_rate")
    assert (step.days, step.earned_percent) == (days, D(percent))
    assert result.net_premium == D(net)


def test_short_rate_applies_before_the_minimum_premium(base_tariff, kasko_values):
    # 100,000 × 15 ‰ = 1,500.00 × 40 % = 600.00 < 1,000.00 → 1,000.00
    result = kasko(base_tariff, "100000", kasko_values, end="2026-03-02")
    assert (result.net_raw, result.net_premium, result.min_premium_applied) == (
        D("600.00"),
        D("1000.00"),
        True,
    )


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [("2026-01-01", "2027-01-01", 365), ("2027-06-01", "2028-06-01", 366)],
)
def test_a_year_of_365_or_366_days_is_not_short_term(base_tariff, kasko_values, start, end, days):
    values = {**kasko_values, "model_year": "2024"}  # vehicle age under 5 in both years
    result = kasko(base_tariff, "1000000", values, start=start, end=end)
    assert result.days == days
    assert result.net_premium == D("15000.00")
    assert "short_rate" not in [s.kind for s in result.worksheet]


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-01-01", "2027-01-01", 365),
        ("2027-06-01", "2028-06-01", 366),
        ("2028-02-29", "2029-02-28", 365),
    ],
)
def test_end_defaults_to_one_year_after_start(base_tariff, kasko_values, start, end, days):
    result = kasko(base_tariff, "100000", kasko_values, start=start)
    assert (result.end.isoformat(), result.days) == (end, days)


def test_a_term_over_366_days_is_a_pricing_error(base_tariff, kasko_values):
    with pytest.raises(PricingError) as caught:
        kasko(base_tariff, "100000", kasko_values, start="2026-01-01", end="2027-01-03")
    assert (caught.value.code, caught.value.params["days"]) == ("pricing.term_too_long", 367)


@pytest.mark.parametrize("end", ["2026-01-01", "2025-12-31"])
def test_end_not_after_start_is_bad_input(base_tariff, kasko_values, end):
    with pytest.raises(ValidationFailed) as caught:
        kasko(base_tariff, "100000", kasko_values, start="2026-01-01", end=end)
    assert (caught.value.code, caught.value.field) == ("pricing.end_before_start", "end_date")


# --------------------------------------------------------------------------- rounding


def test_net_rounds_half_up_not_half_even(tariff, kasko_values):
    # 1,234,565 × 1 ‰ = 1,234.565 → 1,234.57 (banker's rounding would give 1,234.56)
    # BSMV 1,234.57 × 5 % = 61.7285 → 61.73;  gross 1,296.30
    result = kasko(tariff(PLAIN_KASKO), "1234565", kasko_values)
    assert (result.net_raw, result.net_premium) == (D("1234.565"), D("1234.57"))
    assert result.taxes == {"BSMV": D("61.73")}
    assert result.gross_premium == D("1296.30")


def test_tax_rounds_half_up_not_half_even(tariff, kasko_values):
    # 100,500 × 1 ‰ = 100.50; BSMV 100.50 × 5 % = 5.025 → 5.03 (half even: 5.02)
    result = kasko(tariff(PLAIN_KASKO), "100500", kasko_values)
    assert result.taxes == {"BSMV": D("5.03")}
    assert result.gross_premium == D("105.53")


def test_short_rate_result_rounds_half_up_once(tariff, kasko_values):
    # 1,000,025 × 1 ‰ = 1,000.025 × 20 % (15 days) = 200.005 → 200.01 (half even: 200.00)
    result = kasko(tariff(PLAIN_KASKO), "1000025", kasko_values, end="2026-01-16")
    assert (result.net_raw, result.net_premium) == (D("200.005"), D("200.01"))


def test_base_and_factors_are_not_rounded_before_the_net(tariff, kasko_values):
    # 1,234,565 × 1 ‰ = 1,234.565 × 2.00 = 2,469.13
    # (rounding the base first would give 1,234.57 × 2 = 2,469.14)
    ts = tariff(
        {
            **PLAIN_KASKO,
            "kasko/factors.csv": "factor,field,value,min,max,multiplier\nuse,usage,*,,,2.00",
        }
    )
    assert kasko(ts, "1234565", kasko_values).net_premium == D("2469.13")


# --------------------------------------------------------------------------- input


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"usage": None}, "pricing.required", "usage"),
        ({"usage": "  "}, "pricing.required", "usage"),
        ({"model_year": "1989"}, "pricing.below_min", "model_year"),
        ({"model_year": "2028"}, "pricing.above_max", "model_year"),
        ({"model_year": "2020.5"}, "pricing.not_integer", "model_year"),
        ({"usage": "ozel"}, "pricing.unknown_choice", "usage"),
        ({"lpg": "evet"}, "pricing.not_boolean", "lpg"),
        ({"birth_date": "01.01.1990"}, "pricing.not_date", "birth_date"),
        ({"birth_date": "1990-02-30"}, "pricing.not_date", "birth_date"),
        ({"birth_date": "2026-01-02"}, "pricing.birth_after_start", "birth_date"),
        ({"colour": "red"}, "pricing.unknown_field", "colour"),
    ],
)
def test_bad_field_values_are_rejected_naming_the_field(
    base_tariff, kasko_values, change, code, field
):
    values = {**kasko_values, **change}
    values = {k: v for k, v in values.items() if v is not None}
    with pytest.raises(ValidationFailed) as caught:
        kasko(base_tariff, "100000", values, start="2026-01-01")
    assert (caught.value.code, caught.value.field) == (code, field)


def test_out_of_bounds_message_names_field_and_bound(base_tariff, kasko_values):
    with pytest.raises(ValidationFailed) as caught:
        kasko(base_tariff, "100000", {**kasko_values, "model_year": "1989"})
    # the field is named by its fields.csv label, in the reader's language
    assert error_text(caught.value, "en") == "Model year must be at least 1990: 1989."
    assert error_text(caught.value, "tr") == "Model yılı en az 1990 olmalı: 1989."


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        ({"line": "dask"}, "pricing.unknown_line", "line"),
        ({"group": "kobi"}, "pricing.unknown_group", "customer_group"),
        ({"sum_insured": "1.000,00"}, "pricing.bad_amount", "sum_insured"),
        ({"sum_insured": "-5"}, "pricing.bad_amount", "sum_insured"),
        ({"sum_insured": "100000.005"}, "pricing.bad_amount", "sum_insured"),  # kuruş at most
        ({"sum_insured": "1000000000000"}, "pricing.bad_amount", "sum_insured"),  # Numeric(14, 2)
        ({"start": "2026-13-01"}, "pricing.not_date", "start_date"),
        ({"end": "next year"}, "pricing.not_date", "end_date"),
    ],
)
def test_bad_standard_fields_are_rejected(base_tariff, kasko_values, args, code, field):
    call = {
        "line": "kasko",
        "group": "bireysel",
        "sum_insured": "100000",
        "start": "2026-01-01",
        "end": None,
    }
    call.update(args)
    with pytest.raises(ValidationFailed) as caught:
        price(
            base_tariff,
            call["line"],
            call["group"],
            call["sum_insured"],
            call["start"],
            call["end"],
            kasko_values,
        )
    assert (caught.value.code, caught.value.field) == (code, field)


def test_text_input_is_trimmed_and_yes_no_case_insensitive(base_tariff, kasko_values):
    values = {**kasko_values, "usage": " hususi ", "lpg": "YES", "model_year": " 2022", "plate": ""}
    assert kasko(base_tariff, " 100000 ", values).net_premium == D("1650.00")  # 1,500.00 × 1.10


def test_typed_values_price_like_their_text(base_tariff, kasko_values):
    typed = {"usage": "hususi", "model_year": 2022, "birth_date": date(1990, 1, 1), "lpg": True}
    as_text = {**kasko_values, "lpg": "yes"}
    assert (
        kasko(base_tariff, D("100000"), typed, start=date(2026, 1, 1)).gross_premium
        == kasko(base_tariff, "100000", as_text).gross_premium
        == D("1732.50")
    )  # 1,650.00 + 82.50 BSMV
