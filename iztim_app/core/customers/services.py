"""Customer services: create, find and open customers, always within the actor's scope.

A customer outside the actor's scope behaves exactly like one that does not exist, and
the national id leaves this module in full only for users holding `customer.view_id`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.customers.identity import mask_national_id, normalize_national_id
from iztim_app.core.customers.models import Customer, CustomerKind
from iztim_app.core.email_address import is_email
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.numbering import next_number
from iztim_app.core.organisation.models import Office
from iztim_app.core.paging import Page, fetch_page
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import Actor
from iztim_app.core.users.models import User

CUSTOMER_SEQUENCE = "customer"
FIRST_CUSTOMER_NUMBER = 100001
KINDS = frozenset(k.value for k in CustomerKind)
PHONE_RE = re.compile(r"^\+?[0-9 ]+$")
PHONE_DIGITS = (10, 15)
MAX_LENGTHS = {"name": 200, "tax_office": 100, "address": 400, "phone": 32, "email": 200}
MAX_SEARCH = 100


# ---------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class CustomerRow:
    id: int
    number: int
    kind: str
    name: str
    national_id_display: str  # full only with customer.view_id, else masked
    customer_group: str
    tax_office: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class CustomerView:
    id: int
    number: int
    kind: str
    name: str
    national_id_display: str  # full only with customer.view_id, else masked
    tax_office: str
    customer_group: str
    address: str
    phone: str
    email: str
    created_by: str  # user code of the owner
    office_name: str
    created_at: datetime


class CustomerProblems(ValidationFailed):
    """Every problem of a customer form at once; code/field are the first one's."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        first = problems[0]
        super().__init__(first.code, field=first.field, **first.params)
        self.problems = tuple(problems)


# ---------------------------------------------------------------- pure rules


def fold_name(text: str) -> str:
    """Lower-case the Turkish way (İ→i, I→ı), spaces collapsed.

    `İSTANBUL  Işık` → `istanbul ışık`; stored as Customer.name_search and applied to search terms.
    """
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(text.replace("İ", "i").replace("I", "ı").lower().split())


