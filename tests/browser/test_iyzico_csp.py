"""A card payment through iyzico (a fake iyzico on loopback) in a real browser, with the
portal's Content-Security-Policy as iyzico's installations get it: the portal allows no
inline script without a hash, iyzico's 3D page is never written into it, and yet the
payment goes through. The portal posts the form the adapter read out of iyzico's page
(its action on iyzico's host, its hidden fields) to iyzico; iyzico's page (the fake's)
posts the 3D answer back to the portal's return url; the app then takes the money.

The fake speaks iyzico's JSON API (tests/payments/test_iyzico.py's FakeIyzico, signatures
and all) and serves its 3D page where its threeDSHtmlContent's form posts."""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.harness import RunningApp, copy_sqlite, start_app
from tests.browser.test_portal import CVV, _sign_in, _target
from tests.browser.test_security_headers import _directives, _watched
from tests.payments.test_iyzico import (
    ACS_FIELDS,
    ACS_PATH,
    API_KEY,
    APPROVE,
    SECRET_KEY,
    FakeIyzico,
    serving,
)

CALLBACK = "/portal/odeme/donus"


class BrowserFakeIyzico(FakeIyzico):
    """The fake's 3D page too: what the browser posted to it, and the portal's address."""

    def __init__(self) -> None:
        super().__init__()
        self.posted: list[dict[str, str]] = []
        self.app_url = ""

    def post(self, path: str, raw: bytes, headers: Any) -> tuple[int, bytes, str]:
        if path != ACS_PATH:
            return super().post(path, raw, headers)
        # the browser, sent by the portal
        form = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        self.posted.append({k: v[-1] for k, v in form.items()})
        return 200, self.three_d_answer_page().encode(), "text/html; charset=utf-8"

    def three_d_answer_page(self) -> str:
        """iyzico after the bank: posts the 3D answer through the browser to the portal."""
        payment_id, payment = list(self.payments.items())[-1]
        fields = {
            "status": "success",
            "paymentId": payment_id,
            "conversationData": "",
            "conversationId": payment["conversationId"],
            "mdStatus": "1",
        }
        inputs = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items()
        )
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>iyzico 3D</title></head>"
            f'<body><form method="post" action="{self.app_url}{CALLBACK}">{inputs}'
            '<button type="submit">Onayla</button></form></body></html>'
        )


@pytest.fixture(scope="module")
def fake_iyzico() -> Iterator[BrowserFakeIyzico]:
    with serving(BrowserFakeIyzico()) as state:
        yield state


@pytest.fixture(scope="module")
def iyzico_app(
    tmp_path_factory, app_pool, demo_sqlite_template: Path, fake_iyzico: BrowserFakeIyzico
) -> Iterator[RunningApp]:  # noqa: ANN001
    app_pool.release()  # its build would break the pages of an app still running
    workdir = tmp_path_factory.mktemp("iyzico-app")
    database = workdir / "iztim.db"
    copy_sqlite(demo_sqlite_template, database)
    env = {
        "IZTIM_PAYMENT_GATEWAY": "iyzico",
        "IZTIM_IYZICO_API_KEY": API_KEY,
        "IZTIM_IYZICO_SECRET_KEY": SECRET_KEY,
        "IZTIM_IYZICO_BASE_URL": fake_iyzico.base_url,
    }
    running = start_app(workdir, f"sqlite:///{database}", env, prepared=True)
    fake_iyzico.app_url = running.url
    yield running
    running.stop()


def test_an_iyzico_payment_needs_no_inline_script_and_violates_nothing(
    iyzico_app: RunningApp, fake_iyzico: BrowserFakeIyzico, new_page
) -> None:  # noqa: ANN001
    app = iyzico_app
    page, violations, _ = _watched(new_page)
    target = _target(app, 2)
    # the portal's pages: iyzico among the form targets, no inline script without a hash
    answer = page.goto(app.url + "/portal")
    policy = _directives(answer.headers["content-security-policy"])
    assert policy["form-action"] == ["'self'", fake_iyzico.base_url]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert all(s.startswith(("'self'", "'unsafe-eval'", "'sha256-")) for s in policy["script-src"])
    _sign_in(page, app, target)
    page.get_by_test_id("portal-policies").get_by_role(
        "link", name=str(target.number), exact=True
    ).click()
    page.wait_for_url(re.compile(rf".*/portal/police/?\?no={target.number}$"))
    page.get_by_role("button", name="Öde", exact=True).click()
    page.get_by_label("Kart numarası").fill(APPROVE)
    page.get_by_label("Kart üzerindeki isim").fill("Deneme Müşteri")
    page.get_by_label("Son kullanma tarihi (AA/YY)").fill("12/30")
    page.get_by_label("Güvenlik kodu (CVV)").fill(CVV)
    page.get_by_role("button", name="Ödemeye geç").click()
    # the portal posted iyzico's form itself: to iyzico's page, exactly its hidden fields
    page.wait_for_url(fake_iyzico.base_url + ACS_PATH)
    assert fake_iyzico.posted == [ACS_FIELDS]
    assert violations == []
    # iyzico's page posts the 3D answer back; the app takes the money
    page.get_by_role("button", name="Onayla").click()
    page.wait_for_url(re.compile(r".*/portal/odeme/sonuc/?\?siparis=PA\w+(&.*)?$"))
    expect(page.get_by_test_id("portal-result-message")).to_have_text("Ödemeniz onaylandı.")
    assert [path for path, _ in fake_iyzico.requests] == [
        "/payment/3dsecure/initialize",
        "/payment/3dsecure/auth",
    ]
    assert violations == []
