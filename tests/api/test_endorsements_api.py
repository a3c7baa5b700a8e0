"""Endorsements and cancellations through the API: created, approved, printed, refused.

The policy (tests/endorsements/fixtures_policies): acente.a1's home policy of 800 000,
2026-03-02 … 2027-03-02 (365 days), one installment; net 1 144.00, BSMV 57.20, YSV 114.40,
gross 1 315.60. The figures are those of tests/endorsements/test_endorsement_services.py:
  increase to 1 200 000 from 10 June: net +302.03, BSMV +15.10, YSV +30.20, gross +347.33
  cancellation (sirket_feshi, pro rata) from 8 September after it: refund 747.94, earned
  698.09, BSMV 37.40, YSV 74.79 back, gross −860.13
İstanbul Şube (limit 2 500 000) sees agency A's policies; Ankara Şube does not.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import PREFIX
from tests.api.test_policies_api import (  # noqa: F401
    A1,
    B1,
    GM,
    IST,
    MGR,
    business_day,
    figures,
    problem,
    unchanged,
)
from tests.endorsements.fixtures_policies import approved_policy

ANKARA = "sube.ankara"
INCREASE = {
    "kind": "increase",
    "effective": "2026-06-10",
    "sum_insured": "1200000.00",
    "description": "Bedel artışı",
}
CANCEL = {"effective": "2026-09-08", "reason": "sirket_feshi"}


@pytest.fixture
def number(db, customers, auth) -> int:  # noqa: ANN001
    auth(ANKARA)
    return approved_policy(db, A1, customers.a1_person.id, "konut", "800000").number


def post(client, auth, path: str, body: dict | None, who: str):  # noqa: ANN001, ANN201
    return client.post(PREFIX + path, headers=auth(who), json=body)


def fields_of(r: Any) -> list[str]:
    return [e["field"] for e in problem(r, 422, "validation_failed")["errors"]]


def test_an_increase_within_the_limit_is_approved_and_in_force(client, auth, number):
    r = post(client, auth, f"/policies/{number}/endorsements", INCREASE, IST)
    assert r.status_code == 201, r.text
    assert r.json() == {
        "number": f"1/{number}",
        "k": 1,
        "kind": "increase",
        "effective": "2026-06-10",
        "description": "Bedel artışı",
        "status": "approved",
        "sum_insured": "1200000.00",
        "net_change": "302.03",
        "taxes_change": {"BSMV": "15.10", "YSV": "30.20"},
        "gross_change": "347.33",
        "cancellation": None,
        "prepared_by": IST,
        "approved_by": IST,
        "approved_at": r.json()["approved_at"],
    }
    # the policy's figures are those in force, the endorsement listed, the plan raised
    policy = client.get(f"{PREFIX}/policies/{number}", headers=auth(A1)).json()
    assert figures(policy) == {
        "sum_insured": "1200000.00",
        "net_premium": "1446.03",
        "taxes": {"BSMV": "72.30", "YSV": "144.60"},
        "gross_premium": "1662.93",
    }
    assert [e["number"] for e in policy["endorsements"]] == [f"1/{number}"]
    assert [i["amount"] for i in policy["installments"]] == ["1315.60", "347.33"]
    # and it prints
    r = client.get(f"{PREFIX}/policies/{number}/endorsements/1/document.pdf", headers=auth(A1))
    assert (r.status_code, r.headers["content-type"]) == (200, "application/pdf")
    assert r.content.startswith(b"%PDF")


def test_a_cancellation_cancels_the_policy_and_refunds_pro_rata(client, auth, number, api_url):
    assert post(client, auth, f"/policies/{number}/endorsements", INCREASE, IST).status_code == 201
    r = post(client, auth, f"/policies/{number}/cancellation", CANCEL, IST)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["number"], body["kind"], body["status"], body["effective"]) == (
        f"2/{number}",
        "cancellation",
        "approved",
        "2026-09-08",
    )
    assert (body["net_change"], body["taxes_change"], body["gross_change"]) == (
        "-747.94",
        {"BSMV": "-37.40", "YSV": "-74.79"},
        "-860.13",
    )
    assert body["cancellation"] == {
        "reason": "sirket_feshi",
        "method": "pro_rata",
        "earned": "698.09",
        "refund": "747.94",
        "tax_refunds": {"BSMV": "37.40", "YSV": "74.79"},
    }
    assert body["description"] != ""  # the reason's name when none is given
    policy = client.get(f"{PREFIX}/policies/{number}", headers=auth(A1)).json()
    assert (policy["status"], policy["cancelled_from"]) == ("cancelled", "2026-09-08")
    assert (policy["net_premium"], policy["gross_premium"]) == ("698.09", "802.80")
    # nothing was paid: the refund lowered the installments, nothing is owed back
    assert [i["amount"] for i in policy["installments"]] == ["802.80", "0.00"]
    assert policy["refund_due"] == "0.00"
    # the cancelled policy takes no endorsement and no second cancellation
    for path, body in (("endorsements", INCREASE), ("cancellation", CANCEL)):
        check = unchanged(api_url)
        problem(post(client, auth, f"/policies/{number}/{path}", body, IST), 409, "conflict")
        check()
    # in English when asked
    r = client.post(
        f"{PREFIX}/policies/{number}/cancellation", headers=auth(IST, "en"), json=CANCEL
    )
    detail = problem(r, 409, "conflict")["detail"]
    assert "cancel" in detail.lower() and "endorsement." not in detail


def test_refused_endorsements_change_nothing(client, auth, number, api_url):
    check = unchanged(api_url)
    path = f"/policies/{number}/endorsements"
    problem(client.post(PREFIX + path, json=INCREASE), 401, "unauthenticated")
    # agencies never endorse; the manager has no permission
    problem(post(client, auth, path, INCREASE, A1), 403, "forbidden")
    problem(post(client, auth, path, INCREASE, MGR), 403, "forbidden")
    # Ankara Şube does not see agency A's policy: as if it did not exist
    other = post(client, auth, path, INCREASE, ANKARA)
    assert problem(other, 404, "not_found") == problem(
        post(client, auth, "/policies/9999999/endorsements", INCREASE, ANKARA), 404, "not_found"
    )
    # input problems name the body's fields
    assert fields_of(post(client, auth, path, INCREASE | {"effective": "2028-01-01"}, IST)) == [
        "effective"
    ]
    assert fields_of(post(client, auth, path, INCREASE | {"description": " "}, IST)) == [
        "description"
    ]
    assert fields_of(post(client, auth, path, INCREASE | {"sum_insured": "abc"}, IST)) == [
        "sum_insured"
    ]
    no_description = {k: v for k, v in INCREASE.items() if k != "description"}
    assert fields_of(post(client, auth, path, no_description, IST)) == ["description"]
    bad = {"effective": "2026-09-08", "reason": "yok_boyle"}
    assert fields_of(post(client, auth, f"/policies/{number}/cancellation", bad, IST)) == ["reason"]
    problem(post(client, auth, f"/policies/{number}/cancellation", CANCEL, A1), 403, "forbidden")
    check()


def test_over_the_limit_it_waits_for_a_head_office_approver(client, auth, number, api_url):
    big = INCREASE | {"sum_insured": "3000000.00"}
    r = post(client, auth, f"/policies/{number}/endorsements", big, IST)
    assert (r.status_code, r.json()["status"], r.json()["approved_by"]) == (
        201,
        "awaiting_approval",
        None,
    )
    assert (r.json()["net_change"], r.json()["gross_change"]) == ("1774.41", "2040.57")
    approve = f"/policies/{number}/endorsements/1/approve"
    check = unchanged(api_url)
    # while it waits: the policy's own figures, no other endorsement, no PDF
    policy = client.get(f"{PREFIX}/policies/{number}", headers=auth(A1)).json()
    assert (policy["net_premium"], policy["endorsements"][0]["status"]) == (
        "1144.00",
        "awaiting_approval",
    )
    problem(post(client, auth, f"/policies/{number}/cancellation", CANCEL, IST), 409, "conflict")
    pdf = f"{PREFIX}/policies/{number}/endorsements/1/document.pdf"
    problem(client.get(pdf, headers=auth(A1)), 409, "conflict")
    problem(client.get(pdf, headers=auth(B1)), 404, "not_found")
    # only head office approves
    problem(post(client, auth, approve, None, IST), 403, "forbidden")
    problem(post(client, auth, approve, None, A1), 403, "forbidden")
    problem(client.post(PREFIX + approve), 401, "unauthenticated")
    problem(
        post(client, auth, f"/policies/{number}/endorsements/7/approve", None, GM), 404, "not_found"
    )
    check()
    r = post(client, auth, approve, None, GM)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["approved_by"]) == ("approved", GM)
    policy = client.get(f"{PREFIX}/policies/{number}", headers=auth(A1)).json()
    assert (policy["sum_insured"], policy["net_premium"], policy["gross_premium"]) == (
        "3000000.00",
        "2918.41",
        "3356.17",
    )
    # decided once
    check = unchanged(api_url)
    problem(post(client, auth, approve, None, GM), 409, "conflict")
    check()


def test_the_same_idempotency_key_answers_the_first_endorsement_again(
    client, auth, number, api_url
):
    path = f"{PREFIX}/policies/{number}/endorsements"
    headers = auth(IST) | {"Idempotency-Key": "zeyil-1"}
    first = client.post(path, headers=headers, json=INCREASE)
    assert first.status_code == 201, first.text
    check = unchanged(api_url)
    again = client.post(path, headers=headers, json=INCREASE)
    assert (again.status_code, again.json()) == (201, first.json())
    # the same key with another body is a conflict
    other = client.post(path, headers=headers, json=INCREASE | {"description": "Başka"})
    problem(other, 409, "conflict")
    check()
    policy = client.get(f"{PREFIX}/policies/{number}", headers=auth(A1)).json()
    assert [e["number"] for e in policy["endorsements"]] == [f"1/{number}"]
