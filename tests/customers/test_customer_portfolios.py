"""One person, several portfolios: agency B enters a TCKN agency A already has.

The decision: customer records are per portfolio (owner user). A national id the user can
see points to that record; one on record only where the user cannot see gets the user a
record of their own, exactly as if nobody had it. Head office, and branches over their
tree, see the records of one person together, with all their quotes.

Demo organisation: agency A (acente.a1, acente.a2) under İstanbul Şube, agency B
(acente.b1) under Ankara Şube; gm.onay sees everything, gm.mudur everything but may only
view quotes.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.customers import services
from iztim_app.core.customers.models import Customer
from iztim_app.core.quotes import services as quotes
from tests.customers.test_customer_services import FIRST, PERSON, create, failure, numbers
from tests.foundation.support import actor_of, audit_events, snapshot, user_of
from tests.quotes.fixtures_quotes import form, save

# What agency B types for the same person: its own contact data.
B_PERSON = dict(
    PERSON,
    name="Ayşe Şahin",
    address="Kızılay Meydanı No: 3 Çankaya/Ankara",
    phone="0312 555 44 33",
    email="ayse@example.org",
)
NOBODYS = "10000000146"  # a valid TCKN no portfolio has


def record(db: Session, number: int) -> Customer:
    return db.exec(select(Customer).where(Customer.number == number)).one()


def page_of(db: Session, user: str, number: int) -> services.CustomerPage:
    return services.customer_page(db, actor_of(db, user), number)


def quote_numbers(db: Session, user: str, number: int) -> list[int]:
    found = quotes.customer_quotes(db, actor_of(db, user), number, 1, 50)
    return [row.number for row in found.rows]


def shape(view: services.CustomerView) -> dict:
    """A view without what differs by nature between two records (ids, numbers, times)."""
    shown = asdict(view)
    for key in ("id", "number", "created_at", "national_id_display"):
        shown.pop(key)
    return shown


@pytest.fixture
def a1_person(db: Session) -> int:
    """Agency A's customer, with a quote on it."""
    number = create(db, "acente.a1", PERSON).number
    assert number == FIRST
    return number


# ====================================================================== the agency's side


@pytest.mark.parametrize("user", ["acente.b1", "acente.a2", "sube.ankara"])
def test_a_tckn_on_record_only_outside_the_users_scope_gets_them_their_own_record(
    db: Session, a1_person: int, user: str
):
    a_quote = save(db, "acente.a1", form("konut", record(db, a1_person).id, "400000")).number
    a_before = {k: v for k, v in record(db, a1_person).__dict__.items() if not k.startswith("_")}

    # when another agency, a colleague of the same agency or another branch enters the TCKN
    view = create(db, user, B_PERSON)

    # then there is no refusal: they have a record of their own, with what they typed
    assert view.number == FIRST + 1
    assert (view.name, view.address, view.phone, view.email, view.created_by) == (
        "Ayşe Şahin",
        "Kızılay Meydanı No: 3 Çankaya/Ankara",
        "0312 555 44 33",
        "ayse@example.org",
        user,
    )
    mine = record(db, view.number)
    assert (mine.national_id, mine.owner_user_id) == ("17291716060", user_of(db, user).id)
    # and agency A's record is untouched
    assert {
        k: v for k, v in record(db, a1_person).__dict__.items() if not k.startswith("_")
    } == a_before
    # and nothing of A's shows to them: no other record, no quote, not by any search
    assert numbers(db, user, "17291716060") == [view.number]
    assert numbers(db, user, "şahin") == [view.number]
    page = page_of(db, user, view.number)
    assert (page.customer, page.same_person, page.can_edit) == (view, (), True)
    assert quote_numbers(db, user, view.number) == []
    assert quote_numbers(db, "acente.a1", a1_person) == [a_quote]  # (control: A still sees it)
    assert failure(lambda: page_of(db, user, a1_person)) == (
        "NotFound",
        "error.not_found",
        {},
        None,
    )


def test_creating_a_person_another_portfolio_has_looks_exactly_like_creating_a_new_one(
    db: Session, a1_person: int
):
    # given agency B creates the person agency A has, and then a person nobody has
    same = create(db, "acente.b1", B_PERSON)
    new = create(db, "acente.b1", B_PERSON, national_id=NOBODYS)

    # then both answers have the same shape and the same audit trail: nothing tells them apart
    assert shape(same) == shape(new)
    assert (same.number, new.number) == (FIRST + 1, FIRST + 2)
    created = [e for e in audit_events(db, "customer.create") if e.actor_code == "acente.b1"]
    assert [(e.before, sorted(e.after)) for e in created] == [
        (None, sorted(created[1].after)),
        (None, sorted(created[1].after)),
    ]
    assert {k: v for k, v in created[0].after.items() if k not in ("number", "national_id")} == {
        k: v for k, v in created[1].after.items() if k not in ("number", "national_id")
    }


