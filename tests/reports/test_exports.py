"""Exports: CSV (BOM, `;`, comma decimals), Excel (numbers stay numbers with `#,##0.00`) and
PDF (the house document) hold the report's rows and totals exactly; text cells that could
run as formulas are neutralised; headers follow the language; each export is audited.

The offices are renamed so that their names are hostile text: İstanbul Şube becomes
`-5 abc` and agency A `=HYPERLINK("http://evil.example","x")`.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from iztim_app.core.reports import export
from iztim_app.core.reports import services as reports
from tests.foundation.support import actor_of, audit_since, last_audit_id
from tests.quotes.fixtures_quotes import FORMS
from tests.reports.test_report_services import (  # noqa: F401  (fixtures)
    GM,
    IST,
    _customer,
    db,
    home_policy_life,
)
from tests.reports.world import Clock, at

D = Decimal
HYPERLINK = '=HYPERLINK("http://evil.example","x")'
MEASURES = ["policies", "net_premium", "sum_insured"]


@pytest.fixture
def result(db, home_policy_life, monkeypatch):  # noqa: F811
    """By office and month, March–September, after a kasko policy of İstanbul Şube."""
    moving = Clock(monkeypatch)
    customer = _customer(db, IST, 2)
    day = moving.set(at(date(2026, 3, 3)))
    inp = PolicyInput("kasko", customer.id, "350000", day, None, dict(FORMS["kasko"]))
    kasko = policies.issue(db, actor_of(db, IST), inp, today=day).policy
    db.execute(sa.text("UPDATE office SET name = '-5 abc' WHERE code = 'S-ISTANBUL'"))
    db.execute(sa.text("UPDATE office SET name = :n WHERE code = 'A-ACENTE-A'"), {"n": HYPERLINK})
    db.commit()
    found = reports.run_report(
        db,
        actor_of(db, GM),
        {"dimensions": ["office", "month"], "measures": MEASURES},
        date(2026, 3, 1),
        date(2026, 9, 30),
    )
    return found, kasko.net_premium


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads Turkish
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_holds_the_rows_neutralised_with_comma_decimals(db, result):  # noqa: F811
    found, kasko_net = result
    exported = reports.export_report(db, actor_of(db, GM), found, "csv", "tr")
    assert (exported.filename, exported.mime) == (
        "uretim-raporu-2026-03-01-2026-09-30.csv",
        "text/csv; charset=utf-8",
    )
    kasko = f"{kasko_net:.2f}".replace(".", ",")
    total = f"{kasko_net + D('698.09'):.2f}".replace(".", ",")
    assert _csv(exported.content) == [
        ["Birim", "Ay", "Poliçe adedi (net)", "Net prim", "Sigorta bedeli"],
        ["'-5 abc", "2026-03", "1", kasko, "350000,00"],
        ["'" + HYPERLINK, "2026-03", "1", "1144,00", "800000,00"],
        ["'" + HYPERLINK, "2026-06", "0", "302,03", "400000,00"],
        ["'" + HYPERLINK, "2026-09", "-1", "-747,94", "-1200000,00"],
        ["Toplam", "", "1", total, "350000,00"],
    ]


def test_the_header_follows_the_language(db, result):  # noqa: F811
    found, _ = result
    english = reports.export_report(db, actor_of(db, GM), found, "csv", "en")
    rows = _csv(english.content)
    assert rows[0] == ["Office", "Month", "Policies (net)", "Net premium", "Sum insured"]
    assert rows[-1][0] == "Total"


def test_xlsx_keeps_numbers_as_numbers_and_neutralises_text(db, result):  # noqa: F811
    found, kasko_net = result
    exported = reports.export_report(db, actor_of(db, GM), found, "xlsx", "tr")
    assert exported.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    cells = list(sheet.iter_rows())
    assert [c.value for c in cells[0]] == [
        "Birim",
        "Ay",
        "Poliçe adedi (net)",
        "Net prim",
        "Sigorta bedeli",
    ]
    assert all(c.font.bold for c in cells[0])
    # text cells: strings, neutralised, never formulas
    assert [(c.value, c.data_type) for c in (cells[1][0], cells[2][0])] == [
        ("'-5 abc", "s"),
        ("'" + HYPERLINK, "s"),
    ]
    # amounts: numbers with the money format, exactly the report's figures
    values = [
        (row[2].value, Decimal(str(row[3].value)), Decimal(str(row[4].value))) for row in cells[1:]
    ]
    assert values == [
        (1, kasko_net, D("350000")),
        (1, D("1144"), D("800000")),
        (0, D("302.03"), D("400000")),
        (-1, D("-747.94"), D("-1200000")),
        (1, kasko_net + D("698.09"), D("350000")),
    ]
    assert all(isinstance(row[3].value, int | float) for row in cells[1:])
    assert {row[3].number_format for row in cells[1:]} == {"#,##0.00"}
    assert cells[-1][0].value == "Toplam" and cells[-1][0].font.bold


def test_pdf_holds_the_title_period_headers_and_amounts(db, result):  # noqa: F811
    found, _ = result
    exported = reports.export_report(db, actor_of(db, GM), found, "pdf", "tr")
    assert (exported.mime, exported.content[:5]) == ("application/pdf", b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(exported.content)).pages)
    for expected in (
        "Üretim raporu",
        "Dönem: 01.03.2026 – 30.09.2026",
        "Net prim",
        "Sigorta bedeli",
        "1.144,00",
        "-747,94",
        "-1.200.000,00",
        "Toplam",
        "Hazırlayan: gm.onay",
    ):
        assert expected in text, expected
    english = reports.export_report(db, actor_of(db, GM), found, "pdf", "en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(english.content)).pages)
    assert "Net premium" in text and "Sum insured" in text


def test_a_wide_report_prints_landscape(db, home_policy_life):  # noqa: F811
    found = reports.run_report(
        db,
        actor_of(db, GM),
        {
            "dimensions": ["line", "month"],
            "measures": [
                "policies",
                "issued",
                "cancelled",
                "net_premium",
                "taxes",
                "gross_premium",
            ],
        },
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    page = PdfReader(io.BytesIO(export.to_pdf(found, "tr"))).pages[0]
    assert page.mediabox.width > page.mediabox.height
    narrow = reports.run_report(
        db, actor_of(db, GM), {"dimensions": ["line"], "measures": ["policies"]}, "2026-01-01",
        "2026-12-31",
    )  # fmt: skip
    page = PdfReader(io.BytesIO(export.to_pdf(narrow, "tr"))).pages[0]
    assert page.mediabox.width < page.mediabox.height


def test_every_export_is_audited_and_a_wrong_kind_is_refused(db, result):  # noqa: F811
    found, _ = result
    gm = actor_of(db, GM)
    last = last_audit_id(db)
    reports.export_report(db, gm, found, "xlsx", "tr")
    [event] = audit_since(db, last)
    assert (event.action, event.actor_code, event.entity_type) == ("report.export", GM, "report")
    assert {k: event.after[k] for k in ("file", "date_from", "date_to", "rows", "format")} == {
        "file": "xlsx",
        "date_from": "2026-03-01",
        "date_to": "2026-09-30",
        "rows": 4,
        "format": "",
    }
    with pytest.raises(ValidationFailed) as wrong:
        reports.export_report(db, gm, found, "docx", "tr")
    assert (wrong.value.code, wrong.value.field) == ("report.export_format_invalid", "fmt")
    assert audit_since(db, last) == [event]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+90 212", "'+90 212"),
        ("-5 abc", "'-5 abc"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Konut", "Konut"),
        ("", ""),
    ],
)
def test_neutralise(text, shown):
    assert export.neutralise(text) == shown
