"""HTTP routes of the customer portal: its session cookie (set and cleared only here, like
the staff one) and the customer's documents. Owned by helper B.

Sign-in (an event on the socket) opens a portal session with a one-time hand-off code and
sends the browser to `/portal/oturum?code=…`; that response puts a new token in an
`HttpOnly; SameSite=Lax` cookie (Lax: the bank's 3D page posts back to us from another
site, and the result page must still know the customer) and goes on to `/portal`.
`/portal/cikis` clears the cookie once its session has ended (sign-out ends it first, on
the socket). `/portal/belge/{kind}/{ref}` serves the signed-in customer's own policy or
endorsement PDF; anything else is the same 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from iztim_app.core.db import session_scope
from iztim_app.core.documents import services as documents
from iztim_app.core.errors import DomainError
from iztim_app.core.portal import services as portal
from iztim_app.download_routes import _attachment
from iztim_app.i18n import normalize_language, translate

PORTAL_COOKIE = "iztim_portal"
HANDOFF_ROUTE = "/portal/oturum"
SIGNED_OUT_ROUTE = "/portal/cikis"
DOCUMENT_ROUTE = "/portal/belge/{kind}/{ref:path}"
HOME = "/portal"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


def portal_token_from_cookie_header(header: str | None) -> str:
    """The portal token in a Cookie header ('' when absent)."""
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name == PORTAL_COOKIE:
            return value.strip().strip('"')
    return ""


def document_path(kind: str, ref: str) -> str:
    """`/portal/belge/policy/5000001`, `/portal/belge/endorsement/2/5000001`."""
    return f"/portal/belge/{kind}/{ref}"


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _redirect(location: str) -> Response:
    return RedirectResponse(location, status_code=303, headers=HEADERS)


def _set_cookie(response: Response, request: Request, token: str, max_age: int | None) -> None:
    response.set_cookie(
        PORTAL_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
    )


def handoff(request: Request) -> Response:
    """Redeems the one-time code: sets the cookie and goes to /portal; a bad code sets
    nothing (the portal then shows its sign-in)."""
    response = _redirect(HOME)
    with session_scope() as db:
        token = portal.redeem_handoff(db, request.query_params.get("code"))
    if token:
        _set_cookie(response, request, token, None)
    return response


def signed_out(request: Request) -> Response:
    """Clears the cookie once its session has ended. A link from elsewhere cannot throw a
    live session out: that cookie is kept."""
    response = _redirect(HOME)
    token = request.cookies.get(PORTAL_COOKIE, "")
    if token:
        with session_scope() as db:
            alive = portal.resolve(db, token) is not None
        if not alive:
            _set_cookie(response, request, "", 0)
    return response


def _not_found(lang: str) -> Response:
    return Response(
        translate("portal.document_not_found", lang),
        status_code=404,
        media_type="text/plain; charset=utf-8",
        headers=HEADERS,
    )


def document(request: Request) -> Response:
    lang = normalize_language(request.query_params.get("dil"))
    token = portal_token_from_cookie_header(request.headers.get("cookie"))
    if not token:
        return _not_found(lang)
    try:
        with session_scope() as db:
            me = portal.resolve(db, token)
            if me is None:
                return _not_found(lang)
            printed = documents.portal_document(
                db,
                me,
                request.path_params.get("kind", ""),
                request.path_params.get("ref", ""),
                lang,
            )
    except DomainError:  # not theirs, not there, not printable
        return _not_found(lang)
    return Response(
        printed.content,
        media_type="application/pdf",
        headers={**HEADERS, "Content-Disposition": _attachment(printed.filename)},
    )


ROUTES: list[Route] = [
    Route(HANDOFF_ROUTE, handoff, methods=["GET"]),
    Route(SIGNED_OUT_ROUTE, signed_out, methods=["GET"]),
    Route(DOCUMENT_ROUTE, document, methods=["GET"]),
]
