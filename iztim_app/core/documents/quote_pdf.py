"""The printed quote: what was offered, for whom, at what price, and how it was priced."""

from __future__ import annotations

from iztim_app.core import clock
from iztim_app.core.documents.blocks import price_block, worksheet_block
from iztim_app.core.documents.pdf import Document
from iztim_app.core.money import format_try
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.i18n import translate


def render_quote(  # noqa: ANN001
    view,
    line_name: str,
    field_rows: list[tuple[str, str]],
    lang: str,
    labels: LineLabels | None = None,
    taxes: dict[str, str] | None = None,
) -> bytes:
    """`view` is a quotes.services.QuoteView; only approved, unexpired quotes are printed.

    `labels` come from the tariff version the quote was priced with, so the worksheet names
    fields and choices as the screen does; `taxes` names each tax code."""
    t = lambda key, **p: translate(key, lang, **p)  # noqa: E731
    start, end = clock.format_date(view.start_date), clock.format_date(view.end_date)
    period = f"{start} 12:00 – {end} 12:00"
    approved_at = clock.format_date(view.approved_at) if view.approved_at else ""
    doc = Document(
        f"{t('pdf.quote_title')} {view.number}",
        t("pdf.quote_valid", date=clock.format_date(view.valid_until)),
    )
    doc.alias_nb_pages()
    doc.pairs(
        [
            (t("quote.number"), str(view.number)),
            (t("quote.date"), clock.format_date(view.quote_date)),
            (t("quote.valid_until"), clock.format_date(view.valid_until)),
            (t("quote.line"), line_name),
            (t("quote.customer"), f"{view.customer_name} ({view.customer_number})"),
            (t("quote.term"), period),
            (t("quote.sum_insured"), format_try(view.sum_insured)),
            (t("quote.prepared_by"), view.prepared_by),
            (t("quote.approved_by"), f"{view.approved_by or ''} · {approved_at}"),
        ]
    )
    if field_rows:
        doc.section(t("quote.fields"))
        doc.pairs(field_rows)
    doc.section(t("quote.price_title"))
    price_block(doc, t, view.net_premium, view.taxes, view.gross_premium, taxes)
    doc.section(t("quote.worksheet"))
    worksheet_block(doc, t, view.worksheet, lang, labels)
    return doc.output_bytes()
