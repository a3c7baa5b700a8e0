"""Payments and renewals through the API.

Payments: acente.a1's home policy of 800 000 (tests/endorsements/fixtures_policies), one
installment of 1 315.60 due 2026-03-02. Renewals: an approved trafik policy of 300 000,
2025-05-01 … 2026-05-01 (tests/renewals/fixtures): on 2026-03-02 the renewal window (60 days
before the end) has just opened.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import PREFIX
from tests.api.test_policies_api import (  # noqa: F401
    A1,
    B1,
    GM,
    IST,
    IT,
    MGR,
    business_day,
    problem,
    unchanged,
)
from tests.endorsements.fixtures_policies import approved_policy
from tests.quotes.fixtures_quotes import _rows
from tests.renewals.fixtures import trafik_policy

ANKARA = "sube.ankara"


@pytest.fixture
def number(db, customers, auth) -> int:  # noqa: ANN001
    auth(ANKARA)
    return approved_policy(db, A1, customers.a1_person.id, "konut", "800000").number


def pay(client, auth, number: int, k: int, body: dict, who: str = IST):  # noqa: ANN001, ANN201
    return client.post(
        f"{PREFIX}/policies/{number}/installments/{k}/payments", headers=auth(who), json=body
    )


def fields_of(r) -> list[str]:  # noqa: ANN001
    return [e["field"] for e in problem(r, 422, "validation_failed")["errors"]]


CASH = {"amount": "500.00", "method": "cash", "paid_on": "2026-03-02"}


def test_payments_are_recorded_until_the_installment_is_paid(client, auth, number, api_url):
    r = pay(client, auth, number, 1, CASH)
    assert r.status_code == 201, r.text
    assert r.json() == {
        "k": 1,
        "due": "2026-03-02",
        "amount": "1315.60",
        "paid": "500.00",
        "status": "partly_paid",
    }
    rest = {"amount": "815.60", "method": "transfer", "paid_on": "2026-03-02"}
    assert pay(client, auth, number, 1, rest, A1).json() == {
        "k": 1,
        "due": "2026-03-02",
        "amount": "1315.60",
        "paid": "1315.60",
        "status": "paid",
    }
    # stored (in kuruş) by who recorded them; the day paid is kept as the reference
    assert [
        (int(p["amount"]), p["method"], p["recorded_by_code"], p["reference"])
        for p in _rows(api_url, "SELECT * FROM payment ORDER BY id")
    ] == [(50000, "cash", IST, "paid_on=2026-03-02"), (81560, "transfer", A1, "paid_on=2026-03-02")]
    policy = client.get(f"{PREFIX}/policies/{number}", headers=auth(A1)).json()
    assert [(i["paid"], i["status"]) for i in policy["installments"]] == [("1315.60", "paid")]
    # already paid: a conflict, nothing changes
    check = unchanged(api_url)
    problem(pay(client, auth, number, 1, CASH), 409, "conflict")
    check()


def test_refused_payments_change_nothing(client, auth, number, api_url):
    check = unchanged(api_url)
    url = f"{PREFIX}/policies/{number}/installments/1/payments"
    problem(client.post(url, json=CASH), 401, "unauthenticated")
    problem(pay(client, auth, number, 1, CASH, MGR), 403, "forbidden")  # reads, never records
    problem(pay(client, auth, number, 1, CASH, B1), 404, "not_found")  # another agency's
    problem(pay(client, auth, number, 1, CASH, ANKARA), 404, "not_found")
    problem(pay(client, auth, number, 2, CASH), 404, "not_found")  # no such installment
    assert fields_of(pay(client, auth, number, 1, CASH | {"amount": "1315.61"})) == ["amount"]
    assert fields_of(pay(client, auth, number, 1, CASH | {"amount": "0"})) == ["amount"]
    assert fields_of(pay(client, auth, number, 1, CASH | {"method": "card"})) == ["method"]
    assert fields_of(pay(client, auth, number, 1, CASH | {"paid_on": "dün"})) == ["paid_on"]
    no_date = {"amount": "500.00", "method": "cash"}
    assert fields_of(pay(client, auth, number, 1, no_date)) == ["paid_on"]
    check()


# ====================================================================== renewals


@pytest.fixture
def expiring(db, customers, auth) -> int:  # noqa: ANN001
    auth(ANKARA)
    return trafik_policy(db, customers.a1_person)


def renewals(client, auth, query: str, who: str = A1):  # noqa: ANN001, ANN201
    return client.get(f"{PREFIX}/renewals{query}", headers=auth(who))


def test_a_policy_in_its_window_is_listed_and_renewed_once(
    client, auth, customers, expiring, api_url
):
    r = renewals(client, auth, "?from=2026-04-01&to=2026-05-31")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "items": [
            {
                "policy_number": expiring,
                "line": "trafik",
                "customer_number": customers.a1_person.number,
                "end": "2026-05-01",
                "state": "not_offered",
                "renewal_quote_number": None,
            }
        ],
        "page": 1,
        "size": 20,
        "total": 1,
    }
    assert renewals(client, auth, "?from=2026-05-02&to=2026-05-31").json()["total"] == 0
    assert renewals(client, auth, "?from=2026-04-01&to=2026-05-31", B1).json()["total"] == 0
    # renewed: a quote for the next term, starting on the old end
    r = client.post(f"{PREFIX}/policies/{expiring}/renew", headers=auth(A1), json={})
    assert r.status_code == 201, r.text
    quote = r.json()
    assert (quote["renews"], quote["start"], quote["end"], quote["line"]) == (
        expiring,
        "2026-05-01",
        "2027-05-01",
        "trafik",
    )
    assert quote["status"] == "approved"
    item = renewals(client, auth, "?from=2026-04-01&to=2026-05-31").json()["items"][0]
    assert (item["state"], item["renewal_quote_number"]) == ("quote_given", quote["number"])


def test_refused_renewals_change_nothing(client, auth, expiring, api_url, db, customers):
    check = unchanged(api_url)
    url = f"{PREFIX}/policies/{expiring}/renew"
    problem(client.post(url, json={}), 401, "unauthenticated")
    problem(client.post(url, headers=auth(MGR), json={}), 403, "forbidden")
    problem(client.post(url, headers=auth(B1), json={}), 404, "not_found")
    problem(client.post(url, headers=auth(A1), json={"claim_free": "maybe"}), 400, "bad_request")
    # too early: a policy ending in a year
    later = approved_policy(db, A1, customers.a1_person.id, "konut", "400000").number
    check = unchanged(api_url)
    r = client.post(f"{PREFIX}/policies/{later}/renew", headers=auth(A1), json={})
    problem(r, 409, "conflict")
    # the list needs both dates in order
    assert fields_of(renewals(client, auth, "?from=2026-04-01")) == ["to"]
    assert fields_of(renewals(client, auth, "?from=2026-05-01&to=2026-04-01")) == ["to"]
    assert fields_of(renewals(client, auth, "?from=01.04.2026&to=2026-05-01")) == ["from"]
    problem(renewals(client, auth, "?from=2026-04-01&to=2026-05-31", IT), 403, "forbidden")
    problem(client.get(f"{PREFIX}/renewals?from=2026-04-01&to=2026-05-31"), 401, "unauthenticated")
    check()
    assert date(2026, 3, 2)  # the business day of these tests (business_day)
