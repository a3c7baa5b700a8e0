"""The one pricing path of a line's form, shared by quotes and policies.

Not a service: the callers (quote and policy services) check the permission first; the
actor is passed (keyword-only) only to find the customer within its scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core import dates
from iztim_app.core.customers.models import Customer
from iztim_app.core.errors import NotFound, ValidationFailed
from iztim_app.core.money import parse_amount
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.rating import PriceResult, price
from iztim_app.core.users.actor import Actor


class FormInput(Protocol):
    """What a line's form sends (a quote's or a policy's): text as typed."""

    line_code: str
    customer_id: int | str | None
    sum_insured: str | Decimal
    start_date: str | date
    end_date: str | date | None
    values: dict[str, str]


@dataclass(frozen=True)
class PricedForm:
    customer: CustomerRow
    version: versions.PricingVersion
    tariff: TariffSet
    result: PriceResult
    sum_insured: Decimal
    start: date
    end: date | None  # as typed (None: the line's default term, see `result.end`)
    values: dict[str, str]  # the filled-in fields, as stored


class CustomerRow(NamedTuple):
    """What pricing and the rows it makes (quote, policy, their views) read of the customer."""

    id: int
    number: int
    name: str
    kind: str
    customer_group: str
    email: str


_CUSTOMER = Customer.__table__
CUSTOMER_TABLE = _CUSTOMER
CUSTOMER_COLUMNS = tuple(_CUSTOMER.c[name] for name in CustomerRow._fields)


def customer_of(row: sa.Row | None, prefix: str = "") -> CustomerRow | None:
    """The customer in a row that selected CUSTOMER_COLUMNS (labelled `prefix` + name);
    None for no row, or no customer in it (an outer join that found none)."""
    if row is None:
        return None
    found = row._mapping
    if found[f"{prefix}id"] is None:
        return None
    return CustomerRow(*(found[f"{prefix}{name}"] for name in CustomerRow._fields))


_SCOPED: dict[tuple[str, Actor], sa.Select] = {}
_SCOPED_MAX = 512


def scoped(name: str, actor: Actor, build: Callable[[Actor], sa.Select]) -> sa.Select:
    """`build(actor)`, made once per (name, actor value) in this process: building a
    statement costs several times executing a built one. Its scope condition
    (`actor.visible`) depends only on the actor's value, so an equal actor gets the same
    statement and any other actor (another user, office, scope, a pending password) its own:
    nothing is shared across scopes. Values other than the actor's are bound parameters."""
    key = (name, actor)
    statement = _SCOPED.get(key)
    if statement is None:
        statement = build(actor)
        if len(_SCOPED) >= _SCOPED_MAX:
            _SCOPED.pop(next(iter(_SCOPED)), None)
        _SCOPED[key] = statement
    return statement


def customer_visible(actor: Actor) -> sa.ColumnElement[bool]:
    """The customers the actor may price for (also joined into the quote's row, see
    `policies.services._quote`)."""
    return actor.visible(_CUSTOMER.c.owner_user_id, _CUSTOMER.c.office_id, _CUSTOMER.c.office_path)


def _customer_statement(actor: Actor) -> sa.Select:
    return sa.select(*CUSTOMER_COLUMNS).where(
        _CUSTOMER.c.id == sa.bindparam("id"), customer_visible(actor)
    )


def checked_customer(customer: CustomerRow | None) -> CustomerRow:
    """A customer row read within the actor's scope; none: the same refusal as no choice."""
    if customer is None:
        raise ValidationFailed("quote.customer_required", field="customer")
    return customer


def visible_customer(db: Session, customer_id: Any, *, actor: Actor) -> CustomerRow:
    """The chosen customer (a plain row), if the actor may see it; else
    the same refusal as no choice."""
    try:
        cid = int(customer_id)
    except (TypeError, ValueError):
        raise ValidationFailed("quote.customer_required", field="customer") from None
    statement = scoped("customer", actor, _customer_statement)
    return checked_customer(customer_of(db.connection().execute(statement, {"id": cid}).first()))


def filled_values(values: dict[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (values or {}).items() if str(v).strip() != ""}


def _tariff_for(
    db: Session,
    line_code: str,
    on: date,
    version: versions.PricingVersion | versions.TariffVersion | None,
) -> tuple[versions.PricingVersion, TariffSet]:
    """`version`'s tariff, else the one in force on `on`; it must have the line."""
    if version is None:
        try:
            found, tariff = versions.pricing_in_force(db, on)
        except NotFound:
            raise ValidationFailed("quote.no_tariff", field="line") from None
    else:
        found, tariff = versions.pricing_tariff(db, version.id, version.number, version.sha256)
    if line_code not in tariff.lines:
        raise ValidationFailed("quote.line_unknown", field="line")
    return found, tariff


def price_for_group(
    db: Session,
    actor: Actor,
    line_code: str,
    customer_group: str,
    sum_insured: Decimal,
    start: date,
    end: date | None,
    values: dict[str, Any] | None,
    *,
    on: date,
) -> PriceResult:
    """The quote form's price for a customer group instead of a chosen customer (the API's
    `/price`): the same permission, tariff, line and date rules; nothing is stored."""
    actor.require("quote.create")
    _, tariff = _tariff_for(db, line_code, on, None)
    dates.check_order(start, end, "end_date")
    return price(tariff, line_code, customer_group, sum_insured, start, end, filled_values(values))


_UNREAD = object()


def price_form(
    db: Session,
    inp: FormInput,
    *,
    actor: Actor,
    on: date,
    version: versions.PricingVersion | versions.TariffVersion | None = None,
    customer: Any = _UNREAD,
) -> PricedForm:
    """Validates and prices the form: on `version` when given (a policy from a quote keeps
    the quote's tariff), else on the tariff in force on `on`. `customer`: the form's
    customer as the caller has just read it within the actor's scope (`customer_visible`,
    `customer_of`; None when not visible), else read here."""
    if customer is _UNREAD:
        customer = visible_customer(db, inp.customer_id, actor=actor)
    else:
        customer = checked_customer(customer)
    version, tariff = _tariff_for(db, inp.line_code, on, version)
    sum_insured = parse_amount(
        inp.sum_insured, "sum_insured", positive=True, code="quote.sum_insured_invalid"
    )
    start = dates.parse_date(inp.start_date, "start_date")
    end = dates.parse_date(inp.end_date, "end_date", required=False)
    dates.check_order(start, end, "end_date")
    values = filled_values(inp.values)
    result = price(tariff, inp.line_code, customer.customer_group, sum_insured, start, end, values)
    return PricedForm(customer, version, tariff, result, sum_insured, start, end, values)
