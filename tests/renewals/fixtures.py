"""Renewal helpers: an approved policy ending on a chosen day, a second tariff version in
force from a chosen day, the renewal quote issued as a policy, whole-book snapshots."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from iztim_app.core.quotes.services import QuoteView
from iztim_app.core.renewals import services as renewals
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import operator_actor
from tests.foundation.support import actor_of
from tests.quotes.fixtures_customers import Cust
from tests.quotes.fixtures_db import SHIPPED
from tests.quotes.fixtures_quotes import FORMS, _rows

A1, A2, B1, APPROVER = "acente.a1", "acente.a2", "acente.b1", "gm.onay"
START = date(2025, 5, 1)
END = date(2026, 5, 1)  # one year later: the window opens on 2 March 2026
OPENS = date(2026, 3, 2)
TRAFIK_RATES = (SHIPPED / "trafik/rates.csv").read_bytes()


def trafik_policy(
    db: Session,
    customer: Cust,
    *,
    code: str = A1,
    start: date = START,
    sum_insured: str = "300000",
    **changes: str,
) -> int:
    """An approved trafik policy (within acente.a1's limit) issued on its start day."""
    values = {**FORMS["trafik"], **changes}
    result = policies.issue(
        db,
        actor_of(db, code),
        PolicyInput("trafik", customer.id, sum_insured, start, None, values, 1),
        today=start,
    )
    assert result.approved, result
    return result.policy.number


def renew(
    db: Session, code: str, number: int, *, today: date, claim_free: bool = True
) -> QuoteView:
    return renewals.renew(db, actor_of(db, code), number, claim_free=claim_free, today=today)


def issue_from_quote(db: Session, code: str, quote: QuoteView, today: date) -> int:
    """The normal quote → policy flow for a renewal quote."""
    actor = actor_of(db, code)
    inp = policies.from_quote(db, actor, quote.number, today=today)
    result = policies.issue(db, actor, inp, today=today)
    return result.policy.number


def trafik_version(db: Session, fixed: str, effective_from: date, activated_on: date) -> int:
    """Tariff version 2: trafik otomobil in province group 1 at `fixed` instead of 9600.00,
    activated by IT on `activated_on` (the clock set to that day) from `effective_from`."""
    operator = operator_actor("bt.test")
    data = TRAFIK_RATES.replace(b"*,otomobil,1,0,9600.00", f"*,otomobil,1,0,{fixed}".encode())
    assert data != TRAFIK_RATES
    row = versions.upload(
        db, operator, filename="rates.csv", data=data, target_path="trafik/rates.csv"
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "today", lambda: activated_on)
        versions.activate(db, operator, row.id, effective_from)
    return row.number


def book(url: str) -> dict:
    """Every quote, policy, audit row and number sequence, committed state."""
    return {
        "quotes": _rows(url, "SELECT * FROM quote ORDER BY number"),
        "policies": _rows(url, "SELECT * FROM policy ORDER BY number, version"),
        "audit": _rows(url, "SELECT id, action, entity_id FROM audit_event ORDER BY id"),
        "sequences": _rows(url, "SELECT name, last FROM number_sequence ORDER BY name"),
    }
