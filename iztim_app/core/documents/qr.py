"""QR codes drawn as vector squares: crisp at any zoom, nothing to decode or embed.

segno makes the matrix; each horizontal run of dark modules becomes one filled rectangle
(a few dozen `re` operators instead of hundreds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import segno

if TYPE_CHECKING:
    from fpdf import FPDF

# A fixed data mask: choosing the "best" of the eight costs ~10 ms per symbol in pure
# Python, and any mask reads equally well at the size the documents print.
MASK = 2


def matrix(text: str) -> list[list[bool]]:
    """The QR symbol of `text` (error correction M, no quiet zone): rows of dark modules."""
    code = segno.make(text, error="m", boost_error=False, mask=MASK)
    return [[bool(module) for module in row] for row in code.matrix]


def runs(rows: list[list[bool]]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of every horizontal run of dark modules."""
    found: list[tuple[int, int, int]] = []
    for r, row in enumerate(rows):
        start = None
        for c, dark in enumerate([*row, False]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                found.append((r, start, c - start))
                start = None
    return found


def draw(pdf: FPDF, text: str, x: float, y: float, size: float) -> list[list[bool]]:  # float-ok: mm
    """The QR code of `text` as a `size` mm square at (x, y), with a white quiet zone of
    two modules inside that square; returns the matrix drawn (for tests)."""
    rows = matrix(text)
    quiet = 2
    module = size / (len(rows) + 2 * quiet)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    left, top = x + quiet * module, y + quiet * module
    # A hair taller than the module so rows that touch leave no seam when rendered.
    squares = [
        (left + c * module, top + r * module, length * module, module * 1.02)
        for r, c, length in runs(rows)
    ]
    fill = getattr(pdf, "boxes", None)
    if fill is not None:
        fill(squares)  # one path: far cheaper than a rect() call per run
    else:
        for sx, sy, sw, sh in squares:
            pdf.rect(sx, sy, sw, sh, style="F")
    return rows
