"""Batch printing in the browser: acente.a1 opens Toplu baskı from the policy list, starts
the busiest day's batch, watches the progress bar reach N / N and downloads the merged PDF through
the guarded route (the session cookie, no token in the link); screenshots looked at."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.documents_journeys import AppDatabase
from tests.browser.journeys import expect_signed_in, sign_in

pytestmark = pytest.mark.browser


def test_a_days_batch_runs_with_progress_and_downloads(app, new_page, shot):  # noqa: ANN001
    page = new_page()
    page.goto(app.url + "/policeler")
    sign_in(page, "acente.a1")
    expect_signed_in(page, "acente.a1")
    page.get_by_role("link", name="Toplu baskı").click()
    expect(page.get_by_role("heading", name="Toplu poliçe baskısı")).to_be_visible()
    day = page.get_by_label("Onay günü")
    expect(day).not_to_have_value("")
    busiest, expected = AppDatabase(app.env["DATABASE_URL"]).busiest_approval_day("acente.a1")
    day.fill(busiest.isoformat())
    expect(page.get_by_label("Dosya biçimi")).to_have_value("pdf")
    shot(page, "1-form")

    page.get_by_role("button", name="Başlat").click()
    expect(page.get_by_role("status")).to_contain_text("poliçenin baskısı hazırlanıyor")
    progress = page.get_by_test_id("job-progress-text")
    expect(progress).to_have_text(re.compile(r"^(\d+) / \1$"), timeout=60000)
    count = int(progress.inner_text().split(" / ")[0])
    assert count == expected
    link = page.get_by_role("link", name=re.compile(r"policeler-.*\.pdf dosyasını indir")).first
    expect(link).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Dosya hazır: policeler-")
    expect(page.get_by_test_id("jobs").locator("tbody tr")).to_have_count(1)
    shot(page, "2-done")

    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename == f"policeler-{busiest.isoformat()}.pdf"
    content = open(download.path(), "rb").read()  # noqa: SIM115
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.outline) == count

    # another browser (no session) gets nothing from the same link
    other = new_page()
    href = link.get_attribute("href")
    assert re.fullmatch(r"/indir/is/\d+", href or "")
    response = other.request.get(app.url + href)
    assert response.status == 404
