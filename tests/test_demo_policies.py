"""Demo policies: `iztim demo load` after `iztim tariffs init` issues a year of policies from
demo quotes and directly, through the services, with approvals, endorsements, cancellations,
payments, refunds and renewals due — the same counts whatever the day, and only once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, select

from iztim_app import demo
from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.installments import services as installments
from iztim_app.core.installments.models import Installment, Payment, RefundDue
from iztim_app.core.money import ZERO
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.models import Policy
from iztim_app.core.quotes.models import Quote
from iztim_app.core.renewals import services as renewals
from iztim_app.demo import policies as demo_policies
from iztim_app.demo.policies import load_demo_policies
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.support import actor_of, use_settings
from tests.quotes.fixtures_db import SHIPPED

STAFF = {"sube.istanbul", "sube.ankara", "gm.onay"}


@pytest.fixture(scope="module")
def demo_book(
    tmp_path_factory: pytest.TempPathFactory, demo_installation_template: Path
) -> Iterator[str]:
    """A fresh copy of the session's database after `iztim tariffs init` and `iztim demo load`
    (speed: bench/)."""
    target = tmp_path_factory.mktemp("demo_policies") / "demo.db"
    copy_sqlite(demo_installation_template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        yield url
        get_engine(url).dispose()
        get_engine.cache_clear()


@pytest.fixture
def db(demo_book: str) -> Iterator[Session]:
    with session_scope(demo_book) as session:
        yield session


def _policies(db: Session) -> list[Policy]:
    return list(db.exec(select(Policy).order_by(Policy.number, Policy.version)).all())


def test_the_plan_gives_exact_counts_per_status(db: Session):
    rows = _policies(db)
    assert demo_policies.POLICY_COUNT == len(rows) == 120
    assert {p.version for p in rows} == {1}  # nothing un-approved: one version each
    assert Counter(p.status for p in rows) == {
        "approved": 105,
        "cancelled": 8,
        "awaiting_approval": 4,
        "rejected": 3,
    }
    gm = actor_of(db, "gm.onay")
    assert policies.approval_queue(db, gm).total == 4
    over = [p for p in rows if p.approved_by_code == "gm.onay" and p.prepared_by_code != "gm.onay"]
    assert len(over) == 12  # over the preparer's limit, approved by the head office
    for p in rows:
        if p.approved_by_code and p.approved_by_code != "gm.onay":
            assert p.approved_by_code == p.prepared_by_code  # within the preparer's limit
        if p.status == "rejected":
            assert p.rejected_by_code == "gm.onay" and p.rejection_reason


def test_numbers_are_contiguous_from_5000001_and_follow_the_calendar(db: Session):
    rows = _policies(db)
    assert [p.number for p in rows] == list(range(5000001, 5000121))
    assert [p.issue_date for p in rows] == sorted(p.issue_date for p in rows)
    today = clock.today()
    assert today - timedelta(days=365) <= rows[0].issue_date <= today - timedelta(days=300)
    assert rows[-1].issue_date <= today
    assert {p.line_code for p in rows} == {
        "kasko",
        "trafik",
        "konut",
        "isyeri",
        "ferdi_kaza",
        "nakliyat",
    }
    assert {p.channel for p in rows} == {"head_office", "branch", "agency"}
    assert {p.office_id for p in rows} >= {
        actor_of(db, code).office_id for code in ("acente.a1", "acente.b1", "acente.c1")
    }


def test_policies_from_quotes_were_valid_quotes_on_the_day(db: Session):
    converted = [p for p in _policies(db) if p.quote_id is not None]
    assert len(converted) >= 30
    for p in converted:
        q = db.get(Quote, p.quote_id)
        assert q.policy_number == p.number and q.status == "approved"
        assert q.quote_date <= p.issue_date <= q.valid_until
        assert (q.line_code, q.customer_id, q.sum_insured) == (
            p.line_code,
            p.customer_id,
            p.sum_insured,
        )
        assert q.tariff_version_id == p.tariff_version_id


def test_endorsements_and_cancellations_by_staff(db: Session):
    rows = db.exec(select(Endorsement)).all()
    assert Counter(e.kind for e in rows) == {
        "increase": 6,
        "decrease": 4,
        "information": 5,
        "cancellation": 8,
    }
    assert {e.status for e in rows} == {"approved"}
    assert {e.prepared_by_code for e in rows} <= STAFF  # never agencies
    cancelled = {p.number: p for p in _policies(db) if p.status == "cancelled"}
    cancellations = {e.policy_number: e for e in rows if e.kind == "cancellation"}
    assert cancellations.keys() == cancelled.keys()
    for number, e in cancellations.items():
        assert cancelled[number].cancelled_from == e.effective_date <= clock.today()
        assert e.refund is not None and e.refund >= ZERO
    # one policy was increased first, then cancelled
    increased = {e.policy_number for e in rows if e.kind == "increase"}
    assert len(increased & cancelled.keys()) == 1


def test_every_plan_sums_to_the_gross_in_force(db: Session):
    for p in _policies(db):
        plan = db.exec(select(Installment).where(Installment.policy_number == p.number)).all()
        if p.status in ("awaiting_approval", "rejected"):
            assert plan == []
            continue
        owed = sum(
            db.exec(select(RefundDue.amount).where(RefundDue.policy_number == p.number)).all(),
            ZERO,
        )
        in_force = endorsements.figures_in_force(db, p.number).gross_premium
        assert sum((i.amount for i in plan), ZERO) - owed == in_force, p.number
        assert len(plan) >= p.installment_count


def test_installments_are_partly_paid_by_staff(db: Session):
    plan = db.exec(select(Installment)).all()
    assert sum(i.paid == i.amount for i in plan) > 100  # paid
    assert sum(ZERO < i.paid < i.amount for i in plan) > 0  # partly paid
    today = clock.today()
    assert any(i.paid == 0 and i.due_date < today for i in plan)  # overdue
    assert any(i.paid == 0 and i.due_date > today for i in plan)  # still to come
    payments = db.exec(select(Payment)).all()
    assert {p.method for p in payments} == {"cash", "transfer"}
    assert {p.recorded_by_code for p in payments} <= STAFF
    paid = {i.id: i.paid for i in plan}
    by_installment: Counter[int] = Counter()
    for p in payments:
        by_installment[p.installment_id] += p.amount
    assert {k: v for k, v in paid.items() if v} == dict(by_installment)
    # and the screen shows it
    gm = actor_of(db, "gm.onay")
    view = installments.plan_of(db, gm, payments[0].policy_number)
    assert view.paid > ZERO and view.total == sum(r.amount for r in view.installments)


def test_refunds_are_owed_and_one_was_paid_out(db: Session):
    refunds = db.exec(select(RefundDue).order_by(RefundDue.id)).all()
    paid_out = [r for r in refunds if r.paid_out_at is not None]
    assert len(paid_out) == 1 and paid_out[0].id == refunds[0].id
    assert paid_out[0].paid_out == paid_out[0].amount and paid_out[0].paid_out_by_code in STAFF
    gm = actor_of(db, "gm.onay")
    assert installments.open_refunds(db, gm).total == len(refunds) - 1 > 0
    assert all(r.amount > ZERO for r in refunds)


def test_renewals_are_due_in_the_next_60_days(db: Session):
    today = clock.today()
    gm = actor_of(db, "gm.onay")
    page = renewals.renewals_list(db, gm, today, today + timedelta(days=60), size=50)
    assert page.total == demo_policies.RENEWALS_DUE == 10
    assert Counter(r.state for r in page.rows) == {"not_offered": 8, "quote_given": 2}
    assert all(r.can_renew for r in page.rows if r.state == "not_offered")
    quotes = db.exec(select(Quote).where(Quote.renews_policy_number.is_not(None))).all()
    assert len(quotes) == 2
    for q in quotes:
        renewed = db.exec(select(Policy).where(Policy.number == q.renews_policy_number)).one()
        assert q.start_date == renewed.end_date and q.quote_date == today
        assert q.prepared_by_code == renewed.prepared_by_code


def _counts(db: Session) -> tuple[int, ...]:
    return tuple(
        len(db.exec(select(model.id)).all())
        for model in (Policy, Installment, Payment, RefundDue, Endorsement, Quote, AuditEvent)
    )


def test_loading_again_adds_nothing(db: Session):
    before = _counts(db)
    assert demo.load(db) is False
    assert load_demo_policies(db) == 0
    assert _counts(db) == before


def test_a_policy_journey_reads_on_the_policy_page(db: Session):
    """The README's journey: an over-limit policy approved by gm.onay, endorsed, paid."""
    gm = actor_of(db, "gm.onay")
    endorsed = {e.policy_number for e in db.exec(select(Endorsement)).all()}
    number = next(
        p.number
        for p in _policies(db)
        if p.approved_by_code == "gm.onay"
        and p.prepared_by_code.startswith("acente.")
        and p.number in endorsed
    )
    view = policies.get_policy(db, gm, number)
    assert view.approved_by == "gm.onay" and view.prepared_by.startswith("acente.")
    assert view.sum_insured > Decimal("500000")  # over the agency user's limit
    assert endorsements.list_endorsements(db, gm, number)
