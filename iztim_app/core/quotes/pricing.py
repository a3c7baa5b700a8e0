"""The one pricing path of a line's form, shared by quotes and policies.

Not a service: the callers (quote and policy services) check the permission first; the
actor is passed (keyword-only) only to find the customer within its scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session, select

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
    customer: Customer
    version: versions.TariffVersion
    tariff: TariffSet
    result: PriceResult
    sum_insured: Decimal
    start: date
    end: date | None  # as typed (None: the line's default term, see `result.end`)
    values: dict[str, str]  # the filled-in fields, as stored


def visible_customer(db: Session, customer_id: Any, *, actor: Actor) -> Customer:
    """The chosen customer, if the actor may see it; else the same refusal as no choice."""
    try:
        cid = int(customer_id)
    except (TypeError, ValueError):
        raise ValidationFailed("quote.customer_required", field="customer") from None
    customer = db.exec(
        select(Customer).where(
            Customer.id == cid,
            actor.visible(Customer.owner_user_id, Customer.office_id, Customer.office_path),
        )
    ).first()
    if customer is None:
        raise ValidationFailed("quote.customer_required", field="customer")
    return customer


def filled_values(values: dict[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (values or {}).items() if str(v).strip() != ""}


def _tariff_for(
    db: Session, line_code: str, on: date, version: versions.TariffVersion | None
) -> tuple[versions.TariffVersion, TariffSet]:
    """`version`'s tariff, else the one in force on `on`; it must have the line."""
    if version is None:
        try:
            version, tariff = versions.tariff_in_force(db, on)
        except NotFound:
            raise ValidationFailed("quote.no_tariff", field="line") from None
    else:
        tariff = versions.tariff_set_of(version)
    if line_code not in tariff.lines:
        raise ValidationFailed("quote.line_unknown", field="line")
    return version, tariff


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


def price_form(
    db: Session,
    inp: FormInput,
    *,
    actor: Actor,
    on: date,
    version: versions.TariffVersion | None = None,
) -> PricedForm:
    """Validates and prices the form: on `version` when given (a policy from a quote keeps
    the quote's tariff), else on the tariff in force on `on`."""
    customer = visible_customer(db, inp.customer_id, actor=actor)
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
