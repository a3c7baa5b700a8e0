"""The rendered page is in the tab's language: CSS upper-cases by it (English 'POLICY NO',
Turkish 'POLİÇE NO' with its dotted İ) and screen readers read by it. The portal's table
headings are upper-cased by its style sheet; the staff screens and the menus Radix renders
outside the page's root (popovers) follow the staff language choice the same way."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.journeys import expect_signed_in, sign_in

# The demo policy with a fixed portal access code (README, "Müşteri portalı").
PORTAL_POLICY, PORTAL_CODE = "5000003", "DENEME26"


def _document_lang(page: Page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def _in_language(locator, lang: str) -> bool:  # noqa: ANN001
    """The element's computed language (nearest `lang`), as CSS and screen readers see it."""
    return locator.evaluate("(el, lang) => el.matches(`:lang(${lang})`)", lang)


def _headings(page: Page) -> tuple[str, str]:
    """The policies table's 'policy no' and 'unpaid' headings as the browser shows them."""
    heads = page.get_by_test_id("portal-policies").locator("th")
    return heads.nth(0).inner_text(), heads.nth(5).inner_text()


def test_portal_headings_are_upper_cased_in_the_chosen_language(app, new_page, shot):  # noqa: ANN001
    page = new_page()
    page.goto(f"{app.url}/portal")
    page.get_by_label("Poliçe no veya müşteri no").fill(PORTAL_POLICY)
    page.get_by_label("Erişim kodu").fill(PORTAL_CODE)
    page.get_by_role("button", name="Giriş").click()
    expect(page.get_by_role("heading", name="Poliçelerim")).to_be_visible()
    heading = page.get_by_test_id("portal-policies").locator("th").first
    expect(heading).to_have_text("Poliçe no")  # the text itself; the style upper-cases it
    assert _headings(page) == ("POLİÇE NO", "ÖDENMEMİŞ")
    assert _in_language(heading, "tr") and not _in_language(heading, "en")
    assert _document_lang(page) == "tr"
    shot(page, "portal-tr")

    with page.expect_navigation():  # the portal reloads in the new language
        page.get_by_label("Dil").select_option("en")
    expect(page.get_by_role("heading", name="My policies")).to_be_visible()
    heading = page.get_by_test_id("portal-policies").locator("th").first
    expect(heading).to_have_text("Policy no")
    assert _headings(page) == ("POLICY NO", "UNPAID")
    assert _in_language(heading, "en") and not _in_language(heading, "tr")
    assert _document_lang(page) == "en"
    shot(page, "portal-en")

    with page.expect_navigation():
        page.get_by_label("Language").select_option("tr")
    expect(page.get_by_role("heading", name="Poliçelerim")).to_be_visible()
    assert _headings(page) == ("POLİÇE NO", "ÖDENMEMİŞ")
    assert _document_lang(page) == "tr"


def test_staff_screens_and_their_popovers_follow_the_chosen_language(app, new_page, shot):  # noqa: ANN001
    page = new_page()
    page.goto(f"{app.url}/policeler")
    sign_in(page, "gm.onay")
    expect_signed_in(page, "gm.onay")
    main = page.locator("main")
    assert _in_language(main, "tr") and _document_lang(page) == "tr"

    with page.expect_navigation():  # the screen reloads in the new language
        page.get_by_label("Dil").select_option("en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/policeler/?$"))
    assert _in_language(page.locator("main"), "en")
    assert not _in_language(page.locator("main"), "tr")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    # A popover is rendered under <body>, outside the page's root: the document's language.
    page.get_by_test_id("notifications").click()
    popover = page.get_by_role("dialog")
    expect(popover).to_be_visible()
    assert _in_language(popover, "en") and not _in_language(popover, "tr")
    shot(page, "staff-en")
    page.keyboard.press("Escape")

    with page.expect_navigation():
        page.get_by_label("Language").select_option("tr")
    expect(page.get_by_role("button", name="Çıkış")).to_be_visible()
    page.wait_for_function("() => document.documentElement.lang === 'tr'")
    assert _in_language(page.locator("main"), "tr")
