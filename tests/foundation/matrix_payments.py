"""Service-matrix cases of card payments (appended by test_service_matrix.py).

The world has no payment attempts: the list is empty for everyone who may read it; its rows,
scope and filters on real attempts are proved in tests/payments/test_payment_flow.py."""

from __future__ import annotations

from iztim_app.core.payments import services as payments
from tests.foundation.test_service_matrix import A1, B1, Case, Outsider, eq

CASES = (
    Case(
        "payments.list_attempts",
        lambda w, a: payments.list_attempts(w.db, a),
        A1,
        frozenset({"policy.view"}),
        None,
        lambda w, r: eq((r.total, r.rows), (0, [])),
        Outsider(B1, lambda w, r: eq((r.total, r.rows), (0, []))),
    ),
)
