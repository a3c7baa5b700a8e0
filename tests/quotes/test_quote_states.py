"""Quote screens' Reflex states without a browser: what an agency user can reach by calling
the handlers directly (as any browser may), and what reaches the browser.

A browser tab is the root state; a page visit is the router data the event processor puts
on the root state before the page's on_load handler runs (`visit` below does the same).
The book (all on the tests' business day, `clock.today` pinned to it):

    b1_awaiting  acente.b1  konut 2 000 000  Mehmet Öztürk   awaiting  (oldest)
    a1_home      acente.a1  konut   400 000  Ayşe Şahin      approved
    a1_awaiting  acente.a1  kasko   900 000  IŞIK Gıda       awaiting
    a2_awaiting  acente.a2  konut 1 000 000  Can Yıldız      awaiting
    b1_home      acente.b1  konut   500 000  Mehmet Öztürk   approved  (newest)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from reflex.state import State
from reflex.utils.format import json_dumps
from sqlmodel import Session

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.db import get_engine
from iztim_app.core.money import format_try
from iztim_app.core.quotes.services import QuoteView
from iztim_app.demo import DEMO_PASSWORD
from iztim_app.states.approvals import ApprovalState
from iztim_app.states.quote_detail import QuoteDetailState
from iztim_app.states.quote_form import QuoteFormState
from iztim_app.states.quote_list import QuoteListState
from iztim_app.states.quote_stats import QuoteStatsState
from iztim_app.states.session import SessionState
from tests.foundation import browser_tab
from tests.foundation.support import snapshot, use_settings
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED, TODAY
from tests.quotes.fixtures_quotes import FORMS, form, save, stored_quote

NOT_FOUND = "Kayıt bulunamadı."
DENIED = "Bu işlem için yetkiniz yok."
NOWHERE = "9999999"  # a quote number nobody has
FORGED = "forged-token-0123456789abcdefghijklmnopqrstuvw"
ORIGIN = "http://localhost:3000"
# What the browser itself sent, kept to show it back: the query's quote number, the filters.
ECHO_VARS = ("revising", "filters")
ROUTER_VARS = (
    "rx_router_session",
    "rx_router_headers",
    "rx_router_page",
    "rx_router_url",
    "rx_router_route_id",
)


# ====================================================================== fixtures


@pytest.fixture
def app_url(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's settings point at this test's database; the business day is TODAY."""
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    yield quotes_url
    get_engine.cache_clear()  # before monkeypatch restores the settings


@dataclass(frozen=True)
class Book:
    customers: Customers
    b1_awaiting: QuoteView
    a1_home: QuoteView
    a1_awaiting: QuoteView
    a2_awaiting: QuoteView
    b1_home: QuoteView


@pytest.fixture
def book(app_url: str, db: Session, customers: Customers) -> Book:
    c = customers
    made = Book(
        customers=c,
        b1_awaiting=save(db, "acente.b1", form("konut", c.b1_person, "2000000")),
        a1_home=save(db, "acente.a1", form("konut", c.a1_person, "400000")),
        a1_awaiting=save(db, "acente.a1", form("kasko", c.a1_company, "900000")),
        a2_awaiting=save(db, "acente.a2", form("konut", c.a2_person, "1000000")),
        b1_home=save(db, "acente.b1", form("konut", c.b1_person, "500000")),
    )
    statuses = [
        q.status
        for q in (made.b1_awaiting, made.a1_home, made.a1_awaiting, made.a2_awaiting, made.b1_home)
    ]
    assert statuses == [
        "awaiting_approval",
        "approved",
        "awaiting_approval",
        "awaiting_approval",
        "approved",
    ]
    return made


@pytest.fixture
def root(app_url: str) -> State:
    """A browser tab's whole state tree, served from the test database."""
    return State(_reflex_internal_init=True)


# ====================================================================== helpers


def sub(root: State, cls: type) -> Any:
    return root.get_substate(cls.get_full_name().split("."))


def sign_in(root: State, code: str) -> SessionState:
    """As the browser does: the sign-in event, then the cookie route (see browser_tab)."""
    return browser_tab.sign_in(root, code, DEMO_PASSWORD)


