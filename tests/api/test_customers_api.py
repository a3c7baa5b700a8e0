"""Customers through the API: POST /customers (`quote.create`), GET /customers?q= and
GET /customers/{number} (`quote.view`), within the caller's scope; the national id masked
unless the caller holds `customer.view_id`.

The fixture's six customers are numbered 100001–100006: a1_person 100001 and a1_company
100002 (acente.a1), a2_person 100003 (acente.a2), b1_person 100004 (acente.b1),
ist_company 100005 (sube.istanbul), gm_person 100006 (gm.onay).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from tests.api.conftest import PREFIX
from tests.quotes.fixtures_customers import Customers, tckn
from tests.quotes.fixtures_quotes import _rows, book

NEW_ID = tckn("345678912")  # 34567891238


def state(url: str) -> dict[str, Any]:
    """Every customer, quote, audit row and number sequence, as committed."""
    return book(url) | {"customers": _rows(url, "SELECT * FROM customer ORDER BY id")}


def new_person(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "individual",
        "national_id": NEW_ID,
        "name": "Elif Demir",
        "customer_group": "bireysel",
        "email": "elif@example.com",
        "phone": "0532 111 22 33",
        "address": "Moda Cad. 5 Kadıköy/İstanbul",
    } | changes


def create(client: TestClient, headers: dict[str, str], payload: Any) -> Any:
    return client.post(PREFIX + "/customers", headers=headers, json=payload)


def customer_audit(url: str) -> list[dict[str, Any]]:
    rows = _rows(
        url,
        "SELECT actor_code, via, action, after FROM audit_event "
        "WHERE entity_type = 'customer' ORDER BY id",
    )
    for row in rows:
        if isinstance(row["after"], str):
            row["after"] = json.loads(row["after"])
    return rows


# ====================================================================== creating


def test_an_agency_user_creates_a_customer_in_their_portfolio(
    client: TestClient, auth, api_url: str, customers: Customers
):
    # when
    answer = create(client, auth("acente.a1"), new_person())
    # then: numbered after the six, owned by acente.a1, the TCKN masked for an agency
    assert answer.status_code == 201
    found = answer.json()
    created_at = found.pop("created_at")
    assert found == {
        "number": 100007,
        "kind": "individual",
        "national_id": "345******38",
        "name": "Elif Demir",
        "customer_group": "bireysel",
        "tax_office": "",
        "email": "elif@example.com",
        "phone": "0532 111 22 33",
        "address": "Moda Cad. 5 Kadıköy/İstanbul",
        "owner": "acente.a1",
        "office": "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
    }
    assert created_at.endswith("+00:00")
    audit = customer_audit(api_url)[-1]
    assert (audit["actor_code"], audit["via"], audit["action"]) == (
        "acente.a1",
        "api:test",
        "customer.create",
    )
    assert (audit["after"]["number"], audit["after"]["national_id"]) == (100007, NEW_ID)


def test_a_corporate_customer_needs_its_tax_office(client: TestClient, auth, customers: Customers):
    company = new_person(
        kind="corporate", national_id="1000036109", name="Moda Ltd.", customer_group="kobi"
    )
    refused = create(client, auth("sube.ankara"), company)
    assert [e["field"] for e in refused.json()["errors"]] == ["tax_office"]
    answer = create(client, auth("sube.ankara"), company | {"tax_office": "Kadıköy"})
    assert answer.status_code == 201
    # the refusal used no number; sube.ankara holds customer.view_id: the VKN in full
    assert (answer.json()["number"], answer.json()["national_id"]) == (100007, "1000036109")


def test_without_a_token_nothing_is_created(client: TestClient, api_url: str, customers):
    before = state(api_url)
    answer = create(client, {"Authorization": "Bearer nope"}, new_person())
    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")
    assert state(api_url) == before


def test_creating_needs_quote_create(client: TestClient, auth, api_url: str, customers):
    mudur = auth("gm.mudur")
    before = state(api_url)
    answer = create(client, mudur, new_person())
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    assert state(api_url) == before


def test_a_national_id_the_caller_already_sees_is_a_conflict(
    client: TestClient, auth, api_url: str, customers: Customers
):
    a1 = auth("acente.a1")
    before = state(api_url)
    answer = create(client, a1, new_person(national_id=customers.a1_person.national_id))
    assert (answer.status_code, answer.json()["code"]) == (409, "conflict")
    assert "100001" in answer.json()["detail"]
    assert state(api_url) == before


def test_another_agencys_customer_with_that_id_gets_a_record_of_ones_own(
    client: TestClient, auth, customers: Customers
):
    # given b1_person is acente.b1's (agency B): invisible to acente.a1
    answer = create(
        client, auth("acente.a1"), new_person(national_id=customers.b1_person.national_id)
    )
    assert (answer.status_code, answer.json()["number"], answer.json()["owner"]) == (
        201,
        100007,
        "acente.a1",
    )


def test_every_problem_of_the_form_is_listed_with_its_field(
    client: TestClient, auth, api_url: str, customers
):
    a1 = auth("acente.a1", "en")
    before = state(api_url)
    answer = create(
        client,
        a1,
        new_person(national_id="12345678901", name=" ", phone="12", email="elif@"),
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "validation_failed"
    assert [e["field"] for e in problem["errors"]] == ["national_id", "name", "phone", "email"]
    assert state(api_url) == before


def test_a_missing_required_field_is_listed(client: TestClient, auth, customers):
    answer = create(client, auth("acente.a1"), {"kind": "individual", "name": "Elif"})
    assert answer.status_code == 422
    assert sorted(e["field"] for e in answer.json()["errors"]) == [
        "customer_group",
        "national_id",
    ]


# ====================================================================== reading


def items(answer: Any) -> list[tuple[int, str]]:
    assert answer.status_code == 200, answer.json()
    return [(c["number"], c["national_id"]) for c in answer.json()["items"]]


def test_the_list_shows_the_callers_portfolio_only_masked_for_an_agency(
    client: TestClient, auth, customers: Customers
):
    answer = client.get(PREFIX + "/customers", headers=auth("acente.a1"))
    # ordered by name: "Ayşe Şahin", "IŞIK Gıda …" (folded "ışık")
    assert items(answer) == [(100001, "172******60"), (100002, "454*****20")]
    assert {k: answer.json()[k] for k in ("page", "size", "total")} == {
        "page": 1,
        "size": 20,
        "total": 2,
    }
    row = answer.json()["items"][0]
    assert (row["name"], row["owner"], row["address"], row["created_at"]) == (
        "Ayşe Şahin",
        "acente.a1",
        None,
        None,
    )


def test_head_office_searches_every_portfolio_and_sees_ids_in_full(
    client: TestClient, auth, customers: Customers
):
    gm = auth("gm.onay")
    found = client.get(PREFIX + "/customers", headers=gm, params={"q": "istanbul"})
    assert items(found) == [(100005, "1000036109")]
    by_id = client.get(PREFIX + "/customers", headers=gm, params={"q": "10000000146"})
    assert items(by_id) == [(100004, "10000000146")]
    paged = client.get(PREFIX + "/customers", headers=gm, params={"page": 2, "size": 4})
    assert [n for n, _ in items(paged)] and paged.json()["total"] == 6
    assert (paged.json()["page"], paged.json()["size"], len(paged.json()["items"])) == (2, 4, 2)


def test_a_size_over_100_is_refused(client: TestClient, auth, customers):
    answer = client.get(PREFIX + "/customers", headers=auth("gm.onay"), params={"size": 101})
    assert (answer.status_code, [e["field"] for e in answer.json()["errors"]]) == (
        422,
        ["size"],
    )


def test_one_customer_in_scope(client: TestClient, auth, customers: Customers):
    answer = client.get(PREFIX + "/customers/100002", headers=auth("acente.a1"))
    assert answer.status_code == 200
    found = answer.json()
    assert (found["number"], found["kind"], found["name"], found["tax_office"]) == (
        100002,
        "corporate",
        "IŞIK Gıda San. ve Tic. Ltd. Şti.",
        "Kadıköy",
    )
    assert (found["national_id"], found["address"]) == (
        "454*****20",
        "Bağdat Cad. No: 1 Kadıköy/İstanbul",
    )


def test_another_agencys_customer_is_not_found_like_a_number_that_does_not_exist(
    client: TestClient, auth, api_url: str, customers: Customers
):
    a1 = auth("acente.a1")
    before = state(api_url)
    other = client.get(PREFIX + "/customers/100004", headers=a1)
    missing = client.get(PREFIX + "/customers/999999", headers=a1)
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    assert other.json() == missing.json()
    assert state(api_url) == before


def test_reading_customers_needs_a_quote_permission(
    client: TestClient, auth, api_url: str, customers
):
    admin = auth("bt.admin")
    before = state(api_url)
    assert client.get(PREFIX + "/customers", headers=admin).status_code == 403
    assert client.get(PREFIX + "/customers/100001", headers=admin).status_code == 403
    assert client.get(PREFIX + "/customers/100001").status_code == 401
    assert state(api_url) == before
