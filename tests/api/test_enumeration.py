"""Every route of the JSON API is guarded (api.md "Authentication", "Errors"):

- called without a token, each answers 401 `unauthenticated` (problem+json) and changes
  nothing;
- called with a token of agency B (and of another branch) on agency A's records, each
  answers 404 (out of scope: indistinguishable from "no such record") or 403 (the user
  lacks the permission), and changes nothing; lists hold none of A's records;
- the table below is transcribed from api.md: a route of the FastAPI app that is not in it
  fails `test_every_route_of_the_app_is_in_the_table`, so a new route cannot ship unchecked;
- the OpenAPI document validates (openapi-spec-validator) and lists every endpoint of api.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from openapi_spec_validator import validate
from sqlmodel import Session, select
from starlette.routing import Mount, Route

from iztim_app.api.app import api
from iztim_app.core import clock
from iztim_app.core.customers.models import Customer
from iztim_app.core.customers.services import create_customer
from iztim_app.core.db import session_scope
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.services import QuoteInput
from tests.foundation.support import actor_of, snapshot
from tests.quotes.fixtures_customers import tckn
from tests.quotes.fixtures_quotes import FORMS

PREFIX = "/api/v1"
# Routes anyone may read: the API's own documentation and Swagger UI's files (no record,
# no data). Kept here, not imported from api/docs.py: adding a public route takes this file.
PUBLIC_PATHS = {"/openapi.json", "/docs", "/docs/assets/{name}"}
# Public routes that are documented and in TABLE: they answer without a token.
PUBLIC_ROUTES = {("GET", "/health")}
PUBLIC_MOUNT_PREFIX = "/docs/"  # Swagger UI's files, should they ever be mounted
# What a refused call may touch: the token's "last used" moment (api.md: tokens list it).
VOLATILE_TABLES = {"api_token"}


# ====================================================================== agency A's records


@dataclass(frozen=True)
class World:
    """Agency A's records (acente.a1, under İstanbul Şube), numbered as stored."""

    customer: int
    quote: int  # approved, not yet a policy
    policy: int  # approved, 2 installments, one approved information endorsement
    endorsement_k: int
    today: date


def agency_a_world(url: str) -> World:
    today = clock.today()
    with session_scope(url) as db:
        a1 = actor_of(db, "acente.a1")
        customer = create_customer(
            db,
            a1,
            kind="individual",
            national_id=tckn("381762451"),
            name="Elif Arslan",
            customer_group="bireysel",
            address="Moda Cad. No: 5 Kadıköy/İstanbul",
            phone="05321234567",
            email="elif@example.com",
        )
        customer_id = _customer_id(db, customer.number)
        form = {
            "line_code": "konut",
            "customer_id": customer_id,
            "sum_insured": "300000",
            "start_date": today,
            "values": dict(FORMS["konut"]),
        }
        quote = quotes.save_quote(db, a1, QuoteInput(**form), today=today)
        assert quote.status == "approved"  # within acente.a1's 500 000 limit
        issued = policies.issue(db, a1, PolicyInput(**form, installment_count=2), today=today)
        assert issued.policy.status == "approved"
        endorsement = endorsements.create_endorsement(
            db,
            actor_of(db, "sube.istanbul"),
            issued.policy.number,
            "information",
            today + timedelta(days=10),
            None,
            None,
            "Adres değişikliği",
        )
        assert endorsement.status == "approved"
        return World(customer.number, quote.number, issued.policy.number, endorsement.seq, today)


def _nowhere(w: World) -> World:
    """The same calls on numbers that exist nowhere."""
    return replace(w, customer=w.customer + 9000, quote=w.quote + 9000, policy=w.policy + 9000)


def _customer_id(db: Session, number: int) -> int:
    return db.exec(select(Customer.id).where(Customer.number == number)).one()


# ====================================================================== the table (api.md)


@dataclass(frozen=True)
class Call:
    """How a stranger reaches agency A's record through one route.

    `kind`: "record" — the path names A's record: refused (403 without the permission,
    else 404); "body" — the body names A's record: refused exactly as a number that does
    not exist is (same status, same problem: the two are indistinguishable); "list" —
    answers the stranger's own records: none of A's; "own" — touches no record of anyone
    else (nothing to refuse)."""

    permission: str | None
    kind: str
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any]] | None = None
    query: Callable[[World], dict[str, str]] = field(default=lambda w: {})
    absent: Callable[[World, Any], bool] | None = None  # "list": A's records are not in it
    # more query parameters tried by strangers
    variants: tuple[Callable[[World], dict[str, str]], ...] = ()


