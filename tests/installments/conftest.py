"""Installment fixtures (one module per entity) made visible to the tests here."""

from tests.installments.fixtures_policies import pg_template, url  # noqa: F401
from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import db, quotes_template, quotes_url  # noqa: F401
