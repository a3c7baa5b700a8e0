"""A customer's quote and policy request from the portal, then the staff queue, in a real
browser against the demo installation: the customer signs in with a demo policy's access
code, prices konut 400 000 on the line's form, saves the quote, asks for a policy by its
number; the portfolio's owner finds the request in "Portal talepleri", turns it into a
policy through the normal form, and the customer then sees the request done."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import select

from iztim_app.core.customers.models import Customer
from iztim_app.core.db import session_scope
from iztim_app.core.policies.access_codes import PolicyAccessCode
from iztim_app.core.policies.models import Policy
from iztim_app.core.portal.request_models import PortalRequest
from iztim_app.core.quotes.models import Quote
from iztim_app.core.users.models import User
from tests.browser.journeys import expect_signed_in, sign_in


def _customer_with_code(app) -> tuple[int, str, int, str]:  # noqa: ANN001
    """(policy number, access code, customer id, owner's user code) of the first demo policy
    whose current version is approved and whose customer an agency user owns."""
    with session_scope(app.env["DATABASE_URL"]) as db:
        latest = (
            select(Policy.number, sa.func.max(Policy.version).label("v"))
            .group_by(Policy.number)
            .subquery()
        )
        number, code, customer_id, owner = db.exec(
            select(Policy.number, PolicyAccessCode.code, Customer.id, User.code)
            .join(latest, sa.and_(Policy.number == latest.c.number, Policy.version == latest.c.v))
            .join(PolicyAccessCode, PolicyAccessCode.policy_number == Policy.number)
            .join(Customer, Customer.id == Policy.customer_id)
            .join(User, User.id == Customer.owner_user_id)
            .where(Policy.status == "approved", User.code.like("acente.%"))
            .order_by(Policy.number)
        ).first()
    return number, code, customer_id, owner


def _fill_konut(page) -> None:  # noqa: ANN001
    page.get_by_label("Branş").select_option("konut")
    page.get_by_label("Yapı tarzı").select_option("betonarme")
    page.get_by_label("Deprem bölgesi").select_option("1")
    page.get_by_label("Deprem ek teminatı").select_option("yes")
    page.get_by_label("Belediye sınırları içinde").select_option("yes")
    page.get_by_label("Bina yaşı").fill("15")
    page.get_by_label("Brüt alan (m²)").fill("120")
    page.get_by_label("Sigorta bedeli").fill("400.000")
    page.get_by_label("Bina yaşı").click()  # leaving the last field prices it


def test_portal_quote_then_request_then_the_staff_queue_issues_the_policy(app, new_page, shot):
    number, code, customer_id, owner = _customer_with_code(app)
    customer = new_page()
    customer.goto(f"{app.url}/portal")
    customer.get_by_label("Poliçe no veya müşteri no").fill(str(number))
    customer.get_by_label("Erişim kodu").fill(code)
    customer.get_by_role("button", name="Giriş").click()
    expect(customer.get_by_role("heading", name="Poliçelerim")).to_be_visible()

    customer.goto(f"{app.url}/portal/teklif")
    expect(customer.get_by_label("Branş")).to_contain_text("Konut Sigortası")
    expect(customer.get_by_test_id("law-note")).to_contain_text(
        "Poliçe, her iki tarafın imzası ve primin ödenmesiyle yürürlüğe girer"
    )
    _fill_konut(customer)
    expect(customer.get_by_test_id("price")).to_contain_text("657,80 ₺")
    shot(customer, "1-portal-quote")
    customer.get_by_test_id("portal-quote-save").click()
    expect(customer.get_by_role("status")).to_contain_text("Teklifiniz kaydedildi: teklif no")
    with session_scope(app.env["DATABASE_URL"]) as db:
        quote = db.exec(
            select(Quote).where(Quote.customer_id == customer_id, Quote.channel == "portal")
        ).one()
        customer_number = db.get(Customer, customer_id).number
    assert (quote.gross_premium, quote.prepared_by_code) == (
        Decimal("657.80"),
        f"portal:{customer_number}",
    )
    expect(customer.get_by_test_id("my-quotes")).to_contain_text(str(quote.number))
    expect(customer.get_by_label("Teklif no")).to_have_value(str(quote.number))
    customer.get_by_role("button", name="Poliçe talep et").click()
    expect(customer.get_by_role("status")).to_contain_text(
        f"teklif no {quote.number} acentenize iletildi"
    )
    expect(customer.get_by_test_id("my-requests")).to_contain_text("Acentede")
    shot(customer, "2-requested")
    # asked twice: refused beside the field
    customer.get_by_label("Teklif no").fill(str(quote.number))
    customer.get_by_role("button", name="Poliçe talep et").click()
    expect(customer.locator("#pr-quote_number-error")).to_contain_text("açık bir talebiniz")

    staff = new_page()
    staff.goto(f"{app.url}/portal-talepleri")
    sign_in(staff, owner)
    expect_signed_in(staff, owner)
    with session_scope(app.env["DATABASE_URL"]) as db:
        request = db.exec(select(PortalRequest).where(PortalRequest.quote_id == quote.id)).one()
    table = staff.get_by_test_id("portal-requests")
    expect(table).to_contain_text(str(quote.number))
    expect(table).to_contain_text("657,80 ₺")
    shot(staff, "3-staff-queue")
    staff.get_by_test_id(f"convert-{request.id}").click()
    staff.wait_for_url(f"**/policeler/yeni?teklif={quote.number}")
    expect(staff.get_by_label("Sigorta bedeli")).to_have_value("400.000,00")
    staff.get_by_role("button", name="Önizle").click()
    preview = staff.get_by_test_id("policy-preview")
    preview.get_by_role("button", name="Evet").click()
    expect(staff.get_by_test_id("policy-quote")).to_have_text(str(quote.number))
    policy = re.search(r"no=(\d+)", staff.url).group(1)
    shot(staff, "4-issued")

    customer.goto(f"{app.url}/portal/teklif")
    requests = customer.get_by_test_id("my-requests")
    expect(requests).to_contain_text("Poliçe düzenlendi")
    expect(requests).to_contain_text(f"Poliçe no {policy}")
    shot(customer, "5-done")
