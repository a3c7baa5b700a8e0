"""The payment HTTP routes over a Starlette app of payment_routes.ROUTES, on both engines:
the test bank's ACS page (no card digits), its answer posting the signed callback back, the
callback route redirecting to the result page, and the receipt for its owner only."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from iztim_app import payment_routes
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.policies import access_codes, lookup
from iztim_app.core.portal import services as portal_services
from iztim_app.portal_routes import PORTAL_COOKIE
from tests.foundation.support import use_settings
from tests.payments.fixtures_payments import (
    DECLINED_CARD,
    World,
    attempt,
    callbacks,
    paid,
    payments_of,
    start,
    world,
)
from tests.quotes.fixtures_db import SHIPPED

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
SECURITY_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}


@pytest.fixture
def app_db(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED)
    yield url
    get_engine.cache_clear()


@pytest.fixture
def db(app_db: str) -> Iterator[Session]:
    with session_scope(app_db) as session:
        yield session


@pytest.fixture
def client(app_db: str) -> TestClient:
    return TestClient(Starlette(routes=payment_routes.ROUTES), base_url="http://iztim.test")


@pytest.fixture
def w(db: Session) -> World:
    return world(db)


def token_of(db: Session, number: int) -> str:
    code = access_codes.ensure(db, lookup.current_version(db, number))
    db.commit()
    return portal_services.sign_in(db, str(number), code, "192.0.2.5").token


def cookie(name: str, value: str) -> dict[str, str]:
    return {"cookie": f"{name}={value}"}


def hidden_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def assert_secure(response) -> None:  # noqa: ANN001
    assert {k: response.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS


def through_the_bank(client: TestClient, acs_state: str, otp: str) -> dict[str, str]:
    page = client.post("/portal/acs", data={"acs_state": acs_state})
    assert page.status_code == 200
    answer = client.post("/portal/acs/onay", data={"acs_state": acs_state, "otp": otp})
    assert answer.status_code == 200
    assert 'action="/portal/odeme/donus"' in answer.text
    return hidden_fields(answer.text)


def test_acs_page_asks_the_code_and_shows_no_card_digits(client: TestClient, db, w: World):
    started = start(db, w.a, w.a_policy, [1, 2])
    state = started.three_d.form_fields["acs_state"]

    page = client.post("/portal/acs", data={"acs_state": state})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert_secure(page)
    text = page.text
    for shown in (
        "Test Bankası · 3D Secure",
        "3D Secure doğrulama (test bankası)",
        '<label for="otp">Tek kullanımlık kod</label>',
        'id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code"',
        '<button type="submit">Onayla</button>',
        started.order_id,
        "877,07 ₺",
        "**** **** **** 1111",
        'action="/portal/acs/onay"',
    ):
        assert shown in text, shown
    assert "4111111111111111" not in text and "4111 1111" not in text
    assert '<html lang="tr">' in text


def test_the_whole_flow_over_http_pays_and_redirects_to_the_result(
    client: TestClient, db, w: World
):
    started = start(db, w.a, w.a_policy, [1, 2])
    answer = client.post(
        "/portal/acs/onay",
        data={"acs_state": started.three_d.form_fields["acs_state"], "otp": "123456"},
    )
    assert_secure(answer)
    assert '<noscript><button type="submit">Devam</button></noscript>' in answer.text
    assert 'document.getElementById("bank-return").submit()' in answer.text
    fields = hidden_fields(answer.text)
    assert (fields["order_id"], fields["amount"], fields["result"]) == (
        started.order_id,
        "877.07",
        "approved",
    )
    assert fields["installments"] == f"{w.a_policy}/1,{w.a_policy}/2"

    back = client.post("/portal/odeme/donus", data=fields, follow_redirects=False)

    assert back.status_code == 303
    assert back.headers["location"] == f"/portal/odeme/sonuc?siparis={started.order_id}"
    assert_secure(back)
    assert paid(db, w.a_policy) == [
        (1, D("438.54"), D("438.54")),
        (2, D("438.53"), D("438.53")),
        (3, D("438.53"), D("0.00")),
    ]
    assert attempt(db, started.order_id).status == "approved"
    assert callbacks(db)[-1][1] == "applied"
    assert callbacks(db)[-1][0] == started.order_id
    # the browser posting it again: the same redirect, nothing more paid
    again = client.post("/portal/odeme/donus", data=fields, follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (
        303,
        f"/portal/odeme/sonuc?siparis={started.order_id}&yanit=replay",
    )
    assert len(payments_of(db, w.a_policy)) == 2
    assert [c[1] for c in callbacks(db)] == ["applied", "replay"]


def test_a_wrong_code_and_a_declined_card_over_http_pay_nothing(client: TestClient, db, w: World):
    wrong = start(db, w.a, w.a_policy, [1])
    declined = start(db, w.a, w.a_policy, [1], DECLINED_CARD)
    for started, otp in ((wrong, "999999"), (declined, "123456")):
        fields = through_the_bank(client, started.three_d.form_fields["acs_state"], otp)
        back = client.post("/portal/odeme/donus", data=fields, follow_redirects=False)
        assert back.headers["location"] == f"/portal/odeme/sonuc?siparis={started.order_id}"
    assert (attempt(db, wrong.order_id).status, attempt(db, declined.order_id).status) == (
        "auth_failed",
        "declined",
    )
    assert payments_of(db, w.a_policy) == []


def test_a_tampered_or_unknown_callback_over_http_changes_nothing(client: TestClient, db, w: World):
    started = start(db, w.a, w.a_policy, [1])
    fields = through_the_bank(client, started.three_d.form_fields["acs_state"], "123456")
    tampered = {**fields, "amount": "0.01"}
    back = client.post("/portal/odeme/donus", data=tampered, follow_redirects=False)
    assert back.headers["location"] == (
        f"/portal/odeme/sonuc?siparis={started.order_id}&yanit=invalid"
    )
    junk = client.post(
        "/portal/odeme/donus",
        data={"order_id": "../../etc?x=1&siparis=PA00"},
        follow_redirects=False,
    )
    assert (junk.status_code, junk.headers["location"]) == (
        303,
        "/portal/odeme/sonuc?yanit=unknown",
    )
    empty = client.post("/portal/odeme/donus", content=b"\xff\x00", follow_redirects=False)
    assert (empty.status_code, empty.headers["location"]) == (
        303,
        "/portal/odeme/sonuc?yanit=unknown",
    )
    assert [c[1] for c in callbacks(db)] == ["invalid", "unknown", "unknown"]
    assert attempt(db, started.order_id).status == "started"
    assert payments_of(db, w.a_policy) == []


def test_a_forged_or_missing_acs_state_is_refused(client: TestClient, db, w: World):
    started = start(db, w.a, w.a_policy, [1])
    state = started.three_d.form_fields["acs_state"]
    forged = state[:-1] + ("0" if state[-1] != "0" else "1")
    for route, data in (
        ("/portal/acs", {"acs_state": forged}),
        ("/portal/acs", {}),
        ("/portal/acs/onay", {"acs_state": forged, "otp": "123456"}),
    ):
        refused = client.post(route, data=data)
        assert refused.status_code == 400
        assert "Doğrulama sayfası geçersiz. Lütfen ödemeye baştan başlayın." in refused.text
        assert_secure(refused)
    assert callbacks(db) == []
    assert client.get("/portal/acs").status_code == 405


def test_the_receipt_is_its_owners_only(client: TestClient, db, w: World):
    started = start(db, w.a, w.a_policy, [1])
    pending = start(db, w.a, w.a_policy, [2])
    fields = through_the_bank(client, started.three_d.form_fields["acs_state"], "123456")
    client.post("/portal/odeme/donus", data=fields, follow_redirects=False)
    a_token, b_token = token_of(db, w.a_policy), token_of(db, w.b_policy)
    path = f"/portal/makbuz/{started.order_id}"

    mine = client.get(path, headers=cookie(PORTAL_COOKIE, a_token))

    assert mine.status_code == 200
    assert mine.headers["content-type"] == "application/pdf"
    assert mine.content.startswith(b"%PDF")
    assert (
        mine.headers["content-disposition"] == f'inline; filename="makbuz-{started.order_id}.pdf"'
    )
    assert_secure(mine)
    refusals = [
        client.get(path),
        client.get(path, headers=cookie(PORTAL_COOKIE, b_token)),
        client.get(path, headers=cookie(PORTAL_COOKIE, "not-a-token")),
        client.get(f"/portal/makbuz/{pending.order_id}", headers=cookie(PORTAL_COOKIE, a_token)),
        client.get("/portal/makbuz/PA0000", headers=cookie(PORTAL_COOKIE, a_token)),
        client.get(path, headers=cookie("iztim_session", a_token)),
    ]
    assert [r.status_code for r in refusals] == [404] * 6
    assert len({r.text for r in refusals}) == 1
