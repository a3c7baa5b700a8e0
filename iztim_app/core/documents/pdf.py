"""The house style of every printed document: fonts with Turkish letters, header, footer."""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).with_name("fonts")
COMPANY = os.environ.get("IZTIM_COMPANY_NAME", "İztim Sigorta A.Ş.")


class Document(FPDF):
    """A4 portrait with DejaVu Sans (it has İ, ı, ş, ğ and ₺), company header, page numbers."""

    def __init__(self, title: str, footer_note: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.doc_title = title
        self.footer_note = footer_note
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_creator("İztim")
        self.add_page()

    def header(self) -> None:
        self.set_font("DejaVu", "B", 13)
        self.cell(0, 7, COMPANY, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "B", 16)
        self.cell(0, 9, self.doc_title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(40, 50, 90)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, self.footer_note, new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="R")

    def section(self, text: str) -> None:
        self.ln(2)
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 9)

    def pairs(self, rows: list[tuple[str, str]], label_width: float = 55) -> None:  # float-ok: mm
        self.set_font("DejaVu", "", 9)
        for key, value in rows:
            self.set_font("DejaVu", "B", 9)
            self.cell(label_width, 6, key)
            self.set_font("DejaVu", "", 9)
            self.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")

    def grid(
        self,
        headings: list[str],
        rows: list[list[str]],
        widths: list[float],
        right: frozenset[int] = frozenset(),
    ) -> None:
        """A ruled table; columns in `right` are right-aligned (amounts)."""
        aligns = tuple("RIGHT" if i in right else "LEFT" for i in range(len(widths)))
        self.set_font("DejaVu", "", 8)
        with self.table(col_widths=tuple(widths), text_align=aligns, line_height=5.5) as table:
            head = table.row()
            for text in headings:
                head.cell(text)
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(text)
        self.ln(2)

    def output_bytes(self) -> bytes:
        return bytes(self.output())
