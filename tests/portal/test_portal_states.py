"""The portal's Reflex states without a browser: sign-in by the hand-off, "Poliçelerim", the
policy page, paying installments by card up to the bank's ACS page, the result page; and
what reaches the browser (no token, no hand-off code, never a card digit).

A browser tab is a root state; a page visit is the router data put on it before on_load;
the portal cookie is the socket handshake's Cookie header (see `use_cookie`)."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from reflex.state import State
from reflex.utils.format import json_dumps
from reflex_base import constants
from sqlmodel import select

from iztim_app import portal_routes
from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.installments.models import Installment, Payment
from iztim_app.core.money import format_try
from iztim_app.core.payments import providers
from iztim_app.core.payments import services as payments
from iztim_app.core.payments import test_gateway as bank
from iztim_app.core.payments.models import PaymentAttempt
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.models import PortalSession
from iztim_app.core.secrets import installation_secret
from iztim_app.states.portal import PortalHomeState, PortalState
from iztim_app.states.portal_pay import PortalPolicyState, PortalResultState
from tests.foundation.support import audit_events, use_settings
from tests.portal.portal_world import PortalWorld, make_world
from tests.quotes.fixtures_db import SHIPPED, TODAY

CLIENT_IP = "198.51.100.23"
CARD = "4111 1111 1111 1111"
CVV = "737"
CARD_DIGITS = ("4111111111111111", "4111 1111 1111 1111", "41111111", "11111111")
# The CVV as a value of its own: three digits may well occur inside a hex signature or id.
CVV_TOKEN = re.compile(rf"(?<![0-9A-Za-z]){CVV}(?![0-9A-Za-z])")


def leaked(text: str) -> list[str]:
    """The card's number spellings and its CVV found in `text`."""
    found = [digits for digits in CARD_DIGITS if digits in text]
    return found + ([CVV] if CVV_TOKEN.search(text) else [])


FORM_KEYS = ("card_number", "holder", "expiry", "cvv")


@pytest.fixture
def world(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PortalWorld]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with session_scope(url) as db:
        yield make_world(db)
    get_engine.cache_clear()


# ------------------------------------------------------------------ a browser tab


def tab() -> State:
    return State(_reflex_internal_init=True)


def sub(root: State, cls: type) -> Any:
    return root.get_substate(cls.get_full_name().split("."))


def use_cookie(root: State, token: str | None) -> None:
    headers = {
        k: v
        for k, v in root.router_data.get(constants.RouteVar.HEADERS, {}).items()
        if k != "cookie"
    }
    if token:
        headers["cookie"] = f"{portal_routes.PORTAL_COOKIE}={token}"
    data = {constants.RouteVar.HEADERS: headers, constants.RouteVar.CLIENT_IP: CLIENT_IP}
    root.router_data = root._update_router_vars(data, root.router_data)


def visit(root: State, path: str, **query: str) -> None:
    data = {
        "pathname": path,
        "asPath": path + (f"?{urllib.parse.urlencode(query)}" if query else ""),
        "query": dict(query),
        "headers": root.router_data.get("headers", {}),
    }
    root.router_data = root._update_router_vars(data, root.router_data)


def script_of(spec: Any) -> str:
    [(_, script), _] = spec.args
    return script._var_value


def replace_target(spec: Any) -> str:
    found = re.fullmatch(r"window\.location\.replace\((.*)\)", script_of(spec))
    assert found, script_of(spec)
    return json.loads(found.group(1))


def sent(root: State) -> str:
    """Everything the tab's states would send the browser: the whole state and the delta."""
    return json_dumps(root.dict()) + json_dumps(root.get_delta())


