"""Portal scoping, as an attacker tries it: customer A, signed in with A's own access code,
names customer B's policy numbers, installment seqs and ids, order ids and quote numbers
at every portal service, every portal HTTP route and every event handler of every
`PortalState` screen (found by walking the classes, so a handler added later is covered:
one without an entry in `HOW` below fails `test_every_portal_handler_has_a_way_to_call_it`).
The same again without any session. Each time:

- nothing of B's reaches A (B's name, customer number, TCKN, other numbers, amounts,
  access code, order and transaction ids), and B's numbers get exactly the answer a number
  nobody has gets (the same refusal, the same state to the last var);
- nothing changed in the database: every table but the audit trail, the sign-in
  throttle and portal sessions' last-seen times, and the counts and sums of installments
  paid, payments, payment attempts, quotes and portal requests.

B's own session reaching the same data through the same calls is the control that the
search would see it.
"""

from __future__ import annotations

import importlib
import pkgutil
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from reflex.utils.format import json_dumps
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

import iztim_app.pages
import iztim_app.states
from iztim_app import portal_routes
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.documents import services as documents
from iztim_app.core.errors import DomainError
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.services import PortalCustomer
from iztim_app.states.portal import PortalState
from tests.foundation.support import use_settings
from tests.portal.security_fixtures import (
    APPROVED_CARD,
    CVV,
    GHOST_ORDER,
    GHOST_POLICY,
    Tab,
    World,
    b_hits,
    build_world,
    card,
    dumps,
    guarded,
    money_facts,
    optional,
    payments_services,
    pdf_text,
    portal_customer,
    portal_requests,
    sign_in_token,
    world_database,
)
from tests.quotes.fixtures_db import SHIPPED, pg_template, quotes_template  # noqa: F401

# ====================================================================== the world


@dataclass
class Env:
    url: str
    world: World


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world_env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Env]:
    """One world per engine for the whole module: every test asserts it changed nothing."""
    with world_database(request.param, request, tmp_path_factory.mktemp("portal_sec")) as url:
        with pytest.MonkeyPatch.context() as mp:
            use_settings(mp, database_url=url, tariffs_dir=SHIPPED, demo_mode=False)
            with session_scope(url) as db:
                world = build_world(db)
            get_engine.cache_clear()
        yield Env(url, world)
        get_engine(url).dispose()


