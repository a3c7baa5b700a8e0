"""The receipt of an approved card payment: exact figures, both languages, no card digits."""

from __future__ import annotations

import io

from pypdf import PdfReader

from iztim_app.core.db import session_scope
from iztim_app.core.payments import services as payments
from tests.payments.fixtures_payments import attempt, bank_answer, complete, start, world


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_the_receipt_prints_each_installment_paid_the_total_and_the_masked_card(url: str):
    with session_scope(url) as db:
        w = world(db)
        started = start(db, w.a, w.a_policy, [1, 3])
        answer = bank_answer(db, started)
        complete(db, answer)
        row = attempt(db, started.order_id)
        turkish = text_of(payments.receipt_pdf(db, w.a, started.order_id, "tr"))
        english = text_of(payments.receipt_pdf(db, w.a, started.order_id, "en"))
    for shown in (
        "Tahsilat makbuzu",
        f"Makbuz no {started.order_id}",
        "Ayşe Şahin",
        f"Poliçe no {w.a_policy}",
        f"Müşteri no {w.a.customer_number}",
        "**** 1111",
        f"İşlem no {answer['transaction_id']}",
        "1 02.03.2026 438,54 ₺",
        "3 02.05.2026 438,53 ₺",
        "Toplam 877,07 ₺",
        "Kredi kartı (3D Secure)",
    ):
        assert shown in turkish, (shown, turkish)
    assert "2 02.04.2026" not in turkish
    assert row.finished_at is not None
    for shown in ("Payment receipt", "INSTALLMENTS PAID", "Total 877,07 ₺", "Card (3D Secure)"):
        assert shown in english, (shown, english)
    assert "4111" not in turkish + english
