"""The customer portal in the demo: one demo policy gets a fixed access code, so README can
name a policy number and its code and a newcomer can sign in at /portal at once.

The policy is the lowest-numbered approved one in force today that still has an unpaid
installment (the demo plan makes it 5000003, as README says; tests/test_demo_portal.py keeps
the two in step). Its code was made on approval like every other; here it is replaced by
`DEMO_ACCESS_CODE`, taken from the same alphabet and of the same length as
`core/policies/access_codes.py` makes, so it reads and types like a real one. Only the demo
loader does this; a real installation never has a known code.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.installments.models import Installment
from iztim_app.core.policies import access_codes
from iztim_app.core.policies.access_codes import PolicyAccessCode
from iztim_app.core.policies.models import Policy, PolicyStatus

DEMO_ACCESS_CODE = "DENEME26"  # "deneme": a try-out; letters and digits of access_codes.ALPHABET
DEMO_PORTAL_POLICY = 5000003  # what the rule below picks in the demo plan (README names it)

assert len(DEMO_ACCESS_CODE) == access_codes.LENGTH
assert set(DEMO_ACCESS_CODE) <= set(access_codes.ALPHABET)


def portal_policy_number(db: Session) -> int | None:
    """The lowest-numbered approved policy in force today with an unpaid installment."""
    today = clock.today()
    unpaid = (
        select(Installment.policy_number).where(Installment.paid < Installment.amount).distinct()
    )
    latest = (
        select(Policy.number, sa.func.max(Policy.version).label("version"))
        .group_by(Policy.number)
        .subquery()
    )
    query = (
        select(Policy.number)
        .join(latest, sa.and_(Policy.number == latest.c.number, Policy.version == latest.c.version))
        .where(
            Policy.status == PolicyStatus.APPROVED.value,
            Policy.start_date <= today,
            Policy.end_date > today,
            Policy.number.in_(unpaid),
        )
        .order_by(Policy.number)
        .limit(1)
    )
    return db.exec(query).first()


def load_demo_portal(db: Session) -> int | None:
    """Gives the demo portal policy the fixed code; returns its number (None: no policy
    fits, or it has no code yet). Called once by demo.load, after the demo policies."""
    number = portal_policy_number(db)
    if number is None:
        return None
    row = db.exec(select(PolicyAccessCode).where(PolicyAccessCode.policy_number == number)).first()
    if row is None:
        return None
    row.code = DEMO_ACCESS_CODE
    db.add(row)
    # The code itself stays out of the audit trail, as every access code does.
    audit_log.record(
        db,
        None,
        "portal.demo_access_code",
        "policy",
        number,
        None,
        {"fixed": True},
        actor_code="demo",
    )
    db.commit()
    return number
