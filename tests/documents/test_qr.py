"""The QR code is drawn as vector squares: reading the squares back from the page content
gives exactly segno's matrix for the verification address."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

from iztim_app.core.documents import qr
from iztim_app.core.documents.pdf import Document

URL = "http://localhost:3000/dogrula?t=endorsement&n=5000001&k=2&c=ABCDEFGHJK"
RECT = re.compile(r"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re")


def test_runs_cover_every_dark_module_once():
    rows = [[False, True, True, False, True], [True, True, True, True, True], [False] * 5]
    assert qr.runs(rows) == [(0, 1, 2), (0, 4, 1), (1, 0, 5)]
    rebuilt = [[False] * 5 for _ in rows]
    for r, c, length in qr.runs(rows):
        for k in range(c, c + length):
            assert not rebuilt[r][k]
            rebuilt[r][k] = True
    assert rebuilt == rows


def test_the_drawn_squares_are_segnos_matrix():
    expected = [[bool(m) for m in row] for row in segno.make(URL, error="m", mask=qr.MASK).matrix]
    doc = Document("QR")
    x, y, size = 20, 100, 40  # mm
    drawn = qr.draw(doc, URL, x, y, size)
    assert drawn == expected
    content = (
        PdfReader(io.BytesIO(doc.output_bytes()))
        .pages[0]
        .get_contents()
        .get_data()
        .decode("latin-1")
    )
    n = len(expected)
    module = size / (n + 4)  # two modules of quiet zone on each side
    k = doc.k
    found = [[False] * n for _ in range(n)]
    squares = 0
    for match in RECT.finditer(content):
        left, top_pt, width, height = (float(v) for v in match.groups())
        left_mm, top_mm = left / k, doc.h - top_pt / k
        if not (x < left_mm < x + size and y < top_mm < y + size):
            continue  # the header's, or the white square behind the code
        col = round((left_mm - x) / module) - 2
        row = round((top_mm - y) / module) - 2
        length = round(width / k / module)
        assert abs(-height / k - module * 1.02) < 0.01
        for c in range(col, col + length):
            assert not found[row][c], (row, c)
            found[row][c] = True
        squares += 1
    assert found == expected
    assert squares == len(qr.runs(expected))


@pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
    reason="needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)",
)
def test_a_scanner_reads_the_printed_code(tmp_path: Path):
    """Rendered at 150 dpi like a phone camera would see a print, zbar decodes the URL."""
    doc = Document("QR")
    qr.draw(doc, URL, 20, 60, 30)
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(doc.output_bytes())
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "qr")], check=True)
    (png,) = tmp_path.glob("qr*.png")
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == URL
