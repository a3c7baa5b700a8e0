"""JSON shapes of prices, customers and quotes (api.md, "Shapes"), and the bodies they take.

Bodies check the request's shape only: amounts and dates are strings, so the services read
and check them and name the field of every problem. Answers are built from the services'
DTOs, never from ORM rows.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from iztim_app.api.shapes_common import day, moment, money, taxes
from iztim_app.core.customers.services import CustomerRow, CustomerView
from iztim_app.core.quotes.services import PricePreview, QuoteView

# ------------------------------------------------------------------ request bodies


class PriceBody(BaseModel):
    line: str
    customer_group: str
    sum_insured: str = Field(examples=["500000.00"])
    start: str = Field(examples=["2026-03-02"])
    end: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)


class CustomerBody(BaseModel):
    kind: str = Field(examples=["individual"], description='"individual" or "corporate"')
    national_id: str = Field(description="TCKN (11 digits) or VKN (10 digits)")
    name: str
    customer_group: str
    email: str = ""
    phone: str = ""
    address: str = ""
    tax_office: str = Field(default="", description="required for a corporate customer")


class QuoteForm(BaseModel):
    """A line's form: what a revision sends (a new quote sends the customer too)."""

    line: str
    sum_insured: str = Field(examples=["500000.00"])
    start: str = Field(examples=["2026-03-02"])
    end: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)


class QuoteBody(QuoteForm):
    customer_number: int


class RejectBody(BaseModel):
    reason: str


# ------------------------------------------------------------------ answers


class PriceOut(BaseModel):
    net_premium: str
    taxes: dict[str, str]
    gross_premium: str
    worksheet: list[dict[str, Any]]


class CustomerOut(BaseModel):
    number: int
    kind: str
    national_id: str = Field(description="masked unless the caller holds customer.view_id")
    name: str
    customer_group: str
    tax_office: str
    email: str
    phone: str
    address: str | None = Field(description="on the customer's own answer; null in lists")
    owner: str = Field(description="user code of the portfolio the record belongs to")
    office: str
    created_at: str | None = Field(description="on the customer's own answer; null in lists")


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    page: int
    size: int
    total: int


class QuoteOut(BaseModel):
    number: int
    date: str
    valid_until: str
    status: str = Field(
        description='"approved", "awaiting_approval", "rejected", "superseded" or "expired"'
    )
    line: str
    customer_number: int
    customer_group: str
    sum_insured: str
    start: str
    end: str
    fields: dict[str, Any]
    net_premium: str
    taxes: dict[str, str]
    gross_premium: str
    worksheet: list[dict[str, Any]]
    channel: str
    prepared_by: str
    approved_by: str | None
    approved_at: str | None
    revises: int | None
    renews: int | None
    policy_number: int | None


class QuotePage(BaseModel):
    items: list[QuoteOut]
    page: int
    size: int
    total: int


# ------------------------------------------------------------------ DTO → shape


def price_shape(
    net_premium: Any, tax_amounts: dict[str, Any], gross: Any, worksheet: list
) -> dict[str, Any]:
    return {
        "net_premium": money(net_premium),
        "taxes": taxes(tax_amounts),
        "gross_premium": money(gross),
        "worksheet": list(worksheet),
    }


def preview_shape(p: PricePreview) -> dict[str, Any]:
    return price_shape(p.net_premium, p.taxes, p.gross_premium, p.worksheet)


def customer_shape(c: CustomerView | CustomerRow) -> dict[str, Any]:
    full = isinstance(c, CustomerView)
    return {
        "number": c.number,
        "kind": c.kind,
        "national_id": c.national_id_display,
        "name": c.name,
        "customer_group": c.customer_group,
        "tax_office": c.tax_office,
        "email": c.email,
        "phone": c.phone,
        "address": c.address if full else None,
        "owner": c.created_by,
        "office": c.office_name,
        "created_at": moment(c.created_at) if full else None,
    }


def quote_shape(q: QuoteView) -> dict[str, Any]:
    return {
        "number": q.number,
        "date": day(q.quote_date),
        "valid_until": day(q.valid_until),
        "status": q.status,
        "line": q.line_code,
        "customer_number": q.customer_number,
        "customer_group": q.customer_group,
        "sum_insured": money(q.sum_insured),
        "start": day(q.start_date),
        "end": day(q.end_date),
        "fields": {k: str(v) for k, v in q.values.items()},
        "net_premium": money(q.net_premium),
        "taxes": taxes(q.taxes),
        "gross_premium": money(q.gross_premium),
        "worksheet": list(q.worksheet),
        "channel": q.channel,
        "prepared_by": q.prepared_by,
        "approved_by": q.approved_by,
        "approved_at": moment(q.approved_at),
        "revises": q.revises_number,
        "renews": q.renews_policy_number,
        "policy_number": q.policy_number,
    }
