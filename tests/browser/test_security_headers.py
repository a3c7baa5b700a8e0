"""The security headers in a real browser against the app in prod single-port mode: the
pages (served by the back end from the built front end), their scripts and styles, the
portal and Swagger UI carry them, and nothing the app does is refused by its own
Content-Security-Policy: signing in, opening a screen, the event socket, Swagger UI, and a
card payment through the test bank's 3D page (rx.call_script, a form posted to the bank)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.journeys import expect_signed_in, sign_in
from tests.browser.test_portal import (
    APPROVED_CARD,
    GOOD_OTP,
    _one_time_code,
    _sign_in,
    _target,
    _to_bank,
)

# Every violation the pages report: the event and the console message (either suffices).
WATCH_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__iztimCspViolation(`${e.violatedDirective} ${e.blockedURI} ${location.pathname}`);
});
"""


def _watched(new_page):  # noqa: ANN001, ANN202
    """A page, the CSP violations it reports, and every same-origin response it got."""
    page = new_page()
    violations: list[str] = []
    responses: list = []
    page.context.expose_function("__iztimCspViolation", lambda text: violations.append(text))
    page.context.add_init_script(WATCH_VIOLATIONS)

    def console(message) -> None:  # noqa: ANN001
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", console)
    page.on("response", lambda response: responses.append(response))
    return page, violations, responses


def _directives(policy: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


def _assert_page_headers(headers: dict[str, str]) -> dict[str, list[str]]:
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["permissions-policy"] == "camera=(), microphone=(), geolocation=()"
    assert headers["referrer-policy"] in ("strict-origin-when-cross-origin", "no-referrer")
    assert "strict-transport-security" not in headers  # plain HTTP here
    policy = _directives(headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    return policy


def test_pages_assets_portal_and_docs_carry_the_headers_and_nothing_is_refused(app, new_page, shot):  # noqa: ANN001
    page, violations, responses = _watched(new_page)
    # the sign-in page (a static page of the built front end, served by the back end)
    answer = page.goto(app.url + "/")
    expect(page.get_by_label("Kullanıcı kodu")).to_be_visible()
    policy = _assert_page_headers(answer.headers)
    port = app.url.rsplit(":", 1)[1]
    assert f"ws://localhost:{port}" in policy["connect-src"]
    # its scripts and styles too
    assets = [
        r
        for r in responses
        if r.url.startswith(app.url)
        and r.request.resource_type
        in (
            "script",
            "stylesheet",
        )
    ]
    assert assets, [r.url for r in responses]
    for asset in assets:
        assert asset.headers["x-content-type-options"] == "nosniff", asset.url
        assert "frame-ancestors 'none'" in asset.headers["content-security-policy"], asset.url
    shot(page, "1-sign-in")
    # the customer portal
    answer = page.goto(app.url + "/portal")
    expect(page.get_by_role("heading", name="Müşteri girişi")).to_be_visible()
    _assert_page_headers(answer.headers)
    # Swagger UI: its own files, its start-up script allowed by hash; it renders the document
    answer = page.goto(app.url + "/api/v1/docs")
    expect(page.get_by_text("/health", exact=True).first).to_be_visible()
    expect(page.get_by_text("İztim API").first).to_be_visible()
    docs = _directives(answer.headers["content-security-policy"])
    assert [s for s in docs["script-src"] if s.startswith("'sha256-")], docs
    assert "'unsafe-inline'" not in docs["script-src"]
    shot(page, "2-swagger")
    assert violations == []


def test_signing_in_and_working_on_a_screen_violates_nothing(app, new_page, shot):  # noqa: ANN001
    page, violations, _ = _watched(new_page)
    page.goto(app.url + "/yonetim/ofisler")
    sign_in(page, "bt.admin")  # the socket, the one-time hand-off route, the cookie
    expect_signed_in(page, "bt.admin")
    expect(page).to_have_url(re.compile(r"/yonetim/ofisler/?$"))
    expect(page.get_by_role("cell", name="İç Anadolu Bölge Müdürlüğü").first).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Yönetim").click()
    expect(page).to_have_url(re.compile(r"/yonetim/?$"))
    page.get_by_test_id("user-row-acente.a1").click()  # an event over the socket
    expect(page.get_by_role("heading", name="API erişim anahtarları")).to_be_visible()
    shot(page, "3-admin-users")
    assert violations == []


def test_a_card_payment_through_the_3d_page_violates_nothing(app, new_page, shot):  # noqa: ANN001
    page, violations, _ = _watched(new_page)
    target = _target(app, 1)
    _sign_in(page, app, target)
    # the card form posts to the bank's page (rx.call_script, a form to another page)
    _to_bank(page, app, target, APPROVED_CARD)
    _one_time_code(page, GOOD_OTP)  # the bank's page posts the answer back to us
    expect(page.get_by_test_id("portal-result-message")).to_have_text("Ödemeniz onaylandı.")
    shot(page, "4-paid")
    assert violations == []
