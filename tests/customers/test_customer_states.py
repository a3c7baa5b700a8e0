"""Customer screens' Reflex states (and the audit screen's) without a browser: what each
user gets when calling the handlers directly, as any browser may, and what reaches it.

The book: Ayşe Şahin (17291716060) is a customer of agency A (acente.a1, a konut quote)
and of agency B (acente.b1, its own record with its own phone, a konut quote).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from reflex.state import State
from reflex.utils.format import json_dumps
from sqlmodel import Session

from iztim_app.core.auth import services as auth
from iztim_app.core.db import get_engine
from iztim_app.core.sessions import services as sessions
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.session_routes import COOKIE_NAME
from iztim_app.states.audit import AuditState
from iztim_app.states.customer_detail import CustomerDetailState
from iztim_app.states.customer_list import CustomerListState
from iztim_app.states.session import SessionState
from tests.customers.fixtures_db import SHIPPED
from tests.customers.test_customer_services import PERSON, create
from tests.foundation.support import audit_events, snapshot, use_settings
from tests.quotes.fixtures_quotes import form, save

NOT_FOUND = "Kayıt bulunamadı."
ORIGIN = "http://localhost:3000"
A_PHONE, B_PHONE = "0532 123 45 67", "0312 555 44 33"


@pytest.fixture
def app_url(customers_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=customers_url, tariffs_dir=SHIPPED, demo_mode=False)
    yield customers_url
    get_engine.cache_clear()


@pytest.fixture
def book(app_url: str, db: Session) -> dict[str, Any]:
    a = create(db, "acente.a1", PERSON)
    b = create(db, "acente.b1", PERSON, phone=B_PHONE, address="Çankaya/Ankara")
    return {
        "a": str(a.number),
        "b": str(b.number),
        "a_quote": str(save(db, "acente.a1", form("konut", a.id, "400000")).number),
        "b_quote": str(save(db, "acente.b1", form("konut", b.id, "500000")).number),
    }


@pytest.fixture
def root(app_url: str) -> State:
    """A browser tab's whole state tree, served from the test database."""
    return State(_reflex_internal_init=True)


class Tab:
    """One browser tab signed in as `code`: its cookie goes with every page visit."""

    def __init__(self, root: State, db: Session, code: str) -> None:
        opened = auth.sign_in(db, code, DEMO_PASSWORD)
        self.token = sessions.redeem_handoff(db, opened.handoff)
        db.commit()
        self.root = root
        self.visit("/")
        session = self.sub(SessionState)
        session.check_session()
        assert (session.signed_in, session.user_code) == (True, code)

    def sub(self, cls: type) -> Any:
        return self.root.get_substate(cls.get_full_name().split("."))

    def visit(self, path: str, **query: str) -> None:
        """The router data the event processor puts on the root state before on_load."""
        data = {
            "pathname": path,
            "asPath": path + (f"?{urlencode(query)}" if query else ""),
            "query": dict(query),
            "headers": {"origin": ORIGIN, "cookie": f"{COOKIE_NAME}={self.token}"},
        }
        self.root.router_data = self.root._update_router_vars(data, self.root.router_data)

    def open(self, cls: type, path: str, **query: str) -> Any:
        self.visit(path, **query)
        state = self.sub(cls)
        state.load()
        return state

    def payload(self) -> str:
        """Everything the browser gets, but the router (which echoes its own URL)."""
        trees = (self.root.dict(), self.root.get_delta())
        return "".join(
            json_dumps(
                {
                    name: {k: v for k, v in vals.items() if "router" not in k}
                    if isinstance(vals, dict)
                    else vals
                    for name, vals in tree.items()
                }
            )
            for tree in trees
        )


def screen(state: Any) -> dict[str, Any]:
    full = state.dict()[state.get_full_name()]
    return {k: v for k, v in full.items() if "router" not in k and not k.startswith("edit_key")}


# ====================================================================== list


def test_an_agency_lists_only_its_own_record_of_the_person_masked(
    root: State, db: Session, book: dict
):
    tab = Tab(root, db, "acente.b1")
    listing = tab.open(CustomerListState, "/musteriler")
    assert listing.error == ""
    assert listing.rows == [
        {
            "number": book["b"],
            "name": "Ayşe Şahin",
            "kind": "Bireysel",
            "national_id": "172******60",
            "group": "Bireysel",
            "phone": B_PHONE,
            "email": "ayse.sahin@example.com",
            "portfolio": "B Sigorta Acentesi (Ayşe Yılmaz) · acente.b1",
        }
    ]
    assert (listing.page, listing.pages, listing.total) == (1, 1, 1)
    # searching by the full TCKN finds B's record only, and A's phone goes nowhere
    listing.apply({"search": "17291716060"})
    assert [r["number"] for r in listing.rows] == [book["b"]]
    assert [r["national_id"] for r in listing.rows] == ["172******60"]
    payload = tab.payload()
    assert A_PHONE not in payload and book["a"] not in payload


def test_head_office_lists_both_records_with_their_portfolios(root: State, db: Session, book: dict):
    listing = Tab(root, db, "gm.onay").open(CustomerListState, "/musteriler")
    assert [(r["number"], r["national_id"], r["portfolio"]) for r in listing.rows] == [
        (book["a"], "17291716060", "A Sigorta Aracılık Hizmetleri Ltd. Şti. · acente.a1"),
        (book["b"], "17291716060", "B Sigorta Acentesi (Ayşe Yılmaz) · acente.b1"),
    ]


# ====================================================================== detail


