"""API endpoints (owner: helper H2)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
