"""Renewals (yenileme): a new quote for the next term of an expiring policy, and the list of
policies ending in a date range with their renewal state.

The renewal quote goes through the one quote save path (`quotes.save_quote`): numbered,
priced, approved within the preparer's limit, immutable, and later issued as a policy by the
normal quote → policy flow, which carries `renews_policy_number` onto the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from iztim_app.core import clock, dates
from iztim_app.core.customers.models import Customer
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import Conflict, ValidationFailed
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.policies import lookup
from iztim_app.core.policies.models import Policy, PolicyStatus
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import Quote, QuoteStatus
from iztim_app.core.quotes.services import QuoteInput, QuoteView
from iztim_app.core.renewals import rules
from iztim_app.core.renewals.rules import RenewalState
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import Actor


@dataclass(frozen=True)
class RenewalRow:
    number: int
    line_code: str
    customer_number: int
    customer_name: str
    start_date: date
    end_date: date
    # No money: the policy row holds the figures it was issued with, not those in force
    # after endorsements (`renew` prices from `figures_in_force`); a list showing money
    # must take those.
    prepared_by: str
    state: str  # RenewalState value
    renewal_quote_number: int | None  # the newest renewal quote the actor may see
    renewal_policy_number: int | None  # the renewal policy the actor may see
    can_renew: bool  # in the window today and not renewed yet


def _renewal_policy_number(db: Session, number: int) -> int | None:
    """The policy already renewing `number` (any status but rejected), if any."""
    found = db.exec(
        select(sa.func.min(Policy.number)).where(
            Policy.renews_policy_number == number,
            Policy.status != PolicyStatus.REJECTED.value,
        )
    ).one()
    found = found[0] if isinstance(found, tuple | sa.Row) else found
    return int(found) if found is not None else None


def _live_renewal_quote(db: Session, number: int, today: date) -> int | None:
    """A renewal quote of `number` still usable today (approved or awaiting approval, not
    expired): a second one would only compete with it, so it is revised instead."""
    return db.exec(
        select(sa.func.max(Quote.number)).where(
            Quote.renews_policy_number == number,
            Quote.status.in_((QuoteStatus.APPROVED.value, QuoteStatus.AWAITING_APPROVAL.value)),
            Quote.valid_until >= today,
        )
    ).one()


def _renewed_values(in_force: dict[str, str], tariff_line: Any, claim_free: bool) -> dict:
    """The values in force, the no-claims step moved when the line has one."""
    values = dict(in_force)
    if any(f.name == rules.NO_CLAIMS_FIELD for f in tariff_line.fields):
        choices = [c.value for c in tariff_line.choices_for(rules.NO_CLAIMS_FIELD)]
        step = rules.next_no_claims_step(values.get(rules.NO_CLAIMS_FIELD), choices, claim_free)
        if step is not None:
            values[rules.NO_CLAIMS_FIELD] = step
    return values


def renew(
    db: Session,
    actor: Actor,
    policy_number: Any,
    claim_free: bool = True,
    today: date | None = None,
) -> QuoteView:
    """A new quote for the next term of an approved, uncancelled policy, from 60 days before
    its end until its end: every field carried over (as in force after endorsements),
    re-priced on the tariff in force at the new start, the no-claims step one up unless the
    year was not claim-free. Refusals store nothing."""
    actor.require("quote.create")
    today = today or clock.today()
    policy = lookup.current_version(db, policy_number, actor)
    if policy.status == PolicyStatus.CANCELLED.value or policy.cancelled_from is not None:
        raise Conflict("renewal.policy_cancelled", number=policy.number)
    if policy.status != PolicyStatus.APPROVED.value:
        raise Conflict("renewal.policy_not_approved", number=policy.number)
    problem = rules.window_problem(policy.end_date, today)
    if problem == rules.TOO_EARLY:
        opens, _ = rules.window(policy.end_date)
        raise Conflict("renewal.too_early", number=policy.number, opens=opens)
    if problem == rules.LAPSED:
        raise Conflict("renewal.lapsed", number=policy.number, end=policy.end_date)
    renewed_by = _renewal_policy_number(db, policy.number)
    if renewed_by is not None:
        raise Conflict("renewal.already_renewed", number=policy.number, renewal=renewed_by)
    live_quote = _live_renewal_quote(db, policy.number, today)
    if live_quote is not None:
        raise Conflict("renewal.quote_exists", number=policy.number, quote=live_quote)
    start, end = rules.next_term(policy.end_date)
    version = versions.version_in_force(db, start)
    if version is None:
        raise ValidationFailed("quote.no_tariff", field="line")
    tariff = versions.tariff_set_of(version)
    if policy.line_code not in tariff.lines:
        raise ValidationFailed("quote.line_unknown", field="line")
    figures = endorsements.figures_in_force(db, policy.number)
    inp = QuoteInput(
        line_code=policy.line_code,
        customer_id=policy.customer_id,
        sum_insured=figures.sum_insured,
        start_date=start,
        end_date=end,
        values=_renewed_values(figures.values, tariff.lines[policy.line_code], claim_free),
        renews_policy_number=policy.number,
        tariff_date=start,
    )
    return quotes.save_quote(db, actor, inp, today=today)


def _later_version() -> Any:
    """Rows of a later version of the policy row being selected (current = none exist)."""
    newest = aliased(Policy)
    return select(newest.id).where(newest.number == Policy.number, newest.version > Policy.version)


def _state_columns(actor: Actor, today: date) -> tuple[Any, Any, Any]:
    """SQL columns, correlated to the `Policy` row selected: its renewal state, the newest
    renewal quote and the renewal policy the actor may see. The one place the rule lives."""
    renewal = aliased(Policy)
    renewal_live = sa.and_(
        renewal.renews_policy_number == Policy.number,
        renewal.status != PolicyStatus.REJECTED.value,
    )
    quote_live = sa.and_(
        Quote.renews_policy_number == Policy.number,
        Quote.status != QuoteStatus.REJECTED.value,
    )
    renewed = sa.exists(select(renewal.id).where(renewal_live))
    quoted = sa.exists(select(Quote.id).where(quote_live))
    state = sa.case(
        (renewed, RenewalState.RENEWED.value),
        (Policy.end_date < today, RenewalState.LAPSED.value),
        (quoted, RenewalState.QUOTE_GIVEN.value),
        else_=RenewalState.NOT_OFFERED.value,
    ).label("state")
    quote_number = (
        select(sa.func.max(Quote.number))
        .where(quote_live, actor.visible(Quote.prepared_by_id, Quote.office_id, Quote.office_path))
        .scalar_subquery()
        .label("quote_number")
    )
    policy_number = (
        select(sa.func.min(renewal.number))
        .where(
            renewal_live,
            actor.visible(renewal.prepared_by_id, renewal.office_id, renewal.office_path),
        )
        .scalar_subquery()
        .label("renewal_number")
    )
    return state, quote_number, policy_number


def renewals_list(
    db: Session,
    actor: Actor,
    date_from: date | None,
    date_to: date | None,
    page: int = 1,
    size: int = 20,
    today: date | None = None,
) -> Page[RenewalRow]:
    """Approved policies (current versions) ending between the two dates, in scope, with
    their renewal state — computed in the one query, soonest end first."""
    actor.require_any("quote.create", "policy.view")
    if date_from is None or date_to is None:
        raise ValidationFailed(
            "error.required", field="date_from" if date_from is None else "date_to"
        )
    dates.check_order(date_from, date_to, "date_to")
    today = today or clock.today()

    state, quote_number, policy_number = _state_columns(actor, today)
    query = (
        select(Policy, Customer.number, Customer.name, state, quote_number, policy_number)
        .join(Customer, Customer.id == Policy.customer_id)
        .where(
            lookup.visible(actor),
            ~sa.exists(_later_version()),
            Policy.status == PolicyStatus.APPROVED.value,
            Policy.end_date >= date_from,
            Policy.end_date <= date_to,
        )
        .order_by(Policy.end_date, Policy.number)
    )
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(
        rows=[
            RenewalRow(
                number=p.number,
                line_code=p.line_code,
                customer_number=c_number,
                customer_name=c_name,
                start_date=p.start_date,
                end_date=p.end_date,
                prepared_by=p.prepared_by_code,
                state=row_state,
                renewal_quote_number=q_number,
                renewal_policy_number=r_number,
                can_renew=row_state != RenewalState.RENEWED.value
                and rules.window_problem(p.end_date, today) is None
                and (
                    row_state != RenewalState.QUOTE_GIVEN.value
                    or _live_renewal_quote(db, p.number, today) is None
                ),
            )
            for p, c_number, c_name, row_state, q_number, r_number in rows
        ],
        total=total,
        page=page,
        size=size,
    )


@dataclass(frozen=True)
class PolicyRenewal:
    """The renewal block of one policy's page."""

    policy_number: int
    state: str  # RenewalState value, the rule of renewals_list
    renewal_quote_number: int | None  # the newest renewal quote the actor may see
    renewal_policy_number: int | None  # the renewal policy the actor may see
    window_opens: date
    can_renew: bool  # `renew` would accept it today from this actor


def renewal_of(
    db: Session, actor: Actor, policy_number: Any, today: date | None = None
) -> PolicyRenewal:
    """The renewal state of a policy's current version, for its page; scoped like `renew`
    (out of scope looks like unknown). Reading needs what reading policies or renewing does."""
    actor.require_any("policy.view", "policy.issue", "quote.create")
    today = today or clock.today()
    policy = lookup.current_version(db, policy_number, actor)
    state, quote_number, renewal_number = _state_columns(actor, today)
    row_state, q_number, r_number = db.exec(
        select(state, quote_number, renewal_number).where(Policy.id == policy.id)
    ).one()
    can_renew = (
        actor.can("quote.create")
        and policy.status == PolicyStatus.APPROVED.value
        and policy.cancelled_from is None
        and row_state != RenewalState.RENEWED.value
        and rules.window_problem(policy.end_date, today) is None
        and _live_renewal_quote(db, policy.number, today) is None
    )
    return PolicyRenewal(
        policy_number=policy.number,
        state=row_state,
        renewal_quote_number=q_number,
        renewal_policy_number=r_number,
        window_opens=rules.window(policy.end_date)[0],
        can_renew=can_renew,
    )
