"""Payment screen tests use the quote fixtures (organisation, tariff v1, customers) by import."""

from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import (  # noqa: F401
    db,
    pg_template,
    quotes_template,
    quotes_url,
    url,
)
