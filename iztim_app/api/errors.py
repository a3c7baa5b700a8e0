"""Errors as `application/problem+json` (RFC 9457), with the codes of specs/api.md.

Every problem is `{type, title, status, code, detail, errors: [{field, message}]}`; texts
come from the message catalogue, Turkish unless the request asks for English
(`Accept-Language: en`). `install(api)` registers the handlers on the FastAPI app."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from iztim_app import i18n
from iztim_app.core.db import database_unavailable
from iztim_app.core.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:iztim:problem:"

# status → code of the errors table
CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}
# While the database is unreachable: try again after this many seconds.
RETRY_AFTER_SECONDS = 5


def language(request: Request | None = None, header: str | None = None) -> str:
    """ "en" when Accept-Language prefers English over Turkish, else "tr" (the default)."""
    if header is None:
        header = request.headers.get("accept-language", "") if request is not None else ""
    best, best_q = "tr", Decimal(-1)
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in i18n.LANGUAGES:
            continue
        q = Decimal(1)
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = Decimal(value.strip())
                except InvalidOperation:
                    q = Decimal(0)
                if not q.is_finite():
                    q = Decimal(0)
        if q > best_q:
            best, best_q = primary, q
    return best if best_q > 0 else "tr"


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem(
    status: int,
    detail: str,
    lang: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> ProblemResponse:
    code = CODES.get(status, "bad_request" if status < 500 else "internal_error")
    body = {
        "type": TYPE_BASE + code,
        "title": i18n.translate(f"api.title.{code}", lang),
        "status": status,
        "code": code,
        "detail": detail,
        "errors": errors or [],
    }
    return ProblemResponse(body, status_code=status, headers=headers)


def _field_problems(exc: ValidationFailed, lang: str) -> list[dict[str, Any]]:
    problems = getattr(exc, "problems", None) or (exc,)
    return [
        {"field": getattr(p, "field", None), "message": i18n.error_text(p, lang)} for p in problems
    ]


def domain_problem(exc: DomainError, lang: str) -> ProblemResponse:
    """The problem for one of our domain errors (also used by the idempotency layer)."""
    detail = i18n.error_text(exc, lang)
    if isinstance(exc, AuthenticationFailed):
        if exc.code == "auth.throttled":
            seconds = str(exc.params.get("seconds", 1))
            return problem(429, detail, lang, headers={"Retry-After": seconds})
        return problem(401, detail, lang, headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, NotFound):
        return problem(404, detail, lang)
    if isinstance(exc, PermissionDenied):  # also PasswordChangeRequired
        return problem(403, detail, lang)
    if isinstance(exc, Conflict):
        return problem(409, detail, lang)
    if isinstance(exc, ValidationFailed):
        problems = _field_problems(exc, lang)
        if len(problems) > 1:
            detail = i18n.translate("api.validation_failed", lang)
        return problem(422, detail, lang, problems)
    return problem(400, detail, lang)


# ---------------------------------------------------------------- request validation

WRONG_TYPE_SUFFIXES = ("_type", "_parsing")


def _wrong_type(error: dict[str, Any]) -> bool:
    kind = str(error.get("type", ""))
    return kind == "json_invalid" or kind.endswith(WRONG_TYPE_SUFFIXES)


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts)


def _message(error: dict[str, Any], lang: str) -> str:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return i18n.translate("api.field_required", lang)
    if kind == "extra_forbidden":
        return i18n.translate("api.unknown_field", lang)
    if _wrong_type(error):
        return i18n.translate("api.field_wrong_type", lang)
    return i18n.translate("api.field_invalid", lang, reason=str(error.get("msg", "")))


def request_problem(errors: list[dict[str, Any]], lang: str) -> ProblemResponse:
    """Malformed JSON or a wrong-typed value: 400; otherwise (missing fields, values outside
    the shape) 422 listing each, with its field."""
    listed = [
        {"field": _field(e.get("loc", ())), "message": _message(e, lang)}
        for e in errors
        if e.get("type") != "json_invalid"
    ]
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(400, i18n.translate("api.bad_json", lang), lang, listed)
    if any(_wrong_type(e) for e in errors):
        return problem(400, i18n.translate("api.bad_request", lang), lang, listed)
    return problem(422, i18n.translate("api.validation_failed", lang), lang, listed)


# ---------------------------------------------------------------- handlers


async def _on_domain_error(request: Request, exc: DomainError) -> ProblemResponse:
    return domain_problem(exc, language(request))


async def _on_request_validation(request: Request, exc: RequestValidationError) -> ProblemResponse:
    return request_problem(list(exc.errors()), language(request))


async def _on_http_exception(request: Request, exc: StarletteHTTPException) -> ProblemResponse:
    lang = language(request)
    if exc.status_code == 404:
        detail = i18n.translate("api.route_not_found", lang)
    elif exc.status_code == 405:
        detail = i18n.translate("api.method_not_allowed", lang)
    elif exc.status_code == 401:
        detail = i18n.translate("api.unauthenticated", lang)
    else:
        detail = i18n.translate(f"api.title.{CODES.get(exc.status_code, 'bad_request')}", lang)
    return problem(exc.status_code, detail, lang, headers=getattr(exc, "headers", None))


def unavailable_problem(lang: str) -> ProblemResponse:
    """503 while the database cannot be reached (a restart, an outage): nothing was done,
    the same request may be sent again (with its Idempotency-Key) after `Retry-After`."""
    detail = i18n.translate("availability.database_unavailable", lang)
    return problem(503, detail, lang, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def _on_database_error(request: Request, exc: Exception) -> ProblemResponse:
    if not database_unavailable(exc):
        return await _on_unexpected(request, exc)
    log.warning(
        "API request failed, database unavailable: %s %s: %s",
        request.method,
        request.url.path,
        type(exc).__name__,
    )
    return unavailable_problem(language(request))


async def _on_unexpected(request: Request, exc: Exception) -> ProblemResponse:
    # also what the middlewares (idempotency) raise: the database may be down there too
    if database_unavailable(exc):
        return await _on_database_error(request, exc)
    log.exception("API request failed: %s %s", request.method, request.url.path)
    lang = language(request)
    return problem(500, i18n.translate("api.internal_error", lang), lang)


def install(api: FastAPI) -> None:
    api.add_exception_handler(DomainError, _on_domain_error)
    api.add_exception_handler(RequestValidationError, _on_request_validation)
    api.add_exception_handler(StarletteHTTPException, _on_http_exception)
    api.add_exception_handler(DBAPIError, _on_database_error)
    api.add_exception_handler(Exception, _on_unexpected)
