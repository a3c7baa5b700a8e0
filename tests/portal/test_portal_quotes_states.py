"""The portal quote screen and the staff requests queue as Reflex states, without a
browser: handlers called directly (as any browser may), on the shipped tariff.

Customer A (acente.a1's record) is signed in to the portal with the access code of an
approved policy; customer B (acente.b1's) exists. The quote is konut 400 000 with the demo
form: gross 657.80 TRY, the staff quote's figure."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from reflex.state import State
from reflex.utils.format import json_dumps
from reflex_base import constants
from sqlmodel import select

from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.money import format_try
from iztim_app.core.policies import access_codes
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.request_models import PortalRequest
from iztim_app.core.quotes.models import Quote
from iztim_app.portal_routes import PORTAL_COOKIE
from iztim_app.states.portal import PortalState
from iztim_app.states.portal_quote import PortalQuoteState
from iztim_app.states.portal_requests import PortalRequestsState
from iztim_app.states.session import SessionState
from tests.endorsements.fixtures_policies import approved_policy
from tests.foundation import browser_tab
from tests.foundation.support import snapshot, use_settings
from tests.portal.test_portal_quotes_services import World, make_world
from tests.quotes.fixtures_db import SHIPPED
from tests.quotes.fixtures_quotes import FORMS

ORIGIN = "http://localhost:3000"
GROSS = "657,80 ₺"  # konut 400 000, the demo form (tests/portal/test_portal_quotes_services)


@dataclass(frozen=True)
class Env:
    url: str
    w: World
    token: str  # customer A's portal session


@pytest.fixture
def env(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED, demo_mode=False)
    with session_scope(url) as db:
        w = make_world(db)
        policy = approved_policy(db, "acente.a1", w.a.id, start=clock.today())
        code = access_codes.ensure(db, policy)
        db.commit()
        token = portal.sign_in(db, str(policy.number), code, "10.9.8.7").token
    yield Env(url, w, token)
    get_engine.cache_clear()


def sub(root: State, cls: type) -> Any:
    return root.get_substate(cls.get_full_name().split("."))


def tab(token: str | None, path: str = "/portal/teklif") -> State:
    """A browser tab on `path` whose socket handshake carried the portal cookie."""
    root = State(_reflex_internal_init=True)
    headers = {"origin": ORIGIN}
    if token:
        headers["cookie"] = f"{PORTAL_COOKIE}={token}"
    data = {
        "pathname": path,
        "asPath": path,
        "query": {},
        constants.RouteVar.HEADERS: headers,
        constants.RouteVar.CLIENT_IP: "10.9.8.7",
    }
    root.router_data = root._update_router_vars(data, root.router_data)
    return root


def run(result: Any) -> Any:
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def fill_in(screen: PortalQuoteState, sum_insured: str = "400000") -> None:
    """What the customer does on the form: line, the line's fields, sum insured, start."""
    run(screen.choose_line("konut"))
    for name, value in FORMS["konut"].items():
        run(screen.set_value(name, value))
    run(screen.set_sum_insured(sum_insured))
    run(screen.set_start(clock.today().isoformat()))


def test_the_customer_gets_the_staff_price_a_quote_number_and_asks_for_a_policy(env: Env):
    root = tab(env.token)
    screen = sub(root, PortalQuoteState)
    run(screen.load())
    assert (screen.error, screen.customer) == (
        "",
        {"name": "Ayşe Şahin", "number": str(env.w.a.number)},
    )
    assert ["konut", "Konut Sigortası"] in screen.line_options
    fill_in(screen)
    assert screen.price_rows[-1] == {"label": "Brüt prim", "amount": GROSS}
    assert screen.needs_approval is False
    screen.save()
    with session_scope(env.url) as db:
        quote = db.exec(select(Quote)).one()
    valid = clock.format_date(quote.valid_until)
    assert screen.message == (
        f"Teklifiniz kaydedildi: teklif no {quote.number}, {valid} tarihine kadar geçerli."
    )
    assert (quote.customer_id, quote.channel, format_try(quote.gross_premium)) == (
        env.w.a.id,
        "portal",
        GROSS,
    )
    assert screen.my_quotes == [
        {
            "number": str(quote.number),
            "date": clock.format_date(clock.today()),
            "valid_until": valid,
            "line": "Konut Sigortası",
            "gross": GROSS,
            "status": "Geçerli",
        }
    ]
    assert screen.quote_number == str(quote.number)  # the request box starts from it
    screen.ask_for_policy({"quote_number": str(quote.number)})
    with session_scope(env.url) as db:
        request = db.exec(select(PortalRequest)).one()
    assert screen.message == (
        f"Talebiniz alındı (talep no {request.id}): teklif no {quote.number} acentenize iletildi."
    )
    assert [(r["id"], r["quote_number"], r["status"]) for r in screen.my_requests] == [
        (str(request.id), str(quote.number), "Acentede")
    ]
    # asked again: refused beside the field, nothing changed
    before = snapshot(env.url)
    screen.ask_for_policy({"quote_number": str(quote.number)})
    assert screen.field_errors == {
        "quote_number": f"Teklif no: {quote.number} numaralı teklif için açık bir talebiniz "
        f"zaten var (talep no {request.id})."
    }
    assert screen.error == screen.field_errors["quote_number"]
    assert snapshot(env.url) == before


