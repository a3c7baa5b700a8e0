"""Production postings (placeholder: filled by the reports work)."""

from __future__ import annotations

from typing import Any


def post_policy(db: Any, policy: Any) -> None:
    """A policy version just approved."""


def reverse_policy(db: Any, policy: Any) -> None:
    """An approved policy version just un-approved."""


def post_endorsement(db: Any, endorsement: Any) -> None:
    """An endorsement or cancellation just approved (took effect)."""
