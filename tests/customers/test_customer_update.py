"""Editing a customer's contact data (address, phone, e-mail, tax office): validated field by
field, only within the actor's scope, audited with the values before and after."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlmodel import Session

from iztim_app.core.customers import services
from tests.customers.test_customer_services import COMPANY, FIRST, PERSON, create, failure
from tests.foundation.support import actor_of, audit_events, snapshot

CONTACT = dict(
    tax_office="",
    address="Moda Cad. No: 5 Kadıköy/İstanbul",
    phone="0532 123 45 67",
    email="ayse.sahin@example.com",
)


def update(db: Session, user: str, number: int | str, **changes: str) -> services.CustomerView:
    return services.update_customer(db, actor_of(db, user), number, **{**CONTACT, **changes})


@pytest.fixture
def person(db: Session) -> int:
    return create(db, "acente.a1", PERSON).number  # 100001, agency A user 1


@pytest.mark.parametrize("user", ["acente.a1", "sube.istanbul", "gm.onay"])
def test_a_user_who_sees_the_customer_changes_the_contact_data_audited(
    db: Session, person: int, user: str
):
    # when the address and e-mail change (the phone is sent as it was)
    view = update(db, user, person, address="  Moda Cad.  No: 5 Kadıköy/İstanbul ")

    # then the view shows the new values, spaces tidied, and the rest as it was
    assert (view.number, view.name, view.address, view.phone, view.email) == (
        FIRST,
        "Ayşe Şahin",
        "Moda Cad. No: 5 Kadıköy/İstanbul",
        "0532 123 45 67",
        "ayse.sahin@example.com",
    )
    assert services.get_customer(db, actor_of(db, user), number=person) == view
    # and the audit row holds only what changed, before and after
    [event] = audit_events(db, "customer.update")
    assert (event.actor_code, event.entity_type, event.entity_id) == (
        user,
        "customer",
        str(view.id),
    )
    assert event.before == {"number": FIRST, "address": "Bağdat Cad. No: 12 Kadıköy/İstanbul"}
    assert event.after == {"number": FIRST, "address": "Moda Cad. No: 5 Kadıköy/İstanbul"}


def test_every_contact_field_changes_in_one_save(db: Session, person: int):
    view = update(db, "acente.a1", person, phone="+90 216 555 12 12", email="ayse@example.org")
    [event] = audit_events(db, "customer.update")
    assert event.after == {
        "number": FIRST,
        "address": "Moda Cad. No: 5 Kadıköy/İstanbul",
        "phone": "+90 216 555 12 12",
        "email": "ayse@example.org",
    }
    assert (view.phone, view.email) == ("+90 216 555 12 12", "ayse@example.org")


def test_saving_unchanged_values_writes_nothing(db: Session, customers_url: str, person: int):
    before = snapshot(customers_url)
    view = update(db, "acente.a1", person, address="Bağdat Cad. No: 12 Kadıköy/İstanbul")
    assert view.address == "Bağdat Cad. No: 12 Kadıköy/İstanbul"
    assert snapshot(customers_url) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"phone": "0532-123"}, [("customer.phone_invalid", "phone")]),
        ({"email": "ayse@"}, [("customer.email_invalid", "email")]),
        ({"address": "a" * 401}, [("customer.too_long", "address")]),
        ({"tax_office": "V" * 101}, [("customer.too_long", "tax_office")]),
        (
            {"phone": "12", "email": "x"},
            [("customer.phone_invalid", "phone"), ("customer.email_invalid", "email")],
        ),
    ],
)
def test_a_bad_field_is_refused_on_that_field_and_nothing_changes(
    db: Session, customers_url: str, person: int, changes: dict, expected: list
):
    before = snapshot(customers_url)
    with pytest.raises(services.CustomerProblems) as info:
        update(db, "acente.a1", person, **changes)
    assert [(p.code, p.field) for p in info.value.problems] == expected
    db.rollback()
    assert snapshot(customers_url) == before


def test_a_company_keeps_its_tax_office(db: Session, customers_url: str):
    number = create(db, "acente.a1", COMPANY).number
    before = snapshot(customers_url)
    assert failure(lambda: update(db, "acente.a1", number, tax_office=" ")) == (
        "CustomerProblems",
        "customer.tax_office_required",
        {},
        "tax_office",
    )
    assert snapshot(customers_url) == before
    assert update(db, "acente.a1", number, tax_office="Moda").tax_office == "Moda"


@pytest.mark.parametrize("user", ["acente.a2", "acente.b1", "sube.ankara"])
def test_a_customer_outside_the_scope_cannot_be_edited_and_looks_like_none(
    db: Session, customers_url: str, person: int, user: str
):
    before = snapshot(customers_url)
    never = failure(lambda: update(db, user, 999999))
    assert never == ("NotFound", "error.not_found", {}, None)
    assert failure(lambda: update(db, user, person)) == never
    assert failure(lambda: update(db, user, "abc")) == never
    db.rollback()
    assert snapshot(customers_url) == before


@pytest.mark.parametrize("user", ["gm.mudur", "bt.admin"])
def test_editing_needs_the_right_to_create_customers(
    db: Session, customers_url: str, person: int, user: str
):
    before = snapshot(customers_url)
    assert failure(lambda: update(db, user, person)) == (
        "PermissionDenied",
        "error.permission_denied",
        {"permission": "quote.create"},
        None,
    )
    assert snapshot(customers_url) == before
    # the identity is not a contact field: the view still shows what was saved
    view = services.get_customer(db, actor_of(db, "gm.onay"), number=person)
    assert asdict(view)["address"] == "Bağdat Cad. No: 12 Kadıköy/İstanbul"
