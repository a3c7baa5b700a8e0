"""Quotes through the API: save, read, list, approve, reject, revise and print, each by the
quote services the screen calls, so every permission, scope, limit and immutability rule
holds and a refused call changes nothing.

Figures from the shipped tariff (v1), a home (konut) quote, earthquake zone 1:
  500 000,00 → net 715,00  + BSMV 35,75  + YSV 71,50  = 822,25
2 000 000,00 → net 2600,00 + BSMV 130,00 + YSV 260,00 = 2990,00
Demo limits per line: acente.* 500 000, sube.* 2 500 000, gm.onay 100 000 000.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from iztim_app.core import clock
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs.rating import one_year_later
from iztim_app.core.users import services as users
from tests.api.conftest import PREFIX
from tests.foundation.support import actor_of, user_of
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_quotes import FORMS, OPERATOR, book, form, quote_audit

FIRST = 1000001
HOME = FORMS["konut"]


def today() -> date:
    return clock.today()


def home(customer_number: int | None, sum_insured: str = "500000.00", **changes: Any) -> dict:
    found = {
        "line": "konut",
        "sum_insured": sum_insured,
        "start": today().isoformat(),
        "fields": dict(HOME),
    }
    if customer_number is not None:
        found["customer_number"] = customer_number
    return found | changes


def post(client: TestClient, path: str, headers: dict[str, str], payload: Any = None) -> Any:
    return client.post(PREFIX + path, headers=headers, json=payload)


def saved(db: Session, code: str, customer, sum_insured: str, *, on: date | None = None) -> int:
    """A home quote saved through the service, as on the screen (`on`: its date)."""
    view = quotes.save_quote(
        db,
        actor_of(db, code),
        form("konut", customer, sum_insured, start=on or today()),
        today=on or today(),
    )
    return view.number


def refused(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["detail"]
    return problem


# ====================================================================== saving


def test_within_the_limit_a_quote_is_saved_approved_by_the_preparer(
    client: TestClient, auth, api_url: str, customers: Customers
):
    # when acente.a1 (home limit 500 000) saves a 500 000 home quote for its own customer
    answer = post(client, "/quotes", auth("acente.a1"), home(customers.a1_person.number))
    # then
    assert answer.status_code == 201
    found = answer.json()
    worksheet, approved_at = found.pop("worksheet"), found.pop("approved_at")
    assert found == {
        "number": FIRST,
        "date": today().isoformat(),
        "valid_until": (today() + timedelta(days=30)).isoformat(),
        "status": "approved",
        "line": "konut",
        "customer_number": 100001,
        "customer_group": "bireysel",
        "sum_insured": "500000.00",
        "start": today().isoformat(),
        "end": one_year_later(today()).isoformat(),
        "fields": HOME,
        "net_premium": "715.00",
        "taxes": {"BSMV": "35.75", "YSV": "71.50"},
        "gross_premium": "822.25",
        "channel": "agency",
        "prepared_by": "acente.a1",
        "approved_by": "acente.a1",
        "revises": None,
        "renews": None,
        "policy_number": None,
    }
    assert approved_at.endswith("+00:00")
    # the worksheet is the price's: the same service priced both
    priced = post(client, "/price", auth("acente.a1"), home(None, customer_group="bireysel"))
    assert worksheet == priced.json()["worksheet"]
    assert worksheet[-1]["kind"] == "gross"
    audit = quote_audit(api_url, "quote.create")
    assert [(a["actor_code"], a["entity_id"], a["after"]["gross_premium"]) for a in audit] == [
        ("acente.a1", str(FIRST), "822.25")
    ]


def test_over_the_limit_a_quote_awaits_approval(client: TestClient, auth, customers: Customers):
    answer = post(client, "/quotes", auth("acente.a1"), home(100001, "2000000.00"))
    assert answer.status_code == 201
    found = answer.json()
    assert (found["status"], found["approved_by"], found["approved_at"]) == (
        "awaiting_approval",
        None,
        None,
    )
    assert (found["net_premium"], found["gross_premium"]) == ("2600.00", "2990.00")


def test_saving_without_a_token_or_without_quote_create_changes_nothing(
    client: TestClient, auth, api_url: str, customers: Customers
):
    mudur = auth("gm.mudur")  # sees quotes, may not prepare them
    before = book(api_url)
    refused(post(client, "/quotes", {}, home(100001)), 401, "unauthenticated")
    refused(post(client, "/quotes", mudur, home(100001)), 403, "forbidden")
    assert book(api_url) == before


def test_another_agencys_customer_is_refused_like_no_customer(
    client: TestClient, auth, api_url: str, customers: Customers
):
    a1 = auth("acente.a1")
    before = book(api_url)
    # b1_person (100004) is agency B's; 999999 does not exist
    other = refused(post(client, "/quotes", a1, home(100004)), 422, "validation_failed")
    missing = refused(post(client, "/quotes", a1, home(999999)), 422, "validation_failed")
    assert [e["field"] for e in other["errors"]] == ["customer_number"]
    assert other == missing
    assert book(api_url) == before


def test_every_problem_of_the_form_is_listed_and_no_number_is_used(
    client: TestClient, auth, api_url: str, customers: Customers
):
    a1 = auth("acente.a1", "en")
    before = book(api_url)
    both = post(client, "/quotes", a1, home(100001, "-5", start="1 March"))
    assert [e["field"] for e in refused(both, 422, "validation_failed")["errors"]] == [
        "sum_insured",
        "start",
    ]
    unknown = post(client, "/quotes", a1, home(100001, fields=HOME | {"floor_area": "abc"}))
    assert [e["field"] for e in refused(unknown, 422, "validation_failed")["errors"]] == [
        "fields.floor_area"
    ]
    missing = post(client, "/quotes", a1, {"line": "konut"})
    assert sorted(e["field"] for e in refused(missing, 422, "validation_failed")["errors"]) == [
        "customer_number",
        "start",
        "sum_insured",
    ]
    assert book(api_url) == before
    # and the next quote still gets the first number
    assert post(client, "/quotes", a1, home(100001)).json()["number"] == FIRST


# ====================================================================== reading


@pytest.fixture
def book_of_quotes(db: Session, customers: Customers) -> dict[str, int]:
    """acente.a1: a home quote 10 days ago (approved), one today (awaiting); acente.b1 one."""
    return {
        "a1_old": saved(
            db, "acente.a1", customers.a1_person, "300000", on=today() - timedelta(days=10)
        ),
        "a1_awaiting": saved(db, "acente.a1", customers.a1_person, "2000000"),
        "b1": saved(db, "acente.b1", customers.b1_person, "400000"),
    }


def numbers(answer: Any) -> list[int]:
    assert answer.status_code == 200, answer.json()
    return [q["number"] for q in answer.json()["items"]]


def test_the_list_shows_the_callers_quotes_newest_first_with_filters(
    client: TestClient, auth, book_of_quotes: dict[str, int]
):
    a1 = auth("acente.a1")
    old, awaiting = book_of_quotes["a1_old"], book_of_quotes["a1_awaiting"]

    def listed(**params: Any) -> list[int]:
        return numbers(client.get(PREFIX + "/quotes", headers=a1, params=params))

    assert listed() == [awaiting, old]
    assert listed(status="awaiting_approval") == [awaiting]
    assert listed(status="approved") == [old]
    assert listed(line="konut", **{"from": today().isoformat()}) == [awaiting]
    assert listed(to=(today() - timedelta(days=1)).isoformat()) == [old]
    assert listed(line="trafik") == []
    page = client.get(PREFIX + "/quotes", headers=a1, params={"size": 1, "page": 2}).json()
    assert ([q["number"] for q in page["items"]], page["total"], page["size"]) == ([old], 2, 1)
    item = client.get(PREFIX + "/quotes", headers=a1).json()["items"][1]
    assert (item["date"], item["sum_insured"], item["net_premium"], item["gross_premium"]) == (
        (today() - timedelta(days=10)).isoformat(),
        "300000.00",
        "429.00",
        "493.35",
    )


def test_head_office_sees_every_agencys_quotes(
    client: TestClient, auth, book_of_quotes: dict[str, int]
):
    answer = client.get(PREFIX + "/quotes", headers=auth("gm.mudur"))
    assert numbers(answer) == sorted(book_of_quotes.values(), reverse=True)


def test_bad_list_filters_are_refused_with_their_fields(
    client: TestClient, auth, book_of_quotes: dict[str, int]
):
    a1 = auth("acente.a1")

    def fields(**params: Any) -> list[str]:
        answer = client.get(PREFIX + "/quotes", headers=a1, params=params)
        return [e["field"] for e in refused(answer, 422, "validation_failed")["errors"]]

    assert fields(**{"from": "2026-13-01", "to": "yesterday"}) == ["from", "to"]
    assert fields(**{"from": "2026-05-02", "to": "2026-05-01"}) == ["to"]
    assert fields(status="open") == ["status"]
    assert fields(size="0") == ["size"]


def test_one_quote_and_the_refusals_of_reading_it(
    client: TestClient, auth, api_url: str, book_of_quotes: dict[str, int]
):
    a1, b1, admin = auth("acente.a1", "en"), auth("acente.b1", "en"), auth("bt.admin")
    number = book_of_quotes["a1_awaiting"]
    before = book(api_url)
    found = client.get(f"{PREFIX}/quotes/{number}", headers=a1).json()
    assert (found["number"], found["status"], found["gross_premium"]) == (
        number,
        "awaiting_approval",
        "2990.00",
    )
    other = refused(client.get(f"{PREFIX}/quotes/{number}", headers=b1), 404, "not_found")
    missing = refused(client.get(f"{PREFIX}/quotes/7777777", headers=b1), 404, "not_found")
    assert other == missing
    refused(client.get(f"{PREFIX}/quotes/{number}", headers=admin), 403, "forbidden")
    refused(client.get(f"{PREFIX}/quotes/{number}"), 401, "unauthenticated")
    refused(client.get(PREFIX + "/quotes", headers=admin), 403, "forbidden")
    assert book(api_url) == before


# ====================================================================== approving, rejecting


def test_an_approver_approves_under_their_own_name(
    client: TestClient, auth, api_url: str, book_of_quotes: dict[str, int]
):
    number = book_of_quotes["a1_awaiting"]
    answer = post(client, f"/quotes/{number}/approve", auth("gm.onay"))
    assert answer.status_code == 200
    found = answer.json()
    assert (found["status"], found["approved_by"], found["prepared_by"]) == (
        "approved",
        "gm.onay",
        "acente.a1",
    )
    assert found["approved_at"].endswith("+00:00")
    decision = quote_audit(api_url, "quote.approve")
    assert [(a["actor_code"], a["entity_id"], a["before"]) for a in decision] == [
        ("gm.onay", str(number), {"status": "awaiting_approval"})
    ]
    # a second decision is a conflict, and changes nothing
    before = book(api_url)
    refused(post(client, f"/quotes/{number}/approve", auth("gm.onay")), 409, "conflict")
    refused(
        post(client, f"/quotes/{number}/reject", auth("gm.onay"), {"reason": "geç"}),
        409,
        "conflict",
    )
    assert book(api_url) == before


def test_approving_is_refused_without_the_permission_over_the_limit_or_out_of_scope(
    client: TestClient, auth, api_url: str, db: Session, book_of_quotes: dict[str, int]
):
    number = book_of_quotes["a1_awaiting"]  # 2 000 000, under İstanbul Şube
    # given sube.ankara may approve (limit 2 500 000) but sees only Ankara's tree, and
    # gm.onay's home limit is lowered under the quote's sum
    ankara = user_of(db, "sube.ankara")
    granted = actor_of(db, "sube.ankara").permissions | {"quote.approve"}
    users.set_permissions(db, OPERATOR, ankara.id, granted)
    users.set_limit(db, OPERATOR, user_of(db, "gm.onay").id, "konut", "1999999.99", "1999999.99")
    headers = {code: auth(code) for code in ("sube.istanbul", "sube.ankara", "gm.onay")}
    before = book(api_url)
    path = f"/quotes/{number}/approve"
    refused(post(client, path, {}), 401, "unauthenticated")
    refused(post(client, path, headers["sube.istanbul"]), 403, "forbidden")  # no quote.approve
    refused(post(client, path, headers["gm.onay"]), 403, "forbidden")  # over their limit
    other = refused(post(client, path, headers["sube.ankara"]), 404, "not_found")
    missing = refused(
        post(client, "/quotes/7777777/approve", headers["sube.ankara"]), 404, "not_found"
    )
    assert other == missing
    assert book(api_url) == before


def test_an_expired_quote_cannot_be_approved(
    client: TestClient, auth, api_url: str, db: Session, customers: Customers
):
    # given an awaiting quote saved 31 days ago (valid 30 days)
    number = saved(db, "acente.a1", customers.a1_person, "2000000", on=today() - timedelta(days=31))
    gm = auth("gm.onay")
    assert client.get(f"{PREFIX}/quotes/{number}", headers=gm).json()["status"] == "expired"
    before = book(api_url)
    refused(post(client, f"/quotes/{number}/approve", gm), 409, "conflict")
    assert book(api_url) == before


def test_a_rejection_keeps_the_reason_and_needs_one(
    client: TestClient, auth, api_url: str, book_of_quotes: dict[str, int]
):
    number = book_of_quotes["a1_awaiting"]
    gm = auth("gm.onay", "en")
    before = book(api_url)
    empty = refused(
        post(client, f"/quotes/{number}/reject", gm, {"reason": "  "}), 422, "validation_failed"
    )
    assert [e["field"] for e in empty["errors"]] == ["reason"]
    missing = refused(post(client, f"/quotes/{number}/reject", gm, {}), 422, "validation_failed")
    assert [e["field"] for e in missing["errors"]] == ["reason"]
    assert book(api_url) == before
    answer = post(client, f"/quotes/{number}/reject", gm, {"reason": "Risk uygun değil"})
    assert (answer.status_code, answer.json()["status"], answer.json()["approved_by"]) == (
        200,
        "rejected",
        None,
    )
    rejection = quote_audit(api_url, "quote.reject")[0]
    assert (rejection["actor_code"], rejection["after"]["rejection_reason"]) == (
        "gm.onay",
        "Risk uygun değil",
    )


# ====================================================================== revising


def test_a_revision_gets_a_new_number_and_supersedes_the_original(
    client: TestClient, auth, api_url: str, book_of_quotes: dict[str, int]
):
    a1 = auth("acente.a1")
    old = book_of_quotes["a1_awaiting"]
    # when the sum is lowered to the agency's limit
    answer = post(client, f"/quotes/{old}/revise", a1, home(None, "400000"))
    # then: the next number, today, the same customer, approved within the limit
    assert answer.status_code == 201
    found = answer.json()
    assert (found["number"], found["revises"], found["customer_number"], found["status"]) == (
        book_of_quotes["b1"] + 1,
        old,
        100001,
        "approved",
    )
    assert (found["date"], found["net_premium"], found["gross_premium"]) == (
        today().isoformat(),
        "572.00",
        "657.80",
    )
    original = client.get(f"{PREFIX}/quotes/{old}", headers=a1).json()
    assert original["status"] == "superseded"
    # revising it again is a conflict and uses no number
    before = book(api_url)
    refused(post(client, f"/quotes/{old}/revise", a1, home(None, "450000")), 409, "conflict")
    assert book(api_url) == before


def test_revising_is_refused_without_a_token_permission_or_scope(
    client: TestClient, auth, api_url: str, book_of_quotes: dict[str, int]
):
    number = book_of_quotes["a1_awaiting"]
    b1, mudur, a1 = auth("acente.b1"), auth("gm.mudur"), auth("acente.a1")
    before = book(api_url)
    path = f"/quotes/{number}/revise"
    refused(post(client, path, {}, home(None)), 401, "unauthenticated")
    refused(post(client, path, mudur, home(None)), 403, "forbidden")
    other = refused(post(client, path, b1, home(None)), 404, "not_found")
    assert other == refused(
        post(client, "/quotes/7777777/revise", b1, home(None)), 404, "not_found"
    )
    bad = refused(post(client, path, a1, home(None, "0")), 422, "validation_failed")
    assert [e["field"] for e in bad["errors"]] == ["sum_insured"]
    assert book(api_url) == before


# ====================================================================== printing


def test_an_approved_quote_prints_as_pdf_and_the_print_is_audited(
    client: TestClient, auth, api_url: str, book_of_quotes: dict[str, int]
):
    number = book_of_quotes["a1_old"]
    answer = client.get(f"{PREFIX}/quotes/{number}/document.pdf", headers=auth("acente.a1"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert f'filename="teklif-{number}.pdf"' in answer.headers["content-disposition"]
    printed = quote_audit(api_url, "quote.print")
    assert [(a["actor_code"], a["entity_id"], a["after"]) for a in printed] == [
        ("acente.a1", str(number), {"status": "approved", "lang": "tr"})
    ]


def test_printing_is_refused_while_not_approved_out_of_scope_or_without_a_token(
    client: TestClient, auth, api_url: str, book_of_quotes: dict[str, int]
):
    a1, b1, admin = auth("acente.a1"), auth("acente.b1"), auth("bt.admin")
    awaiting, approved = book_of_quotes["a1_awaiting"], book_of_quotes["a1_old"]
    before = book(api_url)
    pdf = PREFIX + "/quotes/{}/document.pdf"
    refused(client.get(pdf.format(awaiting), headers=a1), 409, "conflict")
    refused(client.get(pdf.format(approved), headers=b1), 404, "not_found")
    refused(client.get(pdf.format(approved), headers=admin), 403, "forbidden")
    refused(client.get(pdf.format(approved)), 401, "unauthenticated")
    assert book(api_url) == before


# ====================================================================== idempotency


def test_a_repeated_key_answers_the_first_quote_and_saves_no_second(
    client: TestClient, auth, api_url: str, customers: Customers
):
    a1 = auth("acente.a1") | {"Idempotency-Key": "order-17"}
    first = post(client, "/quotes", a1, home(100001))
    after_first = book(api_url)
    again = post(client, "/quotes", a1, home(100001))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert first.json()["number"] == FIRST
    assert book(api_url) == after_first
    # the same key with another body is a conflict, and saves nothing
    other = post(client, "/quotes", a1, home(100001, "400000"))
    refused(other, 409, "conflict")
    assert book(api_url) == after_first


@pytest.mark.parametrize("number", ["99999999999999999999", "2147483648", "0", "-1", "12a"])
def test_a_number_no_record_can_have_is_not_found(
    client: TestClient, auth, api_url: str, customers: Customers, number: str
):
    a1, gm = auth("acente.a1"), auth("gm.onay")
    before = book(api_url)
    not_found = [
        client.get(f"{PREFIX}/quotes/{number}", headers=a1),
        client.get(f"{PREFIX}/quotes/{number}/document.pdf", headers=a1),
        client.get(f"{PREFIX}/customers/{number}", headers=a1),
        post(client, f"/quotes/{number}/approve", gm),
        post(client, f"/quotes/{number}/reject", gm, {"reason": "yok"}),
        post(client, f"/quotes/{number}/revise", a1, home(None)),
    ]
    assert [(a.status_code, a.json()["code"]) for a in not_found] == [(404, "not_found")] * 6
    assert book(api_url) == before
