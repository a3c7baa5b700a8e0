"""Security headers (iztim_app/security_headers.py) and CORS.

The middleware on a small Starlette app: the policy of a page (its inline scripts allowed by
hash, nothing else inline), of an API answer, of Swagger UI, of a route with its own policy,
HSTS only over HTTPS, files the server sends itself (pathsend) and gzipped pages, iyzico's
3D page. Then the app's own ASGI app (`app()`, as the servers build it): Reflex's own CORS
preflight answers and its own 500 carry them. Then the real back end (`reflex run --env prod
--backend-only`, granian, one worker, SQLite): every kind of route and preflight carries the
headers, and CORS answers only the app's own origin, on the API and on the event socket's
handshake."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.types import ASGIApp
from starlette.websockets import WebSocket

from iztim_app.security_headers import SecurityHeaders, inline_script_hashes
from tests.browser.harness import app_env
from tests.scale.harness import Backend, backend, run_cli

OWN = "http://iztim.test"
FOREIGN = "https://evil.example"
SCRIPT_A = b"window.__start = 1;"
SCRIPT_B = b'\nimport "/assets/entry.js";\n'
PAGE = (
    b"<!DOCTYPE html><html><head><script>" + SCRIPT_A + b"</script>"
    b'<script src="/assets/app.js"></script>'
    b'<script type="module" async="">' + SCRIPT_B + b"</script></head><body></body></html>"
)
TEST_BANK_CSP = "frame-ancestors 'none'"


def sha(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


async def page(request) -> Response:  # noqa: ANN001
    return HTMLResponse(PAGE)


async def gzipped_page(request) -> Response:  # noqa: ANN001
    body = gzip.compress(PAGE)
    return Response(body, media_type="text/html", headers={"Content-Encoding": "gzip"})


async def not_modified(request) -> Response:  # noqa: ANN001
    return Response(status_code=304, headers={"ETag": '"v1"'})


async def api(request) -> Response:  # noqa: ANN001
    return JSONResponse({"ok": True})


async def bank_page(request) -> Response:  # noqa: ANN001
    headers = {"Content-Security-Policy": TEST_BANK_CSP, "Referrer-Policy": "no-referrer"}
    return HTMLResponse("<style>p{}</style><script>go()</script>", headers=headers)


async def hello_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


ROUTES = [
    Route("/", page),
    Route("/dogrula", page),
    Route("/portal", page),
    Route("/portal/police", page),
    Route("/gz", gzipped_page),
    Route("/cached", not_modified),
    Route("/api/v1/health", api),
    Route("/api/v1/docs", page),
    Route("/portal/acs", bank_page, methods=["POST"]),
    WebSocketRoute("/_event", hello_socket),
]


def client_of(**options) -> TestClient:  # noqa: ANN003
    app = SecurityHeaders(
        Starlette(routes=ROUTES), origins=[OWN, "https://iztim.example.com"], **options
    )
    return TestClient(app, base_url=OWN)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with client_of() as test_client:
        yield test_client


def assert_common(headers) -> None:  # noqa: ANN001
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["permissions-policy"] == "camera=(), microphone=(), geolocation=()"


# ---------------------------------------------------------------- the middleware


def test_a_page_allows_exactly_its_own_inline_scripts(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.content == PAGE  # the page itself is untouched
    assert_common(response.headers)
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    # only this origin's files, `eval` (rx.call_script), and the two inline scripts by hash
    assert policy["script-src"] == ["'self'", "'unsafe-eval'", sha(SCRIPT_A), sha(SCRIPT_B)]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["connect-src"] == ["'self'", "ws://iztim.test", "wss://iztim.example.com"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "strict-transport-security" not in response.headers


def test_the_hashes_are_those_of_the_script_text() -> None:
    assert inline_script_hashes(PAGE) == [sha(SCRIPT_A), sha(SCRIPT_B)]
    assert inline_script_hashes(b'<script src="/a.js"></script><p>no scripts</p>') == []


def test_a_gzipped_page_is_hashed_from_its_text(client: TestClient) -> None:
    response = client.get("/gz")
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == PAGE  # sent compressed as it was (the client unpacks it)
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"][2:] == [sha(SCRIPT_A), sha(SCRIPT_B)]


def test_a_304_keeps_the_cached_page_policy(client: TestClient) -> None:
    """A 304's headers replace the cached page's: a policy without that page's hashes would
    block its scripts (seen in Chromium: the page after signing in stayed blank)."""
    response = client.get("/cached")
    assert response.status_code == 304
    assert "content-security-policy" not in response.headers
    assert_common(response.headers)


def test_an_api_answer_gets_the_headers_too(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.json() == {"ok": True}
    assert_common(response.headers)
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-eval'"]  # no inline script at all
    assert policy["frame-ancestors"] == ["'none'"]


def test_swagger_ui_gets_its_own_policy_without_eval_or_the_socket(client: TestClient) -> None:
    policy = directives(client.get("/api/v1/docs").headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", sha(SCRIPT_A), sha(SCRIPT_B)]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_verification_page_sends_no_referrer(client: TestClient) -> None:
    assert client.get("/dogrula").headers["referrer-policy"] == "no-referrer"


def test_a_route_with_its_own_policy_keeps_it_and_gets_the_baseline_beside_it(
    client: TestClient,
) -> None:
    response = client.post("/portal/acs")
    policies = response.headers.get_list("content-security-policy")
    assert policies[0] == TEST_BANK_CSP  # its inline style and script still run
    assert len(policies) == 2
    baseline = directives(policies[1])
    assert baseline == {
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    # and its own Referrer-Policy wins, once
    assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    assert_common(response.headers)


def test_hsts_only_over_https() -> None:
    with client_of() as plain:
        assert "strict-transport-security" not in plain.get("/").headers
        behind_proxy = plain.get("/", headers={"X-Forwarded-Proto": "https"})
        assert behind_proxy.headers["strict-transport-security"] == "max-age=31536000"
        assert (
            "strict-transport-security"
            not in plain.get("/", headers={"X-Forwarded-Proto": "http"}).headers
        )
    app = SecurityHeaders(Starlette(routes=ROUTES), origins=[OWN])
    with TestClient(app, base_url="https://iztim.test") as tls:
        assert tls.get("/").headers["strict-transport-security"] == "max-age=31536000"


def test_the_websocket_passes_untouched(client: TestClient) -> None:
    with client.websocket_connect("/_event") as ws:
        assert ws.receive_text() == "hello"


def test_iyzico_adds_its_3d_page_to_form_action_and_no_inline_script_anywhere() -> None:
    """iyzico's 3D form is parsed on the server and posted by the hand-off script (as the
    test bank's): the portal allows only its own inline scripts, by hash, as every page."""
    with client_of(form_targets=["https://sandbox-api.iyzipay.com/payment"]) as client:
        for path in ("/portal", "/portal/police", "/"):
            policy = directives(client.get(path).headers["content-security-policy"])
            assert policy["script-src"] == [
                "'self'",
                "'unsafe-eval'",
                sha(SCRIPT_A),
                sha(SCRIPT_B),
            ], path
            assert "'unsafe-inline'" not in policy["script-src"], path
            assert policy["form-action"] == ["'self'", "https://sandbox-api.iyzipay.com"]


