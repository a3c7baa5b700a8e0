"""Every refusal the endorsement package raises has its Turkish and English text."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import iztim_app.core.endorsements as package
from iztim_app.core.endorsements import rules
from iztim_app.core.errors import ValidationFailed
from iztim_app.i18n import CATALOGUE, error_text, translate

CODE = re.compile(r'"(endorsement\.[a-z_]+)"')


def test_every_endorsement_code_is_in_the_catalogue_in_both_languages():
    codes = {
        code
        for source in Path(package.__file__).parent.glob("*.py")
        for code in CODE.findall(source.read_text(encoding="utf-8"))
        if code not in {"endorsement.create"}  # a permission and an audit action, not a text
    }
    assert len(codes) >= 15
    missing = sorted(code for code in codes if code not in CATALOGUE)
    assert missing == []
    for code in codes:
        tr, en = CATALOGUE[code]
        assert tr.strip() and en.strip() and tr != en, code


def test_a_refusal_names_its_field_and_values():
    text = translate(
        "endorsement.effective_outside_term", "tr", start="02.03.2026", end="02.03.2027"
    )
    assert text == (
        "Yürürlük tarihi poliçe süresi içinde olmalı: 02.03.2026 ile 02.03.2027 arası "
        "(bitiş günü hariç)."
    )
    try:
        rules.check_kind("increase", Decimal("0.00"))
    except ValidationFailed as exc:
        refusal = exc
    assert (refusal.code, refusal.field) == ("endorsement.kind_mismatch", "kind")
    assert error_text(refusal, "tr") == (
        "Zeyil türü hesaplanan prim farkına (0,00 ₺) uymuyor; doğru tür: Bilgi değişikliği."
    )
    assert error_text(refusal, "en") == (
        "Endorsement type does not match the computed premium change (0,00 TRY); "
        "the right type is: Information change."
    )
