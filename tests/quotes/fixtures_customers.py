"""Customer fixtures: a few individuals (TCKN) and companies (VKN), each owned by a user.

Uses customers.services.create_customer when it exists; otherwise inserts the rows the
way that service would (next customer number, Turkish-folded search name, owner office).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select
from stdnum.tr import tckimlik, vkn

from iztim_app.core import clock
from iztim_app.core.customers.models import Customer
from iztim_app.core.numbering import next_number
from iztim_app.core.users.actor import Actor
from tests.foundation.support import actor_of

try:  # written concurrently by another engineer
    from iztim_app.core.customers.services import create_customer
except ImportError:  # pragma: no cover - depends on the state of the tree
    create_customer = None

FIRST_CUSTOMER_NUMBER = 100001


def tckn(first_nine: str) -> str:
    number = first_nine + tckimlik.calc_check_digits(first_nine)
    assert tckimlik.is_valid(number)
    return number


def vkn_of(first_nine: str) -> str:
    number = first_nine + vkn.calc_check_digit(first_nine)
    assert vkn.is_valid(number)
    return number


def fold(text: str) -> str:
    return text.replace("İ", "i").replace("I", "ı").lower()


@dataclass(frozen=True)
class Cust:
    id: int
    number: int
    name: str
    kind: str
    national_id: str
    group: str


def add_customer(
    db: Session, owner: Actor, *, kind: str, national_id: str, name: str, group: str
) -> Cust:
    tax_office = "Kadıköy" if kind == "corporate" else ""
    if create_customer is not None:
        create_customer(
            db,
            owner,
            kind=kind,
            national_id=national_id,
            name=name,
            tax_office=tax_office,
            customer_group=group,
            address="Bağdat Cad. No: 1 Kadıköy/İstanbul",
            phone="05321234567",
            email="musteri@example.com",
        )
    else:
        db.add(
            Customer(
                number=next_number(db, "customer", start=FIRST_CUSTOMER_NUMBER),
                kind=kind,
                national_id=national_id,
                name=name,
                name_search=fold(name),
                tax_office=tax_office,
                customer_group=group,
                owner_user_id=owner.user_id,
                office_id=owner.office_id,
                office_path=owner.office_path,
                created_at=clock.utcnow(),
            )
        )
        db.commit()
    row = db.exec(select(Customer).where(Customer.national_id == national_id)).one()
    return Cust(row.id, row.number, row.name, row.kind, row.national_id, row.customer_group)


@dataclass(frozen=True)
class Customers:
    a1_person: Cust  # acente.a1 (agency A, under İstanbul Şube)
    a1_company: Cust  # acente.a1
    a2_person: Cust  # acente.a2 (agency A, another user)
    b1_person: Cust  # acente.b1 (agency B, under Ankara Şube)
    ist_company: Cust  # sube.istanbul
    gm_person: Cust  # gm.onay (head office)


@pytest.fixture
def customers(db: Session) -> Customers:
    def add(owner: str, **kw) -> Cust:  # noqa: ANN003
        return add_customer(db, actor_of(db, owner), **kw)

    return Customers(
        a1_person=add(
            "acente.a1",
            kind="individual",
            national_id="17291716060",
            name="Ayşe Şahin",
            group="bireysel",
        ),
        a1_company=add(
            "acente.a1",
            kind="corporate",
            national_id="4540536920",
            name="IŞIK Gıda San. ve Tic. Ltd. Şti.",
            group="kobi",
        ),
        a2_person=add(
            "acente.a2",
            kind="individual",
            national_id=tckn("123456789"),
            name="Can Yıldız",
            group="bireysel",
        ),
        b1_person=add(
            "acente.b1",
            kind="individual",
            national_id="10000000146",
            name="Mehmet Öztürk",
            group="bireysel",
        ),
        ist_company=add(
            "sube.istanbul",
            kind="corporate",
            national_id="1000036109",
            name="İstanbul Lojistik A.Ş.",
            group="kurumsal",
        ),
        gm_person=add(
            "gm.onay",
            kind="individual",
            national_id=tckn("234567891"),
            name="Zeynep Kaya",
            group="kamu_personeli",
        ),
    )