def test_the_middleware_takes_iyzico_from_the_settings(monkeypatch) -> None:  # noqa: ANN001
    """`middleware` (what SecuredApp puts around Reflex) reads the gateway from the settings."""
    from iztim_app.core import settings as settings_module
    from iztim_app.security_headers import middleware

    config = dataclasses.replace(
        settings_module.settings,
        payment_gateway="iyzico",
        iyzico_base_url="https://sandbox-api.iyzipay.com",
    )
    for base in ("https://sandbox-api.iyzipay.com", "sandbox-api.iyzipay.com"):  # bare: https
        monkeypatch.setattr(
            settings_module, "settings", dataclasses.replace(config, iyzico_base_url=base)
        )
        with TestClient(middleware(Starlette(routes=ROUTES)), base_url=OWN) as client:
            policy = directives(client.get("/portal").headers["content-security-policy"])
        assert policy["form-action"] == ["'self'", "https://sandbox-api.iyzipay.com"], base
        assert policy["script-src"][:2] == ["'self'", "'unsafe-eval'"]
        assert "'unsafe-inline'" not in policy["script-src"]
    # the test bank: forms post here only
    monkeypatch.setattr(
        settings_module, "settings", dataclasses.replace(config, payment_gateway="test")
    )
    with TestClient(middleware(Starlette(routes=ROUTES)), base_url=OWN) as client:
        policy = directives(client.get("/portal").headers["content-security-policy"])
    assert policy["form-action"] == ["'self'"]