@pytest.fixture
def env(world_env: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """The app's settings point at the world's database for this test."""
    use_settings(monkeypatch, database_url=world_env.url, tariffs_dir=SHIPPED, demo_mode=False)
    yield world_env
    get_engine.cache_clear()


@dataclass(frozen=True)
class Ids:
    """What an attacker names: B's, or the same shape of numbers nobody has."""

    policy: str
    policy2: str
    seqs: tuple[int, ...]
    installment_ids: tuple[int, ...]
    order: str
    orders: tuple[str, ...]
    quote: str
    customer: str


def b_ids(w: World) -> Ids:
    return Ids(
        policy=str(w.b_policy),
        policy2=str(w.b_policy2),
        seqs=w.b_seqs,
        installment_ids=w.b_installment_ids,
        order=w.b_orders[0] if w.b_orders else GHOST_ORDER[:-1] + "1",
        orders=w.b_orders,
        quote=str(w.b_quote),
        customer=str(w.b.number),
    )


def ghost_ids(w: World) -> Ids:
    return Ids(
        policy=str(GHOST_POLICY),
        policy2=str(GHOST_POLICY + 1),
        seqs=w.b_seqs,
        installment_ids=w.b_installment_ids,
        order=GHOST_ORDER[:22] if w.b_orders else GHOST_ORDER,  # b's order is its first
        orders=tuple(f"PA{'0' * 19}{i}" for i, _ in enumerate(w.b_orders)),
        quote="9999881",
        customer="999771",
    )


def swap(text: str, b: Ids, ghost: Ids) -> str:
    """B's numbers written as the ghost's: B's answer must then be the ghost's answer."""
    pairs = [
        (b.policy, ghost.policy),
        (b.policy2, ghost.policy2),
        (b.order, ghost.order),
        *zip(b.orders, ghost.orders, strict=True),
        (b.quote, ghost.quote),
        (b.customer, ghost.customer),
    ]
    for old, new in sorted(pairs, key=lambda p: -len(p[0])):
        text = text.replace(old, new)
    return text


def inputs(ids: Ids) -> frozenset[str]:
    """The numbers the attacker typed: echoing them back is not a leak (the ghost check
    covers what is done with them)."""
    return frozenset({ids.policy, ids.policy2, ids.order, *ids.orders, ids.quote, ids.customer})


def a_token(env: Env) -> str:
    with session_scope(env.url) as db:
        return sign_in_token(db, env.world.a_policy, env.world.a_code)


def untouched(env: Env) -> tuple[Any, Any]:
    return guarded(env.url), money_facts(env.url)


def assert_untouched(env: Env, before: tuple[Any, Any], what: str) -> None:
    guarded_now, facts_now = untouched(env)
    assert facts_now == before[1], what
    changed = sorted(k for k in guarded_now if guarded_now[k] != before[0].get(k))
    assert changed == [], f"{what}: tables changed {changed}"


# ====================================================================== services


ServiceCall = Callable[[Session, PortalCustomer, Ids, World], Any]


def service_calls() -> dict[str, ServiceCall]:
    """Every portal service taking the customer, with the attacker's numbers."""
    calls: dict[str, ServiceCall] = {
        "my_policy": lambda db, me, i, w: portal.my_policy(db, me, i.policy),
        "my_policy int": lambda db, me, i, w: portal.my_policy(db, me, int(i.policy)),
        "my_policy spaced": lambda db, me, i, w: portal.my_policy(db, me, f" {i.policy} "),
        "my_policy dashed": lambda db, me, i, w: portal.my_policy(
            db, me, f"{i.policy[:3]}-{i.policy[3:]}"
        ),
        "my_policy second": lambda db, me, i, w: portal.my_policy(db, me, i.policy2),
        "my_policy customer no": lambda db, me, i, w: portal.my_policy(db, me, i.customer),
        "my_policies": lambda db, me, i, w: portal.my_policies(db, me),
        "document policy": lambda db, me, i, w: documents.portal_document(
            db, me, "policy", i.policy
        ),
        "document endorsement": lambda db, me, i, w: documents.portal_document(
            db, me, "endorsement", f"1/{i.policy}"
        ),
        "document quote": lambda db, me, i, w: documents.portal_document(db, me, "quote", i.quote),
    }
    pay = payments_services()
    if pay is not None:
        calls |= {
            "start_payment all seqs": lambda db, me, i, w: pay.start_payment(
                db, me, i.policy, list(i.seqs), card()
            ),
            "start_payment seqs as text": lambda db, me, i, w: pay.start_payment(
                db, me, i.policy, ",".join(map(str, i.seqs)), card()
            ),
            "start_payment second policy": lambda db, me, i, w: pay.start_payment(
                db, me, i.policy2, [1], card()
            ),
            # B's installment ids as seqs of A's own policy (A's plan has seqs 1 and 2)
            "start_payment b ids on a's policy": lambda db, me, i, w: pay.start_payment(
                db, me, w.a_policy, [x for x in i.installment_ids if x > 2], card()
            ),
            # A's own policy, but refs of B's
            "start_payment refs": lambda db, me, i, w: pay.start_payment(
                db, me, w.a_policy, [f"{i.policy}/1"], card()
            ),
            **{
                f"attempt_for_customer {n}": lambda db, me, i, w, n=n: pay.attempt_for_customer(
                    db, me, i.orders[n]
                )
                for n in range(2)
            },
            "attempt_for_customer spaced": lambda db, me, i, w: pay.attempt_for_customer(
                db, me, f" {i.order} "
            ),
            **{
                f"receipt_pdf {n}": lambda db, me, i, w, n=n: pay.receipt_pdf(
                    db, me, i.orders[n], "tr"
                )
                for n in range(2)
            },
        }
    requests = portal_requests()
    if requests is not None:
        calls |= {
            "ask_for_policy": lambda db, me, i, w: requests.ask_for_policy(db, me, i.quote),
            "ask_for_policy int": lambda db, me, i, w: requests.ask_for_policy(
                db, me, int(i.quote)
            ),
            "my_requests": lambda db, me, i, w: requests.my_requests(db, me),
        }
    quotes = optional("iztim_app.core.portal.quotes")
    if quotes is not None:
        calls["my_quotes"] = lambda db, me, i, w: quotes.my_quotes(db, me)
    return calls


def readable(value: Any) -> str:
    """A result as text; a PDF by its text (what a reader of it sees)."""
    if isinstance(value, bytes | bytearray) and value.startswith(b"%PDF"):
        return "pdf " + pdf_text(bytes(value))
    if isinstance(value, list | tuple) and not hasattr(value, "_fields"):
        return "[" + ", ".join(readable(v) for v in value) + "]"
    return dumps(value)


def outcome(call: ServiceCall, env: Env, me: PortalCustomer, ids: Ids) -> str:
    """What the caller gets: the result, or the refusal's type, code and data."""
    with session_scope(env.url) as db:
        try:
            return "ok " + readable(call(db, me, ids, env.world))
        except DomainError as exc:
            return f"refused {type(exc).__name__} {exc.code} {dumps(exc.params)} {exc}"


@pytest.mark.parametrize("name", sorted(service_calls()))
def test_b_numbers_at_a_portal_service_are_answered_like_numbers_nobody_has(env: Env, name: str):
    w = env.world
    call = service_calls()[name]
    with session_scope(env.url) as db:
        me = portal_customer(db, a_token(env))
    assert me.customer_id == w.a.id
    before = untouched(env)
    b, ghost = b_ids(w), ghost_ids(w)
    got_b = outcome(call, env, me, b)
    got_ghost = outcome(call, env, me, ghost)
    assert b_hits(got_b, w, allowed=inputs(b)) == []
    assert swap(got_b, b, ghost) == got_ghost
    assert_untouched(env, before, name)


def test_b_own_session_gets_what_a_was_refused(env: Env):
    """The control: B's numbers are right, and B's answers carry what the search looks for."""
    w = env.world
    with session_scope(env.url) as db:
        b_me = portal_customer(db, sign_in_token(db, w.b_policy, w.b_code))
        mine = portal.my_policy(db, b_me, w.b_policy)
        assert [i.seq for i in mine.installments] == list(w.b_seqs)
        assert {p.number for p in portal.my_policies(db, b_me)} == {w.b_policy, w.b_policy2}
        printed = documents.portal_document(db, b_me, "policy", str(w.b_policy))
        assert printed.content.startswith(b"%PDF")
        printed = documents.portal_document(db, b_me, "endorsement", f"1/{w.b_policy}")
        assert b_hits(pdf_text(printed.content), w) != []
        assert [e.label for e in mine.endorsements] == [f"1/{w.b_policy}"]
        pay = payments_services()
        if pay is not None:
            view = pay.attempt_for_customer(db, b_me, w.b_orders[0])
            assert (view.status, view.policy_number) == ("approved", w.b_policy)
            assert pay.receipt_pdf(db, b_me, w.b_orders[0], "tr").startswith(b"%PDF")
            assert b_hits(dumps(view), w) != []
        requests = portal_requests()
        if requests is not None:
            assert [r.quote_number for r in requests.my_requests(db, b_me)] == [w.b_quote]
    assert b_hits(dumps(mine), w) != []


def test_a_cannot_open_a_session_with_b_numbers_and_a_code(env: Env):
    w = env.world
    before = untouched(env)
    answers = []
    for number in (w.b_policy, w.b.number, w.b_policy2, w.twin_policy, w.twin_number, GHOST_POLICY):
        with session_scope(env.url) as db:
            try:
                portal.sign_in(db, str(number), w.a_code, f"198.51.100.{secrets.randbelow(250)}")
            except DomainError as exc:
                answers.append((exc.code, exc.params))
            else:
                answers.append(("opened", {}))
    assert answers == [("portal.sign_in_failed", {})] * 6
    assert_untouched(env, before, "sign_in")


# ====================================================================== HTTP routes


def _routes() -> list[Any]:
    payment_routes = optional("iztim_app.payment_routes")
    return [*portal_routes.ROUTES, *(payment_routes.ROUTES if payment_routes else [])]


@pytest.fixture
def client(env: Env) -> TestClient:
    return TestClient(Starlette(routes=_routes()), base_url="http://iztim.test")


def _cookie(token: str | None) -> dict[str, str]:
    return {"cookie": f"other=1; {portal_routes.PORTAL_COOKIE}={token}"} if token else {}


def route_paths(ids: Ids) -> list[str]:
    paths = [
        f"/portal/belge/policy/{ids.policy}",
        f"/portal/belge/policy/{ids.policy2}?dil=en",
        f"/portal/belge/endorsement/1%2F{ids.policy}",
        f"/portal/belge/endorsement/1/{ids.policy}",
        f"/portal/belge/quote/{ids.quote}",
    ]
    if payments_services() is not None:
        paths += [f"/portal/makbuz/{o}" for o in (ids.order, *ids.orders)]
    return paths


@pytest.mark.parametrize("signed_in", [True, False], ids=["as A", "no session"])
def test_b_documents_and_receipts_are_a_404_like_nobodys(
    env: Env, client: TestClient, signed_in: bool
):
    w = env.world
    headers = _cookie(a_token(env) if signed_in else None)
    before = untouched(env)
    b, ghost = b_ids(w), ghost_ids(w)
    for path_b, path_ghost in zip(route_paths(b), route_paths(ghost), strict=True):
        got_b = client.get(path_b, headers=headers, follow_redirects=False)
        got_ghost = client.get(path_ghost, headers=headers, follow_redirects=False)
        answer_b = (got_b.status_code, got_b.headers.get("content-type"), got_b.text)
        answer_ghost = (
            got_ghost.status_code,
            got_ghost.headers.get("content-type"),
            got_ghost.text,
        )
        assert got_b.status_code == 404, path_b
        assert not got_b.content.startswith(b"%PDF"), path_b
        assert b_hits(got_b.text, w, allowed=inputs(b)) == [], path_b
        assert swap(dumps(answer_b), b, ghost) == dumps(answer_ghost), path_b
    assert_untouched(env, before, "routes")


def test_b_cookie_opens_b_documents_through_the_same_routes(env: Env, client: TestClient):
    """The control of the test above: the paths are right."""
    w = env.world
    with session_scope(env.url) as db:
        token = sign_in_token(db, w.b_policy, w.b_code)
    for path in (f"/portal/belge/policy/{w.b_policy}", f"/portal/belge/endorsement/1/{w.b_policy}"):
        got = client.get(path, headers=_cookie(token))
        assert (got.status_code, got.content[:4]) == (200, b"%PDF"), path
        assert w.b.name in pdf_text(got.content)
    if payments_services() is not None:
        got = client.get(f"/portal/makbuz/{w.b_orders[0]}", headers=_cookie(token))
        assert (got.status_code, got.content[:4]) == (200, b"%PDF")


# ====================================================================== event handlers


def import_every_screen() -> None:
    for package in (iztim_app.states, iztim_app.pages):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)


