"""Report tests use the quotes' world (demo organisation, shipped tariff) by import; `url` is
a fresh database of either engine."""

from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import (  # noqa: F401
    db,
    pg_template,
    quotes_template,
    quotes_url,
    url,
)
