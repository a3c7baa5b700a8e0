"""The audit screen shows how an action was done: a customer created through the JSON API
with acente.a1's token reads "api:<token name>" in the Erişim yolu column, the filter finds
it by part of the token's name, and actions on the screens leave the column empty."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import expect

from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.db import session_scope
from tests.browser.journeys import expect_signed_in, sign_in
from tests.foundation.support import actor_of, user_of
from tests.quotes.fixtures_customers import tckn

TOKEN_NAME = "Muhasebe YAZILIMI"


def _token(app) -> str:  # noqa: ANN001
    with session_scope(app.env["DATABASE_URL"]) as db:
        admin = actor_of(db, "bt.admin")
        return api_tokens.create_token(db, admin, user_of(db, "acente.a1").id, TOKEN_NAME).token


def _create_customer(app, token: str) -> None:  # noqa: ANN001
    body = {
        "kind": "individual",
        "national_id": tckn("398765432"),
        "name": "Deniz Erişim",
        "customer_group": "bireysel",
        "email": "deniz@example.com",
        "phone": "0532 444 55 66",
        "address": "Bağdat Cad. 1 Kadıköy/İstanbul",
    }
    request = urllib.request.Request(
        app.url + "/api/v1/customers",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as answer:
        assert answer.status == 201
        assert json.loads(answer.read())["owner"] == "acente.a1"


def test_the_audit_screen_shows_and_filters_by_via(app, new_page, shot):  # noqa: ANN001
    _create_customer(app, _token(app))
    page = new_page()
    page.goto(app.url + "/yonetim/denetim")
    sign_in(page, "bt.admin")
    expect_signed_in(page, "bt.admin")
    page.get_by_label("Erişim yolu").fill("yazilimi")  # no Turkish letters, any case
    page.get_by_role("button", name="Filtrele").click()
    vias = page.get_by_test_id("audit-via")
    expect(vias).to_have_count(1)
    expect(vias).to_have_text(f"api:{TOKEN_NAME}")
    row = page.get_by_role("row").filter(has=vias)
    expect(row).to_contain_text("customer.create")
    expect(row).to_contain_text("acente.a1")
    shot(page, "api-action")

    # an action without a token (here IT making the token, through its service) has no via
    page.get_by_label("Erişim yolu").fill("")
    page.get_by_label("İşlem").fill("api_token.create")
    page.get_by_role("button", name="Filtrele").click()
    expect(page.get_by_role("row").filter(has_text="api_token.create")).to_have_count(1)
    expect(vias).to_have_count(1)
    expect(vias).to_have_text("")
