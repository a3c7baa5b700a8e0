"""IT staff change a tariff: a broken CSV is refused with file:line errors and nothing
changes; a fixed one becomes a draft, is activated, and prices use the new rates."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from playwright.sync_api import expect

from iztim_app.core import clock
from iztim_app.core.money import format_try
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.core.tariffs.loader import files_from_dir, load_tariff_set
from iztim_app.core.tariffs.rating import price
from tests.browser.harness import ROOT
from tests.browser.journeys import expect_signed_in, sign_in

KASKO = {
    "vehicle_type": "otomobil",
    "usage": "hususi",
    "model_year": "2022",
    "province_group": "1",
    "no_claims_step": "0",
    "deductible": "yok",
    "lpg": "no",
    "birth_date": "1985-04-12",
}
START = "2026-12-01"


def _rates(transform) -> bytes:  # noqa: ANN001
    text = (ROOT / "tariffs/kasko/rates.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows = [rows[0]] + [transform(i, row) for i, row in enumerate(rows[1:], start=2)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _broken(i: int, row: list[str]) -> list[str]:
    if i == 2:
        return row[:3] + ["otuz dört", row[4]]
    if i == 3:
        return [row[0], "uçak", *row[2:]]
    return row


def _doubled(i: int, row: list[str]) -> list[str]:
    return row[:3] + [str(Decimal(row[3]) * 2), row[4]]


def _expected(rates_csv: bytes) -> tuple[str, str, str]:
    """Gross premium as the screen shows it, the rate row's rate and its line in words."""
    files = files_from_dir(ROOT / "tariffs")
    files["kasko/rates.csv"] = rates_csv
    tariff, problems = load_tariff_set(files)
    assert problems == []
    result = price(tariff, "kasko", "bireysel", Decimal("850000"), START, None, KASKO)
    steps = [step.to_json_dict() for step in result.worksheet]
    return (
        format_try(result.gross_premium),
        steps[0]["rate_per_mille"],
        explain(steps, "tr", LineLabels.of(tariff, "kasko", "tr"))[0]["detail"],
    )


def _upload(page, name: str, data: bytes, path: str) -> None:  # noqa: ANN001
    page.locator("#tariff-upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_label("CSV dosyasının yolu").fill(path)
    page.get_by_role("button", name="Yükle ve doğrula").click()


def _try_price(page, version_label: str) -> None:  # noqa: ANN001
    form = page.locator("form").filter(
        has=page.get_by_label("Alan değerleri (her satıra alan=değer)")
    )
    versions = form.get_by_label("Tarife sürümü")
    versions.select_option(
        versions.locator("option", has_text=version_label).get_attribute("value")
    )
    form.get_by_label("Branş").select_option("kasko")
    form.get_by_label("Müşteri grubu").select_option("bireysel")
    form.get_by_label("Sigorta bedeli").fill("850.000")
    form.get_by_label("Başlangıç tarihi").fill(START)
    form.get_by_label("Alan değerleri (her satıra alan=değer)").fill(
        "\n".join(f"{k}={v}" for k, v in KASKO.items())
    )
    form.get_by_role("button", name="Fiyatla").click()


def test_broken_csv_is_refused_then_fixed_version_is_activated_and_used(app, new_page, shot):
    page = new_page()
    page.goto(app.url + "/tarifeler")
    sign_in(page, "bt.admin")
    expect_signed_in(page, "bt.admin")
    expect(page.get_by_test_id("tariff-in-force")).to_contain_text("sürüm 1")
    shot(page, "1-tariffs")

    _upload(page, "rates.csv", _rates(_broken), "kasko/rates.csv")
    problems = page.get_by_test_id("tariff-problems")
    expect(problems).to_contain_text("kasko/rates.csv:2:")
    expect(problems).to_contain_text("kasko/rates.csv:3:")
    expect(page.get_by_role("alert").first).to_contain_text("hiçbir şey değiştirilmedi")
    expect(page.get_by_test_id("version-row-2")).to_have_count(0)
    expect(page.get_by_test_id("tariff-in-force")).to_contain_text("sürüm 1")
    shot(page, "2-broken-upload")

    v1_gross, v1_rate, _ = _expected(_rates(lambda i, row: row))
    _try_price(page, "1 ·")
    expect(page.get_by_test_id("price-result")).to_contain_text(v1_gross)

    doubled = _rates(_doubled)
    _upload(page, "rates.csv", doubled, "kasko/rates.csv")
    expect(page.get_by_role("status")).to_contain_text("Taslak sürüm 2 oluşturuldu")
    expect(page.get_by_test_id("version-row-2")).to_contain_text("Taslak")
    expect(page.get_by_test_id("tariff-in-force")).to_contain_text("sürüm 1")

    activate = page.locator("form").filter(has=page.get_by_role("button", name="Etkinleştir"))
    versions = activate.get_by_label("Sürüm")
    versions.select_option(versions.locator("option", has_text="2 ·").get_attribute("value"))
    activate.get_by_role("button", name="Etkinleştir").click()
    today = clock.format_date(clock.today())
    expect(page.get_by_role("status")).to_have_text(
        f"Sürüm 2, {today} tarihinden itibaren geçerli."
    )
    expect(page.get_by_test_id("tariff-in-force")).to_contain_text("sürüm 2")

    v2_gross, v2_rate, v2_rate_line = _expected(doubled)
    assert v2_gross != v1_gross and Decimal(v2_rate) == 2 * Decimal(v1_rate)
    _try_price(page, "2 ·")
    expect(page.get_by_test_id("price-result")).to_contain_text(v2_gross)
    expect(page.get_by_test_id("worksheet")).to_contain_text(v2_rate_line)
    shot(page, "3-activated-and-priced")

    # The new version's CSV downloads exactly as uploaded.
    download = page.locator("form").filter(
        has=page.get_by_label("Dosya yolu (boş: tüm klasör .zip)")
    )
    versions = download.get_by_label("Sürüm")
    versions.select_option(versions.locator("option", has_text="2 ·").get_attribute("value"))
    download.get_by_label("Dosya yolu (boş: tüm klasör .zip)").fill("kasko/rates.csv")
    with page.expect_download() as info:
        download.get_by_role("button", name="İndir").click()
    assert info.value.suggested_filename == "v2-kasko-rates.csv"
    assert open(info.value.path(), "rb").read() == doubled
