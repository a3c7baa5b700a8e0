"""Endorsement fixtures: the quotes' world (demo organisation, shipped tariff, customers)."""

from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import db, quotes_template, quotes_url  # noqa: F401
