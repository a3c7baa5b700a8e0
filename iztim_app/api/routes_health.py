"""`GET /health`: the load balancer's health check (owner: helper H2). Public: no token.

200 `{"status": "ok", "database": "ok", "migrations": {"current": R, "head": R}}` when the
database answers and is at this code's head; otherwise 503, a problem (`code`
`service_unavailable`) naming what is wrong, with the `database` and `migrations` members.
It answers within a few seconds whatever the database does (core/health.py bounds every
step; the deadline here covers the rest, e.g. a name lookup that hangs). It never touches
the sign-in throttle or a session, and says nothing about users or library versions."""

from __future__ import annotations

from typing import Literal

import anyio
from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from iztim_app import i18n
from iztim_app.api.errors import CODES, TYPE_BASE, ProblemResponse, language
from iztim_app.core import health

PATH = "/health"
CODE = CODES[503]  # the same code as any other answer while the database is away
# core/health.py bounds connecting and each statement by TIMEOUT_SECONDS; a check that
# still has not answered by then is abandoned to finish on its own.
DEADLINE_SECONDS = health.TIMEOUT_SECONDS + 1
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(tags=["health"])


class Migrations(BaseModel):
    current: str | None
    head: str


class HealthAnswer(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
    migrations: Migrations


MIGRATIONS_SCHEMA = {
    "type": "object",
    "required": ["current", "head"],
    "properties": {
        "current": {"type": ["string", "null"], "description": "the database's revision"},
        "head": {"type": "string", "description": "this release's Alembic head"},
    },
}
# The API's problem shape (docs.PROBLEM_SCHEMA) with this answer's code and two members more.
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "required": ["type", "title", "status", "code", "detail", "errors", "database", "migrations"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "const": 503},
        "code": {"type": "string", "const": CODE},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "enum": ["database", "migrations"]},
                    "message": {"type": "string"},
                },
            },
        },
        "database": {"type": "string", "enum": ["ok", "unreachable"]},
        "migrations": MIGRATIONS_SCHEMA,
    },
}


def _unavailable(found: health.Health, lang: str) -> ProblemResponse:
    if found.problem == health.UNREACHABLE:
        field = "database"
        detail = i18n.translate("health.database_unreachable", lang)
    else:
        field = "migrations"
        current = found.current or i18n.translate("health.no_revision", lang)
        unknown = found.problem == health.UNKNOWN
        key = "health.migrations_unknown" if unknown else "health.migrations_behind"
        detail = i18n.translate(key, lang, current=current, head=found.head)
    body = {
        "type": TYPE_BASE + CODE,
        "title": i18n.translate("health.title", lang),
        "status": 503,
        "code": CODE,
        "detail": detail,
        "errors": [{"field": field, "message": detail}],
        "database": "unreachable" if found.problem == health.UNREACHABLE else "ok",
        "migrations": {"current": found.current, "head": found.head},
    }
    return ProblemResponse(body, status_code=503, headers=NO_STORE)


@router.get(
    PATH,
    summary="Health check for a load balancer (no token)",
    description=(
        "200 when the database answers and its schema is at this release's Alembic head; "
        "503 `service_unavailable` (problem+json) naming what is wrong: the database "
        "unreachable, or its migrations behind (`iztim db upgrade`). Answers within a few "
        "seconds also while the database is down. Needs no token and is never throttled."
    ),
    response_model=HealthAnswer,
    responses={
        503: {
            "description": "Database unreachable, or migrations not at head (service_unavailable)",
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
    },
)
async def health_check(request: Request) -> Response:
    found = None
    with anyio.move_on_after(DEADLINE_SECONDS):
        found = await anyio.to_thread.run_sync(health.check, abandon_on_cancel=True)
    if found is None:  # no answer in time: as good as unreachable
        found = health.Health(health.UNREACHABLE, None, health.code_head())
    if not found.ok:
        return _unavailable(found, language(request))
    body = {
        "status": "ok",
        "database": "ok",
        "migrations": {"current": found.current, "head": found.head},
    }
    return JSONResponse(body, headers=NO_STORE)
