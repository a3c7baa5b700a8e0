"""Endorsement fixtures: the quotes' world (demo organisation, shipped tariff, customers);
`url` is a fresh database of either engine (the installments' fixture)."""

from tests.installments.fixtures_policies import pg_template, url  # noqa: F401
from tests.quotes.fixtures_customers import customers  # noqa: F401
from tests.quotes.fixtures_db import db, quotes_template, quotes_url  # noqa: F401
