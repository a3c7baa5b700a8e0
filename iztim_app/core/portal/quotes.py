"""Quotes asked for on the portal: the line's form priced and saved by the staff quote
services (`quotes.services.preview` / `save_quote`, channel "portal"), for the signed-in
customer record only.

A customer record belongs to a portfolio (its owner user and office). A portal quote is
made on behalf of that portfolio by a portal actor: audited as "portal:<customer no>", the
owner's user id and office (so the quote sits in the owner's book and scope), quote
permissions only, and the owner's quote authority limits: within them the quote is approved
at once, else it waits in the normal approval queue. The customer field is never read from
the browser: every function takes the `PortalCustomer` and fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.customers.models import Customer
from iztim_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.portal.services import PortalCustomer
from iztim_app.core.quotes import rules
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import Channel, Quote
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.users.actor import Actor, load_actor
from iztim_app.core.users.permissions import Scope

PORTAL_PERMISSIONS = frozenset({"quote.create", "quote.view"})
MY_QUOTES_SHOWN = 50


@dataclass(frozen=True)
class PortalQuoteInput:
    """What the portal form sends: no customer (it is the signed-in record)."""

    line_code: str
    sum_insured: str | Decimal
    start_date: str | date
    end_date: str | date | None = None
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PortalQuote:
    number: int
    quote_date: date
    valid_until: date
    line_code: str
    sum_insured: Decimal
    net_premium: Decimal
    taxes: dict[str, Decimal]
    gross_premium: Decimal
    status: str  # awaiting_approval | approved | rejected | superseded | expired
    policy_number: int | None


def portal_actor(db: Session, portal: PortalCustomer, lang: str = "tr") -> Actor:
    """The portfolio's hands for this customer: see the module's docstring. The owner user
    disabled (or in a closed office) means no portal quotes until the record has an owner."""
    customer = db.get(Customer, portal.customer_id)
    owner = load_actor(db, customer.owner_user_id) if customer is not None else None
    if owner is None:
        raise PermissionDenied("portal_quote.unavailable", permission="quote.create")
    return replace(
        owner,
        code=f"portal:{portal.customer_number}",
        name=portal.name,
        permissions=PORTAL_PERMISSIONS,
        scope=Scope.OWN,
        policy_limits=(),
        lang=lang,
        # The owner's pending temporary password is the owner's business, not the customer's.
        password_change_pending=False,
    )


def _input(portal: PortalCustomer, inp: PortalQuoteInput) -> quotes.QuoteInput:
    return quotes.QuoteInput(
        line_code=str(inp.line_code or ""),
        customer_id=portal.customer_id,
        sum_insured=inp.sum_insured,
        start_date=inp.start_date,
        end_date=inp.end_date or None,
        values={str(k): str(v) for k, v in (inp.values or {}).items()},
    )


def form_tariff(db: Session, portal: PortalCustomer) -> TariffSet:  # noqa: ARG001
    """The tariff in force, whose lines and fields the portal form shows."""
    try:
        return versions.tariff_in_force(db)[1]
    except NotFound:
        raise ValidationFailed("quote.no_tariff", field="line") from None


def preview(
    db: Session, portal: PortalCustomer, inp: PortalQuoteInput, today: date | None = None
) -> quotes.PricePreview:
    """The price as the form changes, exactly as staff see it; nothing is stored."""
    return quotes.preview(db, portal_actor(db, portal), _input(portal, inp), today=today)


def _portal_quote(quote: Quote, today: date) -> PortalQuote:
    return PortalQuote(
        number=quote.number,
        quote_date=quote.quote_date,
        valid_until=quote.valid_until,
        line_code=quote.line_code,
        sum_insured=quote.sum_insured,
        net_premium=quote.net_premium,
        taxes={code: Decimal(amount) for code, amount in quote.taxes.items()},
        gross_premium=quote.gross_premium,
        status=rules.display_status(quote.status, quote.valid_until, today),
        policy_number=quote.policy_number,
    )


def save(
    db: Session, portal: PortalCustomer, inp: PortalQuoteInput, today: date | None = None
) -> PortalQuote:
    """Saves the quote with the next number, channel "portal" (audited by `save_quote` as
    "quote.create" by "portal:<customer no>")."""
    today = today or clock.today()
    view = quotes.save_quote(
        db,
        portal_actor(db, portal),
        _input(portal, inp),
        today=today,
        channel=Channel.PORTAL.value,
    )
    return _portal_quote(db.get(Quote, view.id), today)


def my_quotes(db: Session, portal: PortalCustomer, today: date | None = None) -> list[PortalQuote]:
    """The quotes this customer record asked for on the portal, newest first."""
    today = today or clock.today()
    found = db.exec(
        select(Quote)
        .where(Quote.customer_id == portal.customer_id, Quote.channel == Channel.PORTAL.value)
        .order_by(Quote.number.desc())
        .limit(MY_QUOTES_SHOWN)
    ).all()
    return [_portal_quote(q, today) for q in found]
