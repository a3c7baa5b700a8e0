"""HTTP routes that set and clear the session cookie.

A cookie written by JavaScript (`rx.Cookie`) can never be HttpOnly, so the session cookie
is set by an HTTP response only: sign-in (an event on the socket) opens the session with a
one-time hand-off code and sends the browser to `/auth/session?code=…&next=…`; that
response puts a new token in an `HttpOnly; SameSite=Strict` cookie (`Secure` over HTTPS)
and sends the browser on to `next`, a path on this site. Every later event reads the
token from the Cookie header of the socket's handshake (`SessionState._token`).
Sign-out ends the session on the socket, then `/auth/signed-out` clears the cookie.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from iztim_app.core.db import session_scope
from iztim_app.core.sessions import services as sessions

COOKIE_NAME = "iztim_session"
SESSION_ROUTE = "/auth/session"
SIGNED_OUT_ROUTE = "/auth/signed-out"
MAX_NEXT_LENGTH = 500


def token_from_cookie_header(header: str | None) -> str:
    """The session token in a Cookie header ('' when absent); tolerant of odd cookies."""
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name == COOKIE_NAME:
            return value.strip().strip('"')
    return ""


def safe_next(value: str | None) -> str:
    """A path on this site to continue to; anything else (other sites, `//host`, schemes,
    control characters) becomes `/`."""
    value = value or ""
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or len(value) > MAX_NEXT_LENGTH
        or any(ord(c) < 0x21 or c == "\\" for c in value)
        or value.startswith(("/auth/session", "/auth/signed-out"))
    ):
        return "/"
    return value


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _redirect(location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _set_cookie(response: Response, request: Request, token: str, max_age: int | None) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
    )


def session_handoff(request: Request) -> Response:
    """Redeems the one-time code: sets the cookie and continues; a bad code sets nothing."""
    response = _redirect(safe_next(request.query_params.get("next")))
    with session_scope() as db:
        token = sessions.redeem_handoff(db, request.query_params.get("code"))
    if token:
        _set_cookie(response, request, token, None)
    return response


def signed_out(request: Request) -> Response:
    """Clears the cookie once its session has ended (sign-out ends it first, on the socket).
    A link from elsewhere cannot throw a live session out: that cookie is kept."""
    response = _redirect("/")
    token = request.cookies.get(COOKIE_NAME, "")
    if token:
        with session_scope() as db:
            alive = sessions.resolve_session(db, token) is not None
        if not alive:
            _set_cookie(response, request, "", 0)
    return response


ROUTES = [
    Route(SESSION_ROUTE, session_handoff, methods=["GET"]),
    Route(SIGNED_OUT_ROUTE, signed_out, methods=["GET"]),
]
