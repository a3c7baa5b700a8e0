"""Service-matrix cases of the portal requests (appended by test_service_matrix.py).

The world has no portal requests: the staff queue is empty for everyone here; who may reject
a request (permission, scope, a pending temporary password) and what the hook does are
proved on real requests in tests/portal/test_requests_services.py."""

from __future__ import annotations

from iztim_app.core.portal import requests as portal_requests
from tests.foundation.test_service_matrix import A1, B1, Case, Outsider, eq

QUEUE = frozenset({"policy.issue", "quote.view"})  # either lets a user read the queue

CASES = (
    Case(
        "portal.queue",
        lambda w, a: portal_requests.queue(w.db, a, status=""),
        A1,
        QUEUE,
        None,
        lambda w, r: eq((r.total, r.rows), (0, [])),
        Outsider(B1, lambda w, r: eq((r.total, r.rows), (0, []))),
    ),
)

OPEN = {
    "portal.reject": "needs a customer's request, which this world has not: permission, "
    "scope, pending password and 'nothing changed' are in tests/portal/test_requests_services.py",
    "portal.quote_became_policy": "the policy services' hook, run inside policies.issue",
}
