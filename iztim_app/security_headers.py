"""Security headers on every HTTP response of the app.

A pure ASGI middleware around the whole back end: `SecuredApp` (the app's `rx.App`) wraps
what `App.__call__` returns, i.e. outside Reflex's outermost Starlette layer. That layer
answers CORS preflights itself (its CORSMiddleware) and turns an exception into a 500
(Starlette's ServerErrorMiddleware), outside every `api_transformer`; so those answers get
the headers too, as do the pages (in prod the back end serves the built front end too), the
event socket's HTTP requests, the JSON API, the portal and payment routes and downloads.
Every server Reflex starts (granian or uvicorn, dev or prod) loads the back end as the
factory `iztim_app.iztim_app:app`, i.e. calls `App.__call__`, so this holds for all.

- `Content-Security-Policy`: this origin's scripts, styles, images and connections only
  (plus ws:/wss: of the app's own origins for the event socket); no plugins, no framing,
  no `<base>` elsewhere; forms post only here (and to iyzico's 3D page when it is the
  gateway). Inline scripts run only when the page itself carries them: an HTML response
  is held back (the built pages are a few kB) and each of its inline scripts is allowed
  by its SHA-256 (React Router's start-up scripts, Swagger UI's one). Reflex's front end
  runs `rx.call_script` through `eval` (the portal's 3D Secure hand-off uses it), so pages
  may `eval`; its React/Radix components write `<style>` elements, so styles may be inline.
  Swagger UI (`/api/v1/docs`) gets a policy of its own without `eval` or the socket.
- With iyzico as the gateway, forms may also post to iyzico's origin: its 3D page's form
  is parsed on the server and posted by the same hand-off as the test bank's, so no page
  needs an inline script without a hash.
- A route that sets its own `Content-Security-Policy` (the test bank's pages need their
  inline style and script) keeps it; the baseline (no plugins, no framing, no `<base>`,
  forms only here) is added beside it as a second policy, and browsers enforce both.
- `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`, `Permissions-Policy` (no
  camera, microphone, geolocation), `Referrer-Policy: strict-origin-when-cross-origin`
  (`no-referrer` on the verification page: its address carries the document's code).
  A header a route sets itself wins.
- A 304 (Not Modified) carries no policy: the browser keeps the cached page's, with its
  hashes (a 304's headers would replace it).
- `Strict-Transport-Security` only over HTTPS (the request's scheme, or
  `X-Forwarded-Proto: https` from the reverse proxy), as the session cookie's `Secure`.

WebSocket and lifespan traffic passes untouched. An exception that escapes before any answer
was sent (or while a page was held) becomes a plain 500 with the headers, then is re-raised
for the server to log.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import anyio
import reflex as rx
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

DOCS_PATH = "/api/v1/docs"
NO_REFERRER_PATHS = ("/dogrula",)
HSTS = "max-age=31536000"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# An inline script: a <script> element without src (its text is what the hash covers).
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)
UNSAFE_INLINE = "'unsafe-inline'"


def _origin(url: str) -> str | None:
    """`https://host[:port]` of an absolute http(s) URL, else None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def socket_sources(origins: Iterable[str]) -> list[str]:
    """ws:/wss: forms of the app's own origins ('self' covers them only in newer browsers)."""
    found: list[str] = []
    for origin in origins:
        base = _origin(origin)
        if base is None:
            continue
        scheme, _, rest = base.partition("://")
        found.append(("wss://" if scheme == "https" else "ws://") + rest)
    return list(dict.fromkeys(found))


def inline_script_hashes(html: bytes) -> list[str]:
    """`'sha256-…'` of every inline script of a page, in order, without repeats."""
    hashes = (
        "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"
        for text in _INLINE_SCRIPT.findall(html)
    )
    return list(dict.fromkeys(hashes))


