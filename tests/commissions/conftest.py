"""Commission fixtures: the quotes' world (demo organisation, shipped tariff, customers, no
rates: the organisation is loaded before the tariff, so demo rates are not set); `url` is a
fresh database of either engine (tests/quotes/fixtures_db.py)."""

from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import (  # noqa: F401
    db,
    pg_template,
    quotes_template,
    quotes_url,
    url,
)
