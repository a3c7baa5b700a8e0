"""Service-matrix case of pricing by customer group (the API's /price; appended by
test_service_matrix.py). Exact figures are in tests/api/test_price_api.py."""

from __future__ import annotations

from decimal import Decimal

from iztim_app.core.quotes import pricing
from tests.foundation.test_service_matrix import A1, FORMS, Case, eq

GROUP = "bireysel"  # a customer group of the shipped tariff

CASES = (
    Case(
        "quotes.price_for_group",
        lambda w, a: pricing.price_for_group(
            w.db,
            a,
            "konut",
            GROUP,
            Decimal("400000"),
            w.today,
            None,
            dict(FORMS["konut"]),
            on=w.today,
        ),
        A1,
        frozenset({"quote.create"}),
        None,
        lambda w, r: eq(r.gross_premium > 0, True),
        None,
        "prices a form for a customer group: no record of anyone's is read or written",
    ),
)