def _quote_form(w: World) -> dict[str, Any]:
    return {
        "line": "konut",
        "sum_insured": "310000",
        "start": w.today.isoformat(),
        "fields": dict(FORMS["konut"]),
    }


def _price_body(w: World) -> dict[str, Any]:
    return {**_quote_form(w), "customer_group": "bireysel"}


def _numbers(answer: Any, key: str = "number") -> list[Any]:
    return [item[key] for item in answer["items"]]


PERIOD = {"from": "2000-01-01", "to": "2100-01-01"}

TABLE: dict[tuple[str, str], Call] = {
    # public: the load balancer's health check (no token; no record; see PUBLIC_ROUTES)
    ("GET", "/health"): Call(None, "own", lambda w: "/health"),
    ("GET", "/me"): Call(None, "own", lambda w: "/me"),
    ("GET", "/lines"): Call(None, "own", lambda w: "/lines"),
    ("POST", "/price"): Call("quote.create", "own", lambda w: "/price", _price_body),
    ("POST", "/customers"): Call(
        "quote.create",
        "own",  # creates the caller's own record (an agency keeps its own copy of a person)
        lambda w: "/customers",
        lambda w: {
            "kind": "individual",
            "national_id": tckn("418223317"),
            "name": "Deniz Koç",
            "customer_group": "bireysel",
        },
    ),
    ("GET", "/customers"): Call(
        "quote.view",
        "list",
        lambda w: "/customers",
        query=lambda w: {"q": "Elif"},
        absent=lambda w, a: w.customer not in _numbers(a),
    ),
    ("GET", "/customers/{}"): Call("quote.view", "record", lambda w: f"/customers/{w.customer}"),
    ("POST", "/quotes"): Call(
        "quote.create",
        "body",
        lambda w: "/quotes",
        lambda w: {"customer_number": w.customer, **_quote_form(w)},
    ),
    ("GET", "/quotes"): Call(
        "quote.view",
        "list",
        lambda w: "/quotes",
        absent=lambda w, a: w.quote not in _numbers(a),
    ),
    ("GET", "/quotes/{}"): Call("quote.view", "record", lambda w: f"/quotes/{w.quote}"),
    ("POST", "/quotes/{}/approve"): Call(
        "quote.approve", "record", lambda w: f"/quotes/{w.quote}/approve", lambda w: {}
    ),
    ("POST", "/quotes/{}/reject"): Call(
        "quote.approve",
        "record",
        lambda w: f"/quotes/{w.quote}/reject",
        lambda w: {"reason": "Eksik bilgi"},
    ),
    ("POST", "/quotes/{}/revise"): Call(
        "quote.create", "record", lambda w: f"/quotes/{w.quote}/revise", _quote_form
    ),
    ("GET", "/quotes/{}/document.pdf"): Call(
        "quote.view", "record", lambda w: f"/quotes/{w.quote}/document.pdf"
    ),
    ("POST", "/policies"): Call(
        "policy.issue",
        "body",
        lambda w: "/policies",
        lambda w: {"quote_number": w.quote, "installments": 1},
        variants=(lambda w: {"dry_run": "true"},),
    ),
    ("GET", "/policies"): Call(
        "policy.view",
        "list",
        lambda w: "/policies",
        absent=lambda w, a: w.policy not in _numbers(a),
        variants=(
            lambda w: {"customer_number": str(w.customer)},
            lambda w: {"line": "konut", "status": "approved"},
        ),
    ),
    ("GET", "/policies/{}"): Call("policy.view", "record", lambda w: f"/policies/{w.policy}"),
    ("POST", "/policies/{}/approve"): Call(
        "policy.approve", "record", lambda w: f"/policies/{w.policy}/approve", lambda w: {}
    ),
    ("POST", "/policies/{}/unapprove"): Call(
        "policy.unapprove",
        "record",
        lambda w: f"/policies/{w.policy}/unapprove",
        lambda w: {"reason": "Yanlış prim"},
    ),
    ("POST", "/policies/{}/revise"): Call(
        "policy.issue",
        "record",
        lambda w: f"/policies/{w.policy}/revise",
        lambda w: {"sum_insured": "320000"},
    ),
    ("POST", "/policies/{}/endorsements"): Call(
        "endorsement.create",
        "record",
        lambda w: f"/policies/{w.policy}/endorsements",
        lambda w: {
            "kind": "information",
            "effective": (w.today + timedelta(days=20)).isoformat(),
            "description": "Telefon değişikliği",
        },
    ),
    ("POST", "/policies/{}/cancellation"): Call(
        "cancellation.create",
        "record",
        lambda w: f"/policies/{w.policy}/cancellation",
        lambda w: {
            "effective": (w.today + timedelta(days=30)).isoformat(),
            "reason": "sigortali_talebi",
        },
    ),
    ("POST", "/policies/{}/endorsements/{}/approve"): Call(
        "policy.approve",
        "record",
        lambda w: f"/policies/{w.policy}/endorsements/{w.endorsement_k}/approve",
        lambda w: {},
    ),
    ("GET", "/renewals"): Call(
        "policy.view",
        "list",
        lambda w: "/renewals",
        query=lambda w: PERIOD,
        absent=lambda w, a: w.policy not in _numbers(a, "policy_number"),
    ),
    ("POST", "/policies/{}/renew"): Call(
        "quote.create",
        "record",
        lambda w: f"/policies/{w.policy}/renew",
        lambda w: {"claim_free": True},
    ),
    ("POST", "/policies/{}/installments/{}/payments"): Call(
        "payment.record",
        "record",
        lambda w: f"/policies/{w.policy}/installments/1/payments",
        lambda w: {"amount": "10.00", "method": "cash", "paid_on": w.today.isoformat()},
    ),
    ("GET", "/policies/{}/document.pdf"): Call(
        "policy.view", "record", lambda w: f"/policies/{w.policy}/document.pdf"
    ),
    ("GET", "/policies/{}/endorsements/{}/document.pdf"): Call(
        "policy.view",
        "record",
        lambda w: f"/policies/{w.policy}/endorsements/{w.endorsement_k}/document.pdf",
    ),
    ("GET", "/reports/production"): Call(
        "report.view",
        "list",
        lambda w: "/reports/production",
        query=lambda w: {**PERIOD, "by": "line"},
        # the strangers have no approved document: their report holds no row
        absent=lambda w, a: a["rows"] == [],
    ),
}

