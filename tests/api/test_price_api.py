"""POST /api/v1/price: the quote form's price for a customer group (`quote.create`); nothing
is saved, also when refused.

The shipped tariff (v1) prices a home (konut) quote with earthquake cover in zone 1 at
sum insured × 1,30 ‰ × sum-insured band (1,10 under 1 000 000), BSMV 5 %, YSV 10 %:
500 000,00 → net 715,00 + 35,75 + 71,50 = 822,25.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from iztim_app.core import clock
from tests.api.conftest import PREFIX
from tests.quotes.fixtures_quotes import FORMS, book

HOME = FORMS["konut"]


def body(**changes: Any) -> dict[str, Any]:
    start = clock.today()
    found = {
        "line": "konut",
        "customer_group": "bireysel",
        "sum_insured": "500000.00",
        "start": start.isoformat(),
        "fields": dict(HOME),
    }
    return found | changes


def price(client: TestClient, headers: dict[str, str], payload: Any) -> Any:
    return client.post(PREFIX + "/price", headers=headers, json=payload)


def test_an_agency_user_prices_a_home_quote_and_nothing_is_saved(
    client: TestClient, auth, api_url: str
):
    a1 = auth("acente.a1")  # (making the token is audited)
    before = book(api_url)
    # when
    answer = price(client, a1, body())
    # then
    assert answer.status_code == 200
    found = answer.json()
    assert (found["net_premium"], found["taxes"], found["gross_premium"]) == (
        "715.00",
        {"BSMV": "35.75", "YSV": "71.50"},
        "822.25",
    )
    steps = found["worksheet"]
    assert [s["kind"] for s in steps][0] == "rate"
    assert steps[-1]["kind"] == "gross"
    assert book(api_url) == before


def test_a_term_and_another_sum_price_like_the_quote_form(client: TestClient, auth):
    # given 2 000 000,00 (band 1,00): net 2 600,00, taxes 130,00 and 260,00
    start = clock.today()
    payload = body(
        sum_insured="2000000.00",
        start=start.isoformat(),
        end=(start + timedelta(days=365)).isoformat(),
    )
    # when
    found = price(client, auth("sube.istanbul"), payload).json()
    # then
    assert (found["net_premium"], found["taxes"], found["gross_premium"]) == (
        "2600.00",
        {"BSMV": "130.00", "YSV": "260.00"},
        "2990.00",
    )


def test_without_a_token_the_price_is_refused(client: TestClient, api_url: str):
    before = book(api_url)
    answer = price(client, {}, body())
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "unauthenticated"
    assert book(api_url) == before


def test_pricing_needs_quote_create(client: TestClient, auth, api_url: str):
    # given gm.mudur (manager) sees quotes but may not prepare them
    mudur = auth("gm.mudur", "en")
    before = book(api_url)
    answer = price(client, mudur, body())
    assert answer.status_code == 403
    assert (answer.json()["code"], answer.json()["status"]) == ("forbidden", 403)
    assert book(api_url) == before


def test_every_problem_of_the_amount_and_dates_is_listed_with_its_field(
    client: TestClient, auth, api_url: str
):
    a1 = auth("acente.a1", "en")
    before = book(api_url)
    # when the sum is Turkish-typed text, the start no date and the end not ISO
    answer = price(
        client,
        a1,
        body(sum_insured="500.000,00", start="2026-02-30", end="05.03.2027"),
    )
    # then all three are listed, in the body's order
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "validation_failed"
    assert [e["field"] for e in problem["errors"]] == ["sum_insured", "start", "end"]
    assert all(e["message"] for e in problem["errors"])
    assert book(api_url) == before


def test_the_services_refusals_name_the_apis_fields(client: TestClient, auth):
    a1 = auth("acente.a1")

    def fields_of(payload: dict[str, Any]) -> list[str | None]:
        answer = price(client, a1, payload)
        assert answer.status_code == 422, answer.json()
        return [e["field"] for e in answer.json()["errors"]]

    without_class = {k: v for k, v in HOME.items() if k != "construction_class"}
    start = clock.today()
    assert fields_of(body(line="uzay")) == ["line"]
    assert fields_of(body(customer_group="yok")) == ["customer_group"]
    assert fields_of(body(sum_insured="0")) == ["sum_insured"]
    assert fields_of(body(fields=without_class)) == ["fields.construction_class"]
    assert fields_of(body(fields=HOME | {"colour": "red"})) == ["fields.colour"]
    assert fields_of(body(end=(start - timedelta(days=1)).isoformat())) == ["end"]
    # a term the tariff cannot price (over 366 days) is a problem of the end too
    assert fields_of(body(end=(start + timedelta(days=400)).isoformat())) == ["end"]


def test_a_missing_field_is_422_and_a_wrong_type_is_400(client: TestClient, auth):
    a1 = auth("acente.a1")
    missing = price(client, a1, {"line": "konut", "fields": {}})
    assert missing.status_code == 422
    assert sorted(e["field"] for e in missing.json()["errors"]) == [
        "customer_group",
        "start",
        "sum_insured",
    ]
    wrong = price(client, a1, body(sum_insured=500000))
    assert (wrong.status_code, wrong.json()["code"]) == (400, "bad_request")
    broken = client.post(
        PREFIX + "/price", headers=a1 | {"Content-Type": "application/json"}, content=b"{"
    )
    assert (broken.status_code, broken.json()["code"]) == (400, "bad_request")
