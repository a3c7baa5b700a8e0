"""`earning.earn` on postings built by hand, as production hands them over at approval.

Agency A (acente.a1) earns on konut 20,00 % from 1 March 2026 and 25,00 % from 1 June 2026;
agency B has no rate. commission = round2(net × rate / 100), signed like the net.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from iztim_app.core.commissions.earning import commission_of, earn
from iztim_app.core.money import ZERO
from tests.commissions.support import AGENCY_A, B1, D, entries, posting, set_rate, total_of

MARCH_1, JUNE_1 = date(2026, 3, 1), date(2026, 6, 1)
MARCH_10, MAY_5, JUNE_10, JULY_1 = (
    date(2026, 3, 10),
    date(2026, 5, 5),
    date(2026, 6, 10),
    date(2026, 7, 1),
)


@pytest.fixture
def rates(db: Session) -> None:
    set_rate(db, AGENCY_A, "konut", "20.00", MARCH_1)
    set_rate(db, AGENCY_A, "konut", "25.00", JUNE_1)


def test_rounding_is_half_up_away_from_zero_and_signed_like_the_net():
    assert commission_of(D("1144.00"), D("20.00")) == D("228.80")
    assert commission_of(D("302.03"), D("20.00")) == D("60.41")  # 60.406
    assert commission_of(D("-500.13"), D("20.00")) == D("-100.03")  # -100.026
    assert commission_of(D("0.04"), D("12.50")) == D("0.01")  # 0.005
    assert commission_of(D("-0.04"), D("12.50")) == D("-0.01")
    assert commission_of(D("1000.00"), D("0.00")) == ZERO


def test_policy_endorsements_and_cancellation_earn_at_the_policy_rate(db: Session, rates):
    # a policy first approved on 10 March (20 %), endorsed later when 25 % is in force
    assert earn(db, posting(db, day=MARCH_10, net="1144.00")) == D("228.80")
    # increase on 5 May: 302.03 × 20 % = 60.406 → 60.41
    assert earn(db, posting(db, day=MAY_5, net="302.03", document="endorsement", seq=1)) == D(
        "60.41"
    )
    # decrease on 10 June (25 % in force by then, yet the policy's 20 % applies): −286.00 → −57.20
    assert earn(db, posting(db, day=JUNE_10, net="-286.00", document="endorsement", seq=2)) == D(
        "-57.20"
    )
    # cancellation on 1 July refunds 500.13 of net: −100.026 → −100.03
    assert earn(db, posting(db, day=JULY_1, net="-500.13", document="cancellation", seq=3)) == D(
        "-100.03"
    )
    db.commit()
    assert entries(db, 5000001) == [
        ("policy", 1, None, D("1144.00"), D("20.00"), D("228.80"), MARCH_1),
        ("endorsement", 1, 1, D("302.03"), D("20.00"), D("60.41"), MARCH_1),
        ("endorsement", 1, 2, D("-286.00"), D("20.00"), D("-57.20"), MARCH_1),
        ("cancellation", 1, 3, D("-500.13"), D("20.00"), D("-100.03"), MARCH_1),
    ]
    # net earned 1 144.00 + 302.03 − 286.00 − 500.13 = 659.90; the entries add up to
    # 228.80 + 60.41 − 57.20 − 100.03 = 131.98 (20 % of 659.90 is 131.98)
    assert total_of(db, 5000001) == D("131.98") == commission_of(D("659.90"), D("20.00"))


def test_a_later_rate_applies_only_to_policies_first_approved_from_its_day(db: Session, rates):
    assert earn(db, posting(db, day=date(2026, 5, 31), net="1000.00", number=5000001)) == D(
        "200.00"
    )
    assert earn(db, posting(db, day=JUNE_1, net="1000.00", number=5000002)) == D("250.00")
    db.commit()
    assert [e[4:] for e in entries(db)] == [
        (D("20.00"), D("200.00"), MARCH_1),
        (D("25.00"), D("250.00"), JUNE_1),
    ]


def test_reversal_takes_back_that_version_and_re_approval_earns_at_the_original_rate(
    db: Session, rates
):
    assert earn(db, posting(db, day=MAY_5, net="1144.00")) == D("228.80")
    # un-approved on 10 June (25 % in force now): exactly the 228.80 comes back
    assert earn(db, posting(db, day=JUNE_10, net="-1144.00", document="reversal")) == D("-228.80")
    # version 2 approved with a corrected premium: still the policy's 20 %
    assert earn(db, posting(db, day=JUNE_10, net="1200.00", version=2)) == D("240.00")
    db.commit()
    assert entries(db, 5000001) == [
        ("policy", 1, None, D("1144.00"), D("20.00"), D("228.80"), MARCH_1),
        ("reversal", 1, None, D("-1144.00"), D("20.00"), D("-228.80"), MARCH_1),
        ("policy", 2, None, D("1200.00"), D("20.00"), D("240.00"), MARCH_1),
    ]
    assert total_of(db, 5000001) == D("240.00")


def test_no_agency_or_no_rate_records_nothing(db: Session, rates):
    # a branch's policy, an agency without a rate, a line agency A has no rate for
    assert earn(db, posting(db, day=MAY_5, net="1000.00", preparer="sube.istanbul")) == ZERO
    assert earn(db, posting(db, day=MAY_5, net="1000.00", number=5000002, preparer=B1)) == ZERO
    assert earn(db, posting(db, day=MAY_5, net="1000.00", number=5000003, line="kasko")) == ZERO
    # before agency A's first rate
    assert earn(db, posting(db, day=date(2026, 2, 28), net="1000.00", number=5000004)) == ZERO
    db.commit()
    assert entries(db) == []


def test_a_policy_that_earned_nothing_earns_nothing_on_its_later_documents(db: Session):
    # approved on 10 March with no rate; a rate from 1 June; endorsed and re-approved later
    assert earn(db, posting(db, day=MARCH_10, net="1000.00")) == ZERO
    set_rate(db, AGENCY_A, "konut", "20.00", JUNE_1)
    assert earn(db, posting(db, day=JUNE_10, net="300.00", document="endorsement", seq=1)) == ZERO
    assert earn(db, posting(db, day=JUNE_10, net="-1000.00", document="reversal")) == ZERO
    assert earn(db, posting(db, day=JUNE_10, net="1000.00", version=2)) == ZERO
    db.commit()
    assert entries(db) == []
