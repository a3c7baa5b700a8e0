"""HTTP routes that hand out files made in the background (placeholder: the batch work)."""

from __future__ import annotations

from starlette.routing import Route

ROUTES: list[Route] = []
