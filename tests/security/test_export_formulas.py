"""Every export of the app neutralises text a spreadsheet would run as a formula, end to
end: hostile customer, office and user names go through the real rows of the commission
statement (CSV, XLSX) and of a report (CSV, XLSX) and come out with a leading `'`.

tests/reports/test_exports.py covers the report export's rendering with a hostile office
name and `export.neutralise` itself; tests/commissions/test_commission_services.py checks
`commissions.neutralise` as a function only. Missing there: customer names (the commission
statement's rows), user names (the report's `preparer`), every formula start, and XLSX.
The app has no other export (lists, the audit log): `test_no_other_export_exists` fails
when a module of the app starts writing CSV or XLSX without being added here.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import select

from iztim_app.core.commissions import services as commissions
from iztim_app.core.db import session_scope
from iztim_app.core.organisation.models import Office
from iztim_app.core.reports import services as reports
from tests.foundation.support import actor_of
from tests.security.world import VICTIM_OFFICE

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\tSekmeli Ad",
    "\rSatır Başı",
]
STARTS = ("=", "+", "-", "@", "\t", "\r")
WHOLE_YEAR = (date(2000, 1, 1), date(2100, 12, 31))


@pytest.fixture
def hostile(world_url: str) -> str:
    """Agency A's customers, agency A itself and its users renamed to hostile text."""
    with session_scope(world_url) as db:
        office = db.exec(select(Office).where(Office.code == VICTIM_OFFICE)).one()
        ids = db.execute(
            sa.text("SELECT id FROM customer WHERE office_id = :o ORDER BY id"), {"o": office.id}
        ).scalars()
        for n, cid in enumerate(ids):
            name = f"{HOSTILE[n % len(HOSTILE)]} {n}"
            db.execute(
                sa.text("UPDATE customer SET name = :n WHERE id = :i"), {"n": name, "i": cid}
            )
        db.execute(
            sa.text("UPDATE app_user SET name = :n WHERE code LIKE 'acente.a%'"),
            {"n": "=cmd|' /C calc'!A0"},
        )
        db.commit()
    return world_url


def csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return [cell for row in rows for cell in row]


def xlsx_cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula cell: {cell.coordinate} {cell.value!r}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


NUMBER = re.compile(r"-?[0-9.]+(,[0-9]+)?")  # an amount in the CSV: a number, not text


def assert_neutral(cells: list[str], expected: list[str], what: str) -> None:
    running = [c for c in cells if c.startswith(STARTS) and not NUMBER.fullmatch(c)]
    assert running == [], f"{what}: cells a spreadsheet would run: {running[:5]}"
    for text in expected:  # the hostile rows are there, neutralised
        assert any(c.startswith("'" + text) for c in cells), f"{what}: {text!r} missing"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_commission_statement_neutralises_customer_names(hostile: str, fmt: str):
    with session_scope(hostile) as db:
        office_id = db.exec(select(Office.id).where(Office.code == VICTIM_OFFICE)).one()
        exported = commissions.statement_export(
            db, actor_of(db, "gm.onay"), office_id, *WHOLE_YEAR, fmt
        )
    cells = csv_cells(exported.content) if fmt == "csv" else xlsx_cells(exported.content)
    # every hostile start is among the statement's customers
    named = [c for c in cells if c.startswith("'")]
    # XML reads a stored CR as LF: in the XLSX the `\r` name comes back as `\n`
    assert {c[1].replace("\n", "\r") for c in named} >= set(STARTS), named[:10]
    assert_neutral(cells, [], f"statement {fmt}")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_export_neutralises_user_and_office_names(hostile: str, fmt: str):
    with session_scope(hostile) as db:
        db.execute(
            sa.text("UPDATE office SET name = :n WHERE code = :c"),
            {"n": "@SUM(1+1)*cmd", "c": VICTIM_OFFICE},
        )
        db.commit()
        gm = actor_of(db, "gm.onay")
        result = reports.run_report(
            db,
            gm,
            {"dimensions": ["office", "preparer"], "measures": ["policies", "net_premium"]},
            *WHOLE_YEAR,
        )
        exported = reports.export_report(db, gm, result, fmt)
    cells = csv_cells(exported.content) if fmt == "csv" else xlsx_cells(exported.content)
    assert_neutral(cells, ["@SUM(1+1)*cmd"], f"report {fmt}")
    assert any(c.startswith("'=cmd|") for c in cells) or any("acente.a" in c for c in cells), (
        "the preparer column is in the export"
    )


def test_no_other_export_exists():
    """Only the two modules above write spreadsheets; a new export must be tested here."""
    root = Path(__file__).resolve().parents[2] / "iztim_app"
    writers = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if re.search(r"csv\.writer|openpyxl|xlsxwriter|Workbook\(", p.read_text("utf-8"))
    )
    assert writers == ["core/commissions/services.py", "core/reports/export.py"]
