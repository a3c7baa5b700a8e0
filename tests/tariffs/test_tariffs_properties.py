"""Properties that hold for any premium, term and date (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from iztim_app.core.money import round2
from iztim_app.core.tariffs.loader import load_tariff_set
from iztim_app.core.tariffs.rating import price
from iztim_app.core.tariffs.refunds import refund

from .conftest import KASKO_VALUES, render

TARIFF, _ = load_tariff_set(render())
REASONS = ["talep", "sirket", "tam_hasar", "baslangic"]  # short_rate, pro_rata, none, full

premiums = st.decimals(min_value=0, max_value=10_000_000, places=2)
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
terms = st.integers(min_value=1, max_value=366)
lines = st.sampled_from(["kasko", "trafik"])  # trafik keeps a 300.00 minimum


@st.composite
def cancellations(draw):
    start = draw(starts)
    days = draw(terms)
    return {
        "line": draw(lines),
        "premium": draw(premiums),
        "start": start,
        "end": start + timedelta(days=days),
        "reason": draw(st.sampled_from(REASONS)),
        "elapsed": draw(st.integers(min_value=0, max_value=days)),
    }


def cancel(case, elapsed=None):
    day = case["start"] + timedelta(days=case["elapsed"] if elapsed is None else elapsed)
    return refund(
        TARIFF, case["line"], case["premium"], case["start"], case["end"], day, case["reason"]
    )


@given(cancellations())
def test_refund_and_earned_add_up_to_the_premium(case):
    result = cancel(case)
    assert result.refund + result.earned == case["premium"]
    assert Decimal(0) <= result.refund <= case["premium"]
    assert result.refund == result.refund.quantize(Decimal("0.01"))


@given(cancellations())
def test_tax_refunds_stay_between_zero_and_the_tax(case):
    result = cancel(case)
    taxes = {t.code: round2(case["premium"] * t.rate) for t in TARIFF.lines[case["line"]].taxes}
    for code, amount in result.tax_refunds.items():
        assert Decimal(0) <= amount <= taxes[code]


@given(cancellations(), st.data())
def test_refund_never_grows_as_cancellation_moves_later(case, data):
    days = (case["end"] - case["start"]).days
    later = data.draw(st.integers(min_value=case["elapsed"], max_value=days))
    assert cancel(case, later).refund <= cancel(case).refund


@given(
    st.decimals(min_value=0, max_value=50_000_000, places=2),
    st.decimals(min_value=0, max_value=50_000_000, places=2),
    starts,
    st.integers(min_value=1, max_value=366),
    st.sampled_from(["hususi", "ticari", "taksi"]),
    st.sampled_from(["bireysel", "kurumsal"]),
    st.sampled_from(["yes", "no"]),
    st.integers(min_value=1990, max_value=2027),
)
def test_price_is_monotone_in_sum_insured(a, b, start, days, usage, group, lpg, model_year):
    values = {**KASKO_VALUES, "usage": usage, "lpg": lpg, "model_year": str(model_year)}
    low, high = sorted((a, b))
    end = start + timedelta(days=days)
    cheaper = price(TARIFF, "kasko", group, low, start, end, values)
    dearer = price(TARIFF, "kasko", group, high, start, end, values)
    assert cheaper.net_premium <= dearer.net_premium
    assert cheaper.gross_premium <= dearer.gross_premium
