"""The printed quote: what was offered, for whom, at what price, and how it was priced."""

from __future__ import annotations

from iztim_app.core import clock
from iztim_app.core.documents import blocks
from iztim_app.core.documents.blocks import Facts, price_block, worksheet_block
from iztim_app.core.money import format_try
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.i18n import translate


def layout_quote(view, facts: Facts) -> bytes:  # noqa: ANN001
    """`view` is a quotes.services.QuoteView (approved); `facts` from render.quote_pdf."""
    t = blocks.translator(facts.lang)
    doc = blocks.new_document(
        t,
        facts.lang,
        t("pdf.quote_title"),
        str(view.number),
        t("doc.quote_date"),
        clock.format_date(view.quote_date),
        t("pdf.quote_valid", date=clock.format_date(view.valid_until)),
    )
    doc.section(t("doc.section_quote"))
    rows = [
        (t("doc.quote_number"), str(view.number)),
        (t("doc.quote_date"), clock.format_date(view.quote_date)),
        (t("doc.valid_until"), clock.format_date(view.valid_until)),
        (t("doc.term"), blocks.term_text(view.start_date, view.end_date)),
        (t("doc.prepared_by"), view.prepared_by),
    ]
    if view.revises_number:
        rows.append((t("doc.revises"), str(view.revises_number)))
    if view.renews_policy_number:
        rows.append((t("quote.renews"), str(view.renews_policy_number)))
    doc.pairs2(rows)
    blocks.customer_block(doc, t, facts.party)
    blocks.insured_block(doc, t, facts.line_name, facts.insured, view.sum_insured)
    blocks.premium_block(doc, t, view.net_premium, view.taxes, view.gross_premium, facts.tax_names)
    blocks.approval_block(
        doc,
        t,
        [
            (t("doc.approved_by"), view.approved_by or ""),
            (t("doc.approved_at"), blocks.when(view.approved_at)),
        ],
    )
    blocks.verification_block(doc, t, facts.verification)
    doc.section(t("quote.worksheet"))
    worksheet_block(doc, t, view.worksheet, facts.lang, facts.labels)
    return doc.output_bytes()


def render_quote(  # noqa: ANN001
    view,
    line_name: str,
    field_rows: list[tuple[str, str]],
    lang: str,
    labels: LineLabels | None = None,
    taxes: dict[str, str] | None = None,
) -> bytes:
    """The quote without verification box (for callers not yet on `render.quote_pdf`).

    `labels` come from the tariff version the quote was priced with, so the worksheet names
    fields and choices as the screen does; `taxes` names each tax code."""
    from iztim_app.core.documents.pdf import Document  # fpdf loads with the first document

    t = lambda key, **p: translate(key, lang, **p)  # noqa: E731
    start, end = clock.format_date(view.start_date), clock.format_date(view.end_date)
    period = f"{start} 12:00 – {end} 12:00"
    approved_at = clock.format_date(view.approved_at) if view.approved_at else ""
    doc = Document(
        f"{t('pdf.quote_title')} {view.number}",
        t("pdf.quote_valid", date=clock.format_date(view.valid_until)),
        lang=lang,
    )
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
