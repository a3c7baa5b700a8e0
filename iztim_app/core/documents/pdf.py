"""The house style of every printed document: fonts with Turkish letters, the company header
with its logo, section bars, tables, footer with page numbers.

The DejaVu fonts are parsed once per process (`fonts_cache`); a document only lays out text.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

from iztim_app.core.documents.fonts_cache import CachedFontsOutput, add_cached_font

FONTS = Path(__file__).with_name("fonts")
COMPANY = os.environ.get("IZTIM_COMPANY_NAME", "İztim Sigorta A.Ş.")
FAMILY = "DejaVu"

NAVY = (28, 45, 92)
TEAL = (0, 133, 140)
GREY = (96, 102, 112)
LIGHT = (234, 238, 246)
RULE = (190, 198, 214)


def upper(text: str, lang: str) -> str:
    """Capitals as the language writes them: Turkish i → İ and ı → I."""
    if lang == "tr":
        text = text.replace("i", "İ").replace("ı", "I")
    return text.upper()


def draw_logo(pdf: FPDF, x: float, y: float, size: float) -> None:  # float-ok: mm
    """The İztim mark, drawn as vectors (no image to decode per document): a navy rounded
    square, a white dotted İ and a teal wave under it."""
    s = size
    pdf.set_fill_color(*NAVY)
    pdf.rect(x, y, s, s, style="F", round_corners=True, corner_radius=s * 0.18)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x + s * 0.43, y + s * 0.34, s * 0.14, s * 0.38, style="F")  # the stem
    pdf.ellipse(x + s * 0.425, y + s * 0.13, s * 0.15, s * 0.15, style="F")  # the dot of İ
    pdf.set_draw_color(*TEAL)
    pdf.set_line_width(s * 0.07)
    wave_y = y + s * 0.82
    pdf.bezier(
        [
            (x + s * 0.14, wave_y),
            (x + s * 0.32, wave_y - s * 0.1),
            (x + s * 0.5, wave_y + s * 0.1),
            (x + s * 0.86, wave_y - s * 0.04),
        ]
    )
    pdf.set_line_width(0.2)


class Document(FPDF):
    """A4 with DejaVu Sans (it has İ, ı, ş, ğ and ₺), company header, page numbers.

    `number` and `date` print at the header's right under the title when given (the
    document number and its date, on every page)."""

    def __init__(
        self,
        title: str,
        footer_note: str = "",
        *,
        number: str = "",
        date: str = "",
        number_label: str = "No",
        date_label: str = "",
        tagline: str = "",
        lang: str = "tr",
        orientation: str = "P",
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        add_cached_font(self, FAMILY, "", FONTS / "DejaVuSans.ttf")
        add_cached_font(self, FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.doc_title = title
        self.footer_note = footer_note
        self.doc_number = number
        self.doc_date = date
        self.number_label = number_label
        self.date_label = date_label
        self.tagline = tagline
        self.lang = lang
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title(title)
        self.set_creator("İztim")
        self.alias_nb_pages()
        self.add_page()

    # ------------------------------------------------------------ page furniture

    def header(self) -> None:
        top = 10
        draw_logo(self, self.l_margin, top, 15)
        left = self.l_margin + 18
        self.set_text_color(*NAVY)
        self.set_font(FAMILY, "B", 13)
        self.put(left, top + 1, 95, 7, COMPANY)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*GREY)
        self.put(left, top + 8, 95, 4, self.tagline)
        right = self.w - self.r_margin
        self.set_text_color(*NAVY)
        self.set_font(FAMILY, "B", 15)
        self.put(right - 100, top, 100, 7, self.doc_title, "R")
        self.set_font(FAMILY, "", 8.5)
        self.set_text_color(0, 0, 0)
        line_y = top + 7.5
        for label, value in (
            (self.number_label, self.doc_number),
            (self.date_label, self.doc_date),
        ):
            if value:
                self.put(
                    right - 100, line_y, 100, 4.5, f"{label}: {value}" if label else value, "R"
                )
                line_y += 4.5
        rule_y = max(top + 17, line_y + 1.5)
        self.set_draw_color(*NAVY)
        self.set_line_width(0.6)
        self.line(self.l_margin, rule_y, right, rule_y)
        self.set_draw_color(*TEAL)
        self.set_line_width(0.25)
        self.line(self.l_margin, rule_y + 1, right, rule_y + 1)
        self.set_line_width(0.2)
        self.set_xy(self.l_margin, rule_y + 4)

    def footer(self) -> None:
        top = self.h - 15
        self.set_draw_color(*RULE)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(*GREY)
        for k, text in enumerate(self.wrap(self.footer_note, self.epw - 22)[:3]):
            self.put(self.l_margin, top + 1 + k * 3.5, self.epw - 22, 3.5, text)
        # A cell, not `put`: the page count alias is filled in at output.
        self.set_xy(self.w - self.r_margin - 20, top + 1)
        self.cell(20, 3.5, f"{self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    # ------------------------------------------------------------ drawing primitives

    def width(self, text: str) -> float:  # float-ok: mm
        """`get_string_width` for plain text (no markdown, no shaping, no stretching) from
        the font's width table: fpdf2's own parses the text into styled fragments first,
        and a document measures every value it wraps."""
        font = self.current_font
        return font.get_text_width(self.normalize_text(text), self.font_size_pt, None)[1] / self.k

    def put(
        self,
        x: float,  # float-ok: mm
        y: float,  # float-ok: mm
        w: float,  # float-ok: mm
        h: float,  # float-ok: mm
        text: str,
        align: str = "L",
    ) -> None:
        """One line of text placed as `cell(w, h, text, align=…)` at (x, y) would place it,
        through fpdf's light `text()` (no borders, fills, links or markdown: a document
        writes a few hundred of these, and `cell` costs several times more). The cursor
        does not move."""
        if not text:
            return
        dx = self.c_margin
        if align == "R":
            dx = w - self.c_margin - self.width(text)
        elif align == "C":
            dx = (w - self.width(text)) / 2
        self.text(x + dx, y + 0.5 * h + 0.3 * self.font_size, text)

    def rules(self, segments: list[tuple[float, float, float, float]]) -> None:  # float-ok: mm
        """Straight lines (x1, y1, x2, y2) in the draw colour, written as one path."""
        if not segments:
            return
        k, h = self.k, self.h
        ops = [
            f"{x1 * k:.2f} {(h - y1) * k:.2f} m {x2 * k:.2f} {(h - y2) * k:.2f} l"
            for x1, y1, x2, y2 in segments
        ]
        self._out(" ".join(ops) + " S")

    def boxes(self, rects: list[tuple[float, float, float, float]]) -> None:  # float-ok: mm
        """Filled rectangles (x, y, w, h) in the fill colour, written as one path."""
        if not rects:
            return
        k, h = self.k, self.h
        ops = [
            f"{x * k:.2f} {(h - y) * k:.2f} {w * k:.2f} {-hh * k:.2f} re" for x, y, w, hh in rects
        ]
        self._out(" ".join(ops) + " f")

    # ------------------------------------------------------------ blocks

    def wrap(self, text: str, width: float) -> list[str]:  # float-ok: mm
        """`text` cut into lines of at most `width` mm in the current font, at spaces (a
        word longer than the line is cut). Much cheaper than fpdf's multi_cell dry run."""
        if self.width(text) <= width:
            return [text]
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.width(candidate) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                while self.width(word) > width and len(word) > 1:
                    cut = len(word) - 1
                    while cut > 1 and self.width(word[:cut]) > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines

    def text_lines(self, text: str, width: float, height: float) -> None:  # float-ok: mm
        """Wrapped text from the current position; the cursor ends under it, same x."""
        x = self.get_x()
        for line in self.wrap(text, width):
            if self.will_page_break(height):
                self.add_page()
            self.put(x, self.get_y(), width, height, line)
            self.set_xy(x, self.get_y() + height)

    def section(self, text: str) -> None:
        """A section bar: white capitals on navy, full width."""
        self.ln(1.5)
        if self.will_page_break(14):
            self.add_page()
        y = self.get_y()
        self.set_fill_color(*NAVY)
        self.boxes([(self.l_margin, y, self.epw, 5.5)])
        self.set_text_color(255, 255, 255)
        self.set_font(FAMILY, "B", 8.5)
        self.put(self.l_margin, y, self.epw, 5.5, "  " + upper(text, self.lang))
        self.set_text_color(0, 0, 0)
        self.set_font(FAMILY, "", 8.5)
        self.set_xy(self.l_margin, y + 6.5)

    def pairs(self, rows: list[tuple[str, str]], label_width: float = 55) -> None:  # float-ok: mm
        """Label: value lines, one per row (long values wrap)."""
        for key, value in rows:
            if self.will_page_break(5):
                self.add_page()
            y = self.get_y()
            self.set_font(FAMILY, "B", 8.5)
            self.set_text_color(*GREY)
            self.put(self.l_margin, y, label_width, 5, key)
            self.set_text_color(0, 0, 0)
            self.set_font(FAMILY, "", 8.5)
            self.set_xy(self.l_margin + label_width, y)
            self.text_lines(value, self.epw - label_width, 5)
            self.set_x(self.l_margin)

    def pairs2(self, rows: list[tuple[str, str]], label_width: float = 0) -> None:  # float-ok: mm
        """Label: value in two columns, as insurers print a document's heading facts. Each
        column's labels are as wide as its longest label (at most half the column) unless
        given; longer labels and values wrap."""
        half = self.epw / 2
        line = 4.6
        self.set_font(FAMILY, "B", 8)
        widths = []
        for col in (0, 1):
            longest = max((self.width(key) for key, _ in rows[col::2]), default=0)
            widths.append(label_width or min(longest + 3, half * 0.5))
        for i in range(0, len(rows), 2):
            cells = []
            for col, (key, value) in enumerate(rows[i : i + 2]):
                self.set_font(FAMILY, "B", 8)
                keys = self.wrap(key, widths[col] - 2)
                self.set_font(FAMILY, "", 8.5)
                cells.append((keys, self.wrap(value, half - widths[col] - 4)))
            height = line * max(max(len(k), len(v)) for k, v in cells)
            if self.will_page_break(height):
                self.add_page()
            y = self.get_y()
            for col, (keys, values) in enumerate(cells):
                x = self.l_margin + col * half
                self.set_font(FAMILY, "B", 8)
                self.set_text_color(*GREY)
                for k, text in enumerate(keys):
                    self.put(x, y + line * k, widths[col], line, text)
                self.set_text_color(0, 0, 0)
                self.set_font(FAMILY, "", 8.5)
                for k, text in enumerate(values):
                    self.put(x + widths[col], y + line * k, half - widths[col] - 2, line, text)
            self.set_xy(self.l_margin, y + height)

    def grid(
        self,
        headings: list[str],
        rows: list[list[str]],
        widths: list[float],
        right: frozenset[int] = frozenset(),
        bold_last: bool = False,
    ) -> None:
        """A ruled table across the page (widths are proportions); columns in `right` are
        right-aligned (amounts); long texts wrap within their row."""
        scale = self.epw / sum(widths)
        widths = [w * scale for w in widths]
        height = 5
        self.set_draw_color(*RULE)
        top = self._grid_head(headings, widths, right, height)
        segments: list[tuple[float, float, float, float]] = []
        for index, values in enumerate(rows):
            last = bold_last and index == len(rows) - 1
            self.set_font(FAMILY, "B" if last else "", 8)
            lines = [self.wrap(text, w - 2) for w, text in zip(widths, values, strict=True)]
            row_height = height * max(len(found) for found in lines)
            if self.will_page_break(row_height):
                self._grid_rules(segments, widths, top, self.get_y())
                segments = []
                self.add_page()
                top = self._grid_head(headings, widths, right, height)
                self.set_font(FAMILY, "B" if last else "", 8)
            y = self.get_y()
            x = self.l_margin
            for col, (w, found) in enumerate(zip(widths, lines, strict=True)):
                align = "R" if col in right else "L"
                for k, text in enumerate(found):
                    self.put(x, y + k * height, w, height, text, align)
                x += w
            segments.append(
                (self.l_margin, y + row_height, self.l_margin + self.epw, y + row_height)
            )
            self.set_xy(self.l_margin, y + row_height)
        self._grid_rules(segments, widths, top, self.get_y())
        self.ln(1.5)

    def _grid_rules(
        self,
        segments: list[tuple[float, float, float, float]],
        widths: list[float],
        top: float,  # float-ok: mm
        bottom: float,  # float-ok: mm
    ) -> None:
        x = self.l_margin
        verticals = [(x, top, x, bottom)]
        for w in widths:
            x += w
            verticals.append((x, top, x, bottom))
        self.rules(segments + verticals)

    def _grid_head(
        self,
        headings: list[str],
        widths: list[float],
        right: frozenset[int],
        height: float,  # float-ok: mm
    ) -> float:  # float-ok: mm
        """The heading row; returns its top (where the table's vertical rules start)."""
        y = self.get_y()
        self.set_fill_color(*LIGHT)
        self.boxes([(self.l_margin, y, self.epw, height)])
        self.rules(
            [
                (self.l_margin, y, self.l_margin + self.epw, y),
                (self.l_margin, y + height, self.l_margin + self.epw, y + height),
            ]
        )
        self.set_font(FAMILY, "B", 7.5)
        x = self.l_margin
        for col, (w, text) in enumerate(zip(widths, headings, strict=True)):
            self.put(x, y, w, height, text, "R" if col in right else "L")
            x += w
        self.set_xy(self.l_margin, y + height)
        return y

    def output(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        """fpdf2's output, with the cached fonts embedded from their caches."""
        kwargs.setdefault("output_producer_class", CachedFontsOutput)
        return super().output(*args, **kwargs)

    def output_bytes(self) -> bytes:
        return bytes(self.output())