# Endpoints of the spec, as its table writes them (with `{number}`/`{k}`): must all be served
# and documented.
SPEC_ENDPOINTS = sorted(TABLE)


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def app_routes() -> set[tuple[str, str]]:
    """(method, path with `{}` for each parameter) of every guarded route of the app."""
    found: set[tuple[str, str]] = set()
    # FastAPI keeps included routers as branches: iter_route_contexts flattens them (as the
    # OpenAPI generator does), giving each route with its full path.
    for route in iter_route_contexts(api.routes):
        if isinstance(route.original_route, Mount):
            assert route.path.startswith(PUBLIC_MOUNT_PREFIX), f"unchecked mount {route.path}"
            continue
        assert isinstance(route.original_route, APIRoute | Route), route.original_route
        if route.path in PUBLIC_PATHS:
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, _shape(route.path)))
    return found


SERVED = app_routes()


def _served(key: tuple[str, str]) -> Any:
    return pytest.param(key, id=f"{key[0]} {key[1]}")


# ====================================================================== helpers


def _call(
    client: Any,
    key: tuple[str, str],
    w: World,
    headers: dict[str, str],
    variant: Callable[[World], dict[str, str]] | None = None,
) -> Any:
    method, _ = key
    spec = TABLE[key]
    kwargs: dict[str, Any] = {
        "headers": headers,
        "params": {**spec.query(w), **(variant(w) if variant else {})},
    }
    if method == "POST":
        kwargs["json"] = spec.body(w) if spec.body else {}
    return client.request(method, PREFIX + spec.path(w), **kwargs)


def _changes(url: str) -> Callable[[], dict[str, Any]]:
    before = snapshot(url)

    def changed() -> dict[str, Any]:
        after = snapshot(url)
        return {
            table: (before.get(table), after.get(table))
            for table in set(before) | set(after)
            if table not in VOLATILE_TABLES and before.get(table) != after.get(table)
        }

    return changed


def _problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert (body["status"], body["code"]) == (status, code), body


# ====================================================================== tests


