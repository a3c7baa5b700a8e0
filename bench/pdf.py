"""Policy PDFs per second: the printed policy with the shipped Unicode font (DejaVu Sans,
parsed once per process) against the same page in a core font (Helvetica, which cannot
print Turkish: the text is transliterated for that baseline), measured in one run.

    .venv/bin/python bench/pdf.py [--seconds 3] [--naive]

The page is the real layout (`documents.policy_pdf.layout_policy`): header with logo,
policy facts, customer, insured object, premium with each tax, a 6-installment plan,
approval, access code box and the QR verification box; every document gets another
customer name and number, so each one subsets its own glyphs. No database: the data a
document reads is given. `--naive` also times fpdf2's plain `add_font` (the TTF parsed for
every document), for comparison. Target: ≥100 policy PDFs/s on one core (rates are per
second of this process's CPU time).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from iztim_app.core.documents import blocks, pdf  # noqa: E402
from iztim_app.core.documents.blocks import Facts, Party, PlanRow, Verification  # noqa: E402
from iztim_app.core.documents.policy_pdf import layout_policy  # noqa: E402
from iztim_app.core.policies.services import PolicyView  # noqa: E402

D = Decimal
NAMES = ("Ayşe Şahin", "Çağrı Işıkoğlu", "Gülşen Öztürk", "İsmail Ağaoğlu", "Şükrü Yıldız")
TRANSLIT = str.maketrans(
    {"ğ": "g", "Ğ": "G", "ş": "s", "Ş": "S", "ı": "i", "İ": "I", "₺": "TL", "–": "-", "·": "-"}
)


def view(i: int) -> PolicyView:
    taxes = {"BSMV": D("28.60"), "YSV": D("57.20")}
    return PolicyView(
        id=i, number=5000000 + i, version=1, latest_version=1, is_current=True,
        status="approved", issue_date=date(2026, 3, 2), line_code="konut", customer_id=1,
        customer_number=100000 + i, customer_name=NAMES[i % len(NAMES)],
        customer_kind="individual", customer_group="bireysel", customer_email="",
        sum_insured=D("400000.00"), start_date=date(2026, 3, 2), end_date=date(2027, 3, 2),
        values={}, tariff_version=1, tariff_version_id=1, net_premium=D("572.00"),
        taxes=taxes, gross_premium=D("657.80"), worksheet=[], installment_count=6,
        channel="agency", prepared_by="acente.a1", created_at=datetime(2026, 3, 2, tzinfo=UTC),
        quote_number=1000000 + i, renews_policy_number=None, approved_by="gm.onay",
        approved_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), rejected_by=None,
        rejected_at=None, rejection_reason=None, unapproved_by=None, unapproved_at=None,
        unapproval_reason=None, cancelled_from=None, sum_insured_in_force=D("400000.00"),
        net_in_force=D("572.00"), taxes_in_force=taxes, gross_in_force=D("657.80"),
        can_print=True,
    )  # fmt: skip


def facts(i: int) -> Facts:
    number = 5000000 + i
    return Facts(
        lang="tr",
        line_name="Konut Sigortası",
        party=Party(
            NAMES[i % len(NAMES)],
            100000 + i,
            "individual",
            "172******60",
            f"Bağdat Cad. No: {i % 200 + 1} Kadıköy/İstanbul",
        ),  # fmt: skip
        insured=[
            ("Yapı tarzı", "Betonarme"),
            ("Deprem bölgesi", "1. derece deprem bölgesi"),
            ("Deprem ek teminatı", "Evet"),
            ("Bina yaşı", str(i % 60)),
            ("Brüt alan (m²)", "120"),
            ("Belediye sınırları içinde", "Evet"),
        ],  # fmt: skip
        tax_names={
            "BSMV": "Banka ve Sigorta Muameleleri Vergisi",
            "YSV": "Yangın Sigortası Vergisi",
        },
        labels=None,
        verification=Verification(
            f"http://localhost:3000/dogrula?t=policy&n={number}&c=ABCDE{i % 10000:05d}",
            f"ABCDE-{i % 10000:05d}",
        ),
    )


PLAN = [PlanRow(k, date(2026, 3 + k, 2), D("109.63"), D("0.00")) for k in range(6)]


def one(i: int) -> bytes:
    return layout_policy(view(i), facts(i), PLAN, "PE5D6Q3B")


class CoreDocument(pdf.Document):
    """The same page in Helvetica: no font to parse or embed; Turkish letters transliterated."""

    def set_font(self, family=None, style="", size=0):  # noqa: ANN001, ANN201
        super().set_font("Helvetica" if family == pdf.FAMILY else family, style, size)

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(text.translate(TRANSLIT))


class NaiveDocument(pdf.Document):
    """fpdf2's plain add_font: the TTF parsed (and subset from the full font) every time."""


@contextlib.contextmanager
def documents(kind: str) -> Iterator[None]:
    """The layouts' Document class swapped for the run's variant."""
    saved_class, saved_add = blocks.Document, pdf.add_cached_font
    try:
        if kind == "core":
            pdf.add_cached_font = lambda *a, **k: None
            blocks.Document = CoreDocument
        elif kind == "naive":
            pdf.add_cached_font = lambda doc, family, style, path: doc.add_font(
                family, style, str(path)
            )
            blocks.Document = NaiveDocument
        yield
    finally:
        blocks.Document, pdf.add_cached_font = saved_class, saved_add


def rate(make: Callable[[int], bytes], seconds: float) -> tuple[float, int]:  # float-ok: bench
    """Documents per second of this process's CPU time (the machine may be shared: wall
    time would count other processes' turns), over about `seconds` of CPU."""
    for i in range(3):  # warm up: fonts parsed, subsets cached, code paths imported
        make(i)
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        make(count)
        count += 1
    return count / (time.process_time() - start), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--naive", action="store_true")
    args = parser.parse_args()
    sample = one(0)
    with documents("core"):
        core_sample = one(0)
    print(
        f"policy PDF: {len(sample) / 1024:.1f} KiB Unicode, {len(core_sample) / 1024:.1f} KiB core"
    )
    unicode_rate, n = rate(one, args.seconds)
    with documents("core"):
        core_rate, m = rate(one, args.seconds)
    print(f"Unicode font (DejaVu, cached): {unicode_rate:8.1f} PDFs/s  ({n} documents)")
    print(f"core font (Helvetica):         {core_rate:8.1f} PDFs/s  ({m} documents)")
    print(f"ratio Unicode / core:          {unicode_rate / core_rate:8.2f}")
    if args.naive:
        with documents("naive"):
            naive_rate, k = rate(one, args.seconds)
        print(f"naive add_font per document:   {naive_rate:8.1f} PDFs/s  ({k} documents)")
    target = 100
    print(f"target ≥{target} PDFs/s: {'met' if unicode_rate >= target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
