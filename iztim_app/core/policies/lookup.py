"""Finding a policy for the services that hang on it (endorsements, installments, renewals):
its current version, if the actor may see it. Out of scope looks exactly like unknown."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.errors import NotFound, PermissionDenied
from iztim_app.core.numbering import parse_number
from iztim_app.core.policies import rules
from iztim_app.core.policies.models import Policy
from iztim_app.core.users.actor import Actor


def visible(actor: Actor) -> sa.ColumnElement[bool]:
    """SQL condition: policy rows the actor may see."""
    return actor.visible(Policy.prepared_by_id, Policy.office_id, Policy.office_path)


def require_head_office(actor: Actor, permission: str) -> None:
    """Deciding on policies and their endorsements, and un-approving policies: head-office
    users with the permission only, never agencies."""
    actor.require(permission)
    if not rules.is_head_office(actor.office_kind, actor.is_agency):
        raise PermissionDenied("policy.head_office_only", permission=permission)


def current_version(db: Session, number: Any, actor: Actor | None = None) -> Policy:
    """The highest version of policy `number` as stored now, if the actor (when given) may
    see it; else `NotFound`."""
    query = select(Policy).where(Policy.number == parse_number(number))
    if actor is not None:
        query = query.where(visible(actor))
    policy = db.exec(
        query.order_by(Policy.version.desc()).limit(1).execution_options(populate_existing=True)
    ).first()
    if policy is None:
        raise NotFound()
    return policy
