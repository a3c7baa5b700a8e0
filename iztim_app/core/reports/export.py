"""A report result as a file: CSV, Excel (.xlsx) or PDF. Pure: no database, no permission
checks (`services.export_report` does them and audits).

Every TEXT cell that a spreadsheet could read as a formula (starting with `=`, `+`, `-`,
`@`, a tab or a carriage return — e.g. an office named `=HYPERLINK(…)`) gets a leading `'`;
numbers stay numbers (an amount of −5,00 is a number, not text).
CSV is what Turkish Excel opens with a double click: UTF-8 with a BOM, `;` between cells,
comma decimals and no thousands dots. XLSX keeps amounts as numbers with `#,##0.00`.
"""

from __future__ import annotations

import csv
import inspect
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from iztim_app.core import clock
from iztim_app.core.money import format_number
from iztim_app.i18n import translate

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIMES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
WIDE = 6  # more columns than this print on a landscape page


@dataclass(frozen=True)
class Exported:
    filename: str
    content: bytes
    mime: str


def neutralise(text: str) -> str:
    """`=1+2` → `'=1+2`: a text cell never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _headers(result: Any, lang: str) -> list[str]:
    """Column headings in the export's language (tax names as the report gave them when
    the languages match, else the tax code)."""
    if lang == result.lang:
        return [c.label for c in result.columns]
    out = []
    for c in result.columns:
        if c.kind == "text":
            out.append(translate(f"report.dim.{c.key}", lang))
        elif c.key.startswith("tax:"):
            out.append(translate("report.measure.tax", lang, name=c.key[4:]))
        else:
            out.append(translate(f"report.measure.{c.key}", lang))
    return out


def _body(result: Any, lang: str) -> list[list[Any]]:
    """Rows of cells (text or numbers), the totals row last."""
    rows: list[list[Any]] = []
    for r in result.rows:
        rows.append([r[c.key] if c.kind != "text" else str(r[c.key]) for c in result.columns])
    total: list[Any] = []
    for i, c in enumerate(result.columns):
        if c.kind == "text":
            total.append(translate("report.total", lang) if i == 0 else "")
        else:
            total.append(result.totals[c.key])
    if not any(c.kind == "text" for c in result.columns):
        return rows  # company-wide: the one row is the total
    rows.append(total)
    return rows


def _slug(text: str) -> str:
    table = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
    plain = unicodedata.normalize("NFKD", text.translate(table)).encode("ascii", "ignore")
    words = "".join(ch if ch.isalnum() else " " for ch in plain.decode().lower()).split()
    return "-".join(words)[:60] or "rapor"


def filename(result: Any, kind: str) -> str:
    name = _slug(result.name or "uretim-raporu")
    return f"{name}-{result.date_from.isoformat()}-{result.date_to.isoformat()}.{kind}"


def _title(result: Any, lang: str) -> str:
    return result.name or translate("report.title", lang)


# ------------------------------------------------------------------ CSV


def _csv_cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def to_csv(result: Any, lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in _headers(result, lang)])
    for row in _body(result, lang):
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


# ------------------------------------------------------------------ XLSX


def to_xlsx(result: Any, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = translate("report.title", lang)[:31]
    headers = _headers(result, lang)
    sheet.append([neutralise(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    body = _body(result, lang)
    for r, values in enumerate(body, start=2):
        for col, (column, value) in enumerate(zip(result.columns, values, strict=True), start=1):
            cell = sheet.cell(row=r, column=col)
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                cell.value = value
                cell.number_format = "#,##0.00" if column.kind == "money" else "0"
            else:
                cell.value = neutralise(str(value))
                cell.data_type = "s"
        if r == len(body) + 1:
            for cell in sheet[r]:
                cell.font = Font(bold=True)
    for col, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = max(12, min(40, len(header) + 4))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ PDF


def _pdf_cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _accepts(fn: Any, name: str) -> bool:
    return name in inspect.signature(fn).parameters


def to_pdf(result: Any, lang: str, printed_by: str = "") -> bytes:
    from iztim_app.core.documents.pdf import Document

    wide = len(result.columns) > WIDE
    title = _title(result, lang)
    note = translate("report.printed_by", lang, user=printed_by)
    if _accepts(Document.__init__, "orientation"):
        doc = Document(title, note, orientation="L" if wide else "P", lang=lang)
    else:  # the house document without an orientation of its own: turn its pages

        class ReportDocument(Document):
            def add_page(self, orientation: str = "", *args: Any, **kwargs: Any) -> None:
                super().add_page("L" if wide else orientation, *args, **kwargs)

        doc = ReportDocument(title, note)
    doc.set_font("DejaVu", "", 9)
    period = translate(
        "report.period_line",
        lang,
        date_from=clock.format_date(result.date_from),
        date_to=clock.format_date(result.date_to),
    )
    doc.cell(0, 6, period, new_x="LMARGIN", new_y="NEXT")
    rows_line = translate("report.rows_line", lang, count=len(result.rows))
    doc.cell(0, 6, rows_line, new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    usable = doc.w - doc.l_margin - doc.r_margin  # float-ok: mm
    weights = [2 if c.kind == "text" else 1 for c in result.columns] or [1]
    widths = [usable * w / sum(weights) for w in weights]
    right = frozenset(i for i, c in enumerate(result.columns) if c.kind != "text")
    rows = [[_pdf_cell(v) for v in row] for row in _body(result, lang)]
    headers = _headers(result, lang)
    if _accepts(doc.grid, "bold_last"):
        doc.grid(headers, rows, widths, right, bold_last=bool(result.definition.dimensions))
    else:
        doc.grid(headers, rows, widths, right)
    return doc.output_bytes()


def render(result: Any, kind: str, lang: str, printed_by: str = "") -> Exported:
    if kind == "csv":
        content = to_csv(result, lang)
    elif kind == "xlsx":
        content = to_xlsx(result, lang)
    else:
        content = to_pdf(result, lang, printed_by)
    return Exported(filename(result, kind), content, MIMES[kind])