def portal_states() -> list[type[PortalState]]:
    import_every_screen()
    found: list[type[PortalState]] = []
    todo: list[type] = [PortalState]
    while todo:
        cls = todo.pop(0)
        if cls not in found:
            found.append(cls)
            todo += cls.__subclasses__()
    return found


def portal_handlers() -> list[tuple[type[PortalState], str]]:
    """Every event handler of every portal screen, as the browser can call it."""
    return [(cls, name) for cls in portal_states() for name in sorted(cls.event_handlers)]


def handler_key(cls: type, name: str) -> str:
    return f"{cls.__name__}.{name}"


@dataclass(frozen=True)
class Step:
    """Visit `path` with `query(ids)`, then call `cls.name(*args(ids, world))`."""

    state: str  # the class name
    name: str
    path: str = "/portal"
    query: Callable[[Ids], dict[str, str]] = lambda i: {}
    args: Callable[[Ids, World], tuple] = lambda i, w: ()


def _card_form(i: Ids) -> dict[str, str]:
    return {"card_number": APPROVED_CARD, "holder": "AYSE SAHIN", "expiry": "12/39", "cvv": CVV}


def _ticks(i: Ids) -> dict[str, str]:
    return {f"i{s}": "on" for s in (*i.seqs, *i.installment_ids)}


