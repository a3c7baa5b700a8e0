"""The printed policy: number and version, term, customer, insured object, premium with each
tax, the installment plan, who approved it when, the portal access code and the
verification box."""

from __future__ import annotations

from iztim_app.core import clock
from iztim_app.core.documents import blocks
from iztim_app.core.documents.blocks import Facts, PlanRow, price_block, worksheet_block
from iztim_app.core.money import format_try
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.i18n import translate


def layout_policy(view, facts: Facts, plan: list[PlanRow], access_code: str | None) -> bytes:  # noqa: ANN001
    """`view` is a policies.services.PolicyView (approved or cancelled); `plan` the
    policy's installments as they stand; `facts` from render.policy_pdf."""
    t = blocks.translator(facts.lang)
    doc = blocks.new_document(
        t,
        facts.lang,
        t("pdf.policy_title"),
        str(view.number),
        t("doc.issue_date"),
        clock.format_date(view.issue_date),
        t("pdf.policy_footer", number=view.number, version=view.version),
    )
    doc.section(t("doc.section_policy"))
    rows = [
        (t("doc.policy_number"), str(view.number)),
        (t("doc.version"), str(view.version)),
        (t("doc.issue_date"), clock.format_date(view.issue_date)),
        (t("doc.status"), t(f"policy_status.{view.status}")),
        (t("doc.term"), blocks.term_text(view.start_date, view.end_date)),
        (t("doc.prepared_by"), view.prepared_by),
    ]
    if view.quote_number:
        rows.append((t("pol.quote_number"), str(view.quote_number)))
    if view.renews_policy_number:
        rows.append((t("pol.renews"), str(view.renews_policy_number)))
    if view.cancelled_from:
        rows.append((t("pdf.policy_cancelled_from"), clock.format_date(view.cancelled_from)))
    doc.pairs2(rows)
    blocks.customer_block(doc, t, facts.party)
    blocks.insured_block(doc, t, facts.line_name, facts.insured, view.sum_insured)
    blocks.premium_block(doc, t, view.net_premium, view.taxes, view.gross_premium, facts.tax_names)
    if view.gross_in_force != view.gross_premium or view.sum_insured_in_force != view.sum_insured:
        doc.pairs2(
            [
                (t("doc.sum_in_force"), format_try(view.sum_insured_in_force)),
                (t("doc.gross_in_force"), format_try(view.gross_in_force)),
            ],
        )
    blocks.plan_block(doc, t, plan, "pdf.policy_plan")
    blocks.approval_block(
        doc,
        t,
        [
            (t("doc.approved_by"), view.approved_by or ""),
            (t("doc.approved_at"), blocks.when(view.approved_at)),
        ],
    )
    if access_code:
        blocks.access_code_box(doc, t, access_code)
    blocks.verification_block(doc, t, facts.verification)
    return doc.output_bytes()


def render_policy(  # noqa: ANN001
    view,
    plan,
    line_name: str,
    field_rows: list[tuple[str, str]],
    lang: str,
    labels: LineLabels | None = None,
    taxes: dict[str, str] | None = None,
) -> bytes:
    """The policy without access code and verification (for callers not yet on
    `render.policy_pdf`). `plan` is its installments.services.PlanView; labels and tax names
    come from the policy's own tariff version, so the document names fields and choices as
    the screen does."""
    from iztim_app.core.documents.pdf import Document  # fpdf loads with the first document

    t = lambda key, **p: translate(key, lang, **p)  # noqa: E731
    start, end = clock.format_date(view.start_date), clock.format_date(view.end_date)
    doc = Document(
        f"{t('pdf.policy_title')} {view.number}",
        t("pdf.policy_footer", number=view.number, version=view.version),
        lang=lang,
    )
    rows = [
        (t("pol.number"), str(view.number)),
        (t("pol.version"), str(view.version)),
        (t("pol.issue_date"), clock.format_date(view.issue_date)),
        (t("quote.line"), line_name),
        (t("quote.customer"), f"{view.customer_name} ({view.customer_number})"),
        (t("quote.term"), f"{start} 12:00 – {end} 12:00"),
        (t("quote.sum_insured"), format_try(view.sum_insured)),
    ]
    if view.quote_number:
        rows.append((t("pol.quote_number"), str(view.quote_number)))
    if view.renews_policy_number:
        rows.append((t("pol.renews"), str(view.renews_policy_number)))
    if view.cancelled_from:
        rows.append((t("pdf.policy_cancelled_from"), clock.format_date(view.cancelled_from)))
    rows += [
        (t("quote.prepared_by"), view.prepared_by),
        (
            t("quote.approved_by"),
            f"{view.approved_by or ''} · {clock.format_date(view.approved_at)}",
        ),
    ]
    doc.pairs(rows)
    if field_rows:
        doc.section(t("pdf.policy_insured"))
        doc.pairs(field_rows)
    doc.section(t("quote.price_title"))
    price_block(doc, t, view.net_premium, view.taxes, view.gross_premium, taxes)
    if plan.installments:
        doc.section(t("pdf.policy_plan"))
        doc.grid(
            [t("pdf.policy_seq"), t("pdf.policy_due"), t("pdf.amount")],
            [
                [str(i.seq), clock.format_date(i.due_date), format_try(i.amount)]
                for i in plan.installments
            ],
            [30, 80, 70],
            right=frozenset({2}),
        )
    doc.section(t("quote.worksheet"))
    worksheet_block(doc, t, view.worksheet, lang, labels)
    return doc.output_bytes()