def test_every_route_of_the_app_is_in_the_table():
    """A new route must be added to TABLE (with how a stranger is refused) to pass."""
    assert sorted(SERVED - set(TABLE)) == []


@pytest.mark.parametrize("key", [_served(k) for k in SPEC_ENDPOINTS])
def test_without_a_token_every_route_answers_401_and_changes_nothing(
    key: tuple[str, str], api_url: str, client: Any
):
    # given agency A's records
    w = agency_a_world(api_url)
    changed = _changes(api_url)
    if key in PUBLIC_ROUTES:  # the health check: answers without a token, changes nothing
        assert _call(client, key, w, {}).status_code == 200
        assert changed() == {}
        return
    # when the route is called with no Authorization header
    _problem(_call(client, key, w, {}), 401, "unauthenticated")
    # then 401 unauthenticated, and nothing changed
    assert changed() == {}
    # and with an unknown token: 401 too, and only the throttle counted the wrong token
    _problem(_call(client, key, w, {"Authorization": "Bearer not-a-token"}), 401, "unauthenticated")
    assert sorted(changed()) == ["sign_in_throttle"]


STRANGERS = ("acente.b1", "sube.ankara")  # agency B; the Ankara branch (A is under İstanbul)


@pytest.mark.parametrize("key", [_served(k) for k in SPEC_ENDPOINTS])
def test_a_stranger_on_agency_a_records_is_refused_and_nothing_changes(
    key: tuple[str, str], api_url: str, client: Any, token_for: Callable[[str], str]
):
    spec = TABLE[key]
    if spec.kind == "own":
        pytest.skip("touches no record of another office: nothing to refuse")
    # given agency A's records and two strangers' tokens
    w = agency_a_world(api_url)
    with session_scope(api_url) as db:
        permissions = {code: actor_of(db, code).permissions for code in STRANGERS}
    tokens = {code: token_for(code) for code in STRANGERS}
    changed = _changes(api_url)
    for code, variant in [(c, v) for c in STRANGERS for v in (None, *spec.variants)]:
        # when the stranger calls the route on A's record (and its variants)
        headers = {"Authorization": f"Bearer {tokens[code]}"}
        response = _call(client, key, w, headers, variant)
        if spec.kind == "list":
            # then the answer holds none of A's records
            assert response.status_code == 200, (code, response.text)
            assert spec.absent(w, response.json()), (code, response.json())
        elif spec.permission not in permissions[code]:
            # then refused for the permission
            _problem(response, 403, "forbidden")
        elif spec.kind == "body":
            # then refused exactly as for a record that does not exist
            ghost = _call(client, key, _nowhere(w), headers, variant)
            assert 400 <= response.status_code < 500, (code, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert (response.status_code, response.json()) == (ghost.status_code, ghost.json())
        else:
            # then refused as if the record did not exist
            _problem(response, 404, "not_found")
    # and nothing changed
    assert changed() == {}


def test_agency_a_itself_reaches_its_records(api_url: str, client: Any, token_for):  # noqa: ANN001
    """The refusals above are for the strangers: acente.a1 reads the same paths, and its
    records are in the lists the strangers got without them."""
    w = agency_a_world(api_url)
    headers = {"Authorization": f"Bearer {token_for('acente.a1')}"}
    lists = [key for key, spec in TABLE.items() if spec.kind == "list"]
    assert len(lists) == 5
    for key in lists:
        response = _call(client, key, w, headers)
        assert response.status_code == 200, (key, response.text)
        assert not TABLE[key].absent(w, response.json()), (key, response.json())
    expected = {
        ("GET", "/customers/{}"): w.customer,
        ("GET", "/quotes/{}"): w.quote,
        ("GET", "/policies/{}"): w.policy,
    }
    for key, number in expected.items():
        if key not in SERVED:
            continue
        response = _call(client, key, w, headers)
        assert response.status_code == 200, (key, response.text)
        assert response.json()["number"] == number


# ====================================================================== OpenAPI


def test_the_openapi_document_validates_and_lists_every_endpoint_of_the_spec(client: Any):
    # the document and the docs page are public (no token)
    docs = client.get(f"{PREFIX}/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises on an invalid OpenAPI document
    documented = {
        (method.upper(), _shape(path))
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert sorted(set(SPEC_ENDPOINTS) - documented) == []
    # nothing documented beyond the spec either (a new endpoint belongs in api.md first)
    assert sorted(documented - set(SPEC_ENDPOINTS)) == []