def visit(root: State, path: str, **query: str) -> None:
    """What the event processor does before a page's on_load: the browser's router data
    (path, URL with its query string) goes onto the root state's router vars."""
    as_path = path + (f"?{urlencode(query)}" if query else "")
    data = {
        "pathname": path,
        "asPath": as_path,
        "query": dict(query),
        # the socket's handshake headers (the session cookie among them) stay
        "headers": {**root.router_data.get("headers", {}), "origin": ORIGIN},
    }
    root.router_data = root._update_router_vars(data, root.router_data)
    assert dict(sub(root, QuoteDetailState).router.url.query_parameters) == query


def _is_router(key: str) -> bool:
    """Vars are sent as `<name>_rx_state_`; the router's live on the root state."""
    return key.removesuffix("_rx_state_") in ROUTER_VARS


def _is_echo(key: str) -> bool:
    return _is_router(key) or key.removesuffix("_rx_state_") in ECHO_VARS


def screen(state: Any) -> dict[str, Any]:
    """One state's own and inherited vars as the browser gets them (router vars aside)."""
    full = state.dict()[state.get_full_name()]
    return {k: v for k, v in full.items() if not _is_router(k)}


def visible(state: Any) -> dict[str, Any]:
    """A screen as it looks: without the echoed input and the form-remount counters
    (`*_key`, which only grow with every load)."""
    return {
        k: v
        for k, v in screen(state).items()
        if not _is_echo(k) and not k.removesuffix("_rx_state_").endswith("_key")
    }


def without_router(
    tree: dict[str, Any], skip: Callable[[str], bool] = _is_router
) -> dict[str, Any]:
    return {
        name: {k: v for k, v in values.items() if not skip(k)}
        if isinstance(values, dict)
        else values
        for name, values in tree.items()
    }


def browser_payloads(root: State) -> list[str]:
    """Everything the app sends the browser: the whole state and the pending delta, minus
    what only echoes the browser's own input (its URL, the revised number it asked for,
    the list filters it typed)."""
    return [json_dumps(without_router(tree, _is_echo)) for tree in (root.dict(), root.get_delta())]


def traces(book: Book, code: str) -> list[str]:
    """Texts that would betray one agency user's quotes and customers."""
    c = book.customers
    if code == "acente.b1":
        people, quotes_ = [c.b1_person], [book.b1_awaiting, book.b1_home]
    else:
        people, quotes_ = [c.a1_person, c.a1_company], [book.a1_home, book.a1_awaiting]
    found = [code]
    for p in people:
        found += [
            p.name,
            str(p.number),
            p.national_id,
            p.national_id[:3] + "*" * (len(p.national_id) - 5) + p.national_id[-2:],
        ]
    for q in quotes_:
        found += [
            str(q.number),
            format_try(q.gross_premium),
            format_try(q.net_premium),
            format_try(q.sum_insured),
        ]
    return found


def leaked(root: State, book: Book, code: str) -> list[str]:
    return sorted({t for text in browser_payloads(root) for t in traces(book, code) if t in text})


# ====================================================================== detail: B's number


def test_another_agencys_quote_number_opens_exactly_like_a_number_nobody_has(
    root: State, book: Book
):
    b_quote = str(book.b1_awaiting.number)
    sign_in(root, "acente.a1")
    detail = sub(root, QuoteDetailState)

    # when acente.a1 opens B's quote by its number in the address bar
    visit(root, "/teklifler/detay", no=b_quote)
    detail.load()
    outcome_b = screen(detail)
    whole_b = without_router(root.dict())
    # then the screen says "not found" and holds nothing of it
    assert detail.error == NOT_FOUND
    assert (detail.quote, detail.values, detail.taxes, detail.worksheet, detail.can_decide) == (
        {},
        [],
        [],
        [],
        False,
    )
    assert detail.message == ""
    assert leaked(root, book, "acente.b1") == []

    # and a number nobody has looks exactly the same, to the last var
    visit(root, "/teklifler/detay", no=NOWHERE)
    detail.load()
    assert screen(detail) == outcome_b
    assert without_router(root.dict()) == whole_b
    assert leaked(root, book, "acente.b1") == []

    # (control) the same handler shows a1 its own quote, and the check above would see it
    visit(root, "/teklifler/detay", no=str(book.a1_home.number), kaydedildi="1")
    detail.load()
    assert detail.error == ""
    assert detail.quote["number"] == str(book.a1_home.number)
    assert detail.quote["customer"] == f"Ayşe Şahin ({book.customers.a1_person.number})"
    assert detail.message == f"Teklif {book.a1_home.number} kaydedildi ve onaylandı."
    assert "Ayşe Şahin" in browser_payloads(root)[0]
    assert leaked(root, book, "acente.b1") == []


