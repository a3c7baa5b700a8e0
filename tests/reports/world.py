"""Generated production for the report tests, made through the real services with the clock
moved to each approval day: dozens of policies across the six lines, four agencies' and
branches' users, six months; endorsements up and down, cancellations, an un-approval and
re-approval, and one approval late in the evening (UTC) that counts on the next Turkish day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from tests.foundation.support import actor_of
from tests.quotes.fixtures_customers import Cust, add_customer, tckn, vkn_of
from tests.quotes.fixtures_quotes import FORMS

A1, A2, B1, C1 = "acente.a1", "acente.a2", "acente.b1", "acente.c1"
IST, ANK, GM = "sube.istanbul", "sube.ankara", "gm.onay"
PREPARERS = (A1, A2, B1, C1, IST, ANK, GM)
LINES = ("konut", "kasko", "trafik", "isyeri", "ferdi_kaza", "nakliyat")
SUMS = {
    "konut": ("400000", "250000", "480000"),
    "kasko": ("350000", "200000", "450000"),
    "trafik": ("100000", "100000", "100000"),
    "isyeri": ("300000", "150000", "420000"),
    "ferdi_kaza": ("100000", "50000", "200000"),
    "nakliyat": ("200000", "120000", "300000"),
}
# Who may endorse a preparer's policies (insurer staff whose scope holds them).
ENDORSER = {A1: IST, A2: IST, IST: IST, B1: ANK, ANK: ANK, C1: GM, GM: GM}
FIRST_DAY = date(2026, 1, 5)


def at(day: date, hour: int = 9) -> datetime:
    """09:00 UTC is noon in Türkiye: safely that Turkish day."""
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


@dataclass
class World:
    db: Session
    customers: dict[str, list[Cust]] = field(default_factory=dict)
    policies: list[int] = field(default_factory=list)
    endorsed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    reapproved: int = 0
    late_policy: int = 0  # approved 22:30 UTC on 2026-03-31 = 01:30 on 1 April in Türkiye


class Clock:
    """Moves the services' clock (monkeypatch restores it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mp = monkeypatch
        self.now = at(FIRST_DAY)
        monkeypatch.setattr(clock, "utcnow", lambda: self.now)
        monkeypatch.setattr(clock, "today", lambda: self.now.astimezone(clock.TURKEY).date())

    def set(self, when: datetime) -> date:
        self.now = when
        return when.astimezone(clock.TURKEY).date()


def _customers(db: Session) -> dict[str, list[Cust]]:
    out: dict[str, list[Cust]] = {}
    for i, code in enumerate(PREPARERS):
        owner = actor_of(db, code)
        out[code] = [
            add_customer(
                db,
                owner,
                kind="individual",
                national_id=tckn(f"3{i}1234567"),
                name=f"Kişi {code}",
                group="bireysel",
            ),
            add_customer(
                db,
                owner,
                kind="corporate",
                national_id=vkn_of(f"5{i}1234567"),
                name=f"Şirket {code} A.Ş.",
                group="kobi",
            ),
        ]
    return out


def _issue(world: World, code: str, line: str, si: str, day: date, customer: Cust) -> int:
    inp = PolicyInput(line, customer.id, si, day, None, dict(FORMS[line]))
    result = policies.issue(world.db, actor_of(world.db, code), inp, today=day)
    assert result.approved, (code, line, si)
    return result.policy.number


def _endorse(db: Session, code: str, number: int, kind: str, effective: date, si: str):  # noqa: ANN202
    """The endorsement of the new sum insured, of the kind its premium change makes (a line
    whose premium does not follow the sum insured makes an information change)."""
    try:
        return endorsements.create_endorsement(
            db, actor_of(db, code), number, kind, effective, {}, si, "Bedel değişikliği"
        )
    except ValidationFailed as wrong:
        if wrong.code != "endorsement.kind_mismatch":
            raise
        expected = wrong.params["expected"]
    return endorsements.create_endorsement(
        db, actor_of(db, code), number, expected, effective, {}, si, "Bedel değişikliği"
    )


def build(db: Session, monkeypatch: pytest.MonkeyPatch) -> World:
    """About 50 policies over January–June 2026 and what followed them."""
    moving = Clock(monkeypatch)
    world = World(db, _customers(db))
    n = 0
    for month in range(1, 7):
        for k, code in enumerate(PREPARERS):
            day = moving.set(at(date(2026, month, 3 + (k * 3 + month) % 24)))
            line = LINES[(n + month) % len(LINES)]
            si = SUMS[line][n % 3]
            customer = world.customers[code][n % 2]
            world.policies.append(_issue(world, code, line, si, day, customer))
            n += 1
    # endorsements up and down, some weeks later
    for i, number in enumerate(world.policies[:24:2]):
        view = policies.get_policy(db, actor_of(db, GM), number)
        code = view.prepared_by
        moving.set(at(view.start_date + timedelta(days=20 + i)))
        bigger = str(view.sum_insured + (50000 if i % 3 else -40000))
        kind = "increase" if i % 3 else "decrease"
        if view.line_code == "trafik":
            continue  # one sum insured for all: no value change
        e = _endorse(db, ENDORSER[code], number, kind, view.start_date + timedelta(days=10), bigger)
        assert e.status == "approved", e
        world.endorsed.append(number)
    # a second endorsement on two of them
    for number in world.endorsed[:2]:
        view = policies.get_policy(db, actor_of(db, GM), number)
        moving.set(at(view.start_date + timedelta(days=70)))
        _endorse(
            db,
            ENDORSER[view.prepared_by],
            number,
            "increase",
            view.start_date + timedelta(days=40),
            str(view.sum_insured_in_force + 30000),
        )
    # cancellations: some endorsed first, some not; two methods
    for i, number in enumerate([*world.endorsed[:3], *world.policies[25:31:2]]):
        view = policies.get_policy(db, actor_of(db, GM), number)
        moving.set(at(view.start_date + timedelta(days=100 + i)))
        reason = "sirket_feshi" if i % 2 else "sigortali_talebi"
        c = endorsements.create_cancellation(
            db,
            actor_of(db, ENDORSER[view.prepared_by]),
            number,
            view.start_date + timedelta(days=90),
            reason,
            "Fesih",
        )
        assert c.status == "approved", c
        world.cancelled.append(number)
    # an un-approval (head office) on another day, then edited and approved again later
    number = world.policies[33]
    view = policies.get_policy(db, actor_of(db, GM), number)
    moving.set(at(view.issue_date + timedelta(days=3)))
    policies.unapprove(db, actor_of(db, GM), number, "Düzeltme")
    moving.set(at(view.issue_date + timedelta(days=5)))
    inp = PolicyInput(
        view.line_code,
        view.customer_id,
        str(view.sum_insured + 10000) if view.line_code != "trafik" else str(view.sum_insured),
        view.start_date,
        None,
        {k: str(v) for k, v in view.values.items()},
    )
    policies.update_draft(db, actor_of(db, GM), number, inp, today=view.start_date)
    assert policies.submit_draft(db, actor_of(db, GM), number).approved
    world.reapproved = number
    # late in the evening UTC: the next Turkish day (and the next month)
    day = moving.set(at(date(2026, 3, 31), hour=22) + timedelta(minutes=30))
    assert day == date(2026, 4, 1)
    world.late_policy = _issue(world, A1, "konut", "300000", day, world.customers[A1][0])
    world.policies.append(world.late_policy)
    return world