def test_the_service_looks_only_within_the_actors_scope(db: Session, a1_person: int):
    """No query reads another portfolio's row: the duplicate check is one scoped query."""
    statements: list[str] = []
    engine = db.get_bind()

    def remember(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ARG001
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        create(db, "acente.b1", B_PERSON)
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    lookups = [s for s in statements if "WHERE customer.national_id" in s]
    assert len(lookups) == 1
    assert "AND customer.owner_user_id = ?" in lookups[0]  # the actor's own-records condition


# ====================================================================== within one scope


@pytest.mark.parametrize(
    ("user", "points_to"),
    [
        ("acente.b1", FIRST + 1),  # their own record, not A's
        ("acente.a1", FIRST),
        ("sube.istanbul", FIRST),  # sees A's only
        ("sube.ankara", FIRST + 1),  # sees B's only
        ("gm.onay", FIRST),  # sees both: the lowest number
    ],
)
def test_a_duplicate_within_the_users_scope_still_points_to_the_visible_record(
    db: Session, customers_url: str, a1_person: int, user: str, points_to: int
):
    create(db, "acente.b1", B_PERSON)
    before = snapshot(customers_url)
    assert failure(lambda: create(db, user, PERSON)) == (
        "Conflict",
        "customer.duplicate",
        {"number": points_to},
        None,
    )
    db.rollback()
    assert snapshot(customers_url) == before


def test_a_user_who_sees_several_records_of_a_person_is_pointed_to_their_own(
    db: Session, a1_person: int
):
    # given gm.onay has its own record of a person agency A has too (entered before A's)
    gm_view = create(db, "gm.onay", PERSON, national_id=NOBODYS)
    create(db, "acente.b1", B_PERSON, national_id=NOBODYS)
    # then gm.onay is pointed to its own record, agency B to B's
    assert failure(lambda: create(db, "gm.onay", PERSON, national_id=NOBODYS))[2] == {
        "number": gm_view.number
    }
    assert failure(lambda: create(db, "acente.b1", PERSON, national_id=NOBODYS))[2] == {
        "number": gm_view.number + 1
    }


def test_the_database_keeps_one_record_per_person_per_owner(db: Session, a1_person: int):
    a1 = record(db, a1_person)
    twin = Customer(
        **{k: v for k, v in a1.__dict__.items() if not k.startswith("_") and k != "id"}
        | {"number": 999999}
    )
    db.expunge(a1)
    db.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()
    db.rollback()
    assert db.exec(select(sa.func.count()).select_from(Customer)).one() == 1


# ====================================================================== head office's side


@pytest.fixture
def two_portfolios(db: Session, a1_person: int) -> dict[str, int]:
    """Ayşe Şahin at agency A (a quote) and agency B (two quotes)."""
    b_number = create(db, "acente.b1", B_PERSON).number
    a_id, b_id = record(db, a1_person).id, record(db, b_number).id
    return {
        "a": a1_person,
        "b": b_number,
        "a_quote": save(db, "acente.a1", form("konut", a_id, "400000")).number,
        "b_quote1": save(db, "acente.b1", form("konut", b_id, "500000")).number,
        "b_quote2": save(db, "acente.b1", form("konut", b_id, "600000")).number,
    }


@pytest.mark.parametrize("user", ["gm.onay", "gm.mudur"])
def test_head_office_sees_one_person_across_portfolios_with_all_quotes(
    db: Session, two_portfolios: dict[str, int], user: str
):
    p = two_portfolios
    # when head office opens agency A's record
    page = page_of(db, user, p["a"])

    # then agency B's record of the same person is listed beside it, with its portfolio
    assert [(r.number, r.name, r.phone, r.created_by, r.office_name) for r in page.same_person] == [
        (
            p["b"],
            "Ayşe Şahin",
            "0312 555 44 33",
            "acente.b1",
            "B Sigorta Acentesi (Ayşe Yılmaz)",
        )
    ]
    # and the quotes of both records come together, newest first, from either record's page
    everything = [p["b_quote2"], p["b_quote1"], p["a_quote"]]
    assert quote_numbers(db, user, p["a"]) == everything
    assert quote_numbers(db, user, p["b"]) == everything
    assert [r.number for r in page_of(db, user, p["b"]).same_person] == [p["a"]]


def test_head_office_sees_the_masked_or_full_id_by_its_own_right(
    db: Session, two_portfolios: dict[str, int]
):
    p = two_portfolios
    assert [r.national_id_display for r in page_of(db, "gm.onay", p["a"]).same_person] == [
        "17291716060"
    ]
    assert [r.national_id_display for r in page_of(db, "gm.mudur", p["a"]).same_person] == [
        "172******60"
    ]


def test_a_branch_sees_only_the_records_of_its_own_tree(
    db: Session, two_portfolios: dict[str, int]
):
    p = two_portfolios
    assert page_of(db, "sube.istanbul", p["a"]).same_person == ()
    assert quote_numbers(db, "sube.istanbul", p["a"]) == [p["a_quote"]]
    assert quote_numbers(db, "sube.ankara", p["b"]) == [p["b_quote2"], p["b_quote1"]]
    assert failure(lambda: page_of(db, "sube.istanbul", p["b"]))[1] == "error.not_found"


def test_each_agency_sees_only_its_own_record_and_quotes(
    db: Session, two_portfolios: dict[str, int]
):
    p = two_portfolios
    assert page_of(db, "acente.a1", p["a"]).same_person == ()
    assert page_of(db, "acente.b1", p["b"]).same_person == ()
    assert quote_numbers(db, "acente.a1", p["a"]) == [p["a_quote"]]
    assert quote_numbers(db, "acente.b1", p["b"]) == [p["b_quote2"], p["b_quote1"]]
    not_found = ("NotFound", "error.not_found", {}, None)
    assert failure(lambda: quote_numbers(db, "acente.b1", p["a"])) == not_found
    assert failure(lambda: quote_numbers(db, "acente.a1", p["b"])) == not_found
    assert failure(lambda: quote_numbers(db, "acente.a1", 999999)) == not_found


def test_the_customer_page_needs_a_quote_permission(db: Session, a1_person: int):
    denied = ("PermissionDenied", "error.permission_denied", {"permission": "quote.view"}, None)
    assert failure(lambda: page_of(db, "bt.admin", a1_person)) == denied
    assert failure(lambda: quote_numbers(db, "bt.admin", a1_person)) == denied