def test_the_owner_sees_the_quote_the_other_agency_cannot(root: State, book: Book):
    """The positive control of the test above: B's own user gets every trace listed."""
    sign_in(root, "acente.b1")
    detail = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=str(book.b1_awaiting.number))
    detail.load()
    assert detail.error == ""
    assert detail.quote["customer"] == f"Mehmet Öztürk ({book.customers.b1_person.number})"
    assert detail.quote["gross"] == format_try(book.b1_awaiting.gross_premium)
    assert detail.quote["sum_insured"] == "2.000.000,00 ₺"
    payload = browser_payloads(root)[0]
    for trace in (
        "Mehmet Öztürk",
        str(book.b1_awaiting.number),
        format_try(book.b1_awaiting.gross_premium),
    ):
        assert trace in payload


# ====================================================================== form: revise, pick, search


def test_revising_another_agencys_quote_prefills_nothing(root: State, book: Book):
    sign_in(root, "acente.a1")
    quote_form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni", revize=str(book.b1_awaiting.number))
    quote_form.load()
    outcome_b = visible(quote_form)
    assert quote_form.error == NOT_FOUND
    assert (quote_form.line_code, quote_form.values, quote_form.fields, quote_form.customer) == (
        "",
        {},
        [],
        {},
    )
    assert (quote_form.sum_insured, quote_form.price_rows, quote_form.worksheet) == ("", [], [])
    assert quote_form.message == ""
    assert quote_form.revising == str(book.b1_awaiting.number)  # the browser's own query, echoed
    assert leaked(root, book, "acente.b1") == []

    visit(root, "/teklifler/yeni", revize=NOWHERE)
    quote_form.load()
    assert visible(quote_form) == outcome_b
    assert quote_form.revising == NOWHERE

    # (control) revising a1's own quote does prefill
    visit(root, "/teklifler/yeni", revize=str(book.a1_home.number))
    quote_form.load()
    assert quote_form.error == ""
    assert (quote_form.line_code, quote_form.customer["name"]) == ("konut", "Ayşe Şahin")
    assert quote_form.sum_insured == "400.000,00"
    assert leaked(root, book, "acente.b1") == []


def test_picking_another_agencys_customer_by_id_finds_nothing(root: State, book: Book):
    sign_in(root, "acente.a1")
    quote_form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni")
    quote_form.load()
    assert quote_form.error == ""

    asyncio.run(quote_form.pick_customer(str(book.customers.b1_person.id)))
    assert (quote_form.error, quote_form.customer, quote_form.customer_results) == (
        NOT_FOUND,
        {},
        [],
    )
    outcome_b = screen(quote_form)
    asyncio.run(quote_form.pick_customer("987654"))
    assert screen(quote_form) == outcome_b
    assert leaked(root, book, "acente.b1") == []
    # (control) its own customer is picked
    asyncio.run(quote_form.pick_customer(str(book.customers.a1_person.id)))
    assert (quote_form.error, quote_form.customer["name"]) == ("", "Ayşe Şahin")