def test_another_agencys_record_opens_exactly_like_a_number_nobody_has(
    root: State, db: Session, book: dict
):
    tab = Tab(root, db, "acente.b1")
    detail = tab.open(CustomerDetailState, "/musteriler/detay", no=book["a"])
    shown_for_a = screen(detail)
    assert detail.error == NOT_FOUND
    assert (detail.customer, detail.same_person, detail.quotes, detail.can_edit) == (
        {},
        [],
        [],
        False,
    )
    assert A_PHONE not in tab.payload() and book["a_quote"] not in tab.payload()

    tab.open(CustomerDetailState, "/musteriler/detay", no="999999")
    assert screen(detail) == shown_for_a


def test_an_agency_opens_its_own_record_with_its_own_quotes_only(
    root: State, db: Session, book: dict
):
    tab = Tab(root, db, "acente.b1")
    detail = tab.open(CustomerDetailState, "/musteriler/detay", no=book["b"])
    assert detail.error == ""
    assert detail.customer | {"created_at": ""} == {
        "number": book["b"],
        "name": "Ayşe Şahin",
        "kind": "individual",
        "kind_text": "Bireysel",
        "national_id": "172******60",
        "group": "Bireysel",
        "tax_office": "",
        "address": "Çankaya/Ankara",
        "phone": B_PHONE,
        "email": "ayse.sahin@example.com",
        "portfolio": "B Sigorta Acentesi (Ayşe Yılmaz) · acente.b1",
        "created_at": "",
    }
    assert detail.same_person == []
    assert [q["number"] for q in detail.quotes] == [book["b_quote"]]
    assert detail.can_edit is True
    payload = tab.payload()
    assert A_PHONE not in payload and book["a_quote"] not in payload and book["a"] not in payload


def test_head_office_sees_the_same_person_in_the_other_portfolio_and_all_quotes(
    root: State, db: Session, book: dict
):
    detail = Tab(root, db, "gm.onay").open(CustomerDetailState, "/musteriler/detay", no=book["a"])
    assert detail.customer["national_id"] == "17291716060"
    assert [(r["number"], r["phone"], r["portfolio"]) for r in detail.same_person] == [
        (book["b"], B_PHONE, "B Sigorta Acentesi (Ayşe Yılmaz) · acente.b1")
    ]
    assert [(q["number"], q["customer"]) for q in detail.quotes] == [
        (book["b_quote"], f"Ayşe Şahin ({book['b']})"),
        (book["a_quote"], f"Ayşe Şahin ({book['a']})"),
    ]


# ====================================================================== editing


def test_the_owner_edits_the_contact_data_and_sees_it_saved(root: State, db: Session, book: dict):
    tab = Tab(root, db, "acente.a1")
    detail = tab.open(CustomerDetailState, "/musteriler/detay", no=book["a"])
    detail.start_edit()
    assert detail.editing is True
    detail.save_contact(
        {"tax_office": "", "address": "Moda", "phone": A_PHONE, "email": "a@example.com"}
    )
    assert (detail.error, detail.message, detail.editing) == (
        "",
        f"Müşteri {book['a']} iletişim bilgileri kaydedildi.",
        False,
    )
    assert (detail.customer["address"], detail.customer["email"]) == ("Moda", "a@example.com")
    [event] = audit_events(db, "customer.update")
    assert event.after == {"number": int(book["a"]), "address": "Moda", "email": "a@example.com"}


def test_a_bad_phone_is_shown_beside_the_field_and_nothing_is_saved(
    root: State, db: Session, book: dict, app_url: str
):
    tab = Tab(root, db, "acente.a1")
    detail = tab.open(CustomerDetailState, "/musteriler/detay", no=book["a"])
    detail.start_edit()
    before = snapshot(app_url)
    detail.save_contact({"tax_office": "", "address": "Moda", "phone": "12", "email": ""})
    text = (
        "Geçersiz telefon numarası: 10–15 rakam; yalnızca rakam, boşluk ve baştaki +"
        " kullanılabilir."
    )
    assert (detail.field_errors, detail.message, detail.editing) == ({"phone": text}, "", True)
    assert detail.customer["phone"] == A_PHONE
    assert snapshot(app_url) == before


def test_saving_without_a_shown_customer_or_the_right_changes_nothing(
    root: State, db: Session, book: dict, app_url: str
):
    tab = Tab(root, db, "acente.b1")
    manager = Tab(State(_reflex_internal_init=True), db, "gm.mudur")
    before = snapshot(app_url)
    # agency B calls the handler straight after failing to open A's record
    detail = tab.open(CustomerDetailState, "/musteriler/detay", no=book["a"])
    detail.save_contact({"tax_office": "", "address": "x", "phone": "", "email": ""})
    assert detail.error == NOT_FOUND
    # the production manager may look but not edit
    seen = manager.open(CustomerDetailState, "/musteriler/detay", no=book["a"])
    assert (seen.can_edit, seen.customer["national_id"]) == (False, "172******60")
    seen.start_edit()
    assert seen.editing is False
    seen.save_contact({"tax_office": "", "address": "x", "phone": "", "email": ""})
    assert seen.error == "Bu işlem için yetkiniz yok."
    assert snapshot(app_url) == before


# ====================================================================== audit screen


def test_the_audit_screen_shows_it_staff_every_national_id_masked(
    root: State, db: Session, book: dict
):
    tab = Tab(root, db, "bt.admin")
    audit = tab.open(AuditState, "/yonetim/denetim")
    audit.apply({"action": "customer."})
    assert [r["action"] for r in audit.rows] == ["customer.create", "customer.create"]
    assert all('"national_id": "172******60"' in r["after"] for r in audit.rows)
    assert "17291716060" not in tab.payload()
