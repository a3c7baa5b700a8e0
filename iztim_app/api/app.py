"""The FastAPI app of /api/v1 (owner: helper H1): error handlers, docs, routers."""

from __future__ import annotations

from fastapi import FastAPI

from iztim_app.api import routes_core, routes_policies, routes_quotes

api = FastAPI(
    title="İztim API",
    version="1",
    openapi_url="/openapi.json",
    docs_url=None,
    redoc_url=None,
)
api.include_router(routes_core.router)
api.include_router(routes_quotes.router)
api.include_router(routes_policies.router)
