"""The OpenAPI document (`/api/v1/openapi.json`) and the interactive docs (`/api/v1/docs`).

The docs page is Swagger UI 5 (it reads OpenAPI 3.1; the 4.x of `swagger-ui-bundle` cannot)
from the `swagger-ui-bundle-v2` package, served from this app's own routes: nothing is
loaded from another site (a fresh machine may be offline). The document
says what every operation shares: the Bearer token, the problem+json errors, and the
`Idempotency-Key` header of every POST.

These routes are public (no token) and not in the document: PUBLIC_PATHS lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse

from iztim_app.api.idempotency import MAX_KEY_LENGTH

try:
    from swagger_ui_bundle import swagger_ui_path
except ImportError:  # pragma: no cover - swagger-ui-bundle-v2 is pinned in requirements.txt
    swagger_ui_path = ""

ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
PUBLIC_PATHS = frozenset({"/openapi.json", "/docs", "/docs/assets/{name}"})
# Public (no token) and documented, with its own answers only (no token problems): the
# load balancer's health check (routes_health.py).
PUBLIC_DOCUMENTED = frozenset({"/health"})

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "required": ["type", "title", "status", "code", "detail", "errors"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {
            "type": "string",
            "enum": [
                "bad_request",
                "unauthenticated",
                "forbidden",
                "not_found",
                "conflict",
                "validation_failed",
                "too_many_requests",
            ],
        },
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
    },
}
PROBLEMS = {
    "400": "Malformed JSON or a parameter of the wrong type (bad_request)",
    "401": "No, unknown, expired or revoked token (unauthenticated)",
    "403": "The user lacks the permission (forbidden)",
    "404": "No such record, or one outside the caller's scope (not_found)",
    "409": "The record's state forbids it, or an idempotency key reused (conflict)",
    "422": "Input problems, each with its field (validation_failed)",
    "429": "Throttled (too_many_requests)",
}
IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "The same key with the same body within 24 hours answers the first answer and does "
        "nothing again; with another body 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}


def document(api: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=api.title,
        version=api.version,
        openapi_version=api.openapi_version,
        description=api.description,
        routes=api.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    problem_ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        if path in PUBLIC_DOCUMENTED:
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in PROBLEMS.items():
                responses[status] = {"description": description, "content": problem_ref}
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_PARAMETER)
    if not schemas:
        components.pop("schemas")
    return schema


def install(api: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = document(api)
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]

    @api.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{api.openapi_url}",
            title=f"{api.title} v{api.version}",
            swagger_js_url=f"{root}/docs/assets/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/docs/assets/swagger-ui.css",
            swagger_favicon_url=f"{root}/docs/assets/favicon-32x32.png",
        )

    @api.get("/docs/assets/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in ASSETS or not swagger_ui_path:
            raise HTTPException(404)
        return FileResponse(Path(swagger_ui_path) / name, media_type=ASSETS[name])
