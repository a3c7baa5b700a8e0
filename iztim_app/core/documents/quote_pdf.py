"""The printed quote: what was offered, for whom, at what price, and how it was priced."""

from __future__ import annotations

from iztim_app.core import clock
from iztim_app.core.documents.pdf import Document
from iztim_app.core.money import format_try
from iztim_app.core.tariffs.explain import explain
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.i18n import translate


def render_quote(  # noqa: ANN001
    view,
    line_name: str,
    field_rows: list[tuple[str, str]],
    lang: str,
    labels: LineLabels | None = None,
) -> bytes:
    """`view` is a quotes.services.QuoteView; only approved, unexpired quotes are printed.

    `labels` come from the tariff version the quote was priced with, so the worksheet names
    fields and choices as the screen does."""
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
    price_rows = [[t("quote.net"), format_try(view.net_premium)]]
    price_rows += [[code, format_try(amount)] for code, amount in view.taxes.items()]
    price_rows.append([t("quote.gross"), format_try(view.gross_premium)])
    doc.grid([t("pdf.item"), t("pdf.amount")], price_rows, [120, 60], right=frozenset({1}))
    doc.section(t("quote.worksheet"))
    steps = explain(view.worksheet, lang, labels)
    doc.grid(
        [t("pdf.step"), t("pdf.detail"), t("pdf.amount")],
        [[s["step"], s["detail"], s["amount"]] for s in steps],
        [28, 122, 30],
        right=frozenset({2}),
    )
    return doc.output_bytes()
