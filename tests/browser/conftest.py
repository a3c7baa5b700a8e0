"""Browser tests: Playwright drives Debian's chromium against the started app."""

from __future__ import annotations

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ENV, SCREENSHOTS, start_app

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("app")
    running = start_app(workdir, f"sqlite:///{workdir / 'iztim.db'}")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=CHROMIUM_ENV)
        yield browser
        browser.close()


class Screens:
    """Saves named screenshots for a person to look at after the run."""

    def __init__(self, prefix: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix

    def __call__(self, page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{self.prefix}-{name}.png"), full_page=True)


@pytest.fixture
def shot(request):
    return Screens(request.node.name.replace("test_", ""))


@pytest.fixture
def new_page(browser):
    """Opens pages in a Turkish locale; fails the test on any console error."""
    contexts = []
    errors: list[str] = []

    def _open(locale: str = "tr-TR"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 860})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    yield _open
    for context in contexts:
        context.close()
    assert errors == [], f"browser console errors: {errors}"