@pytest.mark.parametrize("what", ["name", "first name", "number", "national_id"])
def test_searching_another_agencys_customer_finds_nothing(root: State, book: Book, what: str):
    b = book.customers.b1_person
    term = {
        "name": b.name,
        "first name": "mehmet",
        "number": str(b.number),
        "national_id": b.national_id,
    }[what]
    nobody = {
        "name": "Hiç Kimse",
        "first name": "hiçkimse",
        "number": "999999",
        "national_id": "10000000078",
    }[what]
    sign_in(root, "acente.a1")
    quote_form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni")
    quote_form.load()

    asyncio.run(quote_form.search_customers({"customer_search": term}))
    assert (quote_form.customer_results, quote_form.customer, quote_form.error) == ([], {}, "")
    assert quote_form.message == NOT_FOUND  # "no rows", the same words as for nobody at all
    outcome_b = screen(quote_form)
    asyncio.run(quote_form.search_customers({"customer_search": nobody}))
    assert screen(quote_form) == outcome_b
    assert leaked(root, book, "acente.b1") == []


def test_the_other_agency_finds_its_own_customer_with_the_same_terms(root: State, book: Book):
    b = book.customers.b1_person
    sign_in(root, "acente.b1")
    quote_form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni")
    quote_form.load()
    for term in (b.name, "mehmet", str(b.number), b.national_id):
        asyncio.run(quote_form.search_customers({"customer_search": term}))
        assert [r["name"] for r in quote_form.customer_results] == ["Mehmet Öztürk"], term


# ====================================================================== list and statistics


def test_the_list_filtered_by_another_agencys_number_is_empty(root: State, book: Book):
    sign_in(root, "acente.a1")
    listing = sub(root, QuoteListState)
    visit(root, "/teklifler")
    listing.load()
    assert [r["number"] for r in listing.rows] == [
        str(book.a1_awaiting.number),
        str(book.a1_home.number),
    ]
    assert listing.total == 2

    for number in (book.b1_awaiting.number, book.b1_home.number, book.a2_awaiting.number):
        listing.apply({"number": str(number)})
        assert (listing.rows, listing.total, listing.error) == ([], 0, "")
    listing.apply({"customer": "Mehmet"})
    assert (listing.rows, listing.total) == ([], 0)
    listing.apply({"customer": book.customers.b1_person.national_id})
    assert (listing.rows, listing.total) == ([], 0)
    assert leaked(root, book, "acente.b1") == []
    # (control) its own number is found
    listing.apply({"number": str(book.a1_home.number)})
    assert ([r["number"] for r in listing.rows], listing.total) == ([str(book.a1_home.number)], 1)


@pytest.mark.parametrize(
    ("code", "rows", "totals"),
    [
        (
            "acente.a1",
            [("Kasko Sigortası", "Kurumsal", "1", "0"), ("Konut Sigortası", "Bireysel", "1", "1")],
            ("2", "1"),
        ),
        ("acente.b1", [("Konut Sigortası", "Bireysel", "2", "1")], ("2", "1")),
        ("acente.a2", [("Konut Sigortası", "Bireysel", "1", "0")], ("1", "0")),
    ],
)
def test_statistics_count_only_the_users_own_quotes(
    root: State, book: Book, code: str, rows: list[tuple[str, ...]], totals: tuple[str, str]
):
    sign_in(root, code)
    stats = sub(root, QuoteStatsState)
    visit(root, "/teklifler/istatistik")
    stats.load()
    assert stats.error == ""
    assert (stats.date_from, stats.date_to) == ("2025-03-02", "2026-03-02")
    assert [(r["line"], r["kind"], r["count"], r["approved"]) for r in stats.rows] == rows
    assert (stats.totals["count"], stats.totals["approved"]) == totals
    other = "acente.a1" if code == "acente.b1" else "acente.b1"
    assert leaked(root, book, other) == []


def test_statistics_of_the_approver_count_every_quote(root: State, book: Book):
    sign_in(root, "gm.onay")
    stats = sub(root, QuoteStatsState)
    stats.load()
    assert [(r["line"], r["kind"], r["count"], r["approved"]) for r in stats.rows] == [
        ("Kasko Sigortası", "Kurumsal", "1", "0"),
        ("Konut Sigortası", "Bireysel", "4", "2"),
    ]
    assert (stats.totals["count"], stats.totals["approved"]) == ("5", "2")


