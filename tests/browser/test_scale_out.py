"""The same app on PostgreSQL with Redis state and three backend workers.

Each browser event may land on another worker; the tab's state and the session must hold.
"""

from __future__ import annotations

import os
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.harness import start_app
from tests.browser.journeys import expect_signed_in, sign_in, sign_out

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/3"


def _services_or_skip():
    try:
        import psycopg
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL and Redis must run on CI: {exc}")
        pytest.skip(f"PostgreSQL/Redis not running here: {exc}")


@pytest.fixture(scope="module")
def scaled_app(tmp_path_factory, app_pool):  # noqa: ANN001
    admin = _services_or_skip()
    app_pool.release()  # its build would break the pages of an app still running
    name = f"iztim_browser_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    workdir = tmp_path_factory.mktemp("scaled")
    running = start_app(
        workdir,
        f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
        {"REFLEX_REDIS_URL": REDIS, "GRANIAN_WORKERS": "3"},
    )
    yield running
    running.stop()
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_journey_across_three_workers(scaled_app, new_page, shot):
    page = new_page()
    page.goto(scaled_app.url + "/yonetim")
    sign_in(page, "bt.admin")
    expect_signed_in(page, "bt.admin")
    # Many events in a row: every one must find the tab's state and the session.
    for _ in range(3):
        page.get_by_role("link", name="Ofisler").click()
        expect(page.get_by_role("cell", name="Ankara Şube").first).to_be_visible()
        page.get_by_role("link", name="Kullanıcılar").click()
        page.get_by_test_id("user-row-acente.b1").click()
        expect(page.get_by_role("heading", name="acente.b1")).to_be_visible()
    page.get_by_role("button", name="Pasif yap").click()
    expect(page.get_by_role("status")).to_have_text("Kaydedildi.")
    shot(page, "scaled-disabled-user")

    # The disabled user is refused on PostgreSQL exactly as on SQLite.
    other = new_page()
    other.goto(scaled_app.url + "/")
    sign_in(other, "acente.b1")
    expect(other.get_by_role("alert")).to_have_text(
        "Kullanıcınız pasif durumda. Bilgi işlem biriminize başvurun."
    )
    sign_out(page)
