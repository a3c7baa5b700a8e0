"""API endpoints (owner: helper H3)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
