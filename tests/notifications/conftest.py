"""Notification tests run like the renewal tests: SQLite and PostgreSQL copies."""

from tests.renewals.conftest import (  # noqa: F401
    customers,
    db,
    quotes_template,
    quotes_url,
    renewals_pg_template,
)
