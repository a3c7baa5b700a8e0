"""Customer services: create, find, open and edit customers, always within the actor's scope.

A customer outside the actor's scope behaves exactly like one that does not exist, and
the national id leaves this module in full only for users holding `customer.view_id`.

Records are per portfolio: entering a TCKN/VKN the actor can see points to that record;
one they cannot see (another agency's customer) is invisible, so the actor silently gets
a record of their own. Users who see several portfolios see one person's records together.
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
CONTACT_FIELDS = ("tax_office", "address", "phone", "email")


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
    created_by: str = ""  # user code of the owner: whose portfolio
    office_name: str = ""


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


@dataclass(frozen=True)
class CustomerPage:
    """The customer screen: the record, the same person's other records the actor may see
    (other portfolios; empty for agency users) and whether the actor may edit contact data."""

    customer: CustomerView
    same_person: tuple[CustomerRow, ...]
    can_edit: bool


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
    actor.require_any("quote.view", "quote.create")


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
    if len(fields["name"]) > MAX_LENGTHS["name"]:
        problems.append(
            ValidationFailed("customer.too_long", field="name", max=MAX_LENGTHS["name"])
        )
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
    problems += _contact_problems(kind, fields)
    if problems:
        raise CustomerProblems(problems)
    return fields


def _contact_problems(kind: str, fields: dict[str, str]) -> list[ValidationFailed]:
    """The rules of the contact fields (phone, e-mail, lengths), shared by create and edit."""
    problems: list[ValidationFailed] = []
    code = phone_problem(fields["phone"])
    if code:
        problems.append(ValidationFailed(code, field="phone"))
    if fields["email"] and not is_email(fields["email"]):
        problems.append(ValidationFailed("customer.email_invalid", field="email"))
    for name in CONTACT_FIELDS:
        limit = MAX_LENGTHS[name]
        if len(fields[name]) > limit:
            problems.append(ValidationFailed("customer.too_long", field=name, max=limit))
    return problems


def _duplicate(db: Session, actor: Actor, national_id: str) -> Conflict | None:
    """A pointer to a record of this national id the actor may see (their own first).

    One scoped query: a record outside the actor's scope is never looked at, so whether
    another portfolio has this person changes neither the answer nor the work done.
    """
    own_first = sa.case((Customer.owner_user_id == actor.user_id, 0), else_=1)
    number = db.exec(
        select(Customer.number)
        .where(Customer.national_id == national_id, _scoped(actor))
        .order_by(own_first, Customer.number)
    ).first()
    return None if number is None else Conflict("customer.duplicate", number=number)


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
    """Owned by the actor (and their office); numbered from the customer sequence; audited.

    A national id the actor can already see is refused with a pointer to that record; one
    on record only in portfolios the actor cannot see gets a new record for the actor.
    """
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
        # The same owner saved this national id a moment ago: report it as above.
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
    query = _with_owner().where(_scoped(actor))
    condition = search_condition(search)
    if condition is not None:
        query = query.where(condition)
    query = query.order_by(Customer.name_search, Customer.number)
    rows, total, page, size = fetch_page(db, query, page, size)
    return Page(
        rows=[_row(actor, c, owner, office) for c, owner, office in rows],
        total=total,
        page=page,
        size=size,
    )


def _with_owner() -> sa.Select:
    return (
        select(Customer, User.code, Office.name)
        .join(User, User.id == Customer.owner_user_id)
        .join(Office, Office.id == Customer.office_id)
    )


def _shown(actor: Actor, c: Customer, owner_code: str, office_name: str) -> dict[str, Any]:
    """What a list row and the customer screen both show of a record."""
    return {
        "id": c.id,
        "number": c.number,
        "kind": c.kind,
        "name": c.name,
        "national_id_display": _display_id(actor, c.national_id),
        "customer_group": c.customer_group,
        "tax_office": c.tax_office,
        "phone": c.phone,
        "email": c.email,
        "created_by": owner_code,
        "office_name": office_name,
    }


def _row(actor: Actor, c: Customer, owner_code: str, office_name: str) -> CustomerRow:
    return CustomerRow(**_shown(actor, c, owner_code, office_name))


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
    query = _with_owner().where(_scoped(actor))
    if cid is not None:
        query = query.where(Customer.id == cid)
    if cnumber is not None:
        query = query.where(Customer.number == cnumber)
    found = db.exec(query).first()
    if found is None:
        raise NotFound()
    return _view(actor, *found)


def _view(actor: Actor, c: Customer, owner_code: str, office_name: str) -> CustomerView:
    return CustomerView(
        **_shown(actor, c, owner_code, office_name), address=c.address, created_at=c.created_at
    )


def _same_person(db: Session, actor: Actor, customer: Customer) -> list[tuple]:
    """The same national id's other records within the actor's scope, by number."""
    return db.exec(
        _with_owner()
        .where(
            Customer.national_id == customer.national_id,
            Customer.id != customer.id,
            _scoped(actor),
        )
        .order_by(Customer.number)
    ).all()


def _visible_record(
    db: Session, actor: Actor, number: int | str | None, *, lock: bool = False
) -> Customer:
    cnumber = _as_int(number)
    if cnumber is None:
        raise NotFound()
    query = select(Customer).where(Customer.number == cnumber, _scoped(actor))
    customer = db.exec(query.with_for_update() if lock else query).first()
    if customer is None:
        raise NotFound()
    return customer


def customer_page(db: Session, actor: Actor, number: int | str | None) -> CustomerPage:
    """One customer with the same person's records in the other portfolios the actor sees."""
    view = get_customer(db, actor, number=number)
    customer = db.get(Customer, view.id)
    return CustomerPage(
        customer=view,
        same_person=tuple(_row(actor, *found) for found in _same_person(db, actor, customer)),
        can_edit=actor.can("quote.create"),
    )


