"""Payment fixtures: the quotes' world (demo organisation, shipped tariff); `url` is a fresh
database of either engine (tests/quotes/fixtures_db.py)."""

from tests.quotes.fixtures_db import (  # noqa: F401
    pg_template,
    quotes_template,
    url,
)