def _policy_query(i: Ids) -> dict[str, str]:
    return {"no": i.policy}


POLICY_PAGE = "/portal/police"
QUOTE_PAGE = "/portal/teklif"


def _quote_query(i: Ids) -> dict[str, str]:
    return {"no": i.quote, "teklif": i.quote}


# How to call each handler as an attacker: a list of attempts, each a list of steps (the
# last one is the handler; those before bring the screen where the handler is offered).
HOW: dict[str, list[list[Step]]] = {
    "PortalState.check_portal": [
        [Step("PortalState", "check_portal", POLICY_PAGE, _policy_query)],
    ],
    "PortalState.sign_in": [
        [
            Step(
                "PortalState",
                "sign_in",
                args=lambda i, w: ({"number": i.policy, "access_code": w.a_code},),
            )
        ],
        [
            Step(
                "PortalState",
                "sign_in",
                args=lambda i, w: ({"number": i.customer, "access_code": w.a_code},),
            )
        ],
    ],
    "PortalState.sign_out": [
        [Step("PortalState", "sign_out", POLICY_PAGE, _policy_query)],
    ],
    "PortalState.set_language": [
        [Step("PortalState", "set_language", POLICY_PAGE, _policy_query, lambda i, w: ("en",))],
        [Step("PortalState", "set_language", args=lambda i, w: (i.policy,))],
    ],
    "PortalHomeState.load": [
        [Step("PortalHomeState", "load", "/portal", _policy_query)],
    ],
    "PortalPolicyState.load": [
        [Step("PortalPolicyState", "load", POLICY_PAGE, _policy_query)],
        [Step("PortalPolicyState", "load", POLICY_PAGE, lambda i: {"no": f" {i.policy} "})],
        [Step("PortalPolicyState", "load", POLICY_PAGE, lambda i: {"no": i.policy2})],
        [Step("PortalPolicyState", "load", POLICY_PAGE, lambda i: {"no": i.customer})],
    ],
    "PortalPolicyState.choose": [
        [
            Step("PortalPolicyState", "load", POLICY_PAGE, _policy_query),
            Step(
                "PortalPolicyState", "choose", POLICY_PAGE, _policy_query, lambda i, w: (_ticks(i),)
            ),
        ],
    ],
    "PortalPolicyState.cancel_payment": [
        [
            Step("PortalPolicyState", "load", POLICY_PAGE, _policy_query),
            Step("PortalPolicyState", "cancel_payment", POLICY_PAGE, _policy_query),
        ],
    ],
    "PortalPolicyState.pay": [
        [
            Step("PortalPolicyState", "load", POLICY_PAGE, _policy_query),
            Step(
                "PortalPolicyState", "choose", POLICY_PAGE, _policy_query, lambda i, w: (_ticks(i),)
            ),
            Step(
                "PortalPolicyState",
                "pay",
                POLICY_PAGE,
                _policy_query,
                lambda i, w: (_card_form(i),),
            ),
        ],
        [
            Step(
                "PortalPolicyState",
                "pay",
                POLICY_PAGE,
                _policy_query,
                lambda i, w: (_card_form(i),),
            )
        ],
    ],
    "PortalResultState.load": [
        [Step("PortalResultState", "load", "/portal/odeme/sonuc", lambda i: {"siparis": i.order})],
        *[
            [
                Step(
                    "PortalResultState",
                    "load",
                    "/portal/odeme/sonuc",
                    lambda i, n=n: {"siparis": (i.orders + (i.order,))[n]},
                )
            ]
            for n in range(2)
        ],
    ],
    # ---- /portal/teklif (helper C): the customer is the signed-in record, never chosen
    **{
        f"PortalQuoteState.{name}": [
            [
                Step("PortalQuoteState", "load", QUOTE_PAGE, _quote_query),
                Step("PortalQuoteState", name, QUOTE_PAGE, _quote_query, args),
            ]
            for args in variants
        ]
        for name, variants in {
            "choose_line": [lambda i, w: ("konut",), lambda i, w: (i.quote,)],
            "set_value": [lambda i, w: ("construction_class", i.policy)],
            "set_sum_insured": [lambda i, w: (i.policy,)],
            "set_start": [lambda i, w: ("2030-01-01",)],
            "set_end": [lambda i, w: ("2031-01-01",)],
            "search_customers": [lambda i, w: ({"customer_search": i.customer},)],
            "pick_customer": [lambda i, w: (str(w.b.id),), lambda i, w: (i.customer,)],
            "toggle_new_customer": [lambda i, w: ()],
            "create_customer": [
                lambda i, w: ({"kind": "individual", "name": "Deneme", "national_id": i.customer},)
            ],
            "ask_for_policy": [
                lambda i, w: ({"quote_number": i.quote},),
                lambda i, w: ({"quote_number": f" {i.quote} "},),
            ],
        }.items()
    },
    "PortalQuoteState.load": [[Step("PortalQuoteState", "load", QUOTE_PAGE, _quote_query)]],
    "PortalQuoteState.save": [
        [
            Step("PortalQuoteState", "load", QUOTE_PAGE, _quote_query),
            Step(
                "PortalQuoteState",
                "pick_customer",
                QUOTE_PAGE,
                _quote_query,
                lambda i, w: (str(w.b.id),),
            ),
            Step("PortalQuoteState", "save", QUOTE_PAGE, _quote_query),
        ],
        [Step("PortalQuoteState", "save", QUOTE_PAGE, _quote_query)],
    ],
}
# `setvar` (every state has it): the browser may name any var; every base var is tried.
SETVAR = "*.setvar"