def _policy(directives: Sequence[tuple[str, Sequence[str]]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)


def _is_https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-proto":
            return value.decode("latin-1").split(",")[0].strip().lower() == "https"
    return False


def _decoded(body: bytes, encoding: str) -> bytes | None:
    """The page's text for hashing (the bytes sent stay as they are); None if unreadable."""
    if encoding in ("", "identity"):
        return body
    if encoding == "gzip":
        try:
            return gzip.decompress(body)
        except (OSError, EOFError):
            return None
    return None


class SecurityHeaders:
    """`SecurityHeaders(app, origins=[...], form_targets=[...])`.

    `origins`: the app's own origins (rxconfig's cors_allowed_origins); `form_targets`:
    other sites forms may post to (the payment provider's 3D page)."""

    def __init__(
        self, app: ASGIApp, origins: Iterable[str] = (), form_targets: Iterable[str] = ()
    ) -> None:
        self.app = app
        self.sockets = socket_sources(origins)
        forms = ["'self'", *dict.fromkeys(o for t in form_targets if (o := _origin(t)))]
        self.baseline = [
            ("object-src", ["'none'"]),
            ("base-uri", ["'self'"]),
            ("form-action", forms),
            ("frame-ancestors", ["'none'"]),
        ]

    # ------------------------------------------------------------ policies

    def page_policy(self, scripts: Sequence[str] = ()) -> str:
        """The app's pages (and every other response): `scripts` are the inline scripts'
        hashes, or UNSAFE_INLINE."""
        return _policy(
            [
                ("default-src", ["'self'"]),
                ("script-src", ["'self'", "'unsafe-eval'", *scripts]),
                ("style-src", ["'self'", UNSAFE_INLINE]),
                ("img-src", ["'self'", "data:", "blob:"]),
                ("font-src", ["'self'", "data:"]),
                ("connect-src", ["'self'", *self.sockets]),
                *self.baseline,
            ]
        )

    def docs_policy(self, scripts: Sequence[str] = ()) -> str:
        """Swagger UI: its files from here, its inline start-up script by hash."""
        return _policy(
            [
                ("default-src", ["'self'"]),
                ("script-src", ["'self'", *scripts]),
                ("style-src", ["'self'", UNSAFE_INLINE]),
                ("img-src", ["'self'", "data:"]),
                ("connect-src", ["'self'"]),
                *self.baseline,
            ]
        )

    def baseline_policy(self) -> str:
        return _policy(self.baseline)

    def headers_for(
        self, path: str, https: bool, own_csp: bool, scripts: Sequence[str] = ()
    ) -> list[tuple[str, str]]:
        """The headers a response to `path` gets (a header it set itself is kept)."""
        if own_csp:
            csp = self.baseline_policy()
        elif path.rstrip("/") == DOCS_PATH:
            csp = self.docs_policy(scripts)
        else:
            csp = self.page_policy(scripts)
        referrer = "no-referrer" if path.rstrip("/") in NO_REFERRER_PATHS else REFERRER_POLICY
        headers = [
            ("content-security-policy", csp),
            ("x-frame-options", "DENY"),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", referrer),
            ("permissions-policy", PERMISSIONS_POLICY),
        ]
        if https:
            headers.append(("strict-transport-security", HSTS))
        return headers

    def _scripts_for(self, path: str, html: bytes | None) -> list[str]:
        if html is None:
            log.warning("security headers: cannot read the page %s; inline scripts allowed", path)
            return [UNSAFE_INLINE]
        return inline_script_hashes(html)

    def _add(self, start: Message, path: str, https: bool, scripts: Sequence[str] = ()) -> None:
        headers = MutableHeaders(scope=start)
        own_csp = "content-security-policy" in headers
        for name, value in self.headers_for(path, https, own_csp, scripts):
            if name == "content-security-policy" and start.get("status") == 304:
                # a 304's headers replace the cached page's: its policy (with the page's
                # hashes, which a bodiless 304 cannot give) must stay
                continue
            if name == "content-security-policy" and own_csp:
                headers.append(name, value)  # a second policy: browsers enforce both
            elif name not in headers:
                headers.append(name, value)

    # ------------------------------------------------------------ ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        https = _is_https(scope)
        held: Message | None = None  # an HTML page's start, until its body is complete
        chunks: list[bytes] = []
        started = False  # a start went out to the server

        async def send_with_headers(message: Message) -> None:
            nonlocal held, started
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                if html and "content-security-policy" not in headers:
                    held = message
                    return
                self._add(message, path, https)
                started = True
            elif message["type"] == "http.response.pathsend" and held is not None:
                # the server sends the file itself (granian): read it here for the hashes
                encoding = MutableHeaders(scope=held).get("content-encoding", "").strip().lower()
                body = await anyio.Path(message["path"]).read_bytes()
                self._add(held, path, https, self._scripts_for(path, _decoded(body, encoding)))
                start, held, started = held, None, True
                await send(start)
            elif message["type"] == "http.response.body" and held is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                encoding = MutableHeaders(scope=held).get("content-encoding", "").strip().lower()
                self._add(held, path, https, self._scripts_for(path, _decoded(body, encoding)))
                start, held, started = held, None, True
                await send(start)
                message = {"type": "http.response.body", "body": body, "more_body": False}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:  # nothing (or only a held page) went out: a 500 with the headers
                await self._server_error(send, path, https)
            raise
        if held is not None:  # the app ended without a last body message
            self._add(held, path, https, self._scripts_for(path, b"".join(chunks)))
            await send(held)
            await send({"type": "http.response.body", "body": b"".join(chunks)})

    async def _server_error(self, send: Send, path: str, https: bool) -> None:
        """What Starlette's ServerErrorMiddleware answers (outside it, this is the last word)."""
        body = b"Internal Server Error"
        start: Message = {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        self._add(start, path, https)
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})


def middleware(app: ASGIApp) -> ASGIApp:
    """The headers around `app`: its own origins from rxconfig, iyzico's 3D page when chosen."""
    from reflex.config import get_config

    from iztim_app.core.payments import providers
    from iztim_app.core.settings import settings

    origins = [o for o in get_config().cors_allowed_origins if o != "*"]
    targets = []
    if settings.payment_gateway == providers.IYZICO:
        base = settings.iyzico_base_url.strip()  # a bare host means https, as for the adapter
        targets.append(base if "//" in base else f"https://{base}")
    return SecurityHeaders(app, origins=origins, form_targets=targets)


class SecuredApp(rx.App):
    """The app's `rx.App`: its ASGI app (what the servers' factory call returns) wrapped in
    the security headers, outside Reflex's own CORS and error layers, which an
    `api_transformer` cannot reach (`App.__call__` builds them after every transformer)."""

    def __call__(self) -> ASGIApp:
        return middleware(super().__call__())
