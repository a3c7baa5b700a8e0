"""The fonts parsed once per process: documents made at the same time in several threads
each carry their own text and glyphs; a font added the ordinary way still embeds."""

from __future__ import annotations

import io
import threading

from pypdf import PdfReader

from iztim_app.core.documents.pdf import FAMILY, FONTS, Document

NAMES = ["Çağrı Işıkoğlu", "Жанна Öztürk", "Ελένη Şahin", "İsmail Ağaoğlu", "Şükrü Yıldız"]


def text_of(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def one(name: str, n: int) -> bytes:
    doc = Document("POLİÇE", f"Not {n}", number=str(5000000 + n), date="02.03.2026")
    doc.section("Sigortalı")
    doc.pairs2([("Ad", name), ("No", str(n))])
    doc.set_font(FAMILY, "B", 9)
    doc.put(doc.l_margin, doc.get_y() + 2, 100, 5, f"{name} — {n}")
    return doc.output_bytes()


def test_documents_made_in_parallel_each_print_their_own_text():
    results: dict[tuple[int, int], bytes] = {}

    def work(worker: int) -> None:
        for k in range(10):
            n = worker * 100 + k
            results[(worker, k)] = one(NAMES[(worker + k) % len(NAMES)], n)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 40
    for (worker, k), content in results.items():
        n = worker * 100 + k
        name = NAMES[(worker + k) % len(NAMES)]
        text = text_of(content)
        assert f"{name} — {n}" in text, (n, text)
        assert f"No: {5000000 + n}" in text
    # the same input gives the same document, byte for byte apart from its creation date
    again = one(NAMES[0], 0)
    assert text_of(again) == text_of(results[(0, 0)])


def test_a_font_added_the_ordinary_way_is_embedded_by_fpdf2():
    doc = Document("Rapor")
    doc.add_font("Plain", "", str(FONTS / "DejaVuSans.ttf"))
    doc.set_font("Plain", "", 10)
    doc.cell(0, 6, "Düz yazı tipi: ğüşıöç İĞŞ")
    text = text_of(doc.output_bytes())
    assert "Düz yazı tipi: ğüşıöç İĞŞ" in text
