"""Policy tests use the quote fixtures (organisation, tariff v1, customers) by import."""

from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import db, quotes_template, quotes_url  # noqa: F401
