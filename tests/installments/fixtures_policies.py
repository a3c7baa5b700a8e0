"""Policy rows for installment tests, written straight into the policy table (the shape
policies.services.issue saves), approved, with their plan made by `create_plan` in the same
transaction as an approval would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.customers.models import Customer
from iztim_app.core.installments import services as installments
from iztim_app.core.installments.models import Installment
from iztim_app.core.numbering import next_number
from iztim_app.core.policies.models import Policy
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import Actor
from tests.quotes.fixtures_customers import Cust, add_customer, tckn

FIRST_POLICY_NUMBER = 5000001


def add_policy(
    db: Session,
    owner: Actor,
    customer: Cust,
    gross: str,
    count: int,
    start: date,
    *,
    line: str = "konut",
    plan: bool = True,
) -> Policy:
    """An approved policy of `owner` (its office and scope), committed with its plan."""
    version = versions.version_in_force(db, start)
    assert version is not None
    gross_premium = Decimal(gross)
    policy = Policy(
        number=next_number(db, "policy", start=FIRST_POLICY_NUMBER),
        version=1,
        status="approved",
        issue_date=start,
        line_code=line,
        customer_id=customer.id,
        customer_group=customer.group,
        customer_kind=customer.kind,
        sum_insured=Decimal("500000.00"),
        start_date=start,
        end_date=date(start.year + 1, start.month, min(start.day, 28)),
        values={},
        tariff_version_id=version.id,
        net_premium=gross_premium,
        taxes={},
        gross_premium=gross_premium,
        worksheet=[],
        installment_count=count,
        channel="agency" if owner.is_agency else "head_office",
        prepared_by_id=owner.user_id,
        prepared_by_code=owner.code,
        office_id=owner.office_id,
        office_path=owner.office_path,
        created_at=clock.utcnow(),
        approved_by_code=owner.code,
        approved_at=clock.utcnow(),
    )
    db.add(policy)
    db.flush()
    if plan:
        installments.create_plan(db, policy)
    db.commit()
    return policy


def plan_rows(db: Session, number: int) -> list[tuple[int, date, Decimal, Decimal]]:
    """(seq, due date, amount, paid) as stored."""
    db.expire_all()
    rows = db.exec(
        select(Installment).where(Installment.policy_number == number).order_by(Installment.seq)
    ).all()
    return [(i.seq, i.due_date, i.amount, i.paid) for i in rows]


def person(db: Session, owner: Actor, nine: str = "172917160", name: str = "Ayşe Şahin") -> Cust:
    return add_customer(
        db, owner, kind="individual", national_id=tckn(nine), name=name, group="bireysel"
    )


# ---------------------------------------------------------------- both engines


@dataclass(frozen=True)
class PlanWorld:
    """A policy with every kind of installment record, for the service matrix."""

    policy_number: int
    open_installment_id: int  # 250.00 due, nothing paid
    refund_due_id: int  # 100.00 owed back, not paid out


def add_plan_world(db: Session, owner: Actor, customer_id: int, start: date) -> PlanWorld:
    """`owner`'s 1 000.00 home policy in 2 from `start`: installment 1 paid (500.00), a
    decrease of 600.00 (installment 2 down to 0.00, 100.00 owed back), then an increase of
    250.00 with nothing open (installment 3, due on `start`)."""
    row = db.get(Customer, customer_id)
    customer = Cust(row.id, row.number, row.name, row.kind, row.national_id, row.customer_group)
    policy = add_policy(db, owner, customer, "1000.00", 2, start)
    first = db.exec(
        select(Installment).where(Installment.policy_number == policy.number, Installment.seq == 1)
    ).one()
    installments.record_payment(db, owner, first.id, "500,00", "cash")
    owed = installments.apply_premium_change(db, policy.number, start, Decimal("-600.00"), None)
    added = installments.apply_premium_change(db, policy.number, start, Decimal("250.00"), None)
    db.commit()
    third = db.exec(
        select(Installment).where(
            Installment.policy_number == policy.number, Installment.seq == added.added_seq
        )
    ).one()
    return PlanWorld(policy.number, third.id, owed.refund_due_id)