def _setvar_attempts(cls: type) -> list[list[Step]]:
    return [
        [
            Step(
                cls.__name__,
                "setvar",
                POLICY_PAGE,
                _policy_query,
                lambda i, w, v=var: (v, i.policy),
            ),
        ]
        for var in sorted(cls.base_vars)
    ]


def attempts_for(cls: type, name: str) -> list[list[Step]] | None:
    if name == "setvar":
        return _setvar_attempts(cls)
    return HOW.get(handler_key(cls, name))


def _by_name() -> dict[str, type]:
    return {cls.__name__: cls for cls in portal_states()}


def fresh_ip() -> str:
    """One address per pair of runs (B's numbers, the ghost's): the sign-in throttle counts
    per address, and both runs of a pair must look the same."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def run(attempt: list[Step], token: str | None, ids: Ids, w: World, ip: str = "") -> str:
    """One fresh tab runs the steps; everything it was sent, as text."""
    classes = _by_name()
    tab = Tab(token, ip or fresh_ip())
    for step in attempt:
        tab.visit(step.path, **step.query(ids))
        tab.call(classes[step.state], step.name, *step.args(ids, w))
    return tab.payload()


HANDLERS = portal_handlers()


def test_every_portal_handler_has_a_way_to_call_it():
    """A new portal handler must get its entry in HOW (how an attacker would call it)."""
    missing = [handler_key(cls, name) for cls, name in HANDLERS if attempts_for(cls, name) is None]
    assert missing == [], f"add these to HOW in {__file__}: {missing}"
    stale = sorted(set(HOW) - {handler_key(c, n) for c, n in HANDLERS})
    assert stale == [], f"HOW names handlers that no longer exist: {stale}"


@pytest.mark.parametrize("signed_in", [True, False], ids=["as A", "no session"])
@pytest.mark.parametrize(("cls", "name"), HANDLERS, ids=[handler_key(c, n) for c, n in HANDLERS])
def test_portal_handler_gives_a_nothing_of_b(env: Env, cls: type, name: str, signed_in: bool):
    attempts = attempts_for(cls, name)
    if attempts is None:
        pytest.fail(f"{handler_key(cls, name)} has no entry in HOW")
    w = env.world
    b, ghost = b_ids(w), ghost_ids(w)
    before = untouched(env)
    for n, attempt in enumerate(attempts):
        # a fresh session each run: a sign-out must not turn the next run into "no session"
        ip = fresh_ip()
        sent_b = run(attempt, a_token(env) if signed_in else None, b, w, ip)
        sent_ghost = run(attempt, a_token(env) if signed_in else None, ghost, w, ip)
        what = f"{handler_key(cls, name)} attempt {n}"
        assert APPROVED_CARD.replace(" ", "") not in sent_b, what
        assert b_hits(sent_b, w, allowed=inputs(b)) == [], what
        assert swap(sent_b, b, ghost) == sent_ghost, what
    assert_untouched(env, before, handler_key(cls, name))


def test_b_session_sees_b_policy_through_the_handlers(env: Env):
    """The control: the same steps as B show B's policy, and the search finds it."""
    w = env.world
    with session_scope(env.url) as db:
        token = sign_in_token(db, w.b_policy, w.b_code)
    sent = run(HOW["PortalPolicyState.load"][0], token, b_ids(w), w)
    assert set(b_hits(sent, w)) >= {w.b.name, str(w.b_policy)}
    if payments_services() is not None:
        sent = run(HOW["PortalResultState.load"][0], token, b_ids(w), w)
        assert w.b_orders[0] in sent and "**** 1111" in sent
    if w.b_request_ids:  # B's request for B's quote is on B's quote page
        sent = run(HOW["PortalQuoteState.load"][0], token, b_ids(w), w)
        assert f'"quote_number": "{w.b_quote}"' in sent