def test_the_staff_customer_box_does_nothing_here_and_the_quote_stays_the_customers(env: Env):
    root = tab(env.token)
    screen = sub(root, PortalQuoteState)
    run(screen.load())
    fill_in(screen)
    screen.search_customers({"customer_search": "Can"})
    screen.pick_customer(str(env.w.b.id))
    screen.toggle_new_customer()
    screen.create_customer({"kind": "individual", "name": "Deneme", "national_id": "1"})
    assert (screen.customer_results, screen.show_new_customer) == ([], False)
    # the browser may set any var: the customer is still taken from the session
    screen.customer = {"id": str(env.w.b.id), "name": "Can Yıldız"}
    screen.save()
    with session_scope(env.url) as db:
        assert db.exec(select(Quote.customer_id)).all() == [env.w.a.id]
    sent = json_dumps(root.dict()) + json_dumps(root.get_delta())
    assert "17291716060" not in sent  # the record's national id never reaches the browser


def test_a_refused_field_is_shown_beside_it_and_nothing_is_saved(env: Env):
    root = tab(env.token)
    screen = sub(root, PortalQuoteState)
    run(screen.load())
    fill_in(screen, sum_insured="-5")
    assert "sum_insured" in screen.field_errors
    before = snapshot(env.url)
    screen.save()
    assert screen.field_errors.keys() == {"sum_insured"}
    assert screen.message == ""
    assert snapshot(env.url) == before
    screen.ask_for_policy({"quote_number": "9999999"})
    assert screen.field_errors == {
        "quote_number": "Teklif no: 9999999 numaralı, size ait bir teklif bulunamadı."
    }
    assert snapshot(env.url) == before


def test_without_a_portal_session_nothing_runs(env: Env):
    root = tab("forged-token-0123456789abcdefghijklmnopqrstuvw")
    screen = sub(root, PortalQuoteState)
    before = snapshot(env.url)
    run(screen.load())
    assert (screen.error, screen.line_options, screen.my_quotes) == (
        "Bu sayfa için portala giriş yapın.",
        [],
        [],
    )
    run(screen.choose_line("konut"))
    run(screen.set_sum_insured("400000"))
    screen.save()
    screen.ask_for_policy({"quote_number": "1000001"})
    assert screen.price_rows == []
    assert screen.error == "Bu sayfa için portala giriş yapın."
    assert snapshot(env.url) == before


def test_the_staff_queue_shows_the_request_and_rejects_it_with_a_reason(env: Env):
    customer_tab = tab(env.token)
    screen = sub(customer_tab, PortalQuoteState)
    run(screen.load())
    fill_in(screen)
    screen.save()
    number = screen.quote_number
    screen.ask_for_policy({"quote_number": number})
    with session_scope(env.url) as db:
        request_id = str(db.exec(select(PortalRequest.id)).one())

    staff_tab = State(_reflex_internal_init=True)
    browser_tab.sign_in(staff_tab, "acente.a1")
    queue = sub(staff_tab, PortalRequestsState)
    queue.load()
    assert [
        (r["id"], r["quote_number"], r["customer"], r["gross"], r["status"], r["convert"])
        for r in queue.rows
    ] == [(request_id, number, f"Ayşe Şahin ({env.w.a.number})", GROSS, "Acentede", "1")]
    queue.start_reject(request_id)
    before = snapshot(env.url)
    queue.reject({"reason": "  "})
    assert queue.field_errors == {"reason": "Ret nedeni: müşterinin göreceği bir neden yazın."}
    assert snapshot(env.url) == before
    queue.reject({"reason": "Ekspertiz gerekli"})
    assert (queue.message, queue.rejecting, queue.rows) == (
        f"Talep {request_id} reddedildi.",
        "",
        [],
    )
    queue.set_status("rejected")
    assert [(r["id"], r["note"]) for r in queue.rows] == [(request_id, "Ekspertiz gerekli")]
    # the customer sees the reason
    run(screen.load())
    assert [(r["status"], r["note"]) for r in screen.my_requests] == [
        ("Reddedildi", "Ekspertiz gerekli")
    ]

    other_agency = State(_reflex_internal_init=True)
    browser_tab.sign_in(other_agency, "acente.b1")
    theirs = sub(other_agency, PortalRequestsState)
    theirs.load()
    theirs.set_status("all")
    assert theirs.rows == []
    theirs.start_reject(request_id)
    theirs.reject({"reason": "Başkasının talebi"})
    assert theirs.error == "Kayıt bulunamadı."


def test_in_english_the_whole_form_follows_the_portals_language(env: Env):
    root = tab(env.token)
    screen = sub(root, PortalQuoteState)
    sub(root, PortalState).lang_pref = "en"
    run(screen.load())
    # the staff form's pieces read the staff catalogue: it now speaks the portal's language
    assert sub(root, SessionState).lang_pref == "en"
    assert ["konut", "Home Insurance"] in screen.line_options
    fill_in(screen)
    assert screen.price_rows[-1] == {"label": "Gross premium", "amount": GROSS}
    screen.ask_for_policy({"quote_number": "9999999"})
    assert screen.field_errors == {
        "quote_number": "Quote number: no quote of yours has the number 9999999."
    }
