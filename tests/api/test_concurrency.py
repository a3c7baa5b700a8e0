"""Clients calling the JSON API at the same moment (api.md "Idempotency"), on SQLite and
PostgreSQL (the real race): each client is its own thread with its own TestClient (its
own event loop and database sessions), all released at one barrier.

- 8 simultaneous POSTs with one Idempotency-Key make one record (a customer; a policy,
  drawing one number only), and all 8 get the first answer (same status, same body); the
  same key with another body answers 409 and changes nothing;
- 8 clients issuing policies at once get contiguous policy numbers from the first one on,
  and a reader never sees a hole.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient

from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from tests.api.conftest import BASE, PREFIX, parent_app
from tests.concurrency import GapWatcher
from tests.foundation.support import actor_of, snapshot
from tests.quotes.fixtures_customers import add_customer, tckn
from tests.quotes.fixtures_quotes import FORMS

CLIENTS = 8
FIRST_POLICY = 5000001
VOLATILE_TABLES = {"api_token"}  # a token's "last used" moment


def together(calls: list[Callable[[TestClient], Any]]) -> list[Any]:
    """Runs each call in its own thread with its own client; all start at one barrier.
    Returns the results in the order of `calls`; a call raising fails the test."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def worker(i: int, call: Callable[[TestClient], Any]) -> None:
        try:
            with TestClient(parent_app(), base_url=BASE) as client:
                barrier.wait(timeout=60)
                results[i] = call(client)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert errors == []
    return results


def count(url: str, table: str, where: str = "") -> int:
    with get_engine(url).connect() as conn:
        sql = f"SELECT count(*) FROM {table} {where}"  # noqa: S608 (test, fixed names)
        return int(conn.execute(sa.text(sql)).scalar_one())


def column(url: str, sql: str) -> list[Any]:
    with get_engine(url).connect() as conn:
        return [value for (value,) in conn.execute(sa.text(sql))]


def _customer_body(name: str = "Deniz Koç", national_id: str = "") -> dict[str, str]:
    return {
        "kind": "individual",
        "national_id": national_id or tckn("418223317"),
        "name": name,
        "customer_group": "bireysel",
        "email": "deniz@example.com",
        "phone": "05321234567",
        "address": "Moda Cad. No: 7 Kadıköy/İstanbul",
    }


# ====================================================================== idempotency


def test_eight_simultaneous_posts_with_one_key_create_one_customer_and_answer_alike(
    api_url: str, auth: Callable[..., dict[str, str]]
):
    # given acente.a1's headers with one Idempotency-Key, and no customer yet
    headers = {**auth("acente.a1"), "Idempotency-Key": "musteri-deniz-1"}
    assert count(api_url, "customer") == 0

    def post(client: TestClient) -> tuple[int, str, bytes]:
        r = client.post(f"{PREFIX}/customers", json=_customer_body(), headers=headers)
        return r.status_code, r.headers["content-type"], r.content

    # when 8 clients post the same body with the same key at the same moment
    answers = together([post] * CLIENTS)
    # then one customer was created, and all 8 got the first answer, byte for byte
    assert count(api_url, "customer") == 1
    (number,) = column(api_url, "SELECT number FROM customer")
    status, content_type, body = answers[0]
    assert (status, content_type) == (201, "application/json")
    assert answers == [answers[0]] * CLIENTS
    assert json.loads(body)["number"] == number
    # one audit record of the creation, and one idempotency record
    assert count(api_url, "audit_event", "WHERE action = 'customer.create'") == 1
    assert count(api_url, "api_idempotency") == 1


def test_the_same_key_with_another_body_answers_409_and_changes_nothing(
    api_url: str, client: TestClient, auth: Callable[..., dict[str, str]]
):
    # given a customer created with a key
    headers = {**auth("acente.a1"), "Idempotency-Key": "musteri-deniz-2"}
    first = client.post(f"{PREFIX}/customers", json=_customer_body(), headers=headers)
    assert first.status_code == 201, first.text
    before = snapshot(api_url)
    # when the same key comes with another body
    other = _customer_body("Deniz Koç Yılmaz", tckn("418223318"))
    response = client.post(f"{PREFIX}/customers", json=other, headers=headers)
    # then 409 conflict, as a problem
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (response.json()["status"], response.json()["code"]) == (409, "conflict")
    # and nothing changed: still one customer, the first
    after = snapshot(api_url)
    assert {t: v for t, v in after.items() if t not in VOLATILE_TABLES} == {
        t: v for t, v in before.items() if t not in VOLATILE_TABLES
    }
    assert column(api_url, "SELECT name FROM customer") == ["Deniz Koç"]
    # and the first body with the key still answers the first answer, doing nothing again
    again = client.post(f"{PREFIX}/customers", json=_customer_body(), headers=headers)
    assert (again.status_code, again.content) == (201, first.content)
    assert count(api_url, "customer") == 1


