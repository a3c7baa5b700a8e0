"""Endorsement and cancellation arithmetic against hand-computed cases (domain.md,
"The arithmetic"; tariffs.md, "Refunds on cancellation"), on the shipped tariff folder.

Shipped facts used: kasko BSMV 5 %, keeps no minimum; trafik THGF 5 %, GHP 2 %, BSMV 5 %,
keeps 500.00; reasons sirket_feshi = pro_rata, sigortali_talebi = short_rate,
tam_hasar = none, baslangictan_iptal = full; short-rate rows 120 → 50 %, 210 → 75 %.
Term 2026-01-01 … 2027-01-01 = 365 days.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iztim_app.core.endorsements import rules
from iztim_app.core.endorsements.rules import Change, InForce, PriorChange
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.tariffs.loader import load_tariff_set

D = Decimal
SHIPPED = Path(__file__).resolve().parents[2] / "tariffs"
TARIFF, _problems = load_tariff_set(SHIPPED)
assert TARIFF is not None and _problems == []
START, END = date(2026, 1, 1), date(2027, 1, 1)
KASKO_TAX = rules.tax_rates_of(TARIFF, "kasko")  # [("BSMV", 0.05)]
PRO_RATA, SHORT_RATE, NONE, FULL = (
    "sirket_feshi",
    "sigortali_talebi",
    "tam_hasar",
    "baslangictan_iptal",
)


def day(n: int) -> date:
    return START + timedelta(days=n)


def kasko_p0() -> InForce:
    """P0 = 1 000.00 net, BSMV 50.00, gross 1 050.00, sum insured 500 000."""
    return InForce(D("500000"), D("1000.00"), {"BSMV": D("50.00")}, D("1050.00"))


def cancel(reason: str, at: int, in_force: InForce, changes=(), line="kasko", p0="1000.00"):
    return rules.cancellation(TARIFF, line, D(p0), START, END, day(at), reason, changes, in_force)


# ------------------------------------------------------------------ increase / decrease


def test_increase_is_prorated_over_the_remaining_days():
    # N_old 1 000.00 → N_new 1 500.00 effective day 100: remaining 265 of 365
    change = rules.premium_change(D("1000.00"), D("1500.00"), START, END, day(100), KASKO_TAX)
    # net 500.00 × 265 / 365 = 363.0136… → 363.01; BSMV 363.01 × 0.05 = 18.1505 → 18.15
    assert change == Change(D("363.01"), {"BSMV": D("18.15")}, D("381.16"))
    rules.check_kind("increase", change.net_change)  # the matching kind passes


def test_decrease_is_negative_and_prorated():
    # N_old 1 500.00 → N_new 1 200.00 effective day 200: remaining 165 of 365
    change = rules.premium_change(D("1500.00"), D("1200.00"), START, END, day(200), KASKO_TAX)
    # −300.00 × 165 / 365 = −135.6164… → −135.62; BSMV −6.781 → −6.78; gross −142.40
    assert change == Change(D("-135.62"), {"BSMV": D("-6.78")}, D("-142.40"))


def test_half_kurus_rounds_away_from_zero_both_ways():
    # effective on the start day: remaining = days, the whole difference counts
    up = rules.premium_change(D("1000.00"), D("1100.10"), START, END, START, KASKO_TAX)
    down = rules.premium_change(D("1100.10"), D("1000.00"), START, END, START, KASKO_TAX)
    # BSMV 100.10 × 0.05 = 5.005 → 5.01 (and −5.005 → −5.01)
    assert (up.net_change, up.taxes_change, up.gross_change) == (
        D("100.10"),
        {"BSMV": D("5.01")},
        D("105.11"),
    )
    assert (down.net_change, down.taxes_change, down.gross_change) == (
        D("-100.10"),
        {"BSMV": D("-5.01")},
        D("-105.11"),
    )


def test_trafik_increase_each_tax_rounded_on_its_own():
    # 800.00 → 1 000.00 effective day 73: 200 × 292 / 365 = 160.00
    rates = rules.tax_rates_of(TARIFF, "trafik")
    change = rules.premium_change(D("800.00"), D("1000.00"), START, END, day(73), rates)
    # THGF 160 × 0.05 = 8.00, GHP 160 × 0.02 = 3.20, BSMV 8.00; gross 179.20
    assert change == Change(
        D("160.00"), {"THGF": D("8.00"), "GHP": D("3.20"), "BSMV": D("8.00")}, D("179.20")
    )


def test_information_change_is_zero():
    change = rules.premium_change(D("1000.00"), D("1000.00"), START, END, day(10), KASKO_TAX)
    assert change == Change(D("0.00"), {"BSMV": D("0.00")}, D("0.00"))
    rules.check_kind("information", change.net_change)


def test_figures_in_force_after_an_increase():
    change = Change(D("363.01"), {"BSMV": D("18.15")}, D("381.16"))
    after = rules.after_change(kasko_p0(), change, D("750000"))
    # 1 000.00 + 363.01; 50.00 + 18.15; 1 050.00 + 381.16
    assert after == InForce(D("750000"), D("1363.01"), {"BSMV": D("68.15")}, D("1431.16"))


@pytest.mark.parametrize(
    ("kind", "net", "expected"),
    [
        ("increase", "0.00", "information"),
        ("increase", "-0.01", "decrease"),
        ("decrease", "0.01", "increase"),
        ("decrease", "0.00", "information"),
        ("information", "12.50", "increase"),
        ("information", "-12.50", "decrease"),
    ],
)
def test_a_kind_that_does_not_match_the_change_is_refused(kind, net, expected):
    with pytest.raises(ValidationFailed) as refused:
        rules.check_kind(kind, D(net))
    assert (refused.value.code, refused.value.field, refused.value.params["expected"]) == (
        "endorsement.kind_mismatch",
        "kind",
        expected,
    )


def test_cancellation_is_not_a_premium_kind():
    with pytest.raises(ValidationFailed) as refused:
        rules.check_kind("cancellation", D("0"))
    assert (refused.value.code, refused.value.field) == ("endorsement.kind_unknown", "kind")


@pytest.mark.parametrize("amount", ["0", "-1", "0.00"])
def test_sum_insured_never_zero_or_less(amount):
    with pytest.raises(ValidationFailed) as refused:
        rules.check_sum_insured(D(amount))
    assert (refused.value.code, refused.value.field) == (
        "endorsement.sum_insured_not_positive",
        "sum_insured",
    )


@pytest.mark.parametrize("effective", [START - timedelta(days=1), END, END + timedelta(days=5)])
def test_effective_date_outside_the_term_is_refused(effective):
    with pytest.raises(ValidationFailed) as refused:
        rules.premium_change(D("1"), D("2"), START, END, effective, KASKO_TAX)
    assert (refused.value.code, refused.value.field) == (
        "endorsement.effective_outside_term",
        "effective_date",
    )


def test_effective_date_bounds_start_allowed_end_not():
    rules.check_effective_date(START, END, START)
    rules.check_effective_date(START, END, END - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        rules.check_effective_date(START, END, END)


# ------------------------------------------------------------------ cancellation, P0 only


def test_cancellation_pro_rata():
    result = cancel(PRO_RATA, 100, kasko_p0())
    # earned 1 000.00 × 100 / 365 = 273.97; refund 726.03; BSMV 50.00 × 726.03 / 1 000 = 36.30
    assert (result.method, result.earned, result.refund, result.tax_refunds) == (
        "pro_rata",
        D("273.97"),
        D("726.03"),
        {"BSMV": D("36.30")},
    )
    assert result.gross_refund == D("762.33")  # 726.03 + 36.30
    assert result.change == Change(D("-726.03"), {"BSMV": D("-36.30")}, D("-762.33"))


def test_cancellation_short_rate():
    result = cancel(SHORT_RATE, 100, kasko_p0())
    # 100 days → row up_to 120: 50 % earned = 500.00; refund 500.00; BSMV 50 × 500/1000 = 25.00
    assert (result.method, result.earned_percent, result.earned, result.refund) == (
        "short_rate",
        D("50"),
        D("500.00"),
        D("500.00"),
    )
    assert (result.tax_refunds, result.gross_refund) == ({"BSMV": D("25.00")}, D("525.00"))


def test_cancellation_none_refunds_nothing():
    result = cancel(NONE, 100, kasko_p0())
    assert (result.method, result.earned, result.refund, result.tax_refunds) == (
        "none",
        D("1000.00"),
        D("0.00"),
        {"BSMV": D("0.00")},
    )


def test_cancellation_full_refunds_everything():
    result = cancel(FULL, 200, kasko_p0())
    assert (result.method, result.earned, result.refund, result.tax_refunds) == (
        "full",
        D("0.00"),
        D("1000.00"),
        {"BSMV": D("50.00")},
    )
    assert result.gross_refund == D("1050.00")


def _trafik_in_force(net: str = "800.00") -> InForce:
    p = D(net)
    taxes = {"THGF": p * D("0.05"), "GHP": p * D("0.02"), "BSMV": p * D("0.05")}
    taxes = {k: v.quantize(D("0.01")) for k, v in taxes.items()}
    return InForce(D("100000"), p, taxes, p + sum(taxes.values()))


def test_minimum_retained_raises_the_earned_premium():
    # trafik keeps 500.00: pro rata 800.00 × 73 / 365 = 160.00 < 500.00 → earned 500.00
    result = cancel(PRO_RATA, 73, _trafik_in_force(), line="trafik", p0="800.00")
    assert (result.earned, result.refund, result.min_retained_applied) == (
        D("500.00"),
        D("300.00"),
        True,
    )
    # THGF 40.00 × 300 / 800 = 15.00; GHP 16.00 × 300/800 = 6.00; BSMV 15.00; gross 336.00
    assert result.tax_refunds == {"THGF": D("15.00"), "GHP": D("6.00"), "BSMV": D("15.00")}
    assert result.gross_refund == D("336.00")


def test_minimum_retained_never_above_the_premium():
    # P0 400.00 < 500.00 kept: the insurer keeps all 400.00, refunds nothing
    result = cancel(PRO_RATA, 10, _trafik_in_force("400.00"), line="trafik", p0="400.00")
    assert (result.earned, result.refund, result.min_retained_applied) == (
        D("400.00"),
        D("0.00"),
        True,
    )


def test_minimum_retained_not_applied_to_full():
    result = cancel(FULL, 73, _trafik_in_force(), line="trafik", p0="800.00")
    assert (result.earned, result.refund, result.min_retained_applied) == (
        D("0.00"),
        D("800.00"),
        False,
    )


# ------------------------------------------------------------------ cancellation after endorsements

INCREASED = InForce(D("750000"), D("1363.01"), {"BSMV": D("68.15")}, D("1431.16"))
INCREASE = PriorChange(D("363.01"), day(100))


def test_cancellation_pro_rata_after_an_increase():
    result = cancel(PRO_RATA, 200, INCREASED, [INCREASE])
    # P0: earned 1 000 × 200 / 365 = 547.95 → 452.05 back
    # Δ 363.01 × (365 − 200) / (365 − 100) = 363.01 × 165 / 265 = 226.0251 → 226.03
    assert (result.base_refund, result.change_refunds) == (D("452.05"), (D("226.03"),))
    # refund 452.05 + 226.03 = 678.08; earned 1 363.01 − 678.08 = 684.93
    assert (result.refund, result.earned) == (D("678.08"), D("684.93"))
    # BSMV 68.15 × 678.08 / 1 363.01 = 33.9037 → 33.90
    assert (result.tax_refunds, result.gross_refund) == ({"BSMV": D("33.90")}, D("711.98"))


def test_cancellation_short_rate_after_an_increase():
    result = cancel(SHORT_RATE, 200, INCREASED, [INCREASE])
    # P0: 200 days → row up_to 210: 75 % earned = 750.00 → 250.00 back; Δ part 226.03
    assert (result.base_refund, result.refund, result.earned) == (
        D("250.00"),
        D("476.03"),
        D("886.98"),
    )
    # BSMV 68.15 × 476.03 / 1 363.01 = 23.8012 → 23.80
    assert result.tax_refunds == {"BSMV": D("23.80")}


def test_cancellation_full_after_an_increase_refunds_all_in_force():
    result = cancel(FULL, 200, INCREASED, [INCREASE])
    # P0 1 000.00 + all of Δ 363.01
    assert (result.refund, result.earned, result.tax_refunds) == (
        D("1363.01"),
        D("0.00"),
        {"BSMV": D("68.15")},
    )


def test_cancellation_none_after_an_increase_refunds_nothing():
    result = cancel(NONE, 200, INCREASED, [INCREASE])
    assert (result.refund, result.earned, result.change_refunds) == (
        D("0.00"),
        D("1363.01"),
        (D("0.00"),),
    )


def test_cancellation_pro_rata_after_a_decrease():
    decreased = InForce(D("400000"), D("864.38"), {"BSMV": D("43.22")}, D("907.60"))
    # Δ −135.62 effective day 200 (1 000.00 − 135.62 = 864.38; BSMV 50.00 − 6.78 = 43.22)
    result = cancel(PRO_RATA, 300, decreased, [PriorChange(D("-135.62"), day(200))])
    # P0: earned 1 000 × 300 / 365 = 821.92 → 178.08 back
    # Δ −135.62 × 65 / 165 = −53.4260 → −53.43 (already returned with the decrease)
    assert (result.base_refund, result.change_refunds) == (D("178.08"), (D("-53.43"),))
    # refund 178.08 − 53.43 = 124.65; earned 864.38 − 124.65 = 739.73
    assert (result.refund, result.earned) == (D("124.65"), D("739.73"))
    # BSMV 43.22 × 124.65 / 864.38 = 6.2326 → 6.23
    assert result.tax_refunds == {"BSMV": D("6.23")}


def test_cancellation_on_an_endorsements_effective_date_takes_its_whole_change_back():
    result = cancel(PRO_RATA, 100, INCREASED, [INCREASE])
    # Δ × 265 / 265 = 363.01; P0 726.03 (as above); refund 1 089.04
    assert (result.change_refunds, result.refund) == ((D("363.01"),), D("1089.04"))


def test_cancellation_before_the_last_endorsement_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        cancel(PRO_RATA, 99, INCREASED, [INCREASE])
    assert (refused.value.code, refused.value.field) == (
        "endorsement.before_last_endorsement",
        "cancel_date",
    )


def test_cancellation_before_an_information_change_is_refused_and_on_it_refunds_p0_only():
    # an information change (Δ 0.00) effective day 150 is no premium change but still the
    # last endorsement: day 149 is refused; on day 150 (31 May) only P0 counts
    with pytest.raises(ValidationFailed) as refused:
        rules.cancellation(
            TARIFF, "kasko", D("1000.00"), START, END, day(149), PRO_RATA, [], kasko_p0(), day(150)
        )
    assert (refused.value.code, refused.value.params["last"]) == (
        "endorsement.before_last_endorsement",
        "31.05.2026",  # 1 January + 150 days
    )
    result = rules.cancellation(
        TARIFF, "kasko", D("1000.00"), START, END, day(150), PRO_RATA, [], kasko_p0(), day(150)
    )
    # earned 1 000.00 × 150 / 365 = 410.9589 → 410.96; refund 589.04; BSMV 50 × 589.04 / 1 000
    # = 29.452 → 29.45
    assert (result.earned, result.refund, result.tax_refunds) == (
        D("410.96"),
        D("589.04"),
        {"BSMV": D("29.45")},
    )


@pytest.mark.parametrize("at", [-1, 366])
def test_cancellation_outside_the_term_is_refused(at):
    with pytest.raises(ValidationFailed) as refused:
        cancel(PRO_RATA, at, kasko_p0())
    assert (refused.value.code, refused.value.field) == (
        "endorsement.cancel_outside_term",
        "cancel_date",
    )


def test_cancellation_on_the_end_date_is_allowed_and_refunds_nothing_pro_rata():
    result = cancel(PRO_RATA, 365, kasko_p0())
    assert (result.earned, result.refund) == (D("1000.00"), D("0.00"))


def test_unknown_reason_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        cancel("nope", 10, kasko_p0())
    assert (refused.value.code, refused.value.field) == ("refund.unknown_reason", "reason")


# ------------------------------------------------------------------ properties

REASONS = (PRO_RATA, SHORT_RATE, NONE, FULL)
# Net premiums as rating yields them: never below a line's minimum premium (kasko 1 500,00,
# trafik 750,00 in the shipped tariff), up to 100 000,00.
money = st.integers(min_value=150_000, max_value=10_000_000).map(lambda k: D(k).scaleb(-2))


@st.composite
def policy_history(draw):
    """A policy (kasko or trafik, any term up to 366 days), 0–4 approved endorsements in date
    order priced by the rule, and a cancellation date on or after the last of them."""
    line = draw(st.sampled_from(["kasko", "trafik"]))
    days = draw(st.integers(min_value=1, max_value=366))
    end = START + timedelta(days=days)
    rates = rules.tax_rates_of(TARIFF, line)
    p0 = draw(money)
    taxes = {code: (p0 * rate).quantize(D("0.01")) for code, rate in rates}
    in_force = InForce(D("1000"), p0, taxes, p0 + sum(taxes.values()))
    n, effective, changes = p0, START, []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        step = timedelta(days=draw(st.integers(min_value=0, max_value=days)))
        if effective + step >= end:
            break
        effective += step
        n_new = draw(money)
        change = rules.premium_change(n, n_new, START, end, effective, rates)
        in_force = rules.after_change(in_force, change, D("1000"))
        changes.append(PriorChange(change.net_change, effective))
        n = n_new
    cancel_at = draw(st.integers(min_value=(effective - START).days, max_value=days))
    return line, p0, end, changes, in_force, START + timedelta(days=cancel_at)


@settings(max_examples=400, deadline=None)
@given(history=policy_history(), reason=st.sampled_from(REASONS))
def test_no_refund_exceeds_what_was_charged(history, reason):
    line, p0, end, changes, in_force, cancel_date = history
    result = rules.cancellation(
        TARIFF, line, p0, START, end, cancel_date, reason, changes, in_force
    )
    assert D("0") <= result.refund <= in_force.net
    assert result.earned >= 0 and result.earned + result.refund == in_force.net
    for code, refunded in result.tax_refunds.items():
        assert 0 <= refunded <= in_force.taxes[code]
    if reason == FULL:
        assert (result.refund, result.tax_refunds) == (in_force.net, in_force.taxes)
    if reason == NONE:
        assert result.refund == 0 and all(v == 0 for v in result.tax_refunds.values())


@settings(max_examples=300, deadline=None)
@given(
    n_old=money,
    n_new=money,
    days=st.integers(min_value=1, max_value=366),
    offset=st.integers(min_value=0, max_value=365),
)
def test_a_change_never_exceeds_the_full_year_difference_and_keeps_its_sign(
    n_old, n_new, days, offset
):
    end = START + timedelta(days=days)
    effective = START + timedelta(days=offset % days)
    change = rules.premium_change(n_old, n_new, START, end, effective, KASKO_TAX)
    diff = n_new - n_old
    assert abs(change.net_change) <= abs(diff)
    assert change.net_change * diff >= 0  # never the opposite sign
    assert change.gross_change == change.net_change + change.taxes_change["BSMV"]
