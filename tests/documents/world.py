"""A small world of printable documents, made through the services the app uses: an
approved quote, a policy issued with three installments (approved at once, so it has an
access code), an endorsement changing its construction class and sum insured, and a
cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.endorsements.services import EndorsementView
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyView
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.services import QuoteView
from tests.foundation.support import actor_of
from tests.policies.fixtures_policies import issue, policy_form
from tests.quotes.fixtures_customers import Cust, add_customer
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, save

AGENT, STAFF, APPROVER = "acente.a1", "sube.istanbul", "gm.onay"
JUNE_10 = date(2026, 6, 10)
SEPT_8 = date(2026, 9, 8)
# Every Turkish letter the documents must print: ç ğ ı İ ö ş ü and Ç Ğ Ö Ş Ü.
NAME = "Ayşe Işıl Öğüt-Çağlar İnce"
TCKN = "17291716060"


@dataclass(frozen=True)
class Documents:
    customer: Cust
    quote: QuoteView
    policy: PolicyView  # approved, 3 installments, as printed right after approval
    endorsement: EndorsementView  # 1/N: betonarme → çelik karkas, 400 000 → 600 000 from 10 June
    cancellation: EndorsementView  # 2/N: cancelled by the insurer from 8 September


def customer(db: Session, name: str = NAME, national_id: str = TCKN) -> Cust:
    return add_customer(
        db,
        actor_of(db, AGENT),
        kind="individual",
        national_id=national_id,
        name=name,
        group="bireysel",
    )


def approved_policy(db: Session, who: Cust) -> PolicyView:
    result = issue(db, AGENT, policy_form("konut", who, "400000", installments=3))
    assert result.policy.status == "approved"
    return policies.get_policy(db, actor_of(db, AGENT), result.policy.number)


def make_documents(db: Session) -> Documents:
    who = customer(db)
    agent = actor_of(db, AGENT)
    saved = save(db, AGENT, form("konut", who, "300000"))
    quote = quotes.get_quote(db, agent, saved.number, today=TODAY)
    assert quote.can_print, quote.status
    policy = approved_policy(db, who)
    staff = actor_of(db, STAFF)
    endorsement = endorsements.create_endorsement(
        db,
        staff,
        policy.number,
        "increase",
        JUNE_10,
        {"construction_class": "celik"},
        "600000",
        "Bedel artışı: yeni eşyalar",
    )
    assert endorsement.status == "approved"
    cancellation = endorsements.create_cancellation(
        db, staff, policy.number, SEPT_8, "sirket_feshi", "Şirket feshi"
    )
    assert cancellation.status == "approved"
    return Documents(who, quote, policy, endorsement, cancellation)