def person_record_ids(db: Session, actor: Actor, number: int | str | None) -> list[int]:
    """Ids of this customer's record and the same person's other records the actor sees:
    whose quotes (and, later, policies) the customer page lists together."""
    _require_reader(actor)
    customer = _visible_record(db, actor, number)
    return [customer.id] + [c.id for c, _, _ in _same_person(db, actor, customer)]


# ---------------------------------------------------------------- editing


def update_customer(
    db: Session,
    actor: Actor,
    number: int | str | None,
    *,
    tax_office: str,
    address: str,
    phone: str,
    email: str,
) -> CustomerView:
    """Changes the contact data of a customer in the actor's scope; audited field by field.

    The identity (kind, TCKN/VKN, name) and the customer group stay: quotes were priced on
    them. Nothing changed writes nothing.
    """
    actor.require("quote.create")
    customer = _visible_record(db, actor, number, lock=True)
    fields = {
        "tax_office": _clean(tax_office),
        "address": _clean(address),
        "phone": _clean(phone),
        "email": (email or "").strip(),
    }
    problems = _contact_problems(customer.kind, fields)
    if customer.kind == CustomerKind.CORPORATE.value and not fields["tax_office"]:
        problems.insert(0, ValidationFailed("customer.tax_office_required", field="tax_office"))
    if problems:
        db.rollback()
        raise CustomerProblems(problems)
    changed = {k: v for k, v in fields.items() if getattr(customer, k) != v}
    if changed:
        before = {"number": customer.number} | {k: getattr(customer, k) for k in changed}
        for key, value in changed.items():
            setattr(customer, key, value)
        db.add(customer)
        audit_log.record(
            db,
            actor,
            "customer.update",
            "customer",
            customer.id,
            before,
            {"number": customer.number} | changed,
        )
        db.commit()
    else:
        db.rollback()
    return get_customer(db, actor, customer_id=customer.id)