# ====================================================================== approval queue and deciding


@pytest.mark.parametrize("code", ["acente.a1", "acente.b1"])
def test_an_agency_user_is_refused_the_approval_queue(root: State, book: Book, code: str):
    sign_in(root, code)
    queue = sub(root, ApprovalState)
    visit(root, "/onay")
    queue.load()
    assert queue.error == DENIED
    assert (queue.rows, queue.total) == ([], 0)
    assert sub(root, SessionState).signed_in is True


def test_the_approver_sees_every_agencys_awaiting_quotes_oldest_first(root: State, book: Book):
    sign_in(root, "gm.onay")
    queue = sub(root, ApprovalState)
    visit(root, "/onay")
    queue.load()
    assert queue.error == ""
    assert [r["number"] for r in queue.rows] == [
        str(book.b1_awaiting.number),
        str(book.a1_awaiting.number),
        str(book.a2_awaiting.number),
    ]
    assert [r["prepared_by"] for r in queue.rows] == ["acente.b1", "acente.a1", "acente.a2"]
    assert queue.rows[0]["customer"] == f"Mehmet Öztürk ({book.customers.b1_person.number})"
    assert queue.total == 3


def test_the_approver_approves_once_and_a_second_approval_says_already_decided(
    root: State, book: Book, quotes_url: str
):
    number = str(book.b1_awaiting.number)
    sign_in(root, "gm.onay")
    detail = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=number)
    detail.load()
    assert (detail.error, detail.quote["status"], detail.can_decide) == (
        "",
        "awaiting_approval",
        True,
    )

    detail.approve()
    assert detail.error == ""
    assert detail.message == f"Teklif {number} onaylandı."
    assert (detail.quote["status"], detail.quote["approved_by"], detail.can_decide) == (
        "approved",
        "gm.onay",
        False,
    )
    stored = stored_quote(quotes_url, int(number))
    assert (stored["status"], stored["approved_by_code"]) == ("approved", "gm.onay")

    # the second click (a stale button, or a second tab) changes nothing and says why
    before = snapshot(quotes_url)
    detail.approve()
    assert detail.error == i18n.translate("quote.already_decided", "tr", number=number)
    assert detail.message == ""
    assert (detail.quote["number"], detail.quote["status"]) == (number, "approved")
    assert snapshot(quotes_url) == before

    # and the queue no longer lists it
    queue = sub(root, ApprovalState)
    queue.load()
    assert [r["number"] for r in queue.rows] == [
        str(book.a1_awaiting.number),
        str(book.a2_awaiting.number),
    ]


def test_an_agency_user_cannot_approve_its_own_awaiting_quote(
    root: State, book: Book, quotes_url: str
):
    number = str(book.a1_awaiting.number)
    sign_in(root, "acente.a1")
    detail = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=number)
    detail.load()
    assert (detail.quote["status"], detail.can_decide) == ("awaiting_approval", False)
    before = snapshot(quotes_url)
    detail.approve()  # called directly, although the screen shows no button
    assert detail.error == DENIED
    assert detail.quote["status"] == "awaiting_approval"
    assert snapshot(quotes_url) == before


# ====================================================================== forged or empty token


def _detail_load(root: State, book: Book) -> None:
    visit(root, "/teklifler/detay", no=str(book.b1_awaiting.number))
    sub(root, QuoteDetailState).load()


def _detail_approve(root: State, book: Book) -> None:
    sub(root, QuoteDetailState).approve()


def _form_load(root: State, book: Book) -> None:
    visit(root, "/teklifler/yeni", revize=str(book.b1_awaiting.number))
    sub(root, QuoteFormState).load()


def _form_pick(root: State, book: Book) -> None:
    asyncio.run(sub(root, QuoteFormState).pick_customer(str(book.customers.b1_person.id)))


def _form_search(root: State, book: Book) -> None:
    asyncio.run(sub(root, QuoteFormState).search_customers({"customer_search": "Mehmet"}))


def _list_load(root: State, book: Book) -> None:
    sub(root, QuoteListState).load()


