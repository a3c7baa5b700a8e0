"""Customer services as agency and insurer staff use them: create (validated, numbered,
audited), duplicates in scope, scope (another agency's customer does not exist), masked national
ids, and the search box (number, TCKN/VKN, Turkish names).

Demo organisation: agency A (acente.a1, acente.a2) hangs under İstanbul Şube, agency B
(acente.b1) under Ankara Şube. Agency users see only their own records and never hold
`customer.view_id`; branch staff see their office tree, head-office approvers everything,
both with `customer.view_id`; the production manager (gm.mudur) may only view quotes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import pytest
from sqlmodel import Session, select
from stdnum.tr import tckimlik

from iztim_app.core.customers import services
from iztim_app.core.customers.models import Customer
from iztim_app.core.customers.services import CustomerView
from iztim_app.core.errors import DomainError
from tests.foundation.support import actor_of, audit_events, office_of, snapshot, user_of

FIRST = 100001

PERSON = dict(
    kind="individual",
    national_id="17291716060",
    name="Ayşe Şahin",
    customer_group="bireysel",
    address="Bağdat Cad. No: 12 Kadıköy/İstanbul",
    phone="0532 123 45 67",
    email="ayse.sahin@example.com",
)
COMPANY = dict(
    kind="corporate",
    national_id="4540536920",
    name="IŞIK Gıda San. ve Tic. Ltd. Şti.",
    tax_office="Kadıköy",
    customer_group="kobi",
)
LOGISTICS = dict(
    kind="corporate",
    national_id="1000036109",
    name="istanbul lojistik A.Ş.",
    tax_office="Beşiktaş",
    customer_group="kurumsal",
)
ANKARA_PERSON = dict(
    kind="individual",
    national_id="10000000146",
    name="Mehmet Öztürk",
    customer_group="kamu_personeli",
)


def tckn(first_nine: str) -> str:
    return first_nine + tckimlik.calc_check_digits(first_nine)


def create(db: Session, user: str, data: dict[str, str], **changes: str) -> CustomerView:
    return services.create_customer(db, actor_of(db, user), **{**data, **changes})


def find(db: Session, user: str, search: str = "", page: int = 1, size: int = 20):
    return services.find_customers(db, actor_of(db, user), search, page, size)


def numbers(db: Session, user: str, search: str = "") -> list[int]:
    return [row.number for row in find(db, user, search).rows]


def failure(call: Callable[[], Any]) -> tuple[str, str, dict, str | None]:
    """What the user is told: error class, message code, its data and the field."""
    with pytest.raises(DomainError) as info:
        call()
    error = info.value
    return type(error).__name__, error.code, error.params, getattr(error, "field", None)


@pytest.fixture
def book(db: Session) -> dict[str, int]:
    """Agency A user 1: a person and a company; İstanbul Şube: a company; agency B: a person."""
    return {
        "a1_person": create(db, "acente.a1", PERSON).number,  # 100001
        "a1_company": create(db, "acente.a1", COMPANY).number,  # 100002
        "ist_company": create(db, "sube.istanbul", LOGISTICS).number,  # 100003
        "b1_person": create(db, "acente.b1", ANKARA_PERSON).number,  # 100004
    }


# ====================================================================== creating


def test_an_agency_user_creates_a_customer_numbered_owned_and_audited(db: Session):
    # given agency A's first user and an empty customer book
    a1 = user_of(db, "acente.a1")
    agency = office_of(db, "A-ACENTE-A")

    # when they save an individual customer, the name typed with stray spaces
    view = create(db, "acente.a1", PERSON, name="  Ayşe   Şahin ")

    # then the customer gets the first customer number and shows the id masked to them
    shown = asdict(view)
    assert shown.pop("created_at") is not None
    assert shown == {
        "id": view.id,
        "number": FIRST,
        "kind": "individual",
        "name": "Ayşe Şahin",
        "national_id_display": "172******60",
        "tax_office": "",
        "customer_group": "bireysel",
        "address": "Bağdat Cad. No: 12 Kadıköy/İstanbul",
        "phone": "0532 123 45 67",
        "email": "ayse.sahin@example.com",
        "created_by": "acente.a1",
        "office_name": "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
    }
    # and is stored in full, owned by the user and their office, with the search name
    stored = db.exec(select(Customer).where(Customer.id == view.id)).one()
    assert (stored.national_id, stored.name_search) == ("17291716060", "ayşe şahin")
    assert (stored.owner_user_id, stored.office_id, stored.office_path) == (
        a1.id,
        agency.id,
        agency.path,
    )
    # and one audit row records who created it with the values saved
    [event] = audit_events(db, "customer.create")
    assert (event.actor_code, event.entity_type, event.entity_id, event.before) == (
        "acente.a1",
        "customer",
        str(view.id),
        None,
    )
    assert event.after == {
        "number": FIRST,
        "kind": "individual",
        "national_id": "17291716060",
        "name": "Ayşe Şahin",
        "tax_office": "",
        "customer_group": "bireysel",
        "address": "Bağdat Cad. No: 12 Kadıköy/İstanbul",
        "phone": "0532 123 45 67",
        "email": "ayse.sahin@example.com",
        "owner_user_id": a1.id,
        "office_id": agency.id,
    }


def test_customer_numbers_follow_one_sequence_across_users(db: Session):
    assert create(db, "acente.a1", PERSON).number == FIRST
    assert create(db, "acente.b1", ANKARA_PERSON).number == FIRST + 1
    assert create(db, "sube.istanbul", LOGISTICS, national_id="100 003 6109").number == FIRST + 2


def test_branch_staff_with_the_id_permission_see_the_new_customer_id_in_full(db: Session):
    view = create(db, "sube.istanbul", LOGISTICS)
    assert (view.national_id_display, view.created_by, view.office_name) == (
        "1000036109",
        "sube.istanbul",
        "İstanbul Şube",
    )


# ====================================================================== duplicates


@pytest.mark.parametrize("user", ["acente.a1", "sube.istanbul", "gm.onay"])
def test_a_duplicate_id_the_user_can_see_points_to_the_existing_customer(
    db: Session, customers_url: str, user: str
):
    # given agency A's customer 100001
    create(db, "acente.a1", PERSON)
    before = snapshot(customers_url)

    # when a user who may see it enters the same TCKN (typed with spaces)
    result = failure(
        lambda: create(db, user, PERSON, national_id="172 917 160 60", name="A. Şahin")
    )

    # then they are told its customer number, and nothing changed
    assert result == ("Conflict", "customer.duplicate", {"number": FIRST}, None)
    db.rollback()
    assert snapshot(customers_url) == before


# Another portfolio's customer with the same national id: test_customer_portfolios.py


# ====================================================================== validation


@pytest.mark.parametrize(
    ("data", "group"),
    [
        (PERSON, "kobi"),  # a corporate group for a person
        (PERSON, "kurumsal"),
        (COMPANY, "bireysel"),  # an individual group for a company
        (COMPANY, "kamu_personeli"),
        (PERSON, "vip"),  # not in the tariff in force
        (PERSON, ""),
    ],
)
def test_the_customer_group_must_exist_and_match_the_customer_kind(
    db: Session, customers_url: str, data: dict, group: str
):
    before = snapshot(customers_url)
    assert failure(lambda: create(db, "acente.a1", data, customer_group=group)) == (
        "CustomerProblems",
        "customer.group_invalid",
        {},
        "customer_group",
    )
    db.rollback()
    assert snapshot(customers_url) == before


def test_every_mistake_of_the_form_is_reported_at_once(db: Session, customers_url: str):
    before = snapshot(customers_url)
    with pytest.raises(services.CustomerProblems) as info:
        create(
            db,
            "acente.a1",
            PERSON,
            national_id="17291716050",
            name=" ",
            customer_group="kobi",
            phone="0532",
            email="ayse@",
        )
    assert [(p.code, p.field) for p in info.value.problems] == [
        ("customer.tckn_invalid", "national_id"),
        ("customer.name_required", "name"),
        ("customer.group_invalid", "customer_group"),
        ("customer.phone_invalid", "phone"),
        ("customer.email_invalid", "email"),
    ]
    assert (info.value.code, info.value.field) == ("customer.tckn_invalid", "national_id")
    db.rollback()
    assert snapshot(customers_url) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kind": "company"}, ("customer.kind_invalid", {}, "kind")),
        (
            {"national_id": "17291716060"},
            ("customer.vkn_invalid", {}, "national_id"),
        ),  # TCKN for a company
        ({"national_id": "4540536921"}, ("customer.vkn_invalid", {}, "national_id")),
        ({"tax_office": "  "}, ("customer.tax_office_required", {}, "tax_office")),
        ({"name": "Ş" * 201}, ("customer.too_long", {"max": 200}, "name")),
        ({"phone": "0212-555-12-12"}, ("customer.phone_invalid", {}, "phone")),
    ],
)
def test_each_bad_field_of_a_company_is_refused_on_that_field(
    db: Session, customers_url: str, changes: dict, expected: tuple
):
    before = snapshot(customers_url)
    _, code, params, field = failure(lambda: create(db, "acente.a1", COMPANY, **changes))
    assert (code, params, field) == expected
    db.rollback()
    assert snapshot(customers_url) == before


@pytest.mark.parametrize("user", ["gm.mudur", "bt.admin"])
def test_a_user_without_quote_create_cannot_create_customers(
    db: Session, customers_url: str, user: str
):
    before = snapshot(customers_url)
    assert failure(lambda: create(db, user, PERSON)) == (
        "PermissionDenied",
        "error.permission_denied",
        {"permission": "quote.create"},
        None,
    )
    db.rollback()
    assert snapshot(customers_url) == before


# ====================================================================== scope


def test_another_agencys_customer_does_not_exist_for_an_agency_user(
    db: Session, book: dict[str, int]
):
    a1_person = db.exec(select(Customer).where(Customer.number == book["a1_person"])).one()
    b1 = actor_of(db, "acente.b1")

    # agency B finds none of agency A's customers, by number, national id or name
    assert numbers(db, "acente.b1", str(book["a1_person"])) == []
    assert numbers(db, "acente.b1", "17291716060") == []
    assert numbers(db, "acente.b1", "şahin") == []
    assert numbers(db, "acente.b1") == [book["b1_person"]]

    # and opening it fails exactly like a number that was never given
    never = failure(lambda: services.get_customer(db, b1, number=999999))
    assert never == ("NotFound", "error.not_found", {}, None)
    assert failure(lambda: services.get_customer(db, b1, number=book["a1_person"])) == never
    assert failure(lambda: services.get_customer(db, b1, customer_id=a1_person.id)) == never
    assert failure(lambda: services.get_customer(db, b1, customer_id=str(a1_person.id))) == never


def test_agency_users_see_only_their_own_customers_and_offices_their_tree(
    db: Session, book: dict[str, int]
):
    mine = sorted([book["a1_person"], book["a1_company"]])
    assert sorted(numbers(db, "acente.a1")) == mine
    assert numbers(db, "acente.a2") == []  # same agency, another user code
    assert sorted(numbers(db, "sube.istanbul")) == sorted([*mine, book["ist_company"]])
    assert numbers(db, "sube.ankara") == [book["b1_person"]]
    assert sorted(numbers(db, "gm.onay")) == [FIRST, FIRST + 1, FIRST + 2, FIRST + 3]
    assert sorted(numbers(db, "gm.mudur")) == [FIRST, FIRST + 1, FIRST + 2, FIRST + 3]  # quote.view


def test_finding_customers_needs_a_quote_permission(db: Session, book: dict[str, int]):
    it = actor_of(db, "bt.admin")
    denied = ("PermissionDenied", "error.permission_denied", {"permission": "quote.view"}, None)
    assert failure(lambda: services.find_customers(db, it)) == denied
    assert failure(lambda: services.get_customer(db, it, number=FIRST)) == denied


@pytest.mark.parametrize(
    "bad", [{}, {"customer_id": "abc"}, {"number": "-1"}, {"number": "9" * 40}]
)
def test_nonsense_keys_behave_like_a_wrong_number(db: Session, book: dict[str, int], bad: dict):
    assert failure(lambda: services.get_customer(db, actor_of(db, "gm.onay"), **bad)) == (
        "NotFound",
        "error.not_found",
        {},
        None,
    )


# ====================================================================== masked ids


def test_without_the_id_permission_lists_and_views_show_the_id_masked(
    db: Session, book: dict[str, int]
):
    page = find(db, "acente.a1")
    assert {r.number: r.national_id_display for r in page.rows} == {
        book["a1_person"]: "172******60",
        book["a1_company"]: "454*****20",
    }
    view = services.get_customer(db, actor_of(db, "acente.a1"), number=book["a1_person"])
    assert view.national_id_display == "172******60"
    assert "17291716060" not in repr(page) + repr(view)
    # the manager sees every customer, still masked
    assert {r.national_id_display for r in find(db, "gm.mudur").rows} == {
        "172******60",
        "454*****20",
        "100*****09",
        "100******46",
    }


def test_with_the_id_permission_lists_and_views_show_the_id_in_full(
    db: Session, book: dict[str, int]
):
    rows = {r.number: r.national_id_display for r in find(db, "sube.istanbul").rows}
    assert rows == {
        book["a1_person"]: "17291716060",
        book["a1_company"]: "4540536920",
        book["ist_company"]: "1000036109",
    }
    view = services.get_customer(db, actor_of(db, "gm.onay"), number=str(book["b1_person"]))
    assert (view.national_id_display, view.name, view.created_by) == (
        "10000000146",
        "Mehmet Öztürk",
        "acente.b1",
    )


# ====================================================================== search


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("100002", ["a1_company"]),  # customer number, exactly
        (" 100003 ", ["ist_company"]),
        ("10000", []),  # no partial numbers
        ("17291716060", ["a1_person"]),  # TCKN, exactly
        ("172 917 160 60", ["a1_person"]),
        ("1729171606", []),  # no partial national ids
        ("4540536920", ["a1_company"]),  # VKN
        ("İSTANBUL", ["ist_company"]),  # finds "istanbul lojistik A.Ş."
        ("ışık", ["a1_company"]),  # finds "IŞIK Gıda …"
        ("IŞIK gıda", ["a1_company"]),
        ("ŞAHİN", ["a1_person"]),
        ("öztürk", ["b1_person"]),
        ("lojistik   a.ş.", ["ist_company"]),
        ("%", []),  # wildcards are taken literally
        ("_", []),
        ("Yılmaz", []),
    ],
)
def test_the_search_box_takes_a_number_a_national_id_or_part_of_a_name(
    db: Session, book: dict[str, int], search: str, found: list[str]
):
    assert numbers(db, "gm.onay", search) == [book[key] for key in found]


def test_lists_are_paged_on_the_server_in_name_order(db: Session):
    # given five customers of agency A's first user, saved in no particular order
    names = ["Deniz Çelik", "Ahmet Yılmaz", "Emre Aydın", "Can Demir", "Burak Kaya"]
    for i, name in enumerate(names):
        create(db, "acente.a1", PERSON, national_id=tckn(f"12345678{i}"), name=name)

    # when they page through their list two at a time
    pages = [find(db, "acente.a1", page=n, size=2) for n in (1, 2, 3)]

    # then the names come in order, two per page, with the total
    assert [[r.name for r in p.rows] for p in pages] == [
        ["Ahmet Yılmaz", "Burak Kaya"],
        ["Can Demir", "Deniz Çelik"],
        ["Emre Aydın"],
    ]
    assert [(p.page, p.size, p.total, p.pages) for p in pages] == [
        (1, 2, 5, 3),
        (2, 2, 5, 3),
        (3, 2, 5, 3),
    ]
    assert (
        find(db, "acente.a1", "a", page=0, size=0).rows[0].name == "Ahmet Yılmaz"
    )  # corrected to page 1, size 1


def test_a_duplicate_saved_a_moment_earlier_is_caught_by_the_database_and_costs_no_number(
    db: Session, customers_url: str, monkeypatch: pytest.MonkeyPatch
):
    # given a customer, and a second save whose duplicate check ran before the first committed
    create(db, "acente.a1", PERSON)
    before = snapshot(customers_url)
    real = services._duplicate
    calls: list[str] = []

    def too_early(db_, actor, national_id):  # noqa: ANN001, ANN202
        calls.append(national_id)
        return None if len(calls) == 1 else real(db_, actor, national_id)

    monkeypatch.setattr(services, "_duplicate", too_early)

    # when it reaches the database, the unique index refuses it
    result = failure(lambda: create(db, "acente.a1", PERSON))

    # then the user gets the same pointer, and nothing changed: not even the sequence
    assert result == ("Conflict", "customer.duplicate", {"number": FIRST}, None)
    assert snapshot(customers_url) == before
    monkeypatch.undo()
    assert create(db, "acente.a1", COMPANY).number == FIRST + 1
