"""Documents in every state, made through the services (as the screens make them).

acente.a1 (agency A) prepares everything for its customer Ayşe Şahin (musteri@example.com);
İstanbul Şube (sube.istanbul, limit 2 500 000) endorses; gm.onay decides.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from pypdf import PdfReader
from sqlmodel import Session

from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import services as quotes
from tests.foundation.support import actor_of
from tests.policies.fixtures_policies import issue, policy_form
from tests.quotes.fixtures_customers import Cust, add_customer
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, save

A1, B1, STAFF, GM = "acente.a1", "acente.b1", "sube.istanbul", "gm.onay"
CUSTOMER = "Ayşe Şahin"
EMAIL = "musteri@example.com"
JUNE_10 = date(2026, 6, 10)
SEPT_8 = date(2026, 9, 8)
LATER = TODAY + timedelta(days=60)  # konut quotes are valid 30 days: expired by then


@dataclass(frozen=True)
class Docs:
    customer: Cust
    quote: quotes.QuoteView  # approved (within acente.a1's limit)
    quote_awaiting: int
    quote_rejected: int
    policy: policies.PolicyView  # approved
    policy_awaiting: int
    policy_rejected: int
    policy_draft: int  # approved, then un-approved: its current version is a draft
    endorsed: int  # an approved policy with endorsements 1 (approved), 2 (rejected), 3 (awaiting)
    endorsement: endorsements.EndorsementView  # 1/endorsed, approved
    cancelled: int  # a policy cancelled by its approved cancellation endorsement 1/cancelled
    cancellation: endorsements.EndorsementView


def make_docs(db: Session) -> Docs:
    a1, staff, gm = actor_of(db, A1), actor_of(db, STAFF), actor_of(db, GM)
    ayse = add_customer(
        db, a1, kind="individual", national_id="17291716060", name=CUSTOMER, group="bireysel"
    )
    quote = save(db, A1, form("konut", ayse, "400000"))
    quote_awaiting = save(db, A1, form("konut", ayse, "900000"))
    quote_rejected = save(db, A1, form("konut", ayse, "950000"))
    quotes.reject(db, gm, quote_rejected.number, "Risk uygun değil", today=TODAY)
    assert (quote.status, quote_awaiting.status) == ("approved", "awaiting_approval")

    policy = issue(db, A1, policy_form("konut", ayse, "400000", installments=2)).policy
    awaiting = issue(db, A1, policy_form("konut", ayse, "900000")).policy.number
    rejected = issue(db, A1, policy_form("konut", ayse, "950000")).policy.number
    policies.reject(db, gm, rejected, "Eksik bilgi")
    draft = issue(db, A1, policy_form("konut", ayse, "350000")).policy.number
    policies.unapprove(db, gm, draft, "Düzeltme")
    assert policy.status == "approved"

    endorsed = issue(db, A1, policy_form("konut", ayse, "450000")).policy.number
    first = endorsements.create_endorsement(
        db, staff, endorsed, "increase", JUNE_10, {}, "700000", "Bedel artışı"
    )
    second = endorsements.create_endorsement(
        db, staff, endorsed, "increase", JUNE_10, {}, "3000000", "Büyük artış"
    )
    endorsements.reject_endorsement(db, gm, endorsed, second.seq, "Limit aşımı")
    third = endorsements.create_endorsement(
        db, staff, endorsed, "increase", SEPT_8, {}, "3000000", "Yine artış"
    )
    assert (first.status, second.status, third.status) == (
        "approved",
        "awaiting_approval",
        "awaiting_approval",
    )

    cancelled = issue(db, A1, policy_form("konut", ayse, "480000")).policy.number
    cancellation = endorsements.create_cancellation(
        db, staff, cancelled, SEPT_8, "sirket_feshi", "Şirket feshi"
    )
    assert cancellation.status == "approved"
    return Docs(
        customer=ayse,
        quote=quote,
        quote_awaiting=quote_awaiting.number,
        quote_rejected=quote_rejected.number,
        policy=policies.get_policy(db, a1, policy.number),
        policy_awaiting=awaiting,
        policy_rejected=rejected,
        policy_draft=draft,
        endorsed=endorsed,
        endorsement=first,
        cancelled=cancelled,
        cancellation=cancellation,
    )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
