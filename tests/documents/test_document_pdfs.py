"""The printed documents, read back with pypdf: the Turkish customer name, the document
number and every amount exactly as `format_try` writes it, the masked national id (never
the full one), the plan, the access code and the verification address and code; on both
engines."""

from __future__ import annotations

import io
from decimal import Decimal

from fontTools import ttLib
from pypdf import PdfReader
from sqlmodel import Session, select

from iztim_app.core.documents import render, verification
from iztim_app.core.installments.models import Installment
from iztim_app.core.money import format_try
from iztim_app.core.policies import access_codes
from tests.documents.world import NAME, TCKN, approved_policy, customer, make_documents

MASKED = "172******60"


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def lines_of(content: bytes) -> list[str]:
    return [line.strip() for line in text_of(content).splitlines()]


def embedded_glyphs(content: bytes) -> list[set[str]]:
    """The glyph names of each font file embedded in the PDF."""
    reader = PdfReader(io.BytesIO(content))
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            found.append(set(ttLib.TTFont(io.BytesIO(data)).getGlyphOrder()))
    return found


def assert_verification_printed(db: Session, text: str, kind: str, number: int, seq=None) -> None:  # noqa: ANN001
    url = verification.verification_url(db, kind, number, seq)
    code = verification.verification_code(db, kind, number, seq)
    assert url in text.replace("\n", "")
    assert f"{verification.format_code(code)}" in text
    assert url.endswith(f"&c={code}")


def assert_turkish_and_masked(text: str) -> None:
    assert NAME in text
    assert MASKED in text
    assert TCKN not in text


def test_a_quote_prints_customer_number_amounts_and_verification(any_db: Session):
    docs = make_documents(any_db)
    q = docs.quote
    content = render.quote_pdf(any_db, q, "tr")
    text = text_of(content)
    assert_turkish_and_masked(text)
    assert "TEKLİF" in text
    assert f"No: {q.number}" in text
    assert str(docs.customer.number) in text
    assert (q.net_premium, q.taxes, q.gross_premium) == (
        Decimal("429.00"),
        {"BSMV": Decimal("21.45"), "YSV": Decimal("42.90")},
        Decimal("493.35"),
    )
    lines = lines_of(content)
    assert "Net prim 429,00 ₺" in lines
    assert "Banka ve Sigorta Muameleleri Vergisi (BSMV) 21,45 ₺" in lines
    assert "Yangın Sigortası Vergisi (YSV) 42,90 ₺" in lines
    assert "Brüt prim (ödenecek) 493,35 ₺" in lines
    assert format_try(q.sum_insured) == "300.000,00 ₺"
    assert "300.000,00 ₺" in text
    assert "Yapı tarzı" in text and "Betonarme" in text  # the line's fields, labelled
    assert_verification_printed(any_db, text, "quote", q.number)


def test_a_policy_prints_its_plan_access_code_and_verification(any_db: Session):
    who = customer(any_db)
    view = approved_policy(any_db, who)
    code = access_codes.code_of(any_db, view.number)
    assert code is not None and len(code) == 8
    content = render.policy_pdf(any_db, view, "tr")
    text = text_of(content)
    lines = lines_of(content)
    assert_turkish_and_masked(text)
    assert "POLİÇE" in text and f"No: {view.number}" in text
    assert (view.net_premium, view.taxes, view.gross_premium) == (
        Decimal("572.00"),
        {"BSMV": Decimal("28.60"), "YSV": Decimal("57.20")},
        Decimal("657.80"),
    )
    assert "Net prim 572,00 ₺" in lines
    assert "Banka ve Sigorta Muameleleri Vergisi (BSMV) 28,60 ₺" in lines
    assert "Yangın Sigortası Vergisi (YSV) 57,20 ₺" in lines
    assert "Brüt prim (ödenecek) 657,80 ₺" in lines
    plan = any_db.exec(
        select(Installment)
        .where(Installment.policy_number == view.number)
        .order_by(Installment.seq)
    ).all()
    # 657.80 in three: 219.26 each, the 2 kuruş left over on the first
    assert [(i.seq, i.due_date.isoformat(), i.amount) for i in plan] == [
        (1, "2026-03-02", Decimal("219.28")),
        (2, "2026-04-02", Decimal("219.26")),
        (3, "2026-05-02", Decimal("219.26")),
    ]
    assert "1 02.03.2026 219,28 ₺ 0,00 ₺" in lines
    assert "2 02.04.2026 219,26 ₺ 0,00 ₺" in lines
    assert "3 02.05.2026 219,26 ₺ 0,00 ₺" in lines
    assert "Toplam 657,80 ₺ 0,00 ₺" in lines
    assert code in text
    assert "Onaylayan acente.a1" in text.replace("\n", " ")
    assert_verification_printed(any_db, text, "policy", view.number)
    english = text_of(render.policy_pdf(any_db, view, "en"))
    assert "POLICY" in english and "Gross premium (payable) 657,80 ₺" in english


