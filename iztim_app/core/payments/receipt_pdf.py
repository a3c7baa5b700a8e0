"""The receipt of a card payment ("Tahsilat makbuzu"), in the house layout of printed
documents: the company, the receipt number (our order id) and when it was paid, the
customer, the policy, each installment paid with its due date and amount, the total, the
masked card and the provider's transaction id. Pure layout: the data comes in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from iztim_app.core import clock
from iztim_app.core.documents import blocks
from iztim_app.core.money import format_try


@dataclass(frozen=True)
class Receipt:
    order_id: str
    paid_at: datetime | None
    customer_name: str
    customer_number: int
    policy_number: int
    installments: Sequence[Any]  # services.AttemptInstallment: seq, due_date, amount
    total: Decimal
    card_last4: str
    transaction_id: str


def layout_receipt(receipt: Receipt, lang: str = "tr") -> bytes:
    t = blocks.translator(lang)
    paid_at = clock.format_date(receipt.paid_at) if receipt.paid_at else ""
    doc = blocks.new_document(
        t,
        lang,
        t("receipt.title"),
        receipt.order_id,
        t("receipt.paid_at"),
        paid_at,
        t("receipt.footer"),
    )
    doc.section(t("receipt.section_payment"))
    doc.pairs2(
        [
            (t("receipt.number"), receipt.order_id),
            (t("receipt.paid_at"), paid_at),
            (t("receipt.customer"), receipt.customer_name),
            (t("receipt.customer_number"), str(receipt.customer_number)),
            (t("doc.policy_number"), str(receipt.policy_number)),
            (t("receipt.method"), t("receipt.method_card")),
            (t("receipt.card"), f"**** {receipt.card_last4}"),
            (t("receipt.transaction_id"), receipt.transaction_id),
        ]
    )
    doc.section(t("receipt.section_installments"))
    rows = [
        [str(i.seq), clock.format_date(i.due_date), format_try(i.amount)]
        for i in receipt.installments
    ]
    rows.append([t("doc.total"), "", format_try(receipt.total)])
    doc.grid(
        [t("pdf.policy_seq"), t("pdf.policy_due"), t("pdf.amount")],
        rows,
        [40, 70, 70],
        right=frozenset({2}),
        bold_last=True,
    )
    return doc.output_bytes()
