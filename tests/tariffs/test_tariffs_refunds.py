"""Refunds on cancellation: each method, the retained minimum, tax refunds, bad input.

BASE (conftest): reasons talep = short_rate, sirket = pro_rata, tam_hasar = none,
baslangic = full; short-rate scale 30→20 %, 90→40 %, 180→70 %, 270→85 %, 366→100 %;
kasko keeps no minimum, trafik keeps 300.00; kasko BSMV 5 %; trafik THGF 5 %, GHP 2 %,
BSMV 5 %.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs.refunds import refund
from iztim_app.i18n import error_text

D = Decimal
START = date(2026, 1, 1)
END = date(2027, 1, 1)  # 365 days


def cancel(ts, reason, elapsed, premium="1000.00", line="kasko", end=END, taxes=None):
    return refund(ts, line, premium, START, end, START + timedelta(days=elapsed), reason, taxes)


@pytest.mark.parametrize(
    ("reason", "elapsed", "earned", "returned"),
    [
        # pro rata: 1,000.00 × 100 / 365 = 273.97
        ("sirket", 100, "273.97", "726.03"),
        ("sirket", 0, "0.00", "1000.00"),
        ("sirket", 365, "1000.00", "0.00"),
        # short rate: the first row with up_to_days >= elapsed
        ("talep", 0, "200.00", "800.00"),
        ("talep", 30, "200.00", "800.00"),  # 30 days still in the 30-day row
        ("talep", 31, "400.00", "600.00"),
        ("talep", 100, "700.00", "300.00"),
        ("talep", 365, "1000.00", "0.00"),
        # none: the whole premium is earned; full: all of it comes back
        ("tam_hasar", 10, "1000.00", "0.00"),
        ("baslangic", 200, "0.00", "1000.00"),
    ],
)
def test_earned_and_refund_by_method(base_tariff, reason, elapsed, earned, returned):
    result = cancel(base_tariff, reason, elapsed)
    assert (result.earned, result.refund) == (D(earned), D(returned))
    assert result.min_retained_applied is False


def test_result_names_the_method_and_the_days(base_tariff):
    result = cancel(base_tariff, "talep", 100)
    assert (result.method, result.days, result.elapsed, result.earned_percent) == (
        "short_rate",
        365,
        100,
        D("70"),
    )


def test_pro_rata_earned_rounds_half_up(base_tariff):
    # 1,234.50 × 18 / 360 = 61.725 → 61.73 (half even: 61.72); refund 1,172.77
    result = cancel(base_tariff, "sirket", 18, premium="1234.50", end=START + timedelta(days=360))
    assert (result.earned, result.refund) == (D("61.73"), D("1172.77"))


def test_short_rate_earned_rounds_half_up(base_tariff):
    # 1,234.50 × 85 % = 1,049.325 → 1,049.33 (half even: 1,049.32)
    result = cancel(base_tariff, "talep", 200, premium="1234.50")
    assert (result.earned, result.refund) == (D("1049.33"), D("185.17"))


# ------------------------------------------------------------ min_retained (trafik: 300.00)


@pytest.mark.parametrize(
    ("reason", "elapsed", "premium", "earned", "applied"),
    [
        ("sirket", 36, "1000.00", "300.00", True),  # pro rata 98.63 → raised to 300.00
        ("sirket", 200, "1000.00", "547.95", False),  # 547.95 is above the minimum
        ("talep", 10, "1000.00", "300.00", True),  # short rate 20 % = 200.00 → 300.00
        ("sirket", 36, "200.00", "200.00", True),  # never more than the premium itself
        ("tam_hasar", 10, "1000.00", "1000.00", False),
        ("baslangic", 10, "1000.00", "0.00", False),  # full refund keeps nothing
    ],
)
def test_min_retained_only_for_pro_rata_and_short_rate(
    base_tariff, reason, elapsed, premium, earned, applied
):
    result = cancel(base_tariff, reason, elapsed, premium=premium, line="trafik")
    assert (result.earned, result.min_retained_applied) == (D(earned), applied)
    assert result.refund == D(premium) - D(earned)


# --------------------------------------------------------------------------- tax refunds


def test_tax_refunds_computed_from_the_line_rates(base_tariff):
    # trafik 1,000.00: THGF 50.00, GHP 20.00, BSMV 50.00; pro rata day 200 keeps 547.95,
    # refund 452.05 → THGF 50 × 452.05 / 1000 = 22.6025 → 22.60, GHP 9.041 → 9.04
    result = cancel(base_tariff, "sirket", 200, line="trafik")
    assert result.tax_refunds == {"THGF": D("22.60"), "GHP": D("9.04"), "BSMV": D("22.60")}


def test_tax_refund_rounds_half_up(base_tariff):
    # kasko day 15: earned 41.10, refund 958.90; BSMV 50.00 × 958.90 / 1000 = 47.945 → 47.95
    result = cancel(base_tariff, "sirket", 15)
    assert (result.refund, result.tax_refunds) == (D("958.90"), {"BSMV": D("47.95")})


def test_tax_refunds_from_the_policy_taxes_when_given(base_tariff):
    # refund 726.03 of 1,000.00; BSMV as issued 50.01 → 50.01 × 0.72603 = 36.3087 → 36.31
    result = cancel(base_tariff, "sirket", 100, taxes={"BSMV": D("50.01")})
    assert result.tax_refunds == {"BSMV": D("36.31")}


def test_zero_premium_refunds_nothing(base_tariff):
    result = cancel(base_tariff, "baslangic", 5, premium="0")
    assert (result.earned, result.refund, result.tax_refunds) == (
        D("0.00"),
        D("0.00"),
        {"BSMV": D("0.00")},
    )


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("elapsed", [-1, 366])
def test_cancel_date_outside_the_term_is_rejected(base_tariff, elapsed):
    with pytest.raises(ValidationFailed) as caught:
        cancel(base_tariff, "sirket", elapsed)
    assert (caught.value.code, caught.value.field) == ("refund.cancel_outside_term", "cancel_date")
    if elapsed < 0:
        assert error_text(caught.value, "en") == (
            "The cancellation date (31.12.2025) must be within the policy term (01.01.2026 – "
            "01.01.2027)."
        )


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"reason": "iade"}, "refund.unknown_reason", "reason"),
        ({"line": "dask"}, "pricing.unknown_line", "line"),
        ({"premium": "abc"}, "pricing.bad_amount", "premium"),
        ({"premium": "-1.00"}, "pricing.bad_amount", "premium"),
        ({"premium": "100.005"}, "pricing.bad_amount", "premium"),
        ({"end": START}, "pricing.end_before_start", "end_date"),
        ({"end": START + timedelta(days=367)}, "refund.term_too_long", "end_date"),
    ],
)
def test_bad_refund_input_is_rejected(base_tariff, kwargs, code, field):
    call = {"reason": "sirket", "line": "kasko", "premium": "1000.00", "end": END}
    call.update(kwargs)
    with pytest.raises(ValidationFailed) as caught:
        refund(
            base_tariff, call["line"], call["premium"], START, call["end"], START, call["reason"]
        )
    assert (caught.value.code, caught.value.field) == (code, field)
