"""Portal access codes (placeholder: filled by the documents work)."""

from __future__ import annotations

from typing import Any


def ensure(db: Any, policy: Any) -> str:
    """The policy's access code, created on its first approval."""
    return ""