def test_a_quote_saved_after_picking_b_is_a_quote_of_a(env: Env):
    """The staff form's customer box is not on the portal: naming B's record there, then
    saving a complete form, makes a quote of the signed-in customer, never of B."""
    from iztim_app.core.quotes.models import Quote
    from tests.quotes.fixtures_quotes import FORMS

    w = env.world
    classes = _by_name()
    quote_state = classes["PortalQuoteState"]
    tab = Tab(a_token(env), fresh_ip())
    tab.visit(QUOTE_PAGE)
    tab.call(quote_state, "load")
    tab.call(quote_state, "choose_line", "konut")
    for name, value in FORMS["konut"].items():
        tab.call(quote_state, "set_value", name, value)
    tab.call(quote_state, "set_sum_insured", "410000")
    tab.call(quote_state, "pick_customer", str(w.b.id))
    tab.call(quote_state, "save")
    with session_scope(env.url) as db:
        made = db.exec(select(Quote).where(Quote.channel == "portal")).all()
    assert [(q.customer_id, str(q.sum_insured)) for q in made] == [(w.a.id, "410000.00")]
    assert b_hits(tab.payload(), w) == []


def test_a_tab_whose_customer_changes_forgets_the_previous_customers_screens(env: Env):
    """B's policy page is open in a tab; B's browser is then A's (A signed in from another
    tab: the cookie is A's now). At the tab's next portal event, nothing of B's is left in
    its state (which the browser gets whole when it reconnects)."""
    w = env.world
    with session_scope(env.url) as db:
        b_token = sign_in_token(db, w.b_policy, w.b_code)
    classes = _by_name()
    tab = Tab(b_token, fresh_ip())
    tab.visit(POLICY_PAGE, no=str(w.b_policy))
    tab.call(classes["PortalPolicyState"], "load")
    assert w.b.name in tab.payload()  # the control: B's page is open
    tab.token = a_token(env)
    tab.visit(QUOTE_PAGE)
    tab.call(classes["PortalState"], "check_portal")
    left = b_hits(json_dumps(tab.root.dict()), w)
    assert left == [], left