def _clean(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


def phone_problem(phone: str) -> str | None:
    """None when acceptable: digits, spaces and a leading +, 10 to 15 digits."""
    if not phone:
        return None
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_RE.match(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return "customer.phone_invalid"
    return None


def _display_id(actor: Actor, national_id: str) -> str:
    return national_id if actor.can("customer.view_id") else mask_national_id(national_id)


def _require_reader(actor: Actor) -> None:
    if not (actor.can("quote.create") or actor.can("quote.view")):
        raise PermissionDenied(permission="quote.view")


def _scoped(actor: Actor) -> sa.ColumnElement[bool]:
    return actor.visible(Customer.owner_user_id, Customer.office_id, Customer.office_path)


# ---------------------------------------------------------------- creating


def _validated(
    db: Session,
    *,
    kind: str,
    national_id: str,
    name: str,
    tax_office: str,
    customer_group: str,
    address: str,
    phone: str,
    email: str,
) -> dict[str, str]:
    """The cleaned fields, or CustomerProblems listing every mistake in form order."""
    problems: list[ValidationFailed] = []
    fields = {
        "kind": (kind or "").strip(),
        "national_id": "",
        "name": _clean(name),
        "tax_office": _clean(tax_office),
        "customer_group": (customer_group or "").strip(),
        "address": _clean(address),
        "phone": _clean(phone),
        "email": (email or "").strip(),
    }
    kind = fields["kind"]
    if kind not in KINDS:
        problems.append(ValidationFailed("customer.kind_invalid", field="kind"))
    else:
        try:
            fields["national_id"] = normalize_national_id(kind, national_id)
        except ValidationFailed as exc:
            problems.append(exc)
    if not fields["name"]:
        problems.append(ValidationFailed("customer.name_required", field="name"))
    if kind == CustomerKind.CORPORATE.value and not fields["tax_office"]:
        problems.append(ValidationFailed("customer.tax_office_required", field="tax_office"))
    if kind in KINDS:
        try:
            _, tariff = versions.tariff_in_force(db)
        except NotFound:
            problems.append(ValidationFailed("customer.no_tariff", field="customer_group"))
        else:
            group = tariff.customer_groups.get(fields["customer_group"])
            if group is None or group.kind != kind:
                problems.append(ValidationFailed("customer.group_invalid", field="customer_group"))
    code = phone_problem(fields["phone"])
    if code:
        problems.append(ValidationFailed(code, field="phone"))
    if fields["email"] and not is_email(fields["email"]):
        problems.append(ValidationFailed("customer.email_invalid", field="email"))
    for name, limit in MAX_LENGTHS.items():
        if len(fields[name]) > limit:
            problems.append(ValidationFailed("customer.too_long", field=name, max=limit))
    if problems:
        raise CustomerProblems(problems)
    return fields


def _duplicate(db: Session, actor: Actor, national_id: str) -> Conflict | None:
    """A pointer to the existing customer if the actor may see it; otherwise nothing about it."""
    existing = db.exec(select(Customer).where(Customer.national_id == national_id)).first()
    if existing is None:
        return None
    visible = db.exec(
        select(Customer.number).where(Customer.id == existing.id, _scoped(actor))
    ).first()
    if visible is not None:
        return Conflict("customer.duplicate", number=existing.number)
    return Conflict("customer.duplicate_elsewhere")


def create_customer(
    db: Session,
    actor: Actor,
    *,
    kind: str,
    national_id: str,
    name: str,
    tax_office: str = "",
    customer_group: str,
    address: str = "",
    phone: str = "",
    email: str = "",
) -> CustomerView:
    """Owned by the actor (and their office); numbered from the customer sequence; audited."""
    actor.require("quote.create")
    if not actor.user_id:  # the command-line operator is no user and cannot own records
        raise PermissionDenied(permission="quote.create")
    fields = _validated(
        db,
        kind=kind,
        national_id=national_id,
        name=name,
        tax_office=tax_office,
        customer_group=customer_group,
        address=address,
        phone=phone,
        email=email,
    )
    conflict = _duplicate(db, actor, fields["national_id"])
    if conflict is not None:
        raise conflict
    customer = Customer(
        number=next_number(db, CUSTOMER_SEQUENCE, start=FIRST_CUSTOMER_NUMBER),
        name_search=fold_name(fields["name"]),
        owner_user_id=actor.user_id,
        office_id=actor.office_id,
        office_path=actor.office_path,
        created_at=clock.utcnow(),
        **fields,
    )
    db.add(customer)
    try:
        db.flush()
    except sa.exc.IntegrityError:
        # Someone saved the same national id a moment ago: report it as above.
        db.rollback()
        raise _duplicate(db, actor, fields["national_id"]) or Conflict() from None
    audit_log.record(
        db, actor, "customer.create", "customer", customer.id, None, _snapshot(customer)
    )
    db.commit()
    return get_customer(db, actor, customer_id=customer.id)


def _snapshot(customer: Customer) -> dict[str, Any]:
    """Audit values; the audit trail is for IT and auditors, so the national id is in full."""
    return {
        "number": customer.number,
        "kind": customer.kind,
        "national_id": customer.national_id,
        "name": customer.name,
        "tax_office": customer.tax_office,
        "customer_group": customer.customer_group,
        "address": customer.address,
        "phone": customer.phone,
        "email": customer.email,
        "owner_user_id": customer.owner_user_id,
        "office_id": customer.office_id,
    }


# ---------------------------------------------------------------- reading


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_condition(search: str) -> sa.ColumnElement[bool] | None:
    """Customer number or full TCKN/VKN exactly; otherwise a part of the name, Turkish-aware."""
    term = _clean(search)[:MAX_SEARCH]
    if not term:
        return None
    conditions = [Customer.name_search.like(_like(fold_name(term)), escape="\\")]
    digits = "".join(term.split())
    if digits.isascii() and digits.isdigit():
        if len(digits) <= 9:
            conditions.append(Customer.number == int(digits))
        if len(digits) in (10, 11):
            conditions.append(Customer.national_id == digits)
    return sa.or_(*conditions)


def find_customers(
    db: Session, actor: Actor, search: str = "", page: int = 1, size: int = 20
) -> Page[CustomerRow]:
    _require_reader(actor)
    query = select(Customer).where(_scoped(actor))
    condition = search_condition(search)
    if condition is not None:
        query = query.where(condition)
    query = query.order_by(Customer.name_search, Customer.number)
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(
        rows=[
            CustomerRow(
                id=c.id,
                number=c.number,
                kind=c.kind,
                name=c.name,
                national_id_display=_display_id(actor, c.national_id),
                customer_group=c.customer_group,
                tax_office=c.tax_office,
                phone=c.phone,
                email=c.email,
            )
            for c in rows
        ],
        total=total,
        page=page,
        size=size,
    )


def _as_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < number < 2**63:
        raise NotFound()
    return number


def get_customer(
    db: Session, actor: Actor, customer_id: int | str | None = None, number: int | str | None = None
) -> CustomerView:
    """By id or customer number; outside the actor's scope it does not exist."""
    _require_reader(actor)
    cid, cnumber = _as_int(customer_id), _as_int(number)
    if cid is None and cnumber is None:
        raise NotFound()
    query = (
        select(Customer, User.code, Office.name)
        .join(User, User.id == Customer.owner_user_id)
        .join(Office, Office.id == Customer.office_id)
        .where(_scoped(actor))
    )
    if cid is not None:
        query = query.where(Customer.id == cid)
    if cnumber is not None:
        query = query.where(Customer.number == cnumber)
    found = db.exec(query).first()
    if found is None:
        raise NotFound()
    c, owner_code, office_name = found
    return CustomerView(
        id=c.id,
        number=c.number,
        kind=c.kind,
        name=c.name,
        national_id_display=_display_id(actor, c.national_id),
        tax_office=c.tax_office,
        customer_group=c.customer_group,
        address=c.address,
        phone=c.phone,
        email=c.email,
        created_by=owner_code,
        office_name=office_name,
        created_at=c.created_at,
    )