def sign_in(root: State, w: PortalWorld, number: int) -> str:
    """The sign-in event, then what the browser does: the cookie route, a reload."""
    state = sub(root, PortalState)
    spec = state.sign_in({"number": str(number), "access_code": w.codes[number]})
    target = urllib.parse.urlsplit(replace_target(spec))
    assert target.path == "/portal/oturum"
    code = urllib.parse.parse_qs(target.query)["code"][0]
    assert code not in sent(root)  # the hand-off code travels in the event only
    with session_scope() as db:
        token = portal.redeem_handoff(db, code)
    assert token
    use_cookie(root, token)
    return token


def open_policy(root: State, number: int) -> PortalPolicyState:
    visit(root, "/portal/police", no=str(number))
    state = sub(root, PortalPolicyState)
    state.load()
    return state


def plan(number: int) -> list[Installment]:
    with session_scope() as db:
        return list(
            db.exec(
                select(Installment)
                .where(Installment.policy_number == number)
                .order_by(Installment.seq)
            ).all()
        )


def card_form(**changes: str) -> dict[str, str]:
    return {"card_number": CARD, "holder": "Ayşe Öğüt", "expiry": "12/30", "cvv": CVV, **changes}


# ------------------------------------------------------------------ sign-in, my policies


def test_sign_in_hands_off_to_the_cookie_route_and_lists_my_policies(world: PortalWorld):
    root = tab()
    use_cookie(root, None)
    token = sign_in(root, world, world.open.number)
    visit(root, "/portal")
    home = sub(root, PortalHomeState)
    home.load()
    me = sub(root, PortalState)
    assert (me.checked, me.signed_in, me.customer_name, me.sign_in_error) == (
        True,
        True,
        world.a.name,
        "",
    )
    opened_plan, cancelled_plan = plan(world.open.number), plan(world.cancelled.number)
    assert [(p["number"], p["status"], p["line"], p["start"], p["end"]) for p in home.policies] == [
        (str(world.open.number), "approved", "Konut Sigortası", "02.03.2026", "02.03.2027"),
        (str(world.cancelled.number), "cancelled", "Konut Sigortası", "02.03.2026", "02.03.2027"),
    ]
    assert home.policies[0]["unpaid"] == format_try(sum(i.amount for i in opened_plan))
    assert home.policies[1]["unpaid"] == format_try(
        sum(i.amount - i.paid for i in cancelled_plan if i.paid < i.amount)
    )
    assert home.policies[0]["href"] == f"/portal/police?no={world.open.number}"
    payload = sent(root)
    assert token not in payload and world.codes[world.open.number] not in payload
    assert str(world.other.number) not in payload and "Can Yıldız" not in payload


def test_a_wrong_code_says_one_thing_in_the_chosen_language_and_opens_nothing(
    world: PortalWorld,
):
    root = tab()
    use_cookie(root, None)
    state = sub(root, PortalState)
    for number, code in (
        (world.open.number, world.codes[world.other.number]),  # B's code on A's policy
        (world.open.number, "WRONG999"),
        (9999999, world.codes[world.open.number]),
    ):
        assert state.sign_in({"number": str(number), "access_code": code}) is None
        assert state.sign_in_error == "Numara veya erişim kodu hatalı."
    state.set_language("en")
    assert state.sign_in({"number": str(world.open.number), "access_code": "X"}) is None
    assert state.sign_in_error == "Wrong number or access code."
    with session_scope() as db:
        assert db.exec(select(PortalSession)).all() == []
        assert len(audit_events(db, "portal.sign_in_failed")) == 4
    home = sub(root, PortalHomeState)
    home.load()
    assert (state.signed_in, home.policies) == (False, [])
    assert state.sign_in({"number": [1], "access_code": {"x": 1}}) is None  # any args
    assert state.sign_in("nonsense") is None
    assert state.sign_in_error == "Wrong number or access code."


