"""Endorsement and cancellation services on a real database: priced on the policy's own
tariff, approved under the limit rules, refusals that change nothing.

The policy: acente.a1's home policy (konut, bireysel, the FORMS values: betonarme,
earthquake zone 1 with cover → 1.30 ‰, building 15 years → 1.00, in municipality → 1.00),
2026-03-02 … 2027-03-02 (365 days), one installment.
  sum insured   800 000: 800 000 × 1.30 / 1000 = 1 040.00 × band 1.10 = 1 144.00 net
                BSMV 5 % 57.20, YSV 10 % 114.40, gross 1 315.60
  sum insured 1 200 000: 1 560.00 × band 1.00 = 1 560.00 net
  sum insured   600 000:   780.00 × band 1.10 =   858.00 net
İstanbul Şube (sube.istanbul, limit 2 500 000 on every line) sees agency A's policies.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.endorsements.models import Endorsement, ImmutableEndorsement
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.policies.models import Policy
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import operator_actor
from tests.endorsements.fixtures_policies import approved_policy, plan_amounts
from tests.foundation.support import actor_of, snapshot, user_of

D = Decimal
STAFF, APPROVER, AGENT, OTHER_AGENT = "sube.istanbul", "gm.onay", "acente.a1", "acente.b1"
JUNE_10 = date(2026, 6, 10)  # remaining 265 days of 365
SEPT_8 = date(2026, 9, 8)  # elapsed 190, remaining 175


@pytest.fixture
def policy(db: Session, customers) -> Policy:
    return approved_policy(db, AGENT, customers.a1_person.id, "konut", "800000")


def increase(db: Session, policy: Policy, who: str = STAFF, si: str = "1200000"):
    return endorsements.create_endorsement(
        db, actor_of(db, who), policy.number, "increase", JUNE_10, {}, si, "Bedel artışı"
    )


def refused(fn, error=ValidationFailed):  # noqa: ANN001
    with pytest.raises(error) as info:
        fn()
    return info.value


# ------------------------------------------------------------------ increase / decrease / info


def test_increase_within_the_staff_limit_is_approved_and_raises_the_installment(db, policy):
    # when İstanbul Şube raises the sum insured 800 000 → 1 200 000 from 10 June
    view = increase(db, policy)
    # then N_old 1 144.00, N_new 1 560.00: 416.00 × 265 / 365 = 302.0274 → 302.03
    #   BSMV 302.03 × 0.05 = 15.1015 → 15.10; YSV 30.203 → 30.20; gross 347.33
    assert (view.label, view.kind, view.status, view.approved_by) == (
        f"1/{policy.number}",
        "increase",
        "approved",
        STAFF,
    )
    assert (view.net_change, view.taxes_change, view.gross_change) == (
        D("302.03"),
        {"BSMV": D("15.10"), "YSV": D("30.20")},
        D("347.33"),
    )
    # figures in force: 1 144.00 + 302.03; 57.20 + 15.10; 114.40 + 30.20; 1 315.60 + 347.33
    figures = endorsements.figures_in_force(db, policy.number)
    assert (figures.sum_insured, figures.net_premium, figures.taxes, figures.gross_premium) == (
        D("1200000.00"),
        D("1446.03"),
        {"BSMV": D("72.30"), "YSV": D("144.60")},
        D("1662.93"),
    )
    assert figures.last_effective_date == JUNE_10
    # the one installment was due on the start date, before 10 June: the extra gross premium
    # becomes a new installment due on the effective date
    assert plan_amounts(db, policy.number) == [D("1315.60"), D("347.33")]


def test_preview_shows_the_same_figures_and_stores_nothing(db, policy):
    before = snapshot(str(db.get_bind().url))
    preview = endorsements.preview_endorsement(
        db, actor_of(db, STAFF), policy.number, "increase", "10.06.2026", {}, "1.200.000", "Artış"
    )
    assert (preview.annual_net_before, preview.annual_net_after, preview.remaining_days) == (
        D("1144.00"),
        D("1560.00"),
        265,
    )
    assert (preview.net_change, preview.gross_in_force_after, preview.needs_approval) == (
        D("302.03"),
        D("1662.93"),
        False,
    )
    assert snapshot(str(db.get_bind().url)) == before


def test_decrease_lowers_the_premium(db, policy):
    # 800 000 → 600 000 from 8 September: (858.00 − 1 144.00) × 175 / 365 = −137.1233 → −137.12
    #   BSMV −6.856 → −6.86; YSV −13.712 → −13.71; gross −157.69
    view = endorsements.create_endorsement(
        db, actor_of(db, STAFF), policy.number, "decrease", SEPT_8, {}, "600000", "Bedel düşüşü"
    )
    assert (view.kind, view.net_change, view.taxes_change, view.gross_change) == (
        "decrease",
        D("-137.12"),
        {"BSMV": D("-6.86"), "YSV": D("-13.71")},
        D("-157.69"),
    )
    assert (view.net_in_force_after, view.gross_in_force_after) == (D("1006.88"), D("1157.91"))
    assert plan_amounts(db, policy.number) == [D("1157.91")]  # 1 315.60 − 157.69


def test_information_change_changes_no_premium(db, policy):
    view = endorsements.create_endorsement(
        db,
        actor_of(db, STAFF),
        policy.number,
        "information",
        JUNE_10,
        {"address": "Moda Cad. No: 5 Kadıköy/İstanbul"},
        "",
        "Adres değişikliği",
    )
    assert (view.kind, view.status, view.net_change, view.gross_change) == (
        "information",
        "approved",
        D("0.00"),
        D("0.00"),
    )
    assert view.values["address"] == "Moda Cad. No: 5 Kadıköy/İstanbul"
    assert view.values["building_age"] == "15"  # the rest of the values carried over
    assert endorsements.figures_in_force(db, policy.number).values["address"].startswith("Moda")
    assert plan_amounts(db, policy.number) == [D("1315.60")]


def test_endorsements_are_numbered_per_policy(db, policy, customers):
    other = approved_policy(db, AGENT, customers.a1_person.id, "konut", "800000")
    first = increase(db, policy)
    second = endorsements.create_endorsement(
        db, actor_of(db, STAFF), policy.number, "information", SEPT_8, {"address": "X"}, "", "Adres"
    )
    elsewhere = increase(db, other)
    assert [first.label, second.label, elsewhere.label] == [
        f"1/{policy.number}",
        f"2/{policy.number}",
        f"1/{other.number}",
    ]
    listed = endorsements.list_endorsements(db, actor_of(db, AGENT), policy.number)
    assert [(e.seq, e.kind) for e in listed] == [(1, "increase"), (2, "information")]


# ------------------------------------------------------------------ refusals change nothing


def _assert_refused_unchanged(db: Session, call, code: str, field: str, error=ValidationFailed):  # noqa: ANN001
    url = str(db.get_bind().url)
    before = snapshot(url)
    exc = refused(call, error)
    assert (exc.code, getattr(exc, "field", None)) == (code, field)
    db.rollback()
    db.commit()
    assert snapshot(url) == before
    return exc


@pytest.mark.parametrize(
    ("kind", "effective", "si", "code", "field"),
    [
        ("decrease", JUNE_10, "1200000", "endorsement.kind_mismatch", "kind"),
        ("information", JUNE_10, "1200000", "endorsement.kind_mismatch", "kind"),
        ("increase", JUNE_10, "800000", "endorsement.kind_mismatch", "kind"),
        ("cancellation", JUNE_10, "", "endorsement.kind_unknown", "kind"),
        ("decrease", JUNE_10, "0", "endorsement.sum_insured_not_positive", "sum_insured"),
        ("decrease", JUNE_10, "-5000", "endorsement.sum_insured_not_positive", "sum_insured"),
        ("decrease", JUNE_10, "abc", "endorsement.sum_insured_invalid", "sum_insured"),
        (
            "increase",
            date(2026, 3, 1),
            "1200000",
            "endorsement.effective_outside_term",
            "effective_date",
        ),
        (
            "increase",
            date(2027, 3, 2),
            "1200000",
            "endorsement.effective_outside_term",
            "effective_date",
        ),
        ("increase", "31.02.2026", "1200000", "date.invalid", "effective_date"),
    ],
)
def test_bad_endorsement_input_is_refused_and_changes_nothing(
    db, policy, kind, effective, si, code, field
):
    staff = actor_of(db, STAFF)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_endorsement(
            db, staff, policy.number, kind, effective, {}, si, "Değişiklik"
        ),
        code,
        field,
    )


def test_description_is_required(db, policy):
    staff = actor_of(db, STAFF)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_endorsement(
            db, staff, policy.number, "increase", JUNE_10, {}, "1200000", "  "
        ),
        "endorsement.description_required",
        "description",
    )


def test_an_unknown_field_is_refused(db, policy):
    staff = actor_of(db, STAFF)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_endorsement(
            db, staff, policy.number, "information", JUNE_10, {"colour": "red"}, "", "Renk"
        ),
        "pricing.unknown_field",
        "colour",
    )


def test_an_endorsement_before_the_last_one_is_refused(db, policy):
    endorsements.create_endorsement(
        db, actor_of(db, STAFF), policy.number, "information", SEPT_8, {"address": "X"}, "", "A"
    )
    staff = actor_of(db, STAFF)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_endorsement(
            db, staff, policy.number, "increase", JUNE_10, {}, "1200000", "Artış"
        ),
        "endorsement.before_last_endorsement",
        "effective_date",
    )


def test_agencies_never_endorse_or_cancel(db, policy):
    agent = actor_of(db, AGENT)
    exc = _assert_refused_unchanged(
        db,
        lambda: endorsements.create_endorsement(
            db, agent, policy.number, "increase", JUNE_10, {}, "1200000", "Artış"
        ),
        "error.permission_denied",
        None,
        PermissionDenied,
    )
    assert exc.params == {"permission": "endorsement.create"}
    # even with the permission written into the actor by mistake
    granted = dataclasses.replace(
        agent, permissions=agent.permissions | {"endorsement.create", "cancellation.create"}
    )
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_cancellation(
            db, granted, policy.number, SEPT_8, "sirket_feshi", "Fesih"
        ),
        "endorsement.agency_refused",
        None,
        PermissionDenied,
    )


def test_another_agencys_policy_looks_unknown(db, policy):
    other = actor_of(db, OTHER_AGENT)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.list_endorsements(db, other, policy.number),
        "error.not_found",
        None,
        NotFound,
    )


# ------------------------------------------------------------------ cancellation


def test_cancellation_after_an_increase_cancels_the_policy_and_refunds(db, policy):
    increase(db, policy)  # Δ 302.03 from 10 June; in force 1 446.03, BSMV 72.30, YSV 144.60
    preview = endorsements.preview_cancellation(
        db, actor_of(db, STAFF), policy.number, SEPT_8, "sirket_feshi", "Şirket feshi"
    )
    # pro rata: P0 earned 1 144.00 × 190 / 365 = 595.5068 → 595.51, so 548.49 back
    # Δ 302.03 × 175 / 265 = 199.4538 → 199.45; refund 747.94; earned 1 446.03 − 747.94 = 698.09
    assert (preview.method, preview.base_refund, preview.change_refunds) == (
        "pro_rata",
        D("548.49"),
        (D("199.45"),),
    )
    assert (preview.refund, preview.earned) == (D("747.94"), D("698.09"))
    # BSMV 72.30 × 747.94 / 1 446.03 = 37.3966 → 37.40; YSV 144.60 × … = 74.7932 → 74.79
    assert preview.tax_refunds == {"BSMV": D("37.40"), "YSV": D("74.79")}
    assert preview.gross_refund == D("860.13")
    # when saved (within the limit: approved at once)
    view = endorsements.create_cancellation(
        db, actor_of(db, STAFF), policy.number, SEPT_8, "sirket_feshi", "Şirket feshi"
    )
    assert (view.label, view.kind, view.status, view.refund, view.gross_refund) == (
        f"2/{policy.number}",
        "cancellation",
        "approved",
        D("747.94"),
        D("860.13"),
    )
    assert (view.earned, view.net_change, view.gross_change) == (
        D("698.09"),
        D("-747.94"),
        D("-860.13"),
    )
    db.expire_all()
    row = db.get(Policy, policy.id)
    assert (row.status, row.cancelled_from) == ("cancelled", SEPT_8)
    # nothing was paid: the refund of 860.13 lowers the installments from the last backwards:
    # 347.33 → 0.00, then 1 315.60 − 512.80 = 802.80
    assert plan_amounts(db, policy.number) == [D("802.80"), D("0.00")]
    figures = endorsements.figures_in_force(db, policy.number)
    assert (figures.policy_status, figures.net_premium, figures.gross_premium) == (
        "cancelled",
        D("698.09"),
        D("802.80"),
    )


def test_second_cancellation_and_later_endorsements_are_refused(db, policy):
    endorsements.create_cancellation(
        db, actor_of(db, STAFF), policy.number, SEPT_8, "sirket_feshi", "Fesih"
    )
    staff = actor_of(db, STAFF)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_cancellation(
            db, staff, policy.number, SEPT_8, "sirket_feshi", "Tekrar"
        ),
        "endorsement.already_cancelled",
        "policy_number",
    )
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_endorsement(
            db, staff, policy.number, "information", SEPT_8, {"address": "Y"}, "", "Adres"
        ),
        "endorsement.policy_cancelled",
        "policy_number",
    )


@pytest.mark.parametrize(
    ("cancel", "reason", "code", "field"),
    [
        (date(2026, 6, 9), "sirket_feshi", "endorsement.before_last_endorsement", "cancel_date"),
        (date(2026, 3, 1), "sirket_feshi", "endorsement.cancel_outside_term", "cancel_date"),
        (date(2027, 3, 3), "sirket_feshi", "endorsement.cancel_outside_term", "cancel_date"),
        (SEPT_8, "yok_boyle", "endorsement.reason_unknown", "reason_code"),
    ],
)
def test_bad_cancellation_is_refused_and_changes_nothing(db, policy, cancel, reason, code, field):
    increase(db, policy)  # effective 10 June
    staff = actor_of(db, STAFF)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_cancellation(db, staff, policy.number, cancel, reason, "F"),
        code,
        field,
    )


# ------------------------------------------------------------------ approval


def test_over_the_limit_waits_then_the_approver_approves(db, policy):
    # given İstanbul Şube's limit of 2 500 000: an increase to 3 000 000 waits
    # N_new: 3 000 000 × 1.30 / 1000 = 3 900.00 × band (3M–7.5M) 0.92 = 3 588.00
    # (3 588.00 − 1 144.00) × 265 / 365 = 1 774.4109 → 1 774.41; BSMV 88.7205 → 88.72,
    # YSV 177.441 → 177.44; gross 2 040.57
    waiting = increase(db, policy, si="3000000")
    assert (waiting.status, waiting.approved_by) == ("awaiting_approval", None)
    assert (waiting.net_change, waiting.gross_change) == (D("1774.41"), D("2040.57"))
    assert plan_amounts(db, policy.number) == [D("1315.60")]  # nothing applied yet
    # in force are still the policy's own figures
    assert endorsements.figures_in_force(db, policy.number).net_premium == D("1144.00")
    queue = endorsements.endorsement_queue(db, actor_of(db, APPROVER))
    assert [(r.label, r.kind, r.customer_name) for r in queue.rows] == [
        (waiting.label, "increase", "Ayşe Şahin")
    ]
    # while it waits, no other endorsement or cancellation is taken
    staff = actor_of(db, STAFF)
    _assert_refused_unchanged(
        db,
        lambda: endorsements.create_cancellation(
            db, staff, policy.number, SEPT_8, "sirket_feshi", "F"
        ),
        "endorsement.one_waiting",
        "policy_number",
    )
    # when the head-office approver approves
    approved = endorsements.approve_endorsement(db, actor_of(db, APPROVER), policy.number, 1)
    assert (approved.status, approved.approved_by) == ("approved", APPROVER)
    figures = endorsements.figures_in_force(db, policy.number)
    assert figures.net_premium == D("1144.00") + waiting.net_change
    assert plan_amounts(db, policy.number) == [D("1315.60"), waiting.gross_change]
    assert endorsements.endorsement_queue(db, actor_of(db, APPROVER)).total == 0
    # a second decision is refused, nothing changes
    _assert_refused_unchanged(
        db,
        lambda: endorsements.reject_endorsement(
            db, actor_of(db, APPROVER), policy.number, 1, "Geç"
        ),
        "endorsement.already_decided",
        None,
        Conflict,
    )


def test_waiting_cancellation_rejected_leaves_the_policy_approved(db, policy):
    branch = user_of(db, STAFF)
    users.set_limit(db, operator_actor("test"), branch.id, "konut", D("500000"), D("500000"))
    view = endorsements.create_cancellation(
        db, actor_of(db, STAFF), policy.number, SEPT_8, "sigortali_talebi", "Talep"
    )
    assert view.status == "awaiting_approval"
    # short rate: 190 days → row up_to 210: 75 % earned = 858.00; refund 286.00
    # BSMV 57.20 × 286 / 1 144 = 14.30; YSV 114.40 × 286 / 1 144 = 28.60
    assert (view.method, view.earned, view.refund, view.tax_refunds) == (
        "short_rate",
        D("858.00"),
        D("286.00"),
        {"BSMV": D("14.30"), "YSV": D("28.60")},
    )
    rejected = endorsements.reject_endorsement(
        db, actor_of(db, APPROVER), policy.number, view.seq, "Belge eksik"
    )
    assert (rejected.status, rejected.rejected_by, rejected.rejection_reason) == (
        "rejected",
        APPROVER,
        "Belge eksik",
    )
    db.expire_all()
    assert db.get(Policy, policy.id).status == "approved"
    assert plan_amounts(db, policy.number) == [D("1315.60")]
    # the policy can be cancelled again afterwards, this time approved by the approver
    again = endorsements.create_cancellation(
        db, actor_of(db, STAFF), policy.number, SEPT_8, "sigortali_talebi", "Talep"
    )
    done = endorsements.approve_endorsement(db, actor_of(db, APPROVER), policy.number, again.seq)
    assert (done.status, done.seq) == ("approved", 2)
    db.expire_all()
    assert (db.get(Policy, policy.id).status, db.get(Policy, policy.id).cancelled_from) == (
        "cancelled",
        SEPT_8,
    )
    # gross refund 286.00 + 14.30 + 28.60 = 328.90: 1 315.60 − 328.90 = 986.70
    assert plan_amounts(db, policy.number) == [D("986.70")]


def test_an_approver_over_their_limit_or_outside_head_office_is_refused(db, policy):
    waiting = increase(db, policy, si="3000000")
    # a branch user granted policy.approve, limit 5 000 000: deciding is head-office work
    istanbul = actor_of(db, STAFF)
    users.set_permissions(
        db,
        operator_actor("test"),
        user_of(db, STAFF).id,
        set(istanbul.permissions) | {"policy.approve"},
    )
    users.set_limit(
        db, operator_actor("test"), user_of(db, STAFF).id, "konut", D("5000000"), D("5000000")
    )
    _assert_refused_unchanged(
        db,
        lambda: endorsements.approve_endorsement(db, actor_of(db, STAFF), policy.number, 1),
        "policy.head_office_only",
        None,
        PermissionDenied,
    )
    # a head-office approver whose konut limit (1 000 000) is below the 3 000 000 after it
    manager = user_of(db, "gm.mudur")
    users.set_permissions(
        db,
        operator_actor("test"),
        manager.id,
        set(actor_of(db, "gm.mudur").permissions) | {"policy.approve"},
    )
    users.set_limit(db, operator_actor("test"), manager.id, "konut", D("1000000"), D("1000000"))
    _assert_refused_unchanged(
        db,
        lambda: endorsements.approve_endorsement(
            db, actor_of(db, "gm.mudur"), policy.number, waiting.seq
        ),
        "endorsement.over_approver_limit",
        None,
        PermissionDenied,
    )


def test_a_saved_endorsement_is_frozen(db, policy):
    view = increase(db, policy)
    row = db.exec(select(Endorsement).where(Endorsement.id == view.id)).one()
    row.net_change = D("1.00")
    with pytest.raises(ImmutableEndorsement):
        db.flush()
    db.rollback()
    # raw SQL meets the database's trigger
    with pytest.raises(ImmutableEndorsement):
        db.execute(
            sa.text("UPDATE endorsement SET net_change = 100 WHERE id = :id"), {"id": view.id}
        )
    db.rollback()
    with pytest.raises(ImmutableEndorsement):
        db.execute(sa.text("DELETE FROM endorsement WHERE id = :id"), {"id": view.id})
    db.rollback()
    assert endorsements.get_endorsement(db, actor_of(db, STAFF), policy.number, 1).net_change == D(
        "302.03"
    )
