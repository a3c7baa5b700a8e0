"""`Idempotency-Key` on POSTs: the same key, user and body within 24 hours answers the first
answer and does nothing again (also for simultaneous duplicates); another body answers 409;
keys are kept in the database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from starlette.testclient import TestClient

from iztim_app.api import idempotency, routes_quotes
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


# ------------------------------------------- a death after the commit, an outage


@pytest.fixture
def failing_client(api_url: str):  # noqa: ANN201
    """A client that gets the answer of a request whose middleware failed after sending it."""
    idempotency._deferred.clear()
    with TestClient(parent_app(), base_url=BASE, raise_server_exceptions=False) as client:
        yield client
    idempotency._deferred.clear()


def later(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    moved = clock.utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(clock, "utcnow", lambda: moved)


def committed_marks(db: Session) -> list[bool]:
    db.expire_all()
    rows = db.exec(select(ApiIdempotency).order_by(ApiIdempotency.id)).all()
    return [r.committed_at is not None for r in rows]


def outage_once(real):  # noqa: ANN001, ANN201
    """`real`, failing the first time as a dropped database connection does."""
    calls: list = []

    def step(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(args)
        if len(calls) == 1:
            lost = Exception("server closed the connection unexpectedly")
            raise sa.exc.OperationalError("DELETE", {}, lost, connection_invalidated=True)
        return real(*args, **kwargs)

    step.calls = calls
    return step


def test_a_request_that_committed_but_lost_its_answer_is_not_run_again(
    failing_client: TestClient, auth, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("worker killed between the commit and storing the answer")

    monkeypatch.setattr(idempotency, "store", killed)
    first = post(failing_client, auth("acente.a1"), "k-1", AYSE)
    assert first.status_code == 201, first.text
    assert keys_in(db) == [("k-1", None)]
    assert committed_marks(db) == [True]  # marked in the request's own transaction
    later(monkeypatch, 6)  # past the takeover of an unfinished claim
    for lang, text in (
        ("en", "The earlier request with this Idempotency-Key was carried out, but its answer"),
        ("tr", "Bu Idempotency-Key ile gönderilen önceki istek gerçekleştirildi"),
    ):
        again = post(failing_client, auth("acente.a1", lang), "k-1", AYSE)
        assert (again.status_code, again.headers["content-type"]) == (
            409,
            "application/problem+json",
        )
        assert again.json()["code"] == "conflict"
        assert again.json()["detail"].startswith(text)
    # another body under the key is still "used with another request"
    other = post(failing_client, auth("acente.a1", "en"), "k-1", MEHMET)
    assert other.json()["detail"] == "This Idempotency-Key was used with another request."
    assert customer_names(db) == ["Ayşe Şahin"]


def test_a_request_that_died_before_its_commit_is_run_again_after_the_takeover(
    failing_client: TestClient, auth, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = routes_quotes.customers.create_customer

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    def killed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("worker killed before freeing the key")

    release = idempotency.release
    monkeypatch.setattr(routes_quotes.customers, "create_customer", broken)
    monkeypatch.setattr(idempotency, "release", killed)
    assert post(failing_client, auth("acente.a1"), "k-1", AYSE).status_code == 500
    assert (keys_in(db), committed_marks(db)) == ([("k-1", None)], [False])
    monkeypatch.setattr(routes_quotes.customers, "create_customer", real)
    monkeypatch.setattr(idempotency, "release", release)
    later(monkeypatch, 6)
    again = post(failing_client, auth("acente.a1"), "k-1", AYSE)
    assert again.status_code == 201, again.text
    assert customer_names(db) == ["Ayşe Şahin"]
    assert keys_in(db) == [("k-1", 201)]


def test_a_server_error_after_the_commit_keeps_the_key_as_answer_lost(
    failing_client: TestClient, auth, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = routes_quotes.customers.create_customer

    def fails_after_commit(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        real(*args, **kwargs)
        raise RuntimeError("the answer could not be made")

    monkeypatch.setattr(routes_quotes.customers, "create_customer", fails_after_commit)
    assert post(failing_client, auth("acente.a1", "en"), "k-1", AYSE).status_code == 500
    monkeypatch.setattr(routes_quotes.customers, "create_customer", real)
    again = post(failing_client, auth("acente.a1"), "k-1", AYSE)  # at once, no waiting
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["detail"].startswith("The earlier request with this Idempotency-Key")
    assert customer_names(db) == ["Ayşe Şahin"]
    assert keys_in(db) == [("k-1", 409)]


def test_a_key_an_outage_kept_claimed_is_freed_by_the_next_request(
    failing_client: TestClient, auth, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = routes_quotes.customers.create_customer

    def down(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("the service failed")

    monkeypatch.setattr(idempotency, "RETRY_ATTEMPTS", 0)  # no background retries here
    monkeypatch.setattr(idempotency, "release", outage_once(idempotency.release))
    monkeypatch.setattr(routes_quotes.customers, "create_customer", down)
    assert post(failing_client, auth("acente.a1"), "k-1", AYSE).status_code == 500
    assert keys_in(db) == [("k-1", None)]  # the outage kept it from being freed
    monkeypatch.setattr(routes_quotes.customers, "create_customer", real)
    # the next request through the middleware frees it first: run at once, not 409
    again = post(failing_client, auth("acente.a1"), "k-1", AYSE)
    assert again.status_code == 201, again.text
    assert len(idempotency.release.calls) == 2
    assert customer_names(db) == ["Ayşe Şahin"]
    assert keys_in(db) == [("k-1", 201)]


def test_an_outage_is_made_good_in_the_background(
    failing_client: TestClient, auth, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "RETRY_SECONDS", 0.01)
    monkeypatch.setattr(idempotency, "store", outage_once(idempotency.store))
    first = post(failing_client, auth("acente.a1"), "k-1", AYSE)
    assert first.status_code == 201
    idempotency._retrier[0].join(timeout=30)
    assert not idempotency._retrier[0].is_alive()
    assert keys_in(db) == [("k-1", 201)]  # the answer stored once the database was back
    again = post(failing_client, auth("acente.a1"), "k-1", AYSE)
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert customer_names(db) == ["Ayşe Şahin"]