def _list_apply(root: State, book: Book) -> None:
    sub(root, QuoteListState).apply({"number": str(book.b1_awaiting.number)})


def _stats_load(root: State, book: Book) -> None:
    sub(root, QuoteStatsState).load()


def _queue_load(root: State, book: Book) -> None:
    sub(root, ApprovalState).load()


HANDLERS: dict[str, Callable[[State, Book], None]] = {
    "QuoteDetailState.load": _detail_load,
    "QuoteDetailState.approve": _detail_approve,
    "QuoteFormState.load": _form_load,
    "QuoteFormState.pick_customer": _form_pick,
    "QuoteFormState.search_customers": _form_search,
    "QuoteListState.load": _list_load,
    "QuoteListState.apply": _list_apply,
    "QuoteStatsState.load": _stats_load,
    "ApprovalState.load": _queue_load,
}


def _quote_data(root: State) -> dict[str, Any]:
    detail, qform = sub(root, QuoteDetailState), sub(root, QuoteFormState)
    listing, stats, queue = (
        sub(root, QuoteListState),
        sub(root, QuoteStatsState),
        sub(root, ApprovalState),
    )
    return {
        "detail": (detail.quote, detail.values, detail.taxes, detail.worksheet, detail.can_decide),
        "form": (
            qform.customer,
            qform.customer_results,
            qform.line_code,
            qform.values,
            qform.line_options,
        ),
        "list": (listing.rows, listing.total),
        "stats": (stats.rows, stats.totals, stats.chart),
        "queue": (queue.rows, queue.total),
    }


EMPTY = {
    "detail": ({}, [], [], [], False),
    "form": ({}, [], "", {}, []),
    "list": ([], 0),
    "stats": ([], {}, []),
    "queue": ([], 0),
}


@pytest.mark.parametrize("token", ["", FORGED])
@pytest.mark.parametrize("handler", list(HANDLERS))
def test_a_forged_or_empty_token_changes_nothing_and_signs_the_tab_out(
    root: State, book: Book, quotes_url: str, handler: str, token: str
):
    # given gm.onay (who may see and approve everything) signed in; for approve, with B's
    # awaiting quote open on the detail screen
    session = sign_in(root, "gm.onay")
    if handler == "QuoteDetailState.approve":
        _detail_load(root, book)
        assert sub(root, QuoteDetailState).can_decide is True
    before = snapshot(quotes_url)
    # when the token is replaced and the handler is called directly
    browser_tab.use_cookie(root, token)
    HANDLERS[handler](root, book)
    # then nothing was written, the tab is signed out and no screen holds any data
    assert snapshot(quotes_url) == before
    assert stored_quote(quotes_url, book.b1_awaiting.number)["status"] == "awaiting_approval"
    assert (session.signed_in, session.user_code, session.perms) == (False, "", [])
    assert session.sign_in_error == i18n.translate("auth.session_ended", "tr")
    assert _quote_data(root) == EMPTY
    assert leaked(root, book, "acente.b1") == []


@pytest.mark.parametrize("handler", list(HANDLERS))
def test_a_fresh_tab_with_a_forged_token_gets_nothing(
    root: State, book: Book, quotes_url: str, handler: str
):
    session = sub(root, SessionState)
    browser_tab.use_cookie(root, FORGED)
    before = snapshot(quotes_url)
    HANDLERS[handler](root, book)
    assert snapshot(quotes_url) == before
    assert session.signed_in is False
    assert _quote_data(root) == EMPTY
    assert leaked(root, book, "acente.b1") == [] and leaked(root, book, "acente.a1") == []


# ====================================================================== national id masking


