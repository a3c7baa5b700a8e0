"""API endpoints (owner: helper H1)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
