"""The HTTP routes that set and clear the session cookie (HttpOnly, SameSite=Strict,
Secure over HTTPS), driven through Starlette's test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from iztim_app import session_routes
from iztim_app.core import clock
from iztim_app.core.auth import services as auth
from iztim_app.core.sessions import services as sessions
from iztim_app.demo import DEMO_PASSWORD
from tests.foundation.support import snapshot

CODE = "sube.ankara"


@pytest.fixture
def client(demo_url: str) -> TestClient:
    app = Starlette(routes=session_routes.ROUTES)
    return TestClient(app, base_url="http://iztim.test", follow_redirects=False)


def set_cookie_headers(response) -> list[str]:  # noqa: ANN001
    return response.headers.get_list("set-cookie")


def test_hand_off_sets_an_http_only_strict_cookie_and_continues(
    client: TestClient, demo_db: Session
):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    # when the browser brings the code
    response = client.get(
        "/auth/session", params={"code": result.handoff, "next": "/teklifler/detay?no=7"}
    )
    # then it is sent on to the page it came from, with the cookie
    assert (response.status_code, response.headers["location"]) == (303, "/teklifler/detay?no=7")
    assert response.headers["cache-control"] == "no-store"
    [cookie] = set_cookie_headers(response)
    name_value, *attributes = [part.strip() for part in cookie.split(";")]
    name, token = name_value.split("=", 1)
    assert name == "iztim_session"
    assert {a.lower() for a in attributes} == {"httponly", "path=/", "samesite=strict"}
    # and the cookie's token opens the session (the sign-in token no longer does)
    assert sessions.resolve_session(demo_db, token).code == CODE
    assert sessions.resolve_session(demo_db, result.token) is None
    # a second use of the code sets nothing
    again = client.get("/auth/session", params={"code": result.handoff, "next": "/"})
    assert (again.status_code, set_cookie_headers(again)) == (303, [])


@pytest.mark.parametrize(
    "headers", [{"x-forwarded-proto": "https"}, {"x-forwarded-proto": "https, http"}]
)
def test_cookie_is_secure_behind_https(client: TestClient, demo_db: Session, headers):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    response = client.get("/auth/session", params={"code": result.handoff}, headers=headers)
    [cookie] = set_cookie_headers(response)
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_cookie_is_secure_over_https(demo_url: str, demo_db: Session):
    client = TestClient(
        Starlette(routes=session_routes.ROUTES),
        base_url="https://iztim.test",
        follow_redirects=False,
    )
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    [cookie] = set_cookie_headers(client.get("/auth/session", params={"code": result.handoff}))
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


@pytest.mark.parametrize("code", [None, "", "bilinmeyen-kod", "x" * 300])
def test_an_unknown_code_sets_nothing(
    client: TestClient, demo_url: str, demo_db: Session, code: str | None
):
    auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    before = snapshot(demo_url)
    params = {"next": "/onay"} | ({"code": code} if code is not None else {})
    response = client.get("/auth/session", params=params)
    assert (response.status_code, response.headers["location"]) == (303, "/onay")
    assert set_cookie_headers(response) == []
    assert snapshot(demo_url) == before


def test_an_expired_code_sets_nothing(client: TestClient, demo_db: Session):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD, now=clock.utcnow() - timedelta(minutes=2))
    response = client.get("/auth/session", params={"code": result.handoff})
    assert (response.status_code, set_cookie_headers(response)) == (303, [])


@pytest.mark.parametrize(
    "next_",
    [
        "https://kotu.example/",
        "//kotu.example/x",
        "/\\kotu.example",
        "javascript:alert(1)",
        "/a\nb",
        "",
        "/auth/session?code=x",
    ],
)
def test_next_stays_on_this_site(client: TestClient, demo_db: Session, next_: str):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    response = client.get("/auth/session", params={"code": result.handoff, "next": next_})
    assert response.headers["location"] == "/"


def test_signed_out_route_clears_the_cookie_of_an_ended_session(
    client: TestClient, demo_db: Session
):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    token = client.get("/auth/session", params={"code": result.handoff}).cookies["iztim_session"]
    # when the session was ended (sign-out on the socket), the route clears the cookie
    sessions.sign_out(demo_db, token)
    response = client.get("/auth/signed-out", cookies={"iztim_session": token})
    [cookie] = set_cookie_headers(response)
    parts = {part.strip().lower() for part in cookie.split(";")}
    assert cookie.startswith('iztim_session="";') or cookie.startswith("iztim_session=;")
    assert {"max-age=0", "httponly", "samesite=strict", "path=/"} <= parts
    assert response.headers["location"] == "/"


def test_a_link_to_the_signed_out_route_cannot_end_a_live_session(
    client: TestClient, demo_db: Session
):
    result = auth.sign_in(demo_db, CODE, DEMO_PASSWORD)
    token = client.get("/auth/session", params={"code": result.handoff}).cookies["iztim_session"]
    response = client.get("/auth/signed-out", cookies={"iztim_session": token})
    assert set_cookie_headers(response) == []
    assert sessions.resolve_session(demo_db, token).code == CODE


def test_the_app_serves_the_cookie_routes():
    """The Reflex app mounts these routes on its own port (api_transformer)."""
    from iztim_app.iztim_app import app

    (routes_app,) = [t for t in app.api_transformer if hasattr(t, "routes")]
    paths = {route.path for route in routes_app.routes}
    assert {"/auth/session", "/auth/signed-out"} <= paths


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("iztim_session=abc", "abc"),
        ("a=1; iztim_session=abc; b=2", "abc"),
        ('theme=dark; iztim_session="abc"', "abc"),
        ("x_iztim_session=abc", ""),
        ("garbage; ;=;", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_token_is_read_from_the_cookie_header(header: str | None, token: str):
    assert session_routes.token_from_cookie_header(header) == token