def test_the_agency_user_sees_national_ids_masked(root: State, book: Book):
    a1 = book.customers.a1_person
    assert a1.national_id == "17291716060"
    sign_in(root, "acente.a1")
    quote_form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni")
    quote_form.load()

    asyncio.run(quote_form.search_customers({"customer_search": "a"}))
    ids = {r["name"]: r["national_id"] for r in quote_form.customer_results}
    assert ids == {"Ayşe Şahin": "172******60", "IŞIK Gıda San. ve Tic. Ltd. Şti.": "454*****20"}
    # the full id finds, and is masked
    asyncio.run(quote_form.search_customers({"customer_search": "17291716060"}))
    assert [r["national_id"] for r in quote_form.customer_results] == ["172******60"]
    asyncio.run(quote_form.pick_customer(str(a1.id)))
    assert quote_form.customer["national_id"] == "172******60"
    for text in browser_payloads(root):
        assert "17291716060" not in text and "4540536920" not in text


def test_the_approver_sees_national_ids_in_full(root: State, book: Book):
    a1 = book.customers.a1_person
    sign_in(root, "gm.onay")
    quote_form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni")
    quote_form.load()
    asyncio.run(quote_form.search_customers({"customer_search": "Ayşe"}))
    assert [r["national_id"] for r in quote_form.customer_results] == ["17291716060"]
    asyncio.run(quote_form.pick_customer(str(a1.id)))
    assert quote_form.customer["national_id"] == "17291716060"


# ====================================================================== shared tab


def test_the_next_user_on_the_same_tab_sees_none_of_the_previous_users_list(
    root: State, book: Book
):
    # given acente.b1 had the quote list open, then signed out on a shared computer
    session = sign_in(root, "acente.b1")
    listing = sub(root, QuoteListState)
    visit(root, "/teklifler")
    listing.load()
    assert [r["number"] for r in listing.rows] == [
        str(book.b1_home.number),
        str(book.b1_awaiting.number),
    ]
    listing.apply({"customer": "Mehmet"})
    assert listing.filters["customer"] == "Mehmet"
    assert "Mehmet Öztürk" in browser_payloads(root)[0]
    session.sign_out()
    # when acente.a1 signs in on the same tab and the list page loads
    sign_in(root, "acente.a1")
    listing.load()
    # then only a1's quotes are listed, with no filter or trace of B's left behind
    assert [r["number"] for r in listing.rows] == [
        str(book.a1_awaiting.number),
        str(book.a1_home.number),
    ]
    assert (listing.total, listing.page, listing.filters) == (2, 1, {})
    assert leaked(root, book, "acente.b1") == []


def test_the_next_user_on_the_same_tab_inherits_no_other_screen_either(root: State, book: Book):
    """The server keeps every screen's state of a tab, and sends all of it whenever the page
    is (re)loaded: what B left on screens A does not open must be gone as well."""
    session = sign_in(root, "acente.b1")
    visit(root, "/teklifler/detay", no=str(book.b1_awaiting.number))
    sub(root, QuoteDetailState).load()
    visit(root, "/teklifler/yeni", revize=str(book.b1_home.number))
    sub(root, QuoteFormState).load()
    asyncio.run(sub(root, QuoteFormState).search_customers({"customer_search": "Mehmet"}))
    sub(root, QuoteStatsState).load()
    sub(root, QuoteListState).load()
    assert leaked(root, book, "acente.b1") != []
    form_key = sub(root, QuoteFormState).form_key
    session.sign_out()
    assert leaked(root, book, "acente.b1") == []
    assert sub(root, QuoteFormState).form_key > form_key  # React remounts, never reuses a key
    sign_in(root, "acente.a1")
    visit(root, "/teklifler")
    sub(root, QuoteListState).load()
    assert leaked(root, book, "acente.b1") == []


# ====================================================================== texts a newcomer reads