def test_sign_out_ends_the_session_and_forgets_every_portal_screen(world: PortalWorld):
    root = tab()
    token = sign_in(root, world, world.open.number)
    policy = open_policy(root, world.open.number)
    assert policy.found
    spec = sub(root, PortalState).sign_out()
    assert replace_target(spec) == "/portal/cikis"
    with session_scope() as db:
        assert portal.resolve(db, token) is None
    assert (policy.found, policy.installments, policy.policy) == (False, [], {})
    assert world.a.name not in sent(root)
    # the same tab with the old cookie reaches nothing
    again = open_policy(root, world.open.number)
    assert (again.found, sub(root, PortalState).signed_in) == (False, False)


# ------------------------------------------------------------------ the policy page


def test_the_policy_page_shows_installments_endorsements_and_documents(world: PortalWorld):
    root = tab()
    sign_in(root, world, world.open.number)
    n = world.cancelled.number
    state = open_policy(root, n)
    assert (state.found, state.error) == (True, "")
    assert (state.policy["number"], state.policy["status_key"]) == (
        str(n),
        "policy_status.cancelled",
    )
    stored = plan(n)
    assert [
        (r["seq"], r["due"], r["amount"], r["paid"], r["remaining"], r["payable"])
        for r in state.installments
    ] == [
        (
            str(i.seq),
            clock.format_date(i.due_date),
            format_try(i.amount),
            format_try(i.paid),
            format_try(i.amount - i.paid),
            "" if i.paid >= i.amount else "1",
        )
        for i in stored
    ]
    assert [(e["label"], e["kind_key"], e["effective"]) for e in state.endorsements] == [
        (f"1/{n}", "endorsement.kind.increase", "10.06.2026"),
        (f"2/{n}", "endorsement.kind.cancellation", "08.09.2026"),
    ]
    assert state.endorsements[0]["change"] == format_try(world.docs.endorsement.gross_change)
    assert state.documents == [
        {"text": f"Poliçe {n} (PDF)", "href": f"/portal/belge/policy/{n}?dil=tr"},
        {"text": f"Zeyil 1/{n} (PDF)", "href": f"/portal/belge/endorsement/1/{n}?dil=tr"},
        {"text": f"Fesih zeyili 2/{n} (PDF)", "href": f"/portal/belge/endorsement/2/{n}?dil=tr"},
    ]


def test_another_customers_policy_is_not_found_by_any_number(world: PortalWorld):
    root = tab()
    sign_in(root, world, world.open.number)
    for number in (world.other.number, 9999999, "abc", "", "5000001 OR 1=1"):
        visit(root, "/portal/police", no=str(number))
        state = sub(root, PortalPolicyState)
        state.load()
        assert (state.found, state.error, state.installments) == (False, "Poliçe bulunamadı.", [])
        state.choose({"i1": "on"})  # straight from the browser, without a page
        assert (state.paying, state.pay_seqs) == (False, [])
    payload = sent(root)
    assert "Can Yıldız" not in payload
    assert f"/portal/belge/policy/{world.other.number}" not in payload


def test_choosing_installments_shows_their_total_and_refuses_paid_or_foreign_ones(
    world: PortalWorld,
):
    root = tab()
    sign_in(root, world, world.open.number)
    state = open_policy(root, world.open.number)
    assert state.first_unpaid == "1"
    stored = plan(world.open.number)
    state.choose({})
    assert (state.paying, state.pay_error) == (False, "En az bir ödenmemiş taksit seçin.")
    state.choose({"i1": "on", "i3": "on", "i9": "on", "i2": "off"})
    assert (state.paying, state.pay_seqs, state.pay_error) == (True, [1, 3], "")
    assert state.pay_seqs_text == "Ödenecek taksitler: 1, 3"
    assert state.pay_total == f"Ödenecek tutar: {format_try(stored[0].amount + stored[2].amount)}"
    state.cancel_payment()
    assert (state.paying, state.pay_seqs) == (False, [])


# ------------------------------------------------------------------ paying


