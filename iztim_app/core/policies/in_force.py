"""A policy's figures in force: after its latest approved endorsement, else its own. One
place for the policy page (policies) and the endorsement arithmetic (endorsements), which
imports policies, so this lives beside the policy and not in endorsements/services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.endorsements.rules import EndorsementStatus, money_map
from iztim_app.core.policies.models import Policy


@dataclass(frozen=True)
class Figures:
    sum_insured: Decimal
    values: dict[str, Any]
    net_premium: Decimal
    taxes: dict[str, Decimal]
    gross_premium: Decimal


def approved_endorsements(db: Session, policy: Policy) -> list[Endorsement]:
    """The version's approved endorsements, oldest first, as stored now."""
    return list(
        db.exec(
            select(Endorsement)
            .where(
                Endorsement.policy_id == policy.id,
                Endorsement.status == EndorsementStatus.APPROVED.value,
            )
            .order_by(Endorsement.seq)
            .execution_options(populate_existing=True)
        ).all()
    )


def figures(policy: Policy, approved: list[Endorsement]) -> Figures:
    """The last approved endorsement's figures after it, else the version's own."""
    if not approved:
        return Figures(
            policy.sum_insured,
            dict(policy.values),
            policy.net_premium,
            money_map(policy.taxes),
            policy.gross_premium,
        )
    last = approved[-1]
    return Figures(
        last.sum_insured_after,
        dict(last.values),
        last.net_in_force_after,
        money_map(last.taxes_in_force_after),
        last.gross_in_force_after,
    )
