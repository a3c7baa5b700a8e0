"""Printing tests use the quotes' world (demo organisation, shipped tariff v1) by import;
`url` is a fresh database of either engine. The business day is the fixtures' TODAY."""

from __future__ import annotations

import pytest

from iztim_app.core import clock
from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import (  # noqa: F401
    TODAY,
    db,
    pg_template,
    quotes_template,
    quotes_url,
    url,
)


@pytest.fixture(autouse=True)
def business_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Screens and the command line read clock.today(): quotes of TODAY are still valid."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