def test_eight_simultaneous_policy_posts_with_one_key_issue_one_policy_and_use_one_number(
    api_url: str, auth: Callable[..., dict[str, str]]
):
    # given acente.a1's approved home quote and one Idempotency-Key
    with session_scope(api_url) as db:
        a1 = actor_of(db, "acente.a1")
        customer = add_customer(
            db, a1, kind="individual", national_id=tckn("381762451"), name="Elif", group="bireysel"
        )
    headers = {**auth("acente.a1"), "Idempotency-Key": "police-elif-1"}
    body = {
        "customer_number": customer.number,
        "line": "konut",
        "sum_insured": "300000",
        "start": clock.today().isoformat(),
        "fields": dict(FORMS["konut"]),
        "installments": 2,
    }

    def post(client: TestClient) -> tuple[int, bytes]:
        r = client.post(f"{PREFIX}/policies", json=body, headers=headers)
        return r.status_code, r.content

    # when 8 clients post it at the same moment
    answers = together([post] * CLIENTS)
    # then one policy, the first number, and all 8 got its answer
    assert answers == [answers[0]] * CLIENTS
    assert answers[0][0] == 201
    assert json.loads(answers[0][1])["number"] == FIRST_POLICY
    assert column(api_url, "SELECT number FROM policy") == [FIRST_POLICY]
    assert count(api_url, "installment") == 2
    assert count(api_url, "audit_event", "WHERE action = 'policy.issue'") == 1
    # and the next policy (another key) takes the next number: none was lost
    with TestClient(parent_app(), base_url=BASE) as client:
        again = client.post(
            f"{PREFIX}/policies", json=body, headers={**headers, "Idempotency-Key": "police-elif-2"}
        )
    assert (again.status_code, again.json()["number"]) == (201, FIRST_POLICY + 1)


# ====================================================================== numbering

PREPARERS = (
    "gm.onay",
    "sube.istanbul",
    "sube.ankara",
    "acente.a1",
    "acente.a2",
    "acente.b1",
    "acente.b2",
    "acente.c1",
)
EACH = 3


def test_eight_clients_issuing_policies_at_once_get_contiguous_numbers(
    api_url: str, auth: Callable[..., dict[str, str]]
):
    # given 8 users, each with a customer of their own and a token
    today = clock.today()
    bodies = []
    with session_scope(api_url) as db:
        for i, code in enumerate(PREPARERS):
            customer = add_customer(
                db,
                actor_of(db, code),
                kind="individual",
                national_id=tckn(f"{41 + i}5678912"),
                name=f"Müşteri {code}",
                group="bireysel",
            )
            bodies.append(
                {
                    "customer_number": customer.number,
                    "line": "konut",
                    "sum_insured": str(100000 + 1000 * i),
                    "start": today.isoformat(),
                    "fields": dict(FORMS["konut"]),
                    "installments": 1,
                }
            )
    headers = [auth(code) for code in PREPARERS]

    def issuing(i: int) -> Callable[[TestClient], list[int]]:
        def run(client: TestClient) -> list[int]:
            numbers = []
            for n in range(EACH):
                h = {**headers[i], "Idempotency-Key": f"police-{i}-{n}"}
                r = client.post(f"{PREFIX}/policies", json=bodies[i], headers=h)
                assert r.status_code == 201, r.text
                numbers.append(r.json()["number"])
            return numbers

        return run

    # when all 8 issue 3 policies each at the same moment, while another user keeps
    # reading the policy numbers
    with GapWatcher(api_url, "policy", FIRST_POLICY) as watcher:
        results = together([issuing(i) for i in range(CLIENTS)])
    # then 24 distinct numbers without a gap from the first policy number on, each
    # client's rising, exactly as stored
    every = sorted(n for numbers in results for n in numbers)
    assert every == list(range(FIRST_POLICY, FIRST_POLICY + CLIENTS * EACH))
    assert all(numbers == sorted(numbers) for numbers in results)
    assert column(api_url, "SELECT number FROM policy WHERE version = 1 ORDER BY number") == every
    assert watcher.gaps == [] and watcher.snapshots > 0  # no reader ever saw a hole
    assert column(api_url, "SELECT last FROM number_sequence WHERE name = 'policy'") == [
        FIRST_POLICY + CLIENTS * EACH - 1
    ]
