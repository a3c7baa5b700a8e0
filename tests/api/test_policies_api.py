"""Policies through the API: issue (also dry_run), read, list, approve, unapprove, revise, PDF.

The home line (konut) of the shipped tariff, acente.a1 (policy limit 500 000 per line), the
business day 2026-03-02 (the services' clock, moved for these tests):
    400 000 → net 572.00 (1.30 ‰ × 1.10 band), BSMV 5 % 28.60, YSV 10 % 57.20, gross 657.80
    450 000 → net 643.50, BSMV 32.18, YSV 64.35, gross 740.03
    900 000 → over acente.a1's limit: awaiting a head-office approver
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from iztim_app.core import clock
from iztim_app.core.quotes import services as quotes
from tests.api.conftest import PREFIX
from tests.foundation.support import actor_of, snapshot
from tests.policies.fixtures_policies import policy_audit, sequence_last, stored_policies
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import FORMS, _rows, form

A1, A2, B1, GM, IST, MGR, IT = (
    "acente.a1",
    "acente.a2",
    "acente.b1",
    "gm.onay",
    "sube.istanbul",
    "gm.mudur",
    "bt.admin",
)
FIRST = 5000001
# Tables a refused call may still touch: the token's last use, an idempotency claim, the
# count of wrong tokens (throttling).
BOOKKEEPING = {"api_token", "api_idempotency", "sign_in_throttle"}


@pytest.fixture(autouse=True)
def business_day(monkeypatch: pytest.MonkeyPatch, auth) -> None:  # noqa: ANN001
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    for code in (A1, A2, B1, GM, IST, MGR, IT):  # every token made before anything is checked
        auth(code)


def unchanged(url: str):  # noqa: ANN201
    """Call after a refused request: asserts no row changed outside the bookkeeping."""
    before = {k: v for k, v in snapshot(url).items() if k not in BOOKKEEPING}

    def check() -> None:
        after = {k: v for k, v in snapshot(url).items() if k not in BOOKKEEPING}
        assert after == before

    return check


def problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def home(customer_number: int, sum_insured: str = "400000.00", installments: int = 1) -> dict:
    return {
        "customer_number": customer_number,
        "line": "konut",
        "sum_insured": sum_insured,
        "start": TODAY.isoformat(),
        "fields": dict(FORMS["konut"]),
        "installments": installments,
    }


HOME_400K = {
    "sum_insured": "400000.00",
    "net_premium": "572.00",
    "taxes": {"BSMV": "28.60", "YSV": "57.20"},
    "gross_premium": "657.80",
}


def figures(policy: dict[str, Any]) -> dict[str, Any]:
    return {k: policy[k] for k in ("sum_insured", "net_premium", "taxes", "gross_premium")}


def issued(client, auth, body: dict, who: str = A1) -> dict[str, Any]:  # noqa: ANN001
    r = client.post(PREFIX + "/policies", headers=auth(who), json=body)
    assert r.status_code == 201, r.text
    return r.json()


def awaiting(client, auth, customers) -> int:  # noqa: ANN001
    policy = issued(client, auth, home(customers.a1_person.number, "900000.00"))
    assert policy["status"] == "awaiting_approval"
    return policy["number"]


# ====================================================================== issuing


def test_a_policy_within_the_limit_is_issued_approved_with_its_plan(
    client, auth, customers, api_url
):
    # when acente.a1 issues a 400 000 home policy in 3 installments
    policy = issued(client, auth, home(customers.a1_person.number, installments=3))
    # then it has the first number, approved by its preparer, priced exactly
    assert (policy["number"], policy["version"], policy["status"]) == (FIRST, 1, "approved")
    assert figures(policy) == HOME_400K
    assert (policy["line"], policy["customer_number"], policy["quote_number"]) == (
        "konut",
        customers.a1_person.number,
        None,
    )
    assert (policy["start"], policy["end"]) == ("2026-03-02", "2027-03-02")
    assert policy["fields"] == FORMS["konut"]
    assert policy["installments"] == [
        {"k": 1, "due": "2026-03-02", "amount": "219.28", "paid": "0.00", "status": "unpaid"},
        {"k": 2, "due": "2026-04-02", "amount": "219.26", "paid": "0.00", "status": "unpaid"},
        {"k": 3, "due": "2026-05-02", "amount": "219.26", "paid": "0.00", "status": "unpaid"},
    ]
    assert (policy["endorsements"], policy["refund_due"], policy["cancelled_from"]) == (
        [],
        "0.00",
        None,
    )
    assert (policy["prepared_by"], policy["approved_by"]) == (A1, A1)
    assert policy["approved_at"].endswith("+00:00")
    assert len(policy["access_code"]) == 8
    # stored once, audited as acente.a1's issue
    assert [r["status"] for r in stored_policies(api_url)] == ["approved"]
    assert [(a["actor_code"], a["action"]) for a in policy_audit(api_url, "policy.issue")] == [
        (A1, "policy.issue")
    ]
    assert _rows(api_url, "SELECT via FROM audit_event WHERE action = 'policy.issue'") == [
        {"via": "api:test"}  # the token's name (tests/api/conftest.py)
    ]
    # and it reads back the same
    r = client.get(f"{PREFIX}/policies/{FIRST}", headers=auth(A1))
    assert r.status_code == 200 and r.json() == policy


def test_a_dry_run_answers_the_policy_as_it_would_be_issued_and_saves_nothing(
    client, auth, customers, api_url
):
    body = home(customers.a1_person.number, installments=3)
    check = unchanged(api_url)
    r = client.post(PREFIX + "/policies?dry_run=true", headers=auth(A1), json=body)
    assert r.status_code == 200, r.text
    preview = r.json()
    assert (preview["number"], preview["status"], preview["approved_by"]) == (
        None,
        "approved",
        A1,
    )
    assert figures(preview) == HOME_400K
    assert [(i["k"], i["amount"]) for i in preview["installments"]] == [
        (1, "219.28"),
        (2, "219.26"),
        (3, "219.26"),
    ]
    check()
    assert sequence_last(api_url) is None  # no number used
    # over the limit, the dry run says it would await approval
    over = home(customers.a1_person.number, "900000.00")
    r = client.post(PREFIX + "/policies?dry_run=true", headers=auth(A1), json=over)
    assert (r.status_code, r.json()["status"], r.json()["approved_by"]) == (
        200,
        "awaiting_approval",
        None,
    )
    check()
    # the real issue then takes the first number
    assert issued(client, auth, body)["number"] == FIRST


def test_a_policy_from_an_approved_quote_takes_its_figures_once(
    client, auth, customers, db, api_url
):
    quote = quotes.save_quote(
        db, actor_of(db, A1), form("konut", customers.a1_person, "400000"), today=TODAY
    )
    assert quote.status == "approved"
    body = {"quote_number": quote.number, "installments": 2}
    policy = issued(client, auth, body)
    assert (policy["number"], policy["quote_number"], policy["status"]) == (
        FIRST,
        quote.number,
        "approved",
    )
    assert figures(policy) == HOME_400K
    assert [i["amount"] for i in policy["installments"]] == ["328.90", "328.90"]
    # the quote is a policy now: a second policy from it is refused and nothing changes
    check = unchanged(api_url)
    problem(client.post(PREFIX + "/policies", headers=auth(A1), json=body), 409, "conflict")
    check()
    # an unknown quote number is no such record (api.md: 404), and another office's quote
    # reads exactly the same
    unknown = {"quote_number": 9999999, "installments": 1}
    r = client.post(PREFIX + "/policies", headers=auth(A1), json=unknown)
    assert problem(r, 404, "not_found")["detail"] != ""
    r2 = client.post(PREFIX + "/policies", headers=auth(B1), json=body)
    assert r2.json() == problem(r2, 404, "not_found")
    check()


def test_another_offices_quote_is_not_found_and_an_expired_own_quote_is_a_conflict(
    client, auth, customers, db, api_url, monkeypatch
):
    theirs = quotes.save_quote(
        db, actor_of(db, B1), form("konut", customers.b1_person, "300000"), today=TODAY
    )
    mine = quotes.save_quote(
        db, actor_of(db, A1), form("konut", customers.a1_person, "300000"), today=TODAY
    )
    assert (theirs.status, mine.status) == ("approved", "approved")
    check = unchanged(api_url)
    # agency B's approved, unexpired quote: outside acente.a1's scope, so no such record
    other = {"quote_number": theirs.number, "installments": 1}
    for dry_run in ("", "?dry_run=true"):
        r = client.post(PREFIX + "/policies" + dry_run, headers=auth(A1), json=other)
        gone = problem(r, 404, "not_found")
        ghost = client.post(
            PREFIX + "/policies" + dry_run,
            headers=auth(A1),
            json={"quote_number": 9999999, "installments": 1},
        )
        assert problem(ghost, 404, "not_found")["detail"] == gone["detail"]
    # acente.a1's own quote, once expired (konut quotes are valid 30 days): a conflict
    monkeypatch.setattr(clock, "today", lambda: TODAY + timedelta(days=31))
    own = {"quote_number": mine.number, "installments": 1}
    expired = problem(
        client.post(PREFIX + "/policies", headers=auth(A1), json=own), 409, "conflict"
    )
    # in the same words as a quote the caller cannot see: only the status tells them apart
    assert expired["detail"] == gone["detail"] != ""
    check()


def test_issuing_is_refused_without_a_token_or_the_permission_and_changes_nothing(
    client, auth, customers, api_url
):
    body = home(customers.a1_person.number)
    check = unchanged(api_url)
    problem(client.post(PREFIX + "/policies", json=body), 401, "unauthenticated")
    bad = {"Authorization": "Bearer not-a-token"}
    problem(client.post(PREFIX + "/policies", headers=bad, json=body), 401, "unauthenticated")
    # gm.mudur (manager) reads policies but may not issue them
    problem(client.post(PREFIX + "/policies", headers=auth(MGR), json=body), 403, "forbidden")
    check()
    assert sequence_last(api_url) is None


def test_bad_policy_input_is_refused_naming_the_field_and_uses_no_number(
    client, auth, customers, api_url
):
    check = unchanged(api_url)
    body = home(customers.a1_person.number, "-5")
    r = client.post(PREFIX + "/policies", headers=auth(A1), json=body)
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["sum_insured"]
    body = home(customers.a1_person.number, installments=7)  # konut allows 6
    r = client.post(PREFIX + "/policies", headers=auth(A1), json=body)
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["installments"]
    body = home(customers.a1_person.number) | {"start": "02.03.2026x"}
    r = client.post(PREFIX + "/policies", headers=auth(A1), json=body)
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["start"]
    # another agency's customer is no customer of acente.b1's
    r = client.post(PREFIX + "/policies", headers=auth(B1), json=home(customers.a1_person.number))
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == [
        "customer_number"
    ]
    # the shape: installments missing, an amount given as a number
    body = home(customers.a1_person.number)
    del body["installments"]
    r = client.post(PREFIX + "/policies", headers=auth(A1), json=body)
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["installments"]
    body = home(customers.a1_person.number) | {"sum_insured": 400000}
    problem(client.post(PREFIX + "/policies", headers=auth(A1), json=body), 400, "bad_request")
    check()
    assert sequence_last(api_url) is None


# ====================================================================== reading


def test_a_policy_outside_the_callers_scope_reads_like_an_unknown_number(
    client, auth, customers, api_url
):
    number = issued(client, auth, home(customers.a1_person.number))["number"]
    other = client.get(f"{PREFIX}/policies/{number}", headers=auth(B1))
    unknown = client.get(f"{PREFIX}/policies/9999999", headers=auth(B1))
    assert problem(other, 404, "not_found") == problem(unknown, 404, "not_found")
    # acente.a2 (same agency, another user) sees only their own records too
    problem(client.get(f"{PREFIX}/policies/{number}", headers=auth(A2)), 404, "not_found")
    # İstanbul Şube (agency A is under it) and the manager at head office read it
    for code in (IST, MGR):
        r = client.get(f"{PREFIX}/policies/{number}", headers=auth(code))
        assert (r.status_code, figures(r.json())) == (200, HOME_400K)
    # IT reads no policies; without a token nobody does
    problem(client.get(f"{PREFIX}/policies/{number}", headers=auth(IT)), 403, "forbidden")
    problem(client.get(f"{PREFIX}/policies/{number}"), 401, "unauthenticated")


def test_the_list_pages_and_filters_policies_in_scope(client, auth, customers, db):
    a1 = issued(client, auth, home(customers.a1_person.number))["number"]
    a1_over = awaiting(client, auth, customers)
    company = issued(client, auth, home(customers.a1_company.number, "300000.00"))["number"]
    b1 = issued(client, auth, home(customers.b1_person.number), who=B1)["number"]

    def numbers(query: str, who: str = A1) -> tuple[list[int], int]:
        r = client.get(f"{PREFIX}/policies{query}", headers=auth(who))
        assert r.status_code == 200, r.text
        return [p["number"] for p in r.json()["items"]], r.json()["total"]

    assert numbers("") == ([company, a1_over, a1], 3)
    assert numbers("", B1) == ([b1], 1)
    assert numbers("", IST) == ([company, a1_over, a1], 3)
    assert numbers("", GM) == ([b1, company, a1_over, a1], 4)
    assert numbers("?status=awaiting_approval") == ([a1_over], 1)
    assert numbers(f"?customer_number={customers.a1_company.number}") == ([company], 1)
    assert numbers("?line=trafik") == ([], 0)
    assert numbers("?from=2026-03-02&to=2026-03-02") == ([company, a1_over, a1], 3)
    assert numbers("?from=2026-03-03") == ([], 0)
    r = client.get(f"{PREFIX}/policies?page=2&size=2", headers=auth(A1))
    body = r.json()
    assert ([p["number"] for p in body["items"]], body["page"], body["size"], body["total"]) == (
        [a1],
        2,
        2,
        3,
    )
    # an item is the whole policy
    assert figures(body["items"][0]) == HOME_400K
    # refusals
    r = client.get(f"{PREFIX}/policies?from=2026-13-01", headers=auth(A1))
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["from"]
    r = client.get(f"{PREFIX}/policies?from=2026-03-05&to=2026-03-01", headers=auth(A1))
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["to"]
    problem(client.get(f"{PREFIX}/policies?size=101", headers=auth(A1)), 422, "validation_failed")
    problem(client.get(f"{PREFIX}/policies", headers=auth(IT)), 403, "forbidden")
    problem(client.get(f"{PREFIX}/policies"), 401, "unauthenticated")


# ====================================================================== approval


def test_a_head_office_approver_approves_an_awaiting_policy_once(client, auth, customers, api_url):
    number = awaiting(client, auth, customers)
    check = unchanged(api_url)
    # the preparer (an agency) and a branch may not approve; nothing changes
    for code in (A1, IST):
        r = client.post(f"{PREFIX}/policies/{number}/approve", headers=auth(code))
        problem(r, 403, "forbidden")
    problem(client.post(f"{PREFIX}/policies/{number}/approve"), 401, "unauthenticated")
    problem(client.post(f"{PREFIX}/policies/9999999/approve", headers=auth(GM)), 404, "not_found")
    check()
    # gm.onay approves: the plan and the access code come with the approval
    r = client.post(f"{PREFIX}/policies/{number}/approve", headers=auth(GM))
    assert r.status_code == 200, r.text
    policy = r.json()
    assert (policy["status"], policy["approved_by"], policy["prepared_by"]) == (
        "approved",
        GM,
        A1,
    )
    assert (policy["gross_premium"], [i["amount"] for i in policy["installments"]]) == (
        "1480.05",
        ["1480.05"],
    )
    assert policy["access_code"] is not None
    # a second decision is a conflict and changes nothing
    check = unchanged(api_url)
    problem(client.post(f"{PREFIX}/policies/{number}/approve", headers=auth(GM)), 409, "conflict")
    check()


# ====================================================================== un-approval, revision


def test_unapproval_then_revision_reissues_the_same_number_as_the_next_version(
    client, auth, customers, api_url
):
    number = issued(client, auth, home(customers.a1_person.number))["number"]
    check = unchanged(api_url)
    url = f"{PREFIX}/policies/{number}"
    # refusals first: an agency, a branch, no reason, no token
    problem(
        client.post(url + "/unapprove", headers=auth(A1), json={"reason": "x"}), 403, "forbidden"
    )
    problem(
        client.post(url + "/unapprove", headers=auth(IST), json={"reason": "x"}), 403, "forbidden"
    )
    r = client.post(url + "/unapprove", headers=auth(GM), json={"reason": "  "})
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["reason"]
    r = client.post(url + "/unapprove", headers=auth(GM), json={})
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["reason"]
    problem(client.post(url + "/unapprove", json={"reason": "x"}), 401, "unauthenticated")
    # revising an approved policy: only while unapproved
    problem(client.post(url + "/revise", headers=auth(GM), json={}), 409, "conflict")
    check()
    # gm.onay removes the approval
    r = client.post(url + "/unapprove", headers=auth(GM), json={"reason": "Yanlış bina yaşı"})
    assert r.status_code == 200, r.text
    assert (r.json()["number"], r.json()["version"], r.json()["status"]) == (
        number,
        1,
        "unapproved",
    )
    assert client.get(url, headers=auth(A1)).json()["status"] == "unapproved"
    listed = client.get(f"{PREFIX}/policies?status=unapproved", headers=auth(A1)).json()
    assert [(p["number"], p["version"], p["status"]) for p in listed["items"]] == [
        (number, 1, "unapproved")
    ]
    # the document of an unapproved policy does not print
    problem(client.get(url + "/document.pdf", headers=auth(A1)), 409, "conflict")
    # the agency may not revise; bad input changes nothing
    check = unchanged(api_url)
    problem(client.post(url + "/revise", headers=auth(A1), json={}), 403, "forbidden")
    r = client.post(url + "/revise", headers=auth(GM), json={"sum_insured": "çok"})
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["sum_insured"]
    r = client.post(url + "/revise", headers=auth(GM), json={"installments": 9})
    assert [e["field"] for e in problem(r, 422, "validation_failed")["errors"]] == ["installments"]
    problem(client.post(url + "/revise", headers=auth(B1), json={}), 404, "not_found")
    check()
    # revised to 450 000 in 2 installments, within gm.onay's limit: approved again
    r = client.post(
        url + "/revise", headers=auth(GM), json={"sum_insured": "450000.00", "installments": 2}
    )
    assert r.status_code == 200, r.text
    policy = r.json()
    assert (policy["number"], policy["version"], policy["status"], policy["approved_by"]) == (
        number,
        2,
        "approved",
        GM,
    )
    assert figures(policy) == {
        "sum_insured": "450000.00",
        "net_premium": "643.50",
        "taxes": {"BSMV": "32.18", "YSV": "64.35"},
        "gross_premium": "740.03",
    }
    assert [r["status"] for r in stored_policies(api_url, number)] == ["unapproved", "approved"]
    assert sequence_last(api_url) == number  # the same number, no new one drawn


# ====================================================================== the document


def test_the_policy_document_prints_for_the_caller_in_scope(client, auth, customers, api_url):
    number = issued(client, auth, home(customers.a1_person.number))["number"]
    r = client.get(f"{PREFIX}/policies/{number}/document.pdf", headers=auth(A1))
    assert (r.status_code, r.headers["content-type"]) == (200, "application/pdf")
    assert r.content.startswith(b"%PDF")
    assert [a["action"] for a in _prints(api_url)] == ["policy.print"]
    check = unchanged(api_url)
    url = f"{PREFIX}/policies/{number}/document.pdf"
    problem(client.get(url, headers=auth(B1)), 404, "not_found")
    problem(client.get(url, headers=auth(IT)), 403, "forbidden")
    problem(client.get(url), 401, "unauthenticated")
    # awaiting approval: not printable
    over = awaiting(client, auth, customers)
    check = unchanged(api_url)
    r = client.get(f"{PREFIX}/policies/{over}/document.pdf", headers=auth(A1))
    problem(r, 409, "conflict")
    check()


def _prints(url: str) -> list[dict[str, Any]]:
    return _rows(url, "SELECT action FROM audit_event WHERE action = 'policy.print' ORDER BY id")