def test_a_portal_session_opens_no_staff_screen_of_payments_or_requests(env: Env):
    """The staff screens built for this issue (payment attempts, portal requests) with only
    a portal cookie: nothing of B's (nor anyone's) payments or requests, nothing changed."""
    attempts = optional("iztim_app.states.payment_attempts")
    queue = optional("iztim_app.states.portal_requests")
    w = env.world
    before = untouched(env)
    request_id = str(w.b_request_ids[0]) if w.b_request_ids else "1"
    steps: list[tuple[Any, str, tuple]] = []
    if attempts is not None:
        s = attempts.PaymentAttemptsState
        steps += [
            (s, "load", ()),
            (s, "apply", ({"policy_number": str(w.b_policy), "status": ""},)),
            (s, "failed_next_page", ()),
        ]
    if queue is not None:
        s = queue.PortalRequestsState
        steps += [
            (s, "load", ()),
            (s, "set_status", ("open",)),
            (s, "start_reject", (request_id,)),
            (s, "reject", ({"reason": "Müşteri vazgeçti"},)),
        ]
    for token in (a_token(env), None):
        tab = Tab(token, fresh_ip())
        for cls, name, args in steps:
            tab.visit("/odemeler")
            tab.call(cls, name, *args)
        assert b_hits(tab.payload(), w) == []
        assert w.a.name not in tab.payload()
    assert_untouched(env, before, "staff screens")
