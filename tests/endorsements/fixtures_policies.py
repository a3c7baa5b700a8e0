"""Approved policies for endorsement tests, written the way the policy service saves them
(the next company-wide policy number, priced on the tariff in force, the installment plan
created on approval), so these tests do not depend on the policy screens' flow."""

from __future__ import annotations

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
from iztim_app.core.tariffs.rating import price
from tests.foundation.support import actor_of
from tests.quotes.fixtures_quotes import FORMS

START = date(2026, 3, 2)  # 365-day term: 2026-03-02 12:00 – 2027-03-02 12:00
END = date(2027, 3, 2)


def approved_policy(
    db: Session,
    preparer: str,
    customer_id: int,
    line: str = "konut",
    sum_insured: str = "800000",
    *,
    start: date = START,
    installment_count: int = 1,
    values: dict[str, str] | None = None,
) -> Policy:
    actor = actor_of(db, preparer)
    customer = db.get(Customer, customer_id)
    version, tariff = versions.tariff_in_force(db, start)
    values = dict(FORMS[line] if values is None else values)
    result = price(tariff, line, customer.customer_group, sum_insured, start, None, values)
    now = clock.utcnow()
    policy = Policy(
        number=next_number(db, "policy", 5000001),
        version=1,
        status="approved",
        issue_date=start,
        line_code=line,
        customer_id=customer.id,
        customer_group=customer.customer_group,
        customer_kind=customer.kind,
        sum_insured=Decimal(sum_insured),
        start_date=start,
        end_date=result.end,
        values=values,
        tariff_version_id=version.id,
        net_premium=result.net_premium,
        taxes={code: str(amount) for code, amount in result.taxes.items()},
        gross_premium=result.gross_premium,
        worksheet=[step.to_json_dict() for step in result.worksheet],
        installment_count=installment_count,
        channel="agency" if actor.is_agency else "branch",
        prepared_by_id=actor.user_id,
        prepared_by_code=actor.code,
        office_id=actor.office_id,
        office_path=actor.office_path,
        created_at=now,
        approved_by_code=actor.code,
        approved_at=now,
    )
    db.add(policy)
    db.flush()
    installments.create_plan(db, policy)
    db.commit()
    return policy


def plan_amounts(db: Session, number: int) -> list[Decimal]:
    rows = db.exec(
        select(Installment).where(Installment.policy_number == number).order_by(Installment.seq)
    ).all()
    return [r.amount for r in rows]
