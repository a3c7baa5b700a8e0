"""Installment fixtures (one module per entity) made visible to the tests here."""

from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import (  # noqa: F401
    db,
    pg_template,
    quotes_template,
    quotes_url,
    url,
)
