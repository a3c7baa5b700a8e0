"""The repository's shipped `tariffs/` folder: it loads cleanly, and every line prices.

Each line has one example quote worked out by hand from the CSV values; the comment
above it shows the arithmetic (rates row, every factor, short-rate, min premium, taxes)
so a reader can check it against the files without running anything.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from iztim_app.core.tariffs.loader import load_tariff_set
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.rating import price
from iztim_app.core.tariffs.refunds import refund

D = Decimal
SHIPPED = Path(__file__).resolve().parents[2] / "tariffs"
LINES = ("kasko", "trafik", "konut", "isyeri", "ferdi_kaza", "nakliyat")
GROUPS = ("bireysel", "kamu_personeli", "kobi", "kurumsal")
START = date(2026, 12, 1)


@pytest.fixture(scope="module")
def shipped() -> TariffSet:
    tariff_set, problems = load_tariff_set(SHIPPED)
    assert problems == [], "\n".join(str(p) for p in problems)
    assert tariff_set is not None
    return tariff_set


def test_shipped_folder_loads_without_problems(shipped: TariffSet) -> None:
    assert tuple(shipped.lines) == LINES


def test_customer_groups(shipped: TariffSet) -> None:
    kinds = {code: group.kind for code, group in shipped.customer_groups.items()}
    assert kinds == {
        "bireysel": "individual",
        "kamu_personeli": "individual",
        "kobi": "corporate",
        "kurumsal": "corporate",
    }


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("kasko", ["BSMV"]),
        ("trafik", ["THGF", "GHP", "BSMV"]),
        ("konut", ["BSMV", "YSV"]),
        ("isyeri", ["BSMV", "YSV"]),
        ("ferdi_kaza", ["BSMV"]),
        ("nakliyat", ["BSMV"]),
    ],
)
def test_taxes_per_line(shipped: TariffSet, line: str, codes: list[str]) -> None:
    taxes = shipped.lines[line].taxes
    assert [t.code for t in taxes] == codes
    expected_rate = {"BSMV": D("0.05"), "THGF": D("0.05"), "GHP": D("0.02"), "YSV": D("0.10")}
    assert all(t.rate == expected_rate[t.code] for t in taxes)


def test_line_settings(shipped: TariffSet) -> None:
    lines = {code: t.line for code, t in shipped.lines.items()}
    assert lines["trafik"].min_retained > 0  # compulsory traffic keeps a minimum premium
    assert lines["nakliyat"].max_installments == 1
    assert all(line.min_premium > 0 for line in lines.values())


def test_cancellation_reasons(shipped: TariffSet) -> None:
    methods = {code: r.method for code, r in shipped.cancellation_reasons.items()}
    assert methods["sigortali_talebi"] == "short_rate"
    assert methods["sirket_feshi"] == "pro_rata"
    assert methods["arac_satisi"] == "pro_rata"
    assert methods["baslangictan_iptal"] == "full"
    assert methods["tam_hasar"] == "none"
    assert set(methods.values()) == {"pro_rata", "short_rate", "none", "full"}


# --------------------------------------------------------------------------- examples
# One ordinary quote per line, start 2026-12-01, one year unless an end is given.

KASKO = {
    "vehicle_type": "otomobil",
    "usage": "hususi",
    "model_year": "2023",
    "province_group": "1",
    "no_claims_step": "2",
    "deductible": "yuzde_2",
    "lpg": "no",
    "birth_date": "1985-03-10",
}
TRAFIK = {
    "vehicle_type": "otomobil",
    "province_group": "2",
    "no_claims_step": "5",
    "model_year": "2019",
}
KONUT = {
    "construction_class": "betonarme",
    "earthquake_zone": "1",
    "earthquake_cover": "yes",
    "building_age": "12",
    "floor_area": "120",
    "in_municipality": "yes",
}
ISYERI = {
    "activity_class": "magaza",
    "construction_class": "betonarme",
    "earthquake_zone": "2",
    "earthquake_cover": "yes",
    "sprinkler": "no",
    "deductible": "yuzde_2",
    "in_municipality": "yes",
}
FERDI_KAZA = {
    "occupation_class": "1",
    "birth_date": "1980-05-20",
    "cover_option": "tedavi",
    "motorcycle_use": "no",
}
NAKLIYAT = {
    "transport_mode": "karayolu",
    "cover_type": "icc_a",
    "goods_type": "genel",
    "route": "ihracat",
    "deductible": "yok",
    "war_strikes": "no",
}
ORDINARY = {
    "kasko": KASKO,
    "trafik": TRAFIK,
    "konut": KONUT,
    "isyeri": ISYERI,
    "ferdi_kaza": FERDI_KAZA,
    "nakliyat": NAKLIYAT,
}

EXAMPLES = [
    # kasko, bireysel, 850,000 TL: rates row `*,otomobil,hususi` 28 ‰ → base 23,800.00
    #   × province_group 1 (İstanbul) 1.15 × no_claims step 2 0.70
    #   × driver_age 41 (30–60) 1.00 × vehicle_age 2026−2023 = 3 (3–6) 1.05
    #   × sum_insured_band 500k–1M 1.00 × deductible %2 0.95 × lpg no 1.00
    #   = 19,111.1025 → net 19,111.10 (≥ min 1,500); BSMV 5 % = 955.555 → 955.56
    #   gross 20,066.66
    pytest.param(
        "kasko",
        "bireysel",
        "850000",
        None,
        KASKO,
        "19111.10",
        {"BSMV": "955.56"},
        "20066.66",
        id="kasko",
    ),
    # trafik, bireysel: rates row `*,otomobil,2` fixed 7,680.00 (rate 0 ‰, the sum insured
    #   does not count) × basamak 5 0.90 = 6,912.00 (≥ min 750)
    #   THGF 5 % 345.60, GHP 2 % 138.24, BSMV 5 % 345.60 → gross 7,741.44
    pytest.param(
        "trafik",
        "bireysel",
        "300000",
        None,
        TRAFIK,
        "6912.00",
        {"THGF": "345.60", "GHP": "138.24", "BSMV": "345.60"},
        "7741.44",
        id="trafik",
    ),
    # konut, bireysel, 2,500,000 TL: rates row `*,yes,1` 1.30 ‰ (0.40 fire + 0.90
    #   earthquake zone 1) → base 3,250.00 × betonarme 1.00 × building_age 12 (10–20) 1.00
    #   × in_municipality yes 1.00 × sum_insured_band 1M–3M 1.00 = 3,250.00
    #   BSMV 5 % 162.50, YSV 10 % 325.00 → gross 3,737.50
    pytest.param(
        "konut",
        "bireysel",
        "2500000",
        None,
        KONUT,
        "3250.00",
        {"BSMV": "162.50", "YSV": "325.00"},
        "3737.50",
        id="konut",
    ),
    # isyeri, kobi, 5,000,000 TL: rates row `*,magaza,yes,2` 1.70 ‰ (0.90 fire + 0.80
    #   earthquake zone 2) → base 8,500.00 × betonarme 1.00 × sprinkler no 1.00
    #   × deductible %2 0.95 × in_municipality yes 1.00 × sum_insured_band 2.5M–10M 1.00
    #   = 8,075.00; BSMV 5 % 403.75, YSV 10 % 807.50 → gross 9,286.25
    pytest.param(
        "isyeri",
        "kobi",
        "5000000",
        None,
        ISYERI,
        "8075.00",
        {"BSMV": "403.75", "YSV": "807.50"},
        "9286.25",
        id="isyeri",
    ),
    # ferdi_kaza, kamu_personeli, 500,000 TL: rates row `kamu_personeli,1` 0.54 ‰
    #   → base 270.00 × age 46 (40–55) 1.15 × cover_option tedavi 1.35 × motorcycle no 1.00
    #   = 419.175 → net 419.18 (≥ min 200); BSMV 5 % = 20.959 → 20.96; gross 440.14
    pytest.param(
        "ferdi_kaza",
        "kamu_personeli",
        "500000",
        None,
        FERDI_KAZA,
        "419.18",
        {"BSMV": "20.96"},
        "440.14",
        id="ferdi_kaza",
    ),
    # nakliyat, kobi, 2,000,000 TL, single voyage 2026-12-01 → 2026-12-21 (20 days):
    #   rates row `*,karayolu,icc_a` 5.00 ‰ (annual basis) → base 10,000.00
    #   × route ihracat 1.10 × goods genel 1.00 × deductible yok 1.00 × war_strikes no 1.00
    #   = 11,000.00; short-rate row up_to_days 30 → 20 % → 2,200.00 (≥ min 250)
    #   BSMV 5 % 110.00 → gross 2,310.00
    pytest.param(
        "nakliyat",
        "kobi",
        "2000000",
        date(2026, 12, 21),
        NAKLIYAT,
        "2200.00",
        {"BSMV": "110.00"},
        "2310.00",
        id="nakliyat",
    ),
]


@pytest.mark.parametrize(
    ("line", "group", "sum_insured", "end", "values", "net", "taxes", "gross"), EXAMPLES
)
def test_hand_checked_example(
    shipped: TariffSet,
    line: str,
    group: str,
    sum_insured: str,
    end: date | None,
    values: dict[str, str],
    net: str,
    taxes: dict[str, str],
    gross: str,
) -> None:
    result = price(shipped, line, group, sum_insured, START, end, values)
    assert result.net_premium == D(net)
    assert result.taxes == {code: D(amount) for code, amount in taxes.items()}
    assert result.gross_premium == D(gross)
    assert not result.min_premium_applied


def test_trafik_cancellation_keeps_min_retained(shipped: TariffSet) -> None:
    # Cheapest traffic premium: traktör, il grubu 5, fixed 1,510.00 × basamak 8 0.55 = 830.50.
    # Sold after 40 days: pro rata earned 830.50 × 40 / 365 = 91.01, raised to
    # min_retained 500.00 → refund 330.50.
    values = {
        "vehicle_type": "traktor",
        "province_group": "5",
        "no_claims_step": "8",
        "model_year": "2010",
    }
    quote = price(shipped, "trafik", "bireysel", "300000", START, None, values)
    assert quote.net_premium == D("830.50")
    result = refund(
        shipped,
        "trafik",
        quote.net_premium,
        START,
        date(2027, 12, 1),
        date(2027, 1, 10),
        "arac_satisi",
    )
    assert (result.method, result.earned, result.refund) == ("pro_rata", D("500.00"), D("330.50"))


# --------------------------------------------------------------------------- coverage


def _options(shipped: TariffSet, line: str, field_name: str) -> list[str]:
    tariff = shipped.lines[line]
    field = tariff.get_field(field_name)
    assert field is not None, field_name
    if field.type == "boolean":
        return ["yes", "no"]
    return [c.value for c in tariff.choices_for(field_name)]


@pytest.mark.parametrize("line", LINES)
def test_every_group_and_rate_key_combination_prices(shipped: TariffSet, line: str) -> None:
    tariff = shipped.lines[line]
    keys = tariff.rate_keys
    assert keys, line
    combos = list(itertools.product(*(_options(shipped, line, k) for k in keys)))
    priced = 0
    for group in GROUPS:
        for combo in combos:
            values = {**ORDINARY[line], **dict(zip(keys, combo, strict=True))}
            result = price(shipped, line, group, "1000000", START, None, values)
            assert result.net_premium >= tariff.line.min_premium
            priced += 1
    assert priced == len(GROUPS) * len(combos)


@pytest.mark.parametrize("line", LINES)
def test_every_choice_and_boolean_value_prices(shipped: TariffSet, line: str) -> None:
    """Each option of every choice/boolean field, the rest ordinary, finds its factor rows."""
    tariff = shipped.lines[line]
    for field in tariff.fields:
        if field.type not in ("choice", "boolean"):
            continue
        for value in _options(shipped, line, field.name):
            values = {**ORDINARY[line], field.name: value}
            result = price(shipped, line, "bireysel", "1000000", START, None, values)
            assert result.net_premium >= tariff.line.min_premium
            if field.name in tariff.rate_keys:
                # a rate key: the matched rate row holds this value (or `*` for any)
                key = result.rate_row.keys[tariff.rate_keys.index(field.name)]
                assert key in (value, "*"), (field.name, value, key)
            else:
                # a factor field: the factor row matched is the one for exactly this value
                matched = [row.value for _, row, _ in result.factor_rows if row.field == field.name]
                assert matched == [value], (field.name, value, matched)


@pytest.mark.parametrize(
    ("line", "extra"),
    [
        # band edges: young/old drivers, brand-new and old vehicles, tiny and huge sums
        ("kasko", {"birth_date": "2008-11-30", "model_year": "2027"}),
        ("kasko", {"birth_date": "1940-01-01", "model_year": "1990"}),
        ("konut", {"building_age": "0"}),
        ("konut", {"building_age": "150"}),
        ("ferdi_kaza", {"birth_date": "2015-06-01"}),
        ("ferdi_kaza", {"birth_date": "1950-06-01"}),
    ],
)
@pytest.mark.parametrize("sum_insured", ["1000", "1000000", "250000000"])
def test_open_ended_bands_cover_the_range(
    shipped: TariffSet, line: str, extra: dict[str, str], sum_insured: str
) -> None:
    values = {**ORDINARY[line], **extra}
    result = price(shipped, line, "bireysel", sum_insured, START, None, values)
    assert result.net_premium >= shipped.lines[line].line.min_premium
    bands = [(row, x) for _, row, x in result.factor_rows if row.value is None]
    assert bands, line
    for row, x in bands:  # every band row matched really holds the quote's value
        assert (row.min is None or row.min <= x) and (row.max is None or x < row.max), (row, x)
    # the edge value lands in a band open at one end, so no value beyond it is left unpriced
    assert any(row.min is None or row.max is None for row, _ in bands), bands
