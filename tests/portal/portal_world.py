"""A small portal world made through the app's services (on the tests' business day):

    customer A (Ayşe Işıl …)  policy `cancelled`: 3 installments, endorsement 1/N (increase)
                              and the cancellation 2/N, all approved
                              policy `open`: approved, 3 unpaid installments
    customer B (Can Yıldız)   policy `other`: approved, 3 unpaid installments

Each policy has its access code (made at approval)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from iztim_app.core.policies.access_codes import PolicyAccessCode
from iztim_app.core.policies.services import PolicyView
from tests.documents.world import Documents, approved_policy, customer, make_documents
from tests.quotes.fixtures_customers import Cust, tckn

B_NAME = "Can Yıldız"
SOURCE = "203.0.113.9"


@dataclass(frozen=True)
class PortalWorld:
    docs: Documents
    a: Cust
    b: Cust
    cancelled: PolicyView
    open: PolicyView
    other: PolicyView
    codes: dict[int, str]  # policy number → access code


def access_code(db: Session, number: int) -> str:
    return db.exec(
        select(PolicyAccessCode.code).where(PolicyAccessCode.policy_number == number)
    ).one()


def make_world(db: Session) -> PortalWorld:
    docs = make_documents(db)
    opened = approved_policy(db, docs.customer)
    b = customer(db, B_NAME, tckn("123456789"))
    other = approved_policy(db, b)
    numbers = (docs.policy.number, opened.number, other.number)
    return PortalWorld(
        docs,
        docs.customer,
        b,
        docs.policy,
        opened,
        other,
        {n: access_code(db, n) for n in numbers},
    )