def test_a_file_the_server_sends_itself_is_hashed_from_the_file(tmp_path: Path) -> None:
    """granian's `http.response.pathsend`: the body never passes the middleware."""
    html = tmp_path / "index.html"
    html.write_bytes(PAGE)

    async def static(scope, receive, send) -> None:  # noqa: ANN001
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"9")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.pathsend", "path": str(html)})

    sent: list[dict] = []

    async def send(message) -> None:  # noqa: ANN001
        sent.append(message)

    scope = {"type": "http", "path": "/", "headers": [], "scheme": "http", "method": "GET"}
    anyio.run(SecurityHeaders(static, origins=[OWN]), scope, None, send)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    headers = dict(sent[0]["headers"])
    assert sha(SCRIPT_A).encode() in headers[b"content-security-policy"]
    assert headers[b"x-frame-options"] == b"DENY"


def test_an_exception_before_any_answer_is_a_500_with_the_headers() -> None:
    """Outside Reflex's own error layer nobody else would answer: a plain 500, re-raised."""

    async def broken(scope, receive, send) -> None:  # noqa: ANN001
        raise RuntimeError("boom")

    app = SecurityHeaders(broken, origins=[OWN])
    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/health")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert_common(response.headers)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    with pytest.raises(RuntimeError):
        TestClient(app).get("/")  # and the server still sees (and logs) the error


# ---------------------------------------------------------------- the app's own ASGI app


@pytest.fixture(scope="module")
def reflex_asgi() -> Iterator[tuple[object, ASGIApp]]:
    """The ASGI app the servers' factory call builds (`app()`), without compiling pages and
    without its lifespan tasks. The build mounts Reflex's API into the routes transformer;
    that is undone afterwards for the rest of this process."""
    from reflex_base.environment import environment

    from iztim_app.iztim_app import app

    (routes_app,) = [t for t in app.api_transformer if isinstance(t, Starlette)]
    routes, middleware = list(routes_app.router.routes), list(routes_app.user_middleware)
    skip = environment.REFLEX_SKIP_COMPILE.get()
    environment.REFLEX_SKIP_COMPILE.set(True)
    try:
        asgi = app()
    finally:  # at once: the real back end started below must not inherit it
        environment.REFLEX_SKIP_COMPILE.set(skip or None)
    try:
        yield app, asgi
    finally:
        routes_app.router.routes[:] = routes
        routes_app.user_middleware[:] = middleware
        routes_app.middleware_stack = None


def own_origin() -> str:
    from reflex.config import get_config

    return next(o for o in get_config().cors_allowed_origins if o != "*")


def test_reflex_answers_preflights_itself_and_they_carry_the_headers(reflex_asgi) -> None:  # noqa: ANN001
    _, asgi = reflex_asgi
    client = TestClient(asgi, base_url=own_origin())
    preflight = {"Access-Control-Request-Method": "POST"}
    for path in ("/api/v1/health", "/_event/", "/auth/session"):
        own = client.options(path, headers={"Origin": own_origin(), **preflight})
        assert (own.status_code, own.headers["access-control-allow-origin"]) == (
            200,
            own_origin(),
        ), path
        foreign = client.options(path, headers={"Origin": FOREIGN, **preflight})
        assert foreign.status_code == 400, path  # Starlette's "Disallowed CORS origin"
        assert "access-control-allow-origin" not in foreign.headers, path
        for response in (own, foreign):
            assert_common(response.headers)
            policy = directives(response.headers["content-security-policy"])
            assert policy["frame-ancestors"] == ["'none'"], path
            assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_reflex_own_500_carries_the_headers(reflex_asgi, monkeypatch) -> None:  # noqa: ANN001
    """An exception in Reflex's outermost layer (its context middleware, inside its own
    ServerErrorMiddleware and CORS): Reflex's 500 answer still has the headers."""
    app, asgi = reflex_asgi

    def broken() -> None:
        raise RuntimeError("forced")

    monkeypatch.setattr(app, "_set_contexts_internal", broken)
    client = TestClient(asgi, base_url=own_origin(), raise_server_exceptions=False)
    response = client.get("/ping", headers={"Origin": own_origin()})
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert_common(response.headers)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # the same request without the fault: answered, so it was the forced error above
    monkeypatch.undo()
    assert client.get("/ping").status_code == 200


# ---------------------------------------------------------------- the real back end


