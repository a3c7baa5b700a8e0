"""API endpoints of prices, customers and quotes (owner: helper H2); api.md, "Endpoints".

Each endpoint reads the request's shape, calls the service the quote screen calls with the
caller's Actor (which applies every permission, scope, limit and immutability rule and
audits), and maps the service's DTO to the spec's shape. The API's text forms are read
here — amounts with a `.` decimal point, dates `YYYY-MM-DD` — and every such problem is
reported at once; the services check the values again as they always do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from sqlmodel import Session

from iztim_app.api.deps import Caller, caller, database
from iztim_app.api.shapes_quotes import (
    CustomerBody,
    CustomerOut,
    CustomerPage,
    PriceBody,
    PriceOut,
    QuoteBody,
    QuoteForm,
    QuoteOut,
    QuotePage,
    RejectBody,
    customer_shape,
    price_shape,
    quote_shape,
)
from iztim_app.core import clock, dates
from iztim_app.core.customers import services as customers
from iztim_app.core.documents import services as documents
from iztim_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.money import parse_amount
from iztim_app.core.quotes import pricing
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs.errors import PricingError

router = APIRouter(tags=["quotes"])

Who = Annotated[Caller, Depends(caller)]
Db = Annotated[Session, Depends(database)]
PageNo = Annotated[int, Query(ge=1, description="1-based")]
PageSize = Annotated[int, Query(ge=1, le=100)]
QuoteStatusFilter = Literal["approved", "awaiting_approval", "rejected", "superseded", "expired"]

# What the services call a field → what the API's bodies and queries call it.
_FIELD_NAMES = {
    "customer": "customer_number",
    "start_date": "start",
    "end_date": "end",
    "date_from": "from",
    "date_to": "to",
}
# The names a quote or price body has at its top level; any other field is one of `fields`.
_TOP_LEVEL = frozenset({"line", "customer_group", "sum_insured", "start", "end", "customer_number"})


class FormProblems(ValidationFailed):
    """Every problem of the API's text forms at once; code/field are the first one's."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        first = problems[0]
        super().__init__(first.code, field=first.field, **first.params)
        self.problems = tuple(problems)


def _api_field(name: str | None, form: bool) -> str | None:
    if name is None:
        return None
    name = _FIELD_NAMES.get(name, name)
    if not form or name in _TOP_LEVEL or name.startswith("fields."):
        return name
    return f"fields.{name}"


@contextmanager
def _api_names(*, form: bool = False) -> Iterator[None]:
    """Names the fields of the services' refusals as the API names them (`form`: a line's
    form, whose own fields are `fields.<name>`); a form the tariff cannot price is a problem
    of its `fields` (no rate or factor row) or of its `end` (a term over 366 days)."""
    try:
        yield
    except PricingError as exc:
        field = "end" if exc.code == "pricing.term_too_long" else "fields"
        raise ValidationFailed(exc.code, field=field, **exc.params) from None
    except ValidationFailed as exc:
        for problem in getattr(exc, "problems", ()) or (exc,):
            problem.field = _api_field(problem.field, form)
        exc.field = _api_field(exc.field, form)
        raise


# Record numbers are stored as 32-bit integers: a larger one names no record (and must not
# reach the database, whose drivers refuse it with an error instead of finding nothing).
_LARGEST_NUMBER = 2**31 - 1


def _number(raw: str | int) -> str:
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= _LARGEST_NUMBER:
        raise NotFound()
    return text


def _iso_date(raw: str | None, field: str, *, required: bool) -> date | None:
    """A date of the API (`YYYY-MM-DD` only, as `tariffs.md` gives them)."""
    return dates.parse_date(raw, field, required=required, iso_only=True, code="pricing.not_date")


def _read_form(
    sum_insured: str, start: str, end: str | None
) -> tuple[Decimal | None, date | None, date | None]:
    """The API's amount and dates, every problem at once (FormProblems)."""
    problems: list[ValidationFailed] = []
    values: list[Any] = []
    readers = (
        lambda: parse_amount(
            sum_insured, "sum_insured", plain=True, positive=True, code="quote.sum_insured_invalid"
        ),
        lambda: _iso_date(start, "start", required=True),
        lambda: _iso_date(end, "end", required=False),
    )
    for read in readers:
        try:
            values.append(read())
        except ValidationFailed as exc:
            problems.append(exc)
            values.append(None)
    if problems:
        raise FormProblems(problems)
    return values[0], values[1], values[2]


def _query_dates(date_from: str | None, date_to: str | None) -> tuple[date | None, date | None]:
    problems: list[ValidationFailed] = []
    found: list[date | None] = []
    for raw, name in ((date_from, "from"), (date_to, "to")):
        try:
            found.append(_iso_date(raw, name, required=False))
        except ValidationFailed as exc:
            problems.append(exc)
            found.append(None)
    if problems:
        raise FormProblems(problems)
    return found[0], found[1]


def _quote_input(form: QuoteForm, customer_id: int | None) -> quotes.QuoteInput:
    sum_insured, start, end = _read_form(form.sum_insured, form.start, form.end)
    return quotes.QuoteInput(
        line_code=form.line,
        customer_id=customer_id,
        sum_insured=sum_insured,
        start_date=start,
        end_date=end,
        values=dict(form.fields),
    )


# ------------------------------------------------------------------ pricing


