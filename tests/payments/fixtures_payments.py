"""A world for payment tests: two customers of two agencies, each with an approved policy
and its installment plan, and helpers that walk the test bank's 3D flow at service level."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.installments.models import Installment, Payment
from iztim_app.core.payments import providers
from iztim_app.core.payments import services as payments
from iztim_app.core.payments.gateway import CardInput
from iztim_app.core.payments.models import PaymentAttempt, PaymentCallback
from iztim_app.core.payments.test_gateway import ACS_STATE_FIELD, GOOD_OTP
from iztim_app.core.portal.services import PortalCustomer
from tests.endorsements.fixtures_policies import approved_policy
from tests.foundation.support import actor_of
from tests.quotes.fixtures_customers import add_customer, tckn

OK_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"
OTHER_CARD = "5555 5555 5555 4444"
CVV = "739"
SOURCE = "203.0.113.7"
BANK_SOURCE = "198.51.100.20"


@dataclass(frozen=True)
class World:
    a: PortalCustomer
    a_policy: int  # three installments
    b: PortalCustomer
    b_policy: int  # two installments


def world(db: Session) -> World:
    a1, b1 = actor_of(db, "acente.a1"), actor_of(db, "acente.b1")
    a = add_customer(
        db, a1, kind="individual", national_id="17291716060", name="Ayşe Şahin", group="bireysel"
    )
    b = add_customer(
        db,
        b1,
        kind="individual",
        national_id=tckn("123456789"),
        name="Can Yıldız",
        group="bireysel",
    )
    a_policy = approved_policy(db, "acente.a1", a.id, installment_count=3)
    b_policy = approved_policy(db, "acente.b1", b.id, installment_count=2)
    return World(
        PortalCustomer(a.id, a.number, "Ayşe Şahin"),
        a_policy.number,
        PortalCustomer(b.id, b.number, "Can Yıldız"),
        b_policy.number,
    )


def card(number: str = OK_CARD, cvv: str = CVV) -> CardInput:
    year = clock.today().year + 3
    return CardInput(number, "AYSE SAHIN", "08", str(year), cvv)


def start(
    db: Session, portal: PortalCustomer, number: int, seqs, number_card: str = OK_CARD
) -> payments.StartedPayment:  # noqa: ANN001
    return payments.start_payment(db, portal, number, seqs, card(number_card), source=SOURCE)


def bank_answer(db: Session, started: payments.StartedPayment, otp: str = GOOD_OTP) -> dict:
    """What the test bank's ACS page posts back after the code was typed."""
    gateway = providers.gateway(db, providers.TEST)
    return gateway.acs_submit(started.three_d.form_fields[ACS_STATE_FIELD], otp)


def complete(db: Session, fields: dict) -> payments.PaymentOutcome:
    return payments.complete_payment(db, fields, source=BANK_SOURCE)


def paid(db: Session, number: int) -> list:
    db.expire_all()
    rows = db.exec(
        select(Installment).where(Installment.policy_number == number).order_by(Installment.seq)
    ).all()
    return [(r.seq, r.amount, r.paid) for r in rows]


def payments_of(db: Session, number: int) -> list:
    db.expire_all()
    rows = db.exec(
        select(Payment).where(Payment.policy_number == number).order_by(Payment.id)
    ).all()
    return [
        (r.amount, r.method, r.reference, r.recorded_by_code, r.card_last4, r.provider_txn_id)
        for r in rows
    ]


def attempt(db: Session, order_id: str) -> PaymentAttempt:
    db.expire_all()
    return db.exec(select(PaymentAttempt).where(PaymentAttempt.order_id == order_id)).one()


def callbacks(db: Session) -> list:
    db.expire_all()
    rows = db.exec(select(PaymentCallback).order_by(PaymentCallback.id)).all()
    return [(r.order_id, r.outcome, r.reason_code, r.nonce is not None) for r in rows]
