"""Helpers for the commission tests: agency ids, rates set through the service, postings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.commissions import services as commissions
from iztim_app.core.commissions.models import CommissionEntry
from iztim_app.core.organisation.models import Office
from iztim_app.core.reports.posting import Posting
from tests.foundation.support import actor_of

D = Decimal
MANAGER = "gm.mudur"  # head office production manager: commission.manage
A1, A2, B1 = "acente.a1", "acente.a2", "acente.b1"
AGENCY_A, AGENCY_B = "A-ACENTE-A", "A-ACENTE-B"


def office_id(db: Session, code: str) -> int:
    return db.exec(select(Office.id).where(Office.code == code)).one()


def set_rate(db: Session, agency: str, line: str, rate: str, valid_from: date) -> None:
    """A rate as head office sets it, on the day it starts (a rate never starts in the past)."""
    commissions.set_rate(
        db, actor_of(db, MANAGER), office_id(db, agency), line, rate, valid_from, today=valid_from
    )


def posting(
    db: Session,
    *,
    day: date,
    net: str,
    document: str = "policy",
    number: int = 5000001,
    version: int = 1,
    seq: int | None = None,
    line: str = "konut",
    preparer: str = A1,
    channel: str | None = None,
) -> Posting:
    """What production hands to `earn` for a document of `preparer`'s policy."""
    actor = actor_of(db, preparer)
    return Posting(
        day=day,
        document=document,
        policy_number=number,
        policy_version=version,
        endorsement_seq=seq,
        line_code=line,
        channel=channel or ("agency" if actor.is_agency else "branch"),
        office_id=actor.office_id,
        office_path=actor.office_path,
        prepared_by_id=actor.user_id,
        customer_kind="individual",
        policies={"policy": 1, "endorsement": 0}.get(document, -1),
        sum_insured=D("0"),
        net_premium=D(net),
        taxes={},
        gross_premium=D(net),
    )


def entries(db: Session, number: int | None = None) -> list[tuple]:
    """(document, version, seq, base_net, rate, amount, rate_valid_from) in order written."""
    query = select(CommissionEntry).order_by(CommissionEntry.id)
    if number is not None:
        query = query.where(CommissionEntry.policy_number == number)
    return [
        (
            e.document,
            e.policy_version,
            e.endorsement_seq,
            e.base_net,
            e.rate,
            e.amount,
            e.rate_valid_from,
        )
        for e in db.exec(query).all()
    ]


def total_of(db: Session, number: int) -> Decimal:
    return db.execute(
        sa.select(
            sa.func.coalesce(
                sa.func.sum(CommissionEntry.amount),
                0,
                type_=CommissionEntry.__table__.c.amount.type,
            )
        ).where(CommissionEntry.policy_number == number)
    ).scalar_one()
