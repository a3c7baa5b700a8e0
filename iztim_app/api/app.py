"""The FastAPI app of /api/v1 (owner: helper H1): error handlers, idempotency, docs, routers."""

from __future__ import annotations

from fastapi import FastAPI

from iztim_app.api import docs, errors, idempotency, routes_core, routes_policies, routes_quotes
from iztim_app.api.routes_health import router as health_router

api = FastAPI(
    title="İztim API",
    version="1",
    description=(
        "İztim JSON API v1. `Authorization: Bearer <token>` (IT creates tokens with "
        "`iztim tokens create`). Errors are `application/problem+json`; every POST takes an "
        "`Idempotency-Key` header. Messages are Turkish; `Accept-Language: en` gives English."
    ),
    openapi_url="/openapi.json",
    docs_url=None,
    redoc_url=None,
)
errors.install(api)
idempotency.install(api)
api.include_router(routes_core.router)
api.include_router(routes_quotes.router)
api.include_router(routes_policies.router)
api.include_router(health_router)  # public: the load balancer's health check (H2)
docs.install(api)
