"""Commission earned by one production posting, recorded in the approving transaction.

The rule (DESIGN §1): the rate in force for (agency, line) on the day the POLICY was first
approved applies to the policy and to every endorsement and cancellation of it, so a refund
takes commission back at the rate it was earned. That rate is kept on the policy's first
entry (its anchor): later documents read it there with one indexed lookup instead of looking
the rate table up again. A policy that earned nothing when first approved (no agency, no
rate) earns nothing on its later documents either. A reversal (un-approval) takes back
exactly what that version's documents earned; the re-approved version earns again at the
anchor's rate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.commissions.models import CommissionEntry, CommissionRate
from iztim_app.core.db import money_sum
from iztim_app.core.money import EXACT, ZERO, round2
from iztim_app.core.reports.posting import LOOK_UP_RATE, Posting

AGENCY = "agency"
REVERSAL = "reversal"
POLICY = "policy"
HUNDRED = Decimal(100)


def commission_of(net: Decimal, rate: Decimal) -> Decimal:
    """round2(net × rate / 100), signed like net (ROUND_HALF_UP rounds half away from 0)."""
    return round2(EXACT.divide(EXACT.multiply(net, rate), HUNDRED))


def rate_in_force(db: Session, office_id: int, line_code: str, day: date) -> CommissionRate | None:
    """The agency's rate for the line on `day` (the latest row starting on or before it)."""
    return db.execute(
        sa.select(CommissionRate)
        .where(
            CommissionRate.office_id == office_id,
            CommissionRate.line_code == line_code,
            CommissionRate.valid_from <= day,
        )
        .order_by(CommissionRate.valid_from.desc())
        .limit(1)
    ).scalar_one_or_none()


_RATES = CommissionRate.__table__


def rate_lookup(office_id: Any, line_code: Any, day: Any) -> sa.Select:
    """`rate_in_force`'s lookup for a posting, the two columns it needs, for any SQL
    expressions of the agency, line and day: bound parameters here, a quote's line where
    issuing reads the rate with the quote (`rate_columns`)."""
    return (
        sa.select(_RATES.c.rate, _RATES.c.valid_from)
        .where(
            _RATES.c.office_id == office_id,
            _RATES.c.line_code == line_code,
            _RATES.c.valid_from <= day,
        )
        .order_by(_RATES.c.valid_from.desc())
        .limit(1)
    )


_RATE_ON = rate_lookup(sa.bindparam("office_id"), sa.bindparam("line_code"), sa.bindparam("day"))


def rate_columns(office_id: Any, line_code: Any, day: Any) -> list[sa.Label]:
    """The lookup as two scalar subqueries (`rate`, `rate_valid_from`) to add to another
    statement's columns: no second round trip (SQLite has no LATERAL join)."""
    lookup = rate_lookup(office_id, line_code, day)
    return [
        lookup.with_only_columns(_RATES.c.rate).scalar_subquery().label("rate"),
        lookup.with_only_columns(_RATES.c.valid_from).scalar_subquery().label("rate_valid_from"),
    ]


def rate_of(row: Any) -> Any:
    """The rate `rate_columns` read into `row` (None: no rate in force), for `entry_row`;
    a row without those columns read none (`LOOK_UP_RATE`)."""
    if "rate" not in row._fields:
        return LOOK_UP_RATE
    if row.rate is None:
        return None
    return row.rate, row.rate_valid_from


def _rate_on(db: Session, office_id: int, line_code: str, day: date) -> tuple[Decimal, date] | None:
    params = {"office_id": office_id, "line_code": line_code, "day": day}
    row = db.connection().execute(_RATE_ON, params).first()
    return (row[0], row[1]) if row is not None else None


def _anchor(db: Session, policy_number: int) -> tuple[Decimal, date] | None:
    """The rate (and its start) of the policy's first entry, if it earned any."""
    row = db.execute(
        sa.select(CommissionEntry.rate, CommissionEntry.rate_valid_from)
        .where(CommissionEntry.policy_number == policy_number)
        .order_by(CommissionEntry.id)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else None


def _earned_by_version(db: Session, policy_number: int, version: int) -> Decimal:
    """What the version's documents earned and was not yet taken back."""
    return db.execute(
        sa.select(money_sum(CommissionEntry.amount)).where(
            CommissionEntry.policy_number == policy_number,
            CommissionEntry.policy_version == version,
        )
    ).scalar_one()


def earn(db: Session, posting: Posting) -> Decimal:
    """Records the agency's commission on the posting and returns it (signed like its net);
    no agency, or no rate when the policy was first approved: nothing recorded, 0 returned."""
    amount, row = entry_row(db, posting)
    if row is not None:
        db.add(CommissionEntry(**row))
    return amount


def entry_row(
    db: Session, posting: Posting, rate: tuple[Decimal, date] | None = LOOK_UP_RATE
) -> tuple[Decimal, dict[str, Any] | None]:
    """The commission on the posting and the entry's column values (None: nothing earned),
    without storing it: issuing inserts the row itself once the policy number is drawn.
    `rate`: the rate in force for the posting's agency, line and day, already read by the
    caller (`rate_columns`; None: none in force), used only where the table is looked up."""
    if posting.channel != AGENCY:
        return ZERO, None
    first = posting.document == POLICY and posting.policy_version == 1
    # Version 1 approved is the policy's first document: no entry (anchor) can exist yet.
    anchor = None if first else _anchor(db, posting.policy_number)
    if anchor is None:
        # Only the policy's first approval (version 1: later versions come from
        # un-approval) looks the rate table up; every later document follows it.
        if not first:
            return ZERO, None
        found = (
            _rate_on(db, posting.office_id, posting.line_code, posting.day)
            if rate is LOOK_UP_RATE
            else rate
        )
        if found is None:
            return ZERO, None
        rate, valid_from = found
    else:
        rate, valid_from = anchor
    if posting.document == REVERSAL:
        amount = -_earned_by_version(db, posting.policy_number, posting.policy_version)
    else:
        amount = commission_of(posting.net_premium, rate)
    return amount, {
        "day": posting.day,
        "office_id": posting.office_id,
        "office_path": posting.office_path,
        "prepared_by_id": posting.prepared_by_id,
        "policy_number": posting.policy_number,
        "policy_version": posting.policy_version,
        "endorsement_seq": posting.endorsement_seq,
        "document": posting.document,
        "line_code": posting.line_code,
        "base_net": posting.net_premium,
        "rate": rate,
        "amount": amount,
        "rate_valid_from": valid_from,
        "created_at": clock.utcnow(),
    }
