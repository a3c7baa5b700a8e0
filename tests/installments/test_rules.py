"""Installment arithmetic against hand-computed cases (the working beside each figure), and
properties that hold for any plan and any sequence of increases, refunds and payments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.installments import rules
from iztim_app.core.installments.rules import Installment

D = Decimal


def amounts(installments) -> list[Decimal]:
    return [i.amount for i in installments]


def paid(plan: list[Installment], *payments: str) -> list[Installment]:
    """The plan with the given amounts paid against installments 1, 2, …"""
    return [replace(i, paid=D(p)) for i, p in zip(plan, payments, strict=False)] + plan[
        len(payments) :
    ]


# ---------------------------------------------------------------- the split


@pytest.mark.parametrize(
    ("gross", "n", "expected"),
    [
        # 1000.00 / 3 = 333.333… → 333.33 each but the first; first = 1000.00 − 2 × 333.33
        ("1000.00", 3, ["333.34", "333.33", "333.33"]),
        # 100.00 / 6 = 16.666… → 16.66; first = 100.00 − 5 × 16.66 = 100.00 − 83.30
        ("100.00", 6, ["16.70", "16.66", "16.66", "16.66", "16.66", "16.66"]),
        # 2 000.00 / 9 = 222.222… → 222.22; first = 2 000.00 − 8 × 222.22 = 2 000.00 − 1 777.76
        ("2000.00", 9, ["222.24"] + ["222.22"] * 8),
        # 1 234.56 / 4 = 308.64 exactly: no remainder
        ("1234.56", 4, ["308.64"] * 4),
        # 0.05 / 6 = 0.0083… → 0.00; the first takes all 0.05
        ("0.05", 6, ["0.05", "0.00", "0.00", "0.00", "0.00", "0.00"]),
        # 12 345.67 / 12 = 1 028.8058… → 1 028.80;
        # first = 12 345.67 − 11 × 1 028.80 = 12 345.67 − 11 316.80 = 1 028.87
        ("12345.67", 12, ["1028.87"] + ["1028.80"] * 11),
        # a single payment keeps the whole premium
        ("4567.89", 1, ["4567.89"]),
    ],
)
def test_split_rounds_every_installment_but_the_first_down(gross, n, expected):
    assert rules.split(D(gross), n) == [D(x) for x in expected]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 31 January: February clamps to 28, March keeps the 31st (counted from the start)
        (
            date(2026, 1, 31),
            4,
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)],
        ),
        # a leap year: 29 February
        (date(2028, 1, 31), 3, [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]),
        # over the year end, 30th clamped in February only
        (
            date(2026, 11, 30),
            4,
            [date(2026, 11, 30), date(2026, 12, 30), date(2027, 1, 30), date(2027, 2, 28)],
        ),
        # an ordinary day: the same day every month
        (date(2026, 12, 15), 3, [date(2026, 12, 15), date(2027, 1, 15), date(2027, 2, 15)]),
    ],
)
def test_installment_k_is_due_k_minus_one_months_after_the_start(start, n, expected):
    plan = rules.plan(D("900.00"), n, start, max_installments=12)
    assert [i.due_date for i in plan] == expected
    assert [i.seq for i in plan] == list(range(1, n + 1))
    assert all(i.paid == D("0.00") for i in plan)


def test_twelve_months_after_a_31st_come_back_to_the_31st():
    assert rules.add_months(date(2026, 1, 31), 12) == date(2027, 1, 31)
    assert rules.add_months(date(2026, 1, 31), 13) == date(2027, 2, 28)


@pytest.mark.parametrize("count", [0, 10, -1, "", "üç", None, "2.5"])
def test_more_installments_than_the_line_allows_is_refused(count):
    with pytest.raises(ValidationFailed) as refused:
        rules.plan(D("1000.00"), count, date(2026, 1, 1), max_installments=9)
    assert (refused.value.code, refused.value.field) == (
        "installment.count_out_of_range",
        "installment_count",
    )
    assert refused.value.params == {"count": str(count), "max": 9}


def test_count_as_typed_is_accepted_within_the_limit():
    assert rules.check_count(" 9 ", 9) == 9
    assert rules.check_count(1, 1) == 1


# ---------------------------------------------------------------- increases

# 1 000.00 in 4: 250.00 each, due 15 Jan, 15 Feb, 15 Mar, 15 Apr 2026
FOUR = rules.plan(D("1000.00"), 4, date(2026, 1, 15), max_installments=9)


def test_an_increase_is_spread_over_open_installments_due_on_or_after_its_date():
    # given the first installment is paid; an increase of 100.00 effective 20 Feb
    plan = paid(FOUR, "250.00")
    # when
    change = rules.spread_increase(plan, date(2026, 2, 20), D("100.00"))
    # then 15 Feb is before the date: only 15 Mar and 15 Apr share it, 100.00 / 2 = 50.00
    assert amounts(change.installments) == [D("250.00"), D("250.00"), D("300.00"), D("300.00")]
    assert change.added is None and change.refund_due == D("0.00")


def test_an_increase_due_on_the_effective_date_itself_counts_and_the_remainder_goes_first():
    # given nothing paid; 100.01 effective 15 Feb (the day installment 2 is due)
    # 100.01 / 3 = 33.336… → 33.33 on 3 and 4; installment 2 gets 100.01 − 66.66 = 33.35
    change = rules.spread_increase(FOUR, date(2026, 2, 15), D("100.01"))
    assert amounts(change.installments) == [D("250.00"), D("283.35"), D("283.33"), D("283.33")]


def test_a_partly_paid_installment_is_not_fully_paid_and_shares_the_increase():
    # given 100.00 paid of installment 2 (150.00 still due), 1 fully paid; 30.00 from 1 Feb
    plan = paid(FOUR, "250.00", "100.00")
    change = rules.spread_increase(plan, date(2026, 2, 1), D("30.00"))
    # 30.00 / 3 = 10.00 on installments 2, 3, 4
    assert amounts(change.installments) == [D("250.00"), D("260.00"), D("260.00"), D("260.00")]
    assert [i.paid for i in change.installments] == [D("250.00"), D("100.00"), D("0"), D("0")]


def test_an_increase_with_no_open_installment_left_becomes_a_new_one_on_its_date():
    # given all four paid; an increase of 75.50 effective 1 Apr
    plan = paid(FOUR, "250.00", "250.00", "250.00", "250.00")
    change = rules.spread_increase(plan, date(2026, 4, 1), D("75.50"))
    assert change.added == Installment(5, date(2026, 4, 1), D("75.50"))
    assert amounts(change.installments) == [D("250.00")] * 4 + [D("75.50")]


def test_an_increase_after_the_last_due_date_becomes_a_new_installment():
    # given nothing paid, but every installment is due before 1 May
    change = rules.spread_increase(FOUR, date(2026, 5, 1), D("10.00"))
    assert change.added == Installment(5, date(2026, 5, 1), D("10.00"))
    assert sum(amounts(change.installments)) == D("1010.00")


# ---------------------------------------------------------------- refunds


def test_a_refund_lowers_unpaid_amounts_from_the_last_backwards_and_the_rest_is_owed():
    # given 250.00 paid on 1, 100.00 on 2; a refund of 700.00
    plan = paid(FOUR, "250.00", "100.00")
    change = rules.apply_refund(plan, D("700.00"))
    # 4: 250.00 → 0 (450.00 left); 3: 250.00 → 0 (200.00 left); 2: down to its 100.00 paid
    # (150.00 taken, 50.00 left); 1 is paid in full: 50.00 is owed back
    assert amounts(change.installments) == [D("250.00"), D("100.00"), D("0.00"), D("0.00")]
    assert change.reductions == ((4, D("250.00")), (3, D("250.00")), (2, D("150.00")))
    assert change.refund_due == D("50.00")
    # in force 1 000.00 − 700.00 = 300.00 = installments 350.00 − owed back 50.00
    assert sum(amounts(change.installments)) - change.refund_due == D("300.00")


def test_a_small_refund_only_touches_the_last_installment():
    change = rules.apply_refund(FOUR, D("0.01"))
    assert amounts(change.installments) == [D("250.00"), D("250.00"), D("250.00"), D("249.99")]
    assert (change.reductions, change.refund_due) == (((4, D("0.01")),), D("0.00"))


def test_a_refund_on_a_fully_paid_plan_is_owed_back_whole():
    plan = paid(FOUR, "250.00", "250.00", "250.00", "250.00")
    change = rules.apply_refund(plan, D("420.00"))
    assert amounts(change.installments) == amounts(plan)
    assert (change.reductions, change.refund_due) == ((), D("420.00"))


def test_last_means_latest_due_even_when_an_endorsement_numbered_it_later():
    # given installment 5 (added by an endorsement) due 1 Feb, before 3 and 4
    plan = paid(FOUR, "250.00", "250.00") + [Installment(5, date(2026, 2, 1), D("60.00"))]
    change = rules.apply_refund(plan, D("300.00"))
    # 4 (15 Apr): 250.00 → 0, 50.00 left; 3 (15 Mar): 250.00 → 200.00; 5 (1 Feb) untouched
    assert change.reductions == ((4, D("250.00")), (3, D("50.00")))
    assert amounts(change.installments) == [
        D("250.00"),
        D("250.00"),
        D("200.00"),
        D("0.00"),
        D("60.00"),
    ]


def test_a_refund_above_what_is_in_force_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        rules.apply_refund(FOUR, D("1000.01"))
    assert (refused.value.code, refused.value.field) == (
        "installment.refund_over_charged",
        "gross_change",
    )
    # and with 200.00 already owed back, only 800.00 is still in force
    with pytest.raises(ValidationFailed):
        rules.apply_refund(FOUR, D("800.01"), in_force=D("800.00"))
    assert rules.apply_refund(FOUR, D("800.00"), in_force=D("800.00")).refund_due == D("0.00")


def test_premium_change_dispatches_on_the_sign():
    up = rules.premium_change(FOUR, date(2026, 1, 1), D("40.00"))
    down = rules.premium_change(FOUR, date(2026, 1, 1), D("-40.00"))
    same = rules.premium_change(FOUR, date(2026, 1, 1), D("0.00"))
    assert amounts(up.installments) == [D("260.00"), D("260.00"), D("260.00"), D("260.00")]
    assert amounts(down.installments) == [D("250.00"), D("250.00"), D("250.00"), D("210.00")]
    assert amounts(same.installments) == amounts(FOUR)
    assert (same.added, same.reductions, same.refund_due) == (None, (), D("0.00"))


# ---------------------------------------------------------------- payments


def test_a_payment_up_to_what_is_due_is_accepted():
    inst = Installment(2, date(2026, 2, 15), D("250.00"), D("100.00"))
    rules.check_payment(inst, D("150.00"))
    rules.check_payment(inst, D("0.01"))
    assert inst.open_amount == D("150.00") and not inst.is_paid


JAN_1 = date(2026, 1, 1)
OVER_DUE, PAID = "payment.amount_over_due", "payment.installment_paid"


@pytest.mark.parametrize(
    ("installment", "amount", "code", "field"),
    [
        # 250.00 charged, 100.00 paid: 150.00 is due, one kuruş more is refused
        (Installment(1, JAN_1, D("250.00"), D("100.00")), "150.01", OVER_DUE, "amount"),
        (Installment(1, JAN_1, D("250.00")), "0.00", "payment.amount_invalid", "amount"),
        (Installment(1, JAN_1, D("250.00"), D("250.00")), "1.00", PAID, "installment_id"),
        # reduced to nothing by a refund: nothing is due any more
        (Installment(4, JAN_1, D("0.00")), "1.00", PAID, "installment_id"),
    ],
)
def test_a_payment_over_what_is_due_or_on_a_paid_installment_is_refused(
    installment, amount, code, field
):
    with pytest.raises(ValidationFailed) as refused:
        rules.check_payment(installment, D(amount))
    assert (refused.value.code, refused.value.field) == (code, field)


def test_the_over_due_message_shows_both_amounts_as_printed():
    with pytest.raises(ValidationFailed) as refused:
        rules.check_payment(Installment(1, date(2026, 1, 1), D("1250.00")), D("1250.01"))
    assert refused.value.params == {"amount": "1.250,01 ₺", "due": "1.250,00 ₺"}


# ---------------------------------------------------------------- properties

kurus = st.integers(min_value=0, max_value=10**11).map(lambda k: D(k).scaleb(-2))
positive_kurus = st.integers(min_value=1, max_value=10**9).map(lambda k: D(k).scaleb(-2))
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(kurus, st.integers(min_value=1, max_value=12))
def test_split_parts_add_up_and_differ_by_less_than_one_kurus_per_part(gross, n):
    parts = rules.split(gross, n)
    assert len(parts) == n and sum(parts) == gross
    assert len(set(parts[1:])) <= 1
    assert all(p >= 0 and p == p.quantize(D("0.01")) for p in parts)
    if n > 1:  # the first carries the rounding: 0 … n − 1 kuruş more than the others
        assert D(0) <= parts[0] - parts[1] <= D("0.01") * (n - 1)


@given(starts, st.integers(min_value=1, max_value=12))
def test_due_dates_are_increasing_and_on_the_start_day_or_the_months_last(start, n):
    dues = [i.due_date for i in rules.plan(D("100.00"), n, start, 12)]
    assert dues[0] == start
    assert all(a < b for a, b in zip(dues, dues[1:], strict=False))
    for k, due in enumerate(dues):
        months = (due.year - start.year) * 12 + due.month - start.month
        assert months == k
        assert due.day == start.day or (due + timedelta(days=1)).day == 1 and due.day < start.day


fractions = st.integers(1, 10_000).map(lambda k: D(k).scaleb(-4))  # 0.0001 … 1
operations = st.lists(
    st.one_of(
        st.tuples(st.just("increase"), st.integers(0, 400), positive_kurus),
        st.tuples(st.just("refund"), st.integers(0, 400), fractions),
        st.tuples(st.just("pay"), st.integers(0, 20), fractions),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(kurus, st.integers(min_value=1, max_value=12), starts, operations)
def test_installments_always_sum_to_the_gross_in_force(gross, n, start, ops):
    """After any sequence of increases, refunds and payments: the installments less what is
    owed back equal the gross in force; no amount below what was paid; every refund is
    reductions + refund due exactly; nothing owed back exceeds what was paid."""
    plan = rules.plan(gross, n, start, 12)
    in_force, owed = gross, D("0.00")
    for kind, x, y in ops:
        if kind == "increase":
            change = rules.spread_increase(plan, start + timedelta(days=x), y)
            in_force += y
            if change.added is not None:
                assert change.added.due_date == start + timedelta(days=x)
        elif kind == "refund":
            refund = (in_force * y).quantize(D("0.01"))
            if refund <= 0:
                continue
            change = rules.apply_refund(plan, refund, in_force)
            assert change.refund_due >= 0
            assert change.refund_due + sum(t for _, t in change.reductions) == refund
            before = {i.seq: i.amount for i in plan}
            assert dict(change.reductions) == {
                i.seq: before[i.seq] - i.amount
                for i in change.installments
                if i.amount != before[i.seq]
            }
            in_force -= refund
            owed += change.refund_due
        else:
            target = plan[x % len(plan)]
            amount = (target.open_amount * y).quantize(D("0.01"))
            if target.is_paid or amount <= 0:
                continue
            rules.check_payment(target, amount)
            change = rules.Change(
                tuple(replace(i, paid=i.paid + amount) if i is target else i for i in plan)
            )
        plan = list(change.installments)
        assert sum(i.amount for i in plan) - owed == in_force
        assert all(i.amount >= i.paid >= 0 for i in plan)
        assert owed <= sum(i.paid for i in plan)  # no refund exceeds what was charged and paid
        assert [i.seq for i in plan] == list(range(1, len(plan) + 1))