def test_an_endorsement_prints_before_and_after_the_change_and_its_spread(any_db: Session):
    docs = make_documents(any_db)
    e = docs.endorsement
    content = render.endorsement_pdf(any_db, e, "tr")
    text = text_of(content)
    lines = lines_of(content)
    assert_turkish_and_masked(text)
    assert "ZEYİLNAME" in text and f"No: 1/{e.policy_number}" in text
    assert "YAPILAN DEĞİŞİKLİKLER" in text
    assert "Sigorta bedeli 400.000,00 ₺ 600.000,00 ₺" in lines
    assert "Yapı tarzı Betonarme Çelik karkas" in lines
    assert (e.net_change, e.taxes_change, e.gross_change) == (
        Decimal("207.64"),
        {"BSMV": Decimal("10.38"), "YSV": Decimal("20.76")},
        Decimal("238.78"),
    )
    assert "Net prim farkı 207,64 ₺" in lines
    assert "Banka ve Sigorta Muameleleri Vergisi (BSMV) 10,38 ₺" in lines
    assert "Yangın Sigortası Vergisi (YSV) 20,76 ₺" in lines
    assert "Brüt prim farkı 238,78 ₺" in lines
    assert format_try(e.gross_in_force_after) in text
    # the three installments were all due before 10 June: the change became a 4th one
    flowing = text.replace("\n", " ")
    assert "Brüt prim farkı 238,78 ₺, yürürlük tarihinden sonra vadesi gelen" in flowing
    assert "prim farkı 10.06.2026 vadeli 4. taksit olarak eklendi." in flowing
    assert_verification_printed(any_db, text, "endorsement", e.policy_number, 1)


def test_a_cancellation_prints_reason_method_earned_and_each_refund(any_db: Session):
    docs = make_documents(any_db)
    c = docs.cancellation
    content = render.endorsement_pdf(any_db, c, "tr")
    text = text_of(content)
    lines = lines_of(content)
    assert_turkish_and_masked(text)
    assert "İPTAL ZEYLİ" in text and f"No: 2/{c.policy_number}" in text
    assert "Şirket tarafından fesih" in text and "Gün esası" in text
    assert "08.09.2026" in text
    assert f"Kazanılmış prim {format_try(c.earned)}" in lines
    assert f"İade edilecek net prim {format_try(c.refund)}" in lines
    for code, amount in c.tax_refunds.items():
        assert any(line.endswith(f"({code}) iadesi {format_try(amount)}") for line in lines)
    assert f"Toplam iade {format_try(c.gross_refund)}" in lines
    assert c.gross_refund == c.refund + sum(c.tax_refunds.values())
    assert_verification_printed(any_db, text, "endorsement", c.policy_number, 2)


def test_each_document_embeds_the_glyphs_it_uses(any_db: Session):
    """Fonts are parsed once per process, but each PDF still carries its own subset: a
    letter outside the base set is embedded in the document using it, and only there."""
    plain = approved_policy(any_db, customer(any_db))
    cyrillic = approved_policy(any_db, customer(any_db, "Жанна Ağaoğlu", "10000000146"))
    with_zhe = render.policy_pdf(any_db, cyrillic, "tr")
    without = render.policy_pdf(any_db, plain, "tr")
    assert "Жанна Ağaoğlu" in text_of(with_zhe)
    assert any("uni0416" in glyphs for glyphs in embedded_glyphs(with_zhe))
    assert not any("uni0416" in glyphs for glyphs in embedded_glyphs(without))
    # and the Turkish letters are there in both
    for glyphs in embedded_glyphs(without):
        assert {"gbreve", "scedilla", "dotlessi", "Idotaccent"} <= glyphs
