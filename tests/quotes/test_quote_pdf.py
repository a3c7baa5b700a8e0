"""The printed quote speaks the tariff's words: labels, not codes, in its worksheet."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlmodel import Session

from iztim_app.core.documents import services as documents
from iztim_app.core.quotes import services as quotes
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, save, who


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_printed_worksheet_names_fields_and_choices_by_their_labels(
    db: Session, customers: Customers
):
    # given a kasko quote of acente.a1, approved by head office
    view = save(db, "acente.a1", form("kasko", customers.a1_person, "850000"))
    view = quotes.approve(db, who(db, "gm.onay"), view.number, today=TODAY)
    assert view.status == "approved"
    # when it is printed in Turkish and in English
    a1 = who(db, "acente.a1")
    tr = _text(documents.print_document(db, a1, "quote", view.number, "tr", TODAY).content)
    en = _text(documents.print_document(db, a1, "quote", view.number, "en", TODAY).content)
    # then the worksheet uses the fields.csv labels, never the codes
    assert "İl grubu" in tr and "Province group" in en
    for code in ("province_group", "vehicle_type", "driver_age"):
        assert code not in tr and code not in en
