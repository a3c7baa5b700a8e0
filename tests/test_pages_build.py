"""Every page of the app builds its component tree without a browser.

A wrong prop (a var of the wrong type, a misspelt prop) raises while the tree is built, and
the app then refuses to start: found here in a second instead of by every browser test."""

from __future__ import annotations

import reflex as rx

import iztim_app.iztim_app as app_module


def test_every_registered_page_builds():
    pages = app_module.app._unevaluated_pages
    assert {
        "index",
        "policeler",
        "raporlar",
        "dogrula",
        "odemeler",
        "portal/teklif",
        "portal-talepleri",
    } <= set(pages)
    for route, page in pages.items():
        built = page.component() if callable(page.component) else page.component
        assert isinstance(built, rx.Component), route