@pytest.fixture(scope="module")
def real_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    workdir = tmp_path_factory.mktemp("headers")
    url = f"sqlite:///{workdir / 'iztim.db'}"
    run_cli(app_env(url, 0), "db", "upgrade")
    running = backend(workdir, url, workers=1)
    yield running
    running.stop()


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None):  # noqa: ANN201
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/health",  # the JSON API, public
        "/api/v1/me",  # the JSON API, refused (401)
        "/api/v1/openapi.json",
        "/ping",  # Reflex's own route
        "/auth/session?code=nope",  # the session cookie's route
        "/portal/belge/police/1",  # a portal download (404)
        "/indir/is/1",  # a background job's file (404)
        "/_event/?EIO=4&transport=polling",  # the event socket's HTTP route (websocket only)
    ],
)
def test_every_kind_of_route_of_the_real_app_carries_the_headers(
    real_backend: Backend, path: str
) -> None:
    status, headers, _ = fetch(real_backend.url + path, headers={"Origin": real_backend.url})
    assert status < 500, (path, status)
    assert headers["X-Frame-Options"] == "DENY", path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()", path
    policies = headers.get_all("Content-Security-Policy")
    assert any("frame-ancestors 'none'" in p and "object-src 'none'" in p for p in policies)
    assert headers["Strict-Transport-Security"] is None, path


@pytest.mark.parametrize("origin", ["own", FOREIGN])
@pytest.mark.parametrize("path", ["/api/v1/health", "/ping", "/_event/", "/portal/odeme/donus"])
def test_cors_preflights_of_the_real_app_carry_the_headers(
    real_backend: Backend, path: str, origin: str
) -> None:
    """Reflex's outermost CORS layer answers these itself (granian, prod)."""
    sender = real_backend.url if origin == "own" else origin
    status, headers, _ = fetch(
        real_backend.url + path,
        method="OPTIONS",
        headers={"Origin": sender, "Access-Control-Request-Method": "POST"},
    )
    if origin == "own":
        assert (status, headers["Access-Control-Allow-Origin"]) == (200, sender), path
    else:
        assert status == 400, path
        assert headers["Access-Control-Allow-Origin"] is None, path
    assert headers["X-Frame-Options"] == "DENY", path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
    policy = directives(headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert headers.get_all("Content-Security-Policy") == [headers["Content-Security-Policy"]]


def test_the_real_app_sends_hsts_behind_a_tls_proxy(real_backend: Backend) -> None:
    _, headers, _ = fetch(
        real_backend.url + "/api/v1/health", headers={"X-Forwarded-Proto": "https"}
    )
    assert headers["Strict-Transport-Security"] == "max-age=31536000"


def test_swagger_ui_of_the_real_app_allows_its_start_up_script(real_backend: Backend) -> None:
    status, headers, body = fetch(real_backend.url + "/api/v1/docs")
    assert status == 200
    policy = directives(headers["Content-Security-Policy"])
    assert policy["script-src"][1:] == inline_script_hashes(body) != []


def test_cors_of_the_api_answers_the_own_origin_only(real_backend: Backend) -> None:
    own = real_backend.url  # http://127.0.0.1:PORT, one of IZTIM_ALLOWED_ORIGINS' defaults
    health = real_backend.url + "/api/v1/health"
    preflight = {"Access-Control-Request-Method": "GET"}
    # the own origin: allowed, on a simple request and on a preflight
    status, headers, _ = fetch(health, headers={"Origin": own})
    assert (status, headers["Access-Control-Allow-Origin"]) == (200, own)
    status, headers, _ = fetch(health, method="OPTIONS", headers={"Origin": own, **preflight})
    assert (status, headers["Access-Control-Allow-Origin"]) == (200, own)
    # a foreign origin: never allowed
    for method, extra in (("GET", {}), ("OPTIONS", preflight)):
        status, headers, _ = fetch(health, method=method, headers={"Origin": FOREIGN, **extra})
        assert headers["Access-Control-Allow-Origin"] is None, (method, status)
        assert FOREIGN not in str(headers), method


def websocket_handshake(backend: Backend, origin: str) -> str:
    """The status line the event socket's HTTP handshake answers for `origin`."""
    key = base64.b64encode(b"iztim-handshake!").decode()
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{backend.port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", backend.port), timeout=10) as conn:
        conn.sendall(request.encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(1024)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def test_the_event_socket_accepts_the_own_origin_only(real_backend: Backend) -> None:
    # the own origin: switched to the websocket
    assert " 101 " in websocket_handshake(real_backend, real_backend.url)
    # a foreign origin (a page elsewhere trying to ride the user's cookie): refused
    refused = websocket_handshake(real_backend, FOREIGN)
    assert refused.startswith("HTTP/1.1 4"), refused
