"""Commission earned by one posting (placeholder: filled by the commissions work)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iztim_app.core.money import ZERO


def earn(db: Any, posting: Any) -> Decimal:
    """Records the agency's commission on the posting and returns it (signed like its net)."""
    return ZERO