# The kasko quote of FORMS for IŞIK Gıda (group kobi), 900 000 from the business day, as the
# worksheet explains it: every code by its label in the tariff files.
KASKO_WORKSHEET = [
    {
        "step": "Baz prim",
        "detail": "Oran tablosu satır 9 (Müşteri grubu: tümü, Araç türü: Otomobil, "
        "Kullanım şekli: Hususi): 900.000,00 ₺ × ‰28 + 0,00 ₺ sabit",
        "amount": "25.200,00 ₺",
    },
    {
        "step": "Çarpan",
        "detail": "İl grubu: 1. grup (İstanbul) → satır 2 × 1,15",
        "amount": "28.980,00 ₺",
    },
    {
        "step": "Çarpan",
        "detail": "Hasarsızlık kademesi: 3 yıl hasarsız → satır 9 × 0,6",
        "amount": "17.388,00 ₺",
    },
    {"step": "Çarpan", "detail": "Yaş: 40 → satır 15 [30 – 60) × 1", "amount": "17.388,00 ₺"},
    {
        "step": "Çarpan",
        "detail": "Araç yaşı: 4 → satır 20 [3 – 6) × 1,05",
        "amount": "18.257,40 ₺",
    },
    {
        "step": "Çarpan",
        "detail": "Sigorta bedeli: 900.000,00 ₺ → satır 26 [500.000 – 1.000.000) × 1",
        "amount": "18.257,40 ₺",
    },
    {"step": "Çarpan", "detail": "Muafiyet: Muafiyetsiz → satır 30 × 1", "amount": "18.257,40 ₺"},
    {"step": "Çarpan", "detail": "LPG'li araç: Hayır → satır 35 × 1", "amount": "18.257,40 ₺"},
    {
        "step": "Net prim",
        "detail": "Yuvarlanmış net prim (18.257,40 ₺)",
        "amount": "18.257,40 ₺",
    },
    {
        "step": "Vergi",
        "detail": "BSMV · Banka ve Sigorta Muameleleri Vergisi · %5",
        "amount": "912,87 ₺",
    },
    {
        "step": "Brüt prim",
        "detail": "Net prim 18.257,40 ₺ + vergiler 912,87 ₺",
        "amount": "19.170,27 ₺",
    },
]


def test_the_quote_form_shows_labels_and_years_as_a_person_reads_them(root: State, book: Book):
    sign_in(root, "acente.a1")
    quote_form = sub(root, QuoteFormState)
    visit(root, "/teklifler/yeni")
    quote_form.load()
    # when the line is chosen, the model year's bounds print as years, not as money
    asyncio.run(quote_form.choose_line("kasko"))
    fields = {f["name"]: f for f in quote_form.fields}
    assert (fields["model_year"]["label"], fields["model_year"]["bounds"]) == (
        "Model yılı",
        "1990 – 2027",
    )
    assert fields["vehicle_type"]["bounds"] == ""
    # the customer card names the customer group as the customer groups file does
    asyncio.run(quote_form.pick_customer(str(book.customers.a1_company.id)))
    assert quote_form.customer["group"] == "KOBİ"
    # an empty required field is named by its label, beside the field
    asyncio.run(quote_form.set_sum_insured("900000"))
    assert quote_form.field_errors == {"vehicle_type": "Zorunlu alan boş: Araç türü."}
    assert (quote_form.error, quote_form.price_rows, quote_form.worksheet) == ("", [], [])
    # an out-of-bounds year is named by its label, the bound printed as a year
    for name, value in FORMS["kasko"].items():
        asyncio.run(quote_form.set_value(name, value))
    asyncio.run(quote_form.set_value("model_year", "1985"))
    assert quote_form.field_errors == {"model_year": "Model yılı en az 1990 olmalı: 1985."}
    # filled in, the worksheet reads in words and labels
    asyncio.run(quote_form.set_value("model_year", FORMS["kasko"]["model_year"]))
    assert (quote_form.error, quote_form.field_errors) == ("", {})
    assert quote_form.worksheet == KASKO_WORKSHEET


def test_the_quote_detail_shows_the_term_noon_to_noon_and_labels(root: State, book: Book):
    sign_in(root, "acente.a1")
    detail = sub(root, QuoteDetailState)
    visit(root, "/teklifler/detay", no=str(book.a1_awaiting.number))
    detail.load()
    assert detail.error == ""
    assert detail.quote["period"] == "02.03.2026 12:00 – 02.03.2027 12:00 (365 gün)"
    assert detail.quote["customer_group"] == "KOBİ"
    assert detail.worksheet == KASKO_WORKSHEET
    assert i18n.translate("quote.term", "tr") == "Sigorta süresi"
