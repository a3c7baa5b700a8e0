"""Customer fixtures (one module per entity) made visible to the tests here."""

from tests.customers.fixtures_db import customers_template, customers_url, db  # noqa: F401
