"""`Idempotency-Key` on POSTs: the same key, user and body within 24 hours answers the first
answer and does nothing again (also for simultaneous duplicates); another body answers 409;
keys are kept in the database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from iztim_app.api import routes_quotes
from iztim_app.core import clock
from iztim_app.core.api_tokens.models import ApiIdempotency
from iztim_app.core.customers.models import Customer
from tests.api.conftest import BASE, parent_app

AYSE = {
    "kind": "individual",
    "national_id": "17291716060",
    "name": "Ayşe Şahin",
    "customer_group": "bireysel",
}
MEHMET = {
    "kind": "individual",
    "national_id": "10000000146",
    "name": "Mehmet Öztürk",
    "customer_group": "bireysel",
}


def customer_names(db: Session) -> list[str]:
    db.expire_all()
    return list(db.exec(select(Customer.name).order_by(Customer.number)).all())


def keys_in(db: Session) -> list[tuple[str, int | None]]:
    db.expire_all()
    rows = db.exec(select(ApiIdempotency).order_by(ApiIdempotency.id)).all()
    return [(r.key, r.status_code) for r in rows]


def post(client: TestClient, headers: dict, key: str | None, body: dict | bytes):  # noqa: ANN201
    extra = {"Idempotency-Key": key} if key is not None else {}
    if isinstance(body, bytes):
        extra["content-type"] = "application/json"
        return client.post("/api/v1/customers", content=body, headers={**headers, **extra})
    return client.post("/api/v1/customers", json=body, headers={**headers, **extra})


def test_the_same_key_and_body_answer_the_first_answer_and_do_nothing_again(
    client, auth, db: Session
) -> None:
    first = post(client, auth("acente.a1"), "k-1", AYSE)
    assert first.status_code == 201, first.text
    again = post(client, auth("acente.a1"), "k-1", AYSE)
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true"
    # the same JSON written otherwise (key order, spacing) is the same request
    reordered = b'{"name":"Ay\\u015fe \\u015eahin","customer_group":"bireysel",'
    reordered += b'"national_id":"17291716060","kind":"individual"}'
    assert post(client, auth("acente.a1"), "k-1", reordered).content == first.content
    assert customer_names(db) == ["Ayşe Şahin"]
    assert keys_in(db) == [("k-1", 201)]


def test_the_same_key_with_another_body_is_a_conflict(client, auth, db: Session) -> None:
    assert post(client, auth("acente.a1"), "k-1", AYSE).status_code == 201
    other = post(client, auth("acente.a1", "en"), "k-1", MEHMET)
    assert (other.status_code, other.headers["content-type"]) == (409, "application/problem+json")
    assert (other.json()["code"], other.json()["detail"]) == (
        "conflict",
        "This Idempotency-Key was used with another request.",
    )
    elsewhere = client.post(
        "/api/v1/price", json={}, headers={**auth("acente.a1"), "Idempotency-Key": "k-1"}
    )
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (409, "conflict")
    assert customer_names(db) == ["Ayşe Şahin"]


def test_keys_are_per_user(client, auth, db: Session) -> None:
    assert post(client, auth("acente.a1"), "same", AYSE).status_code == 201
    assert post(client, auth("acente.b1"), "same", MEHMET).status_code == 201
    assert customer_names(db) == ["Ayşe Şahin", "Mehmet Öztürk"]


def test_a_refusal_is_kept_as_the_first_answer_too(client, auth, db: Session) -> None:
    bad = {**AYSE, "national_id": "12345678901"}
    first = post(client, auth("acente.a1"), "k-bad", bad)
    assert first.status_code == 422
    assert post(client, auth("acente.a1"), "k-bad", bad).content == first.content
    assert customer_names(db) == []
    assert keys_in(db) == [("k-bad", 422)]


def test_a_key_must_have_1_to_80_characters(client, auth, db: Session) -> None:
    for key in ("", "k" * 81):
        answer = post(client, auth("acente.a1"), key, AYSE)
        assert (answer.status_code, answer.json()["code"]) == (422, "validation_failed")
        assert [e["field"] for e in answer.json()["errors"]] == ["Idempotency-Key"]
    assert post(client, auth("acente.a1"), "k" * 80, AYSE).status_code == 201
    assert customer_names(db) == ["Ayşe Şahin"]


def test_without_a_valid_token_nothing_is_kept(client, auth, db: Session) -> None:
    answer = post(client, {"Authorization": "Bearer iztim_yok"}, "k-1", AYSE)
    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")
    assert keys_in(db) == []
    assert post(client, auth("acente.a1"), "k-1", AYSE).status_code == 201


def test_keys_are_forgotten_after_24_hours(
    client, auth, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert post(client, auth("acente.a1"), "k-1", AYSE).status_code == 201
    later = clock.utcnow() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert post(client, auth("acente.a1"), "k-1", MEHMET).status_code == 201
    assert customer_names(db) == ["Ayşe Şahin", "Mehmet Öztürk"]
    assert keys_in(db) == [("k-1", 201)]


def test_a_server_error_frees_the_key(
    api_url: str, auth, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = routes_quotes.customers.create_customer

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    monkeypatch.setattr(routes_quotes.customers, "create_customer", broken)
    with TestClient(parent_app(), base_url=BASE, raise_server_exceptions=False) as client:
        failed = post(client, auth("acente.a1"), "k-1", AYSE)
        assert (failed.status_code, failed.json()["code"]) == (500, "internal_error")
        assert keys_in(db) == []
        monkeypatch.setattr(routes_quotes.customers, "create_customer", real)
        assert post(client, auth("acente.a1"), "k-1", AYSE).status_code == 201
    assert customer_names(db) == ["Ayşe Şahin"]


def test_eight_simultaneous_duplicates_create_one_record(api_url: str, auth, db: Session) -> None:
    headers = auth("acente.a1")
    answers: list = [None] * 8
    gate = threading.Barrier(8)

    def send(i: int) -> None:
        with TestClient(parent_app(), base_url=BASE) as own:
            gate.wait()
            answers[i] = post(own, headers, "together", AYSE)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [a.status_code for a in answers] == [201] * 8
    assert len({a.content for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 7
    assert customer_names(db) == ["Ayşe Şahin"]
    assert keys_in(db) == [("together", 201)]