def test_a_bad_card_shows_every_problem_beside_its_field_and_sends_no_digit(
    world: PortalWorld,
):
    root = tab()
    sign_in(root, world, world.open.number)
    state = open_policy(root, world.open.number)
    state.choose({"i1": "on"})
    root.get_delta()  # what was sent so far
    root._clean()
    spec = state.pay(
        {"card_number": "4111 1111 1111 1112", "holder": " ", "expiry": "13/30", "cvv": "12"}
    )
    assert spec is None
    assert state.card_errors == {
        "card_number": "Kart numarası geçerli değil; lütfen kontrol edin.",
        "holder": "Kart üzerindeki ismi girin.",
        "expiry": "Son kullanma tarihini ay ve yıl olarak girin (ör. 08/29).",
        "cvv": "Güvenlik kodu kartın arkasındaki 3 hanedir.",
    }
    delta = json_dumps(root.get_delta())
    assert "card_errors" in delta
    for digits in ("4111 1111 1111 1112", "4111111111111112", "11111112"):
        assert digits not in sent(root)
    with session_scope() as db:
        assert db.exec(select(PaymentAttempt)).all() == []


def test_paying_goes_to_the_bank_with_no_card_digit_in_any_var_then_shows_the_receipt(
    world: PortalWorld,
):
    root = tab()
    sign_in(root, world, world.open.number)
    state = open_policy(root, world.open.number)
    stored = plan(world.open.number)
    state.choose({"i1": "on"})
    root._clean()
    spec = state.pay(card_form())
    script = script_of(spec)
    delta = json_dumps(root.get_delta())
    assert leaked(script) == []
    assert leaked(delta) == []
    assert leaked(sent(root)) == []
    assert state.redirecting is True
    # the script posts the gateway's fields to the bank's ACS page
    found = re.search(r'\}\)\("([^"]+)",(\{.*\})\)$', script)
    assert found, script
    action, fields = found.group(1), json.loads(found.group(2))
    assert action == providers.ACS_URL and list(fields) == [bank.ACS_STATE_FIELD]
    with session_scope() as db:
        [attempt] = db.exec(select(PaymentAttempt)).all()
        assert (attempt.status, attempt.card_last4, attempt.amount) == (
            "started",
            "1111",
            stored[0].amount,
        )
        secret = installation_secret(db, bank.SECRET_NAME)
        view = bank.acs_view(secret, fields[bank.ACS_STATE_FIELD])
        assert view.masked_card.endswith("1111") and "4111" not in view.masked_card
        callback = bank.acs_submit(secret, fields[bank.ACS_STATE_FIELD], bank.GOOD_OTP)
        outcome = payments.complete_payment(db, callback)
    assert outcome.status == "approved"
    # the result page
    visit(root, "/portal/odeme/sonuc", siparis=attempt.order_id)
    result = sub(root, PortalResultState)
    result.load()
    assert (result.found, result.status, result.message) == (
        True,
        "approved",
        "Ödemeniz onaylandı.",
    )
    assert result.installments == [
        {"seq": "1", "due": "02.03.2026", "amount": format_try(stored[0].amount)}
    ]
    assert (result.card, result.amount) == ("**** 1111", format_try(stored[0].amount))
    assert result.receipt_href == f"/portal/makbuz/{attempt.order_id}?lang=tr"
    # the policy page now shows it paid
    state = open_policy(root, world.open.number)
    assert [r["state"] for r in state.installments] == ["paid", "unpaid", "unpaid"]
    assert state.first_unpaid == "2"
    with session_scope() as db:
        [payment] = db.exec(select(Payment)).all()
        assert payment.amount == stored[0].amount
    assert leaked(sent(root)) == []


