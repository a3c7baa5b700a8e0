"""Two users at the same moment on one policy: exactly one cancellation, exactly one
decision; raw SQL cannot change a saved endorsement (SQLite file and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import guards
from iztim_app.core.db import session_scope
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.endorsements.models import (
    ENDORSEMENT_GUARD,
    Endorsement,
    ImmutableEndorsement,
)
from iztim_app.core.errors import Conflict, ValidationFailed
from iztim_app.core.policies.models import ImmutablePolicy, Policy
from iztim_app.core.users import services as users
from iztim_app.core.users.permissions import ROLES
from tests.concurrency import run_together
from tests.endorsements.fixtures_policies import approved_policy, plan_amounts
from tests.foundation.support import actor_of, user_of
from tests.quotes.fixtures_customers import add_customer
from tests.quotes.fixtures_quotes import OPERATOR

D = Decimal
SEPT_8 = date(2026, 9, 8)
ROUNDS = 3


def _policies(db: Session, count: int) -> list[Policy]:
    owner = actor_of(db, "acente.a1")
    person = add_customer(
        db, owner, kind="individual", national_id="17291716060", name="Ayşe Şahin", group="bireysel"
    )
    return [approved_policy(db, "acente.a1", person.id, "konut", "800000") for _ in range(count)]


def _approvers(db: Session):  # noqa: ANN202
    """Two head-office approvers (deciding is head-office work): gm.onay, and gm.mudur given
    policy.approve and a konut limit of 5 000 000."""
    manager = user_of(db, "gm.mudur")
    users.set_permissions(
        db, OPERATOR, manager.id, ROLES["manager"].permissions | {"policy.approve"}
    )
    users.set_limit(db, OPERATOR, manager.id, "konut", D("5000000"), D("5000000"))
    return [actor_of(db, "gm.onay"), actor_of(db, "gm.mudur")]


def test_two_cancellations_of_one_policy_at_the_same_moment_make_one(url: str):
    # given two staff users and approved policies
    with session_scope(url) as db:
        policies = [(p.id, p.number) for p in _policies(db, ROUNDS)]
        who = [actor_of(db, "gm.onay"), actor_of(db, "sube.istanbul")]
    for policy_id, number in policies:
        # when both cancel it at once
        outcome = run_together(
            [
                lambda db, a=a, number=number: endorsements.create_cancellation(
                    db, a, number, SEPT_8, "sirket_feshi", f"Fesih {a.code}"
                )
                for a in who
            ],
            url,
        )
        # then exactly one cancellation exists, the other was told the policy is cancelled
        assert len(outcome.results) == 1, outcome.errors
        assert [(type(e), e.code, e.field) for e in outcome.errors] == [
            (ValidationFailed, "endorsement.already_cancelled", "policy_number")
        ]
        with session_scope(url) as db:
            rows = db.exec(select(Endorsement).where(Endorsement.policy_number == number)).all()
            assert [(e.seq, e.kind, e.status) for e in rows] == [(1, "cancellation", "approved")]
            policy = db.get(Policy, policy_id)
            assert (policy.status, policy.cancelled_from) == ("cancelled", SEPT_8)
            # the refund reached the installment once: pro rata earned 1 144.00 × 190 / 365 =
            # 595.51, so 548.49 back; BSMV 57.20 × 548.49 / 1 144 = 27.42, YSV 54.85: 630.76
            assert plan_amounts(db, number) == [D("684.84")]  # 1 315.60 − 630.76


def test_two_approvers_approving_one_cancellation_at_the_same_moment_make_one(url: str):
    # given cancellations İstanbul Şube prepared while its konut limit was 100 000 (waiting),
    # and two head-office approvers
    with session_scope(url) as db:
        policies = [p.number for p in _policies(db, ROUNDS)]
        branch = user_of(db, "sube.istanbul")
        users.set_limit(db, OPERATOR, branch.id, "konut", D("100000"), D("100000"))
        preparer = actor_of(db, "sube.istanbul")
        waiting = [
            endorsements.create_cancellation(db, preparer, n, SEPT_8, "sirket_feshi", "Fesih")
            for n in policies
        ]
        assert {w.status for w in waiting} == {"awaiting_approval"}
        approvers = _approvers(db)
    for view in waiting:
        outcome = run_together(
            [
                lambda db, a=a, v=view: endorsements.approve_endorsement(
                    db, a, v.policy_number, v.seq
                )
                for a in approvers
            ],
            url,
        )
        assert len(outcome.results) == 1, outcome.errors
        assert [(type(e), e.code, e.params) for e in outcome.errors] == [
            (Conflict, "endorsement.already_decided", {"label": view.label, "status": "approved"})
        ]
        with session_scope(url) as db:
            rows = db.exec(
                select(Endorsement).where(Endorsement.policy_number == view.policy_number)
            ).all()
            assert [(e.status, e.approved_by_code) for e in rows] == [
                ("approved", outcome.results[0].approved_by)
            ]
            # the refund applied once: 1 315.60 − 630.76
            assert plan_amounts(db, view.policy_number) == [D("684.84")]
            assert db.get(Policy, rows[0].policy_id).status == "cancelled"


def test_the_database_refuses_changing_or_deleting_a_saved_endorsement(url: str):
    # given an approved cancellation (the policy cancelled with it)
    with session_scope(url) as db:
        (policy,) = _policies(db, 1)
        policy_id, number = policy.id, policy.number
        view = endorsements.create_cancellation(
            db, actor_of(db, "gm.onay"), number, SEPT_8, "sirket_feshi", "Fesih"
        )
        assert guards.problems(db.connection(), ENDORSEMENT_GUARD) == []
        db.rollback()
    statements = [
        ("UPDATE endorsement SET refund = 0 WHERE id = :id", guards.FROZEN),
        ("UPDATE endorsement SET approved_by_code = 'x' WHERE id = :id", guards.SET_ONCE),
        ("UPDATE endorsement SET status = 'awaiting_approval' WHERE id = :id", guards.STATUS_MOVE),
        ("DELETE FROM endorsement WHERE id = :id", guards.DELETE),
    ]
    for sql, kind in statements:
        # when raw SQL tries, then the trigger refuses with the rule's exception
        with session_scope(url) as db, pytest.raises(ImmutableEndorsement) as refused:
            db.execute(sa.text(sql), {"id": view.id})
        assert refused.value.kind == kind
    with session_scope(url) as db:
        row = db.get(Endorsement, view.id)
        assert (row.refund, row.status, row.approved_by_code) == (
            view.refund,
            "approved",
            "gm.onay",
        )
        # the cancelled policy stays cancelled: its guard allows no way back
        with pytest.raises(ImmutablePolicy):
            db.execute(
                sa.text("UPDATE policy SET status = 'approved' WHERE id = :id"), {"id": policy_id}
            )


def test_two_approvers_approving_one_increase_at_the_same_moment_apply_it_once(url: str):
    # given an increase 800 000 → 3 000 000 from 8 September, over İstanbul Şube's limit:
    # N 1 144.00 → 3 588.00 (3 900.00 × band 0.92); 2 444.00 × 175 / 365 = 1 171.78;
    # BSMV 58.589 → 58.59, YSV 117.178 → 117.18; gross 1 347.55
    with session_scope(url) as db:
        (policy,) = _policies(db, 1)
        number = policy.number
        waiting = endorsements.create_endorsement(
            db, actor_of(db, "sube.istanbul"), number, "increase", SEPT_8, {}, "3000000", "Artış"
        )
        assert (waiting.status, waiting.gross_change) == ("awaiting_approval", D("1347.55"))
        approvers = _approvers(db)
    # when both approve at once
    outcome = run_together(
        [lambda db, a=a: endorsements.approve_endorsement(db, a, number, 1) for a in approvers],
        url,
    )
    # then one decision, and the extra premium reached the plan once (a new installment due
    # on 8 September: the only one was due on the start date)
    assert len(outcome.results) == 1, outcome.errors
    assert [e.code for e in outcome.errors] == ["endorsement.already_decided"]
    with session_scope(url) as db:
        assert plan_amounts(db, number) == [D("1315.60"), D("1347.55")]
        assert endorsements.figures_in_force(db, number).net_premium == D("2315.78")