@router.post("/price", response_model=PriceOut, summary="Price a line's form; nothing is saved")
def post_price(body: PriceBody, who: Who, db: Db) -> dict[str, Any]:
    """The quote form's pricing (`quote.create`) for a customer group instead of a chosen
    customer, on the tariff in force today."""
    who.actor.require("quote.create")  # before reading the body, as quotes.preview
    sum_insured, start, end = _read_form(body.sum_insured, body.start, body.end)
    with _api_names(form=True):
        result = pricing.price_for_group(
            db,
            who.actor,
            body.line,
            body.customer_group,
            sum_insured,
            start,
            end,
            body.fields,
            on=clock.today(),
        )
    return price_shape(
        result.net_premium,
        result.taxes,
        result.gross_premium,
        [step.to_json_dict() for step in result.worksheet],
    )


# ------------------------------------------------------------------ customers


@router.post(
    "/customers",
    status_code=status.HTTP_201_CREATED,
    response_model=CustomerOut,
    summary="Create a customer in the caller's portfolio",
)
def post_customer(body: CustomerBody, who: Who, db: Db) -> dict[str, Any]:
    view = customers.create_customer(
        db,
        who.actor,
        kind=body.kind,
        national_id=body.national_id,
        name=body.name,
        tax_office=body.tax_office,
        customer_group=body.customer_group,
        address=body.address,
        phone=body.phone,
        email=body.email,
    )
    return customer_shape(view)


@router.get("/customers", response_model=CustomerPage, summary="Customers in the caller's scope")
def get_customers(
    who: Who,
    db: Db,
    q: Annotated[str, Query(description="customer number, full TCKN/VKN or part of the name")] = "",
    page: PageNo = 1,
    size: PageSize = 20,
) -> dict[str, Any]:
    found = customers.find_customers(db, who.actor, q, page, size)
    return {
        "items": [customer_shape(row) for row in found.rows],
        "page": found.page,
        "size": found.size,
        "total": found.total,
    }


@router.get("/customers/{number}", response_model=CustomerOut, summary="One customer")
def get_customer(number: str, who: Who, db: Db) -> dict[str, Any]:
    return customer_shape(customers.get_customer(db, who.actor, number=_number(number)))


# ------------------------------------------------------------------ quotes


def _customer_id(db: Session, who: Caller, number: int) -> int | None:
    """The record of `customer_number` within the caller's scope; None when there is none,
    which the quote service refuses as it refuses an empty choice on the screen."""
    try:
        return customers.get_customer(db, who.actor, number=_number(number)).id
    except (NotFound, PermissionDenied):  # the quote service refuses: its permission first
        return None


@router.post(
    "/quotes",
    status_code=status.HTTP_201_CREATED,
    response_model=QuoteOut,
    summary="Save a quote: numbered, priced, approved within the caller's limit",
)
def post_quote(body: QuoteBody, who: Who, db: Db) -> dict[str, Any]:
    inp = _quote_input(body, None)
    with _api_names(form=True):
        customer_id = _customer_id(db, who, body.customer_number)
        view = quotes.save_quote(db, who.actor, replace(inp, customer_id=customer_id))
    return quote_shape(view)


@router.get("/quotes", response_model=QuotePage, summary="Quotes in the caller's scope")
def get_quotes(
    who: Who,
    db: Db,
    status_: Annotated[QuoteStatusFilter | None, Query(alias="status")] = None,
    line: str = "",
    date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")] = None,
    page: PageNo = 1,
    size: PageSize = 20,
) -> dict[str, Any]:
    start, end = _query_dates(date_from, date_to)
    today = clock.today()
    flt = quotes.QuoteFilter(line_code=line, status=status_ or "", date_from=start, date_to=end)
    with _api_names():
        found = quotes.list_quotes(db, who.actor, flt, page, size, today=today)
    return {
        "items": [
            quote_shape(quotes.get_quote(db, who.actor, row.number, today=today))
            for row in found.rows
        ],
        "page": found.page,
        "size": found.size,
        "total": found.total,
    }


@router.get("/quotes/{number}", response_model=QuoteOut, summary="One quote")
def get_quote(number: str, who: Who, db: Db) -> dict[str, Any]:
    return quote_shape(quotes.get_quote(db, who.actor, _number(number)))


@router.post(
    "/quotes/{number}/approve",
    response_model=QuoteOut,
    summary="Approve a quote awaiting approval (quote.approve, within the approver's limit)",
)
def approve_quote(number: str, who: Who, db: Db) -> dict[str, Any]:
    return quote_shape(quotes.approve(db, who.actor, _number(number)))


@router.post(
    "/quotes/{number}/reject",
    response_model=QuoteOut,
    summary="Reject a quote awaiting approval, with a reason",
)
def reject_quote(number: str, body: RejectBody, who: Who, db: Db) -> dict[str, Any]:
    return quote_shape(quotes.reject(db, who.actor, _number(number), body.reason))


@router.post(
    "/quotes/{number}/revise",
    status_code=status.HTTP_201_CREATED,
    response_model=QuoteOut,
    summary="Revise a quote: a new number for the same customer; the old one is superseded",
)
def revise_quote(number: str, body: QuoteForm, who: Who, db: Db) -> dict[str, Any]:
    inp = _quote_input(body, None)
    original = quotes.get_quote(db, who.actor, _number(number))
    with _api_names(form=True):
        view = quotes.save_quote(
            db, who.actor, replace(inp, customer_id=original.customer_id), revises=original.number
        )
    return quote_shape(view)


@router.get(
    "/quotes/{number}/document.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="The quote's PDF (approved and unexpired quotes only)",
)
def quote_document(number: str, who: Who, db: Db) -> Response:
    printed = documents.print_document(db, who.actor, "quote", _number(number), lang=who.lang)
    return Response(
        content=printed.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{printed.filename}"'},
    )