def test_a_replayed_callback_shows_its_note_and_pays_nothing_twice(world: PortalWorld):
    root = tab()
    sign_in(root, world, world.open.number)
    state = open_policy(root, world.open.number)
    state.choose({"i2": "on"})
    spec = state.pay(card_form())
    fields = json.loads(re.search(r",(\{.*\})\)$", script_of(spec)).group(1))
    with session_scope() as db:
        secret = installation_secret(db, bank.SECRET_NAME)
        callback = bank.acs_submit(secret, fields[bank.ACS_STATE_FIELD], bank.GOOD_OTP)
        first = payments.complete_payment(db, callback)
        again = payments.complete_payment(db, callback)
        assert (first.status, again.status) == ("approved", "approved")
        assert len(db.exec(select(Payment)).all()) == 1
    visit(root, "/portal/odeme/sonuc", siparis=first.order_id, yanit="replay")
    result = sub(root, PortalResultState)
    result.load()
    assert result.message == "Ödemeniz onaylandı."
    assert result.note == "Bu banka yanıtı daha önce işlendi; hiçbir şey değişmedi."
    visit(root, "/portal/odeme/sonuc", siparis=first.order_id, yanit="<script>")
    result.load()
    assert result.note == ""
    visit(root, "/portal/odeme/sonuc", yanit="unknown")  # a callback naming no order of ours
    result.load()
    assert (result.found, result.error, result.note) == (
        False,
        "",
        "Bu ödeme bulunamadı; hesabınızdan tutar alınmadı.",
    )


def test_a_tampered_callback_is_told_once_and_pays_nothing(world: PortalWorld):
    root = tab()
    sign_in(root, world, world.open.number)
    state = open_policy(root, world.open.number)
    state.choose({"i3": "on"})
    fields = json.loads(re.search(r",(\{.*\})\)$", script_of(state.pay(card_form()))).group(1))
    with session_scope() as db:
        secret = installation_secret(db, bank.SECRET_NAME)
        callback = bank.acs_submit(secret, fields[bank.ACS_STATE_FIELD], bank.GOOD_OTP)
        outcome = payments.complete_payment(db, {**callback, "amount": "1.00"})
        assert db.exec(select(Payment)).all() == []
    visit(root, "/portal/odeme/sonuc", siparis=outcome.order_id, yanit="invalid")
    result = sub(root, PortalResultState)
    result.load()
    assert (result.status, result.message, result.note, result.receipt_href) == (
        "started",
        "Bankadan gelen yanıt doğrulanamadı; ödeme alınmadı.",
        "",  # the same words are not said twice
        "",
    )


def test_someone_elses_order_or_a_paid_installment_is_refused(world: PortalWorld):
    # customer B starts a payment; A cannot see it on the result page
    b_tab = tab()
    sign_in(b_tab, world, world.other.number)
    b_state = open_policy(b_tab, world.other.number)
    b_state.choose({"i1": "on"})
    b_state.pay(card_form())
    with session_scope() as db:
        [order_id] = db.exec(select(PaymentAttempt.order_id)).all()
    root = tab()
    sign_in(root, world, world.open.number)
    visit(root, "/portal/odeme/sonuc", siparis=order_id)
    result = sub(root, PortalResultState)
    result.load()
    assert (result.found, result.error, result.order_id) == (False, "Ödeme bulunamadı.", "")
    assert order_id not in json_dumps(result.dict())  # (the router echoes the URL only)
    # A's page, with B's installment forced into the choice straight from the browser
    state = open_policy(root, world.open.number)
    state.pay_seqs = [1]
    state.paying = True
    state.number = str(world.other.number)
    assert state.pay(card_form()) is None
    assert state.pay_error == "Kayıt bulunamadı."
    with session_scope() as db:
        assert len(db.exec(select(PaymentAttempt)).all()) == 1


def test_handlers_refuse_without_a_session(world: PortalWorld):
    root = tab()
    use_cookie(root, "forged-token-0123456789")
    state = open_policy(root, world.open.number)
    assert (state.found, sub(root, PortalState).signed_in) == (False, False)
    state.paying, state.pay_seqs, state.number = True, [1], str(world.open.number)
    assert state.pay(card_form()) is None
    result = sub(root, PortalResultState)
    result.load()
    assert result.found is False
    with session_scope() as db:
        assert db.exec(select(PaymentAttempt)).all() == []
