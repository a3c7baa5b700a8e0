"""The printed endorsement (zeyilname) and cancellation endorsement (iptal zeyili): which
policy, what changed (before → after), the premium change with each tax and how it went
into the installments (spread over open installments, a new installment, or a refund), for
a cancellation the reason, method, earned premium and each refund; who approved it when,
and the verification box."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from iztim_app.core import clock
from iztim_app.core.documents import blocks
from iztim_app.core.documents.blocks import Facts, PlanRow
from iztim_app.core.money import ZERO, format_try

CANCELLATION = "cancellation"


@dataclass(frozen=True)
class PolicyRef:
    number: int
    version: int
    start_date: date
    end_date: date


@dataclass(frozen=True)
class Spread:
    """What the approved change did to the plan, as recorded: an installment it added and
    the refund it left owed (both None when there was none)."""

    added: PlanRow | None
    refund_owed: Decimal | None


def _spread_lines(t: blocks.Translate, gross_change: Decimal, spread: Spread) -> list[str]:
    if gross_change > 0:
        lines = [t("doc.spread_increase", amount=format_try(gross_change))]
        if spread.added is not None:
            lines.append(
                t(
                    "doc.spread_added",
                    seq=spread.added.seq,
                    date=clock.format_date(spread.added.due_date),
                )
            )
        return lines
    if gross_change < 0:
        lines = [t("doc.spread_decrease", amount=format_try(-gross_change))]
        if spread.refund_owed:
            lines.append(t("doc.spread_refund", amount=format_try(spread.refund_owed)))
        return lines
    return [t("doc.spread_none")]


def layout_endorsement(  # noqa: ANN001
    view,
    facts: Facts,
    policy: PolicyRef,
    changes: list[tuple[str, str, str]],
    spread: Spread,
    plan: list[PlanRow],
    reason_name: str,
) -> bytes:
    """`view` is an endorsements.services.EndorsementView (approved); `changes` the fields
    whose value the endorsement changed (label, before, after)."""
    t = blocks.translator(facts.lang)
    cancelling = view.kind == CANCELLATION
    title = t("doc.cancellation_title" if cancelling else "doc.endorsement_title")
    doc = blocks.new_document(
        t,
        facts.lang,
        title,
        view.label,
        t("doc.approval_date"),
        clock.format_date(view.approved_at.astimezone(clock.TURKEY).date())
        if view.approved_at
        else "",
        t("doc.endorsement_footer", label=view.label, number=policy.number),
    )
    doc.section(t("doc.section_endorsement"))
    rows = [
        (t("doc.endorsement_number"), view.label),
        (t("doc.policy_number"), f"{policy.number} ({t('doc.version')} {policy.version})"),
        (t("doc.endorsement_kind"), t(f"endorsement.kind.{view.kind}")),
        (t("doc.effective_date"), clock.format_date(view.effective_date)),
        (t("doc.term"), blocks.term_text(policy.start_date, policy.end_date)),
        (t("doc.prepared_by"), view.prepared_by),
    ]
    if view.description:
        rows.append((t("doc.description"), view.description))
    doc.pairs2(rows)
    blocks.customer_block(doc, t, facts.party)
    if cancelling:
        _cancellation(doc, t, view, facts, reason_name)
    else:
        _change(doc, t, view, facts, changes)
    doc.section(t("doc.section_spread"))
    for line in _spread_lines(t, view.gross_change, spread):
        doc.set_x(doc.l_margin)
        doc.text_lines(line, doc.epw, 4.5)
    doc.ln(1)
    blocks.plan_block(doc, t, plan, "doc.plan_now")
    blocks.approval_block(
        doc,
        t,
        [
            (t("doc.approved_by"), view.approved_by or ""),
            (t("doc.approved_at"), blocks.when(view.approved_at)),
        ],
    )
    blocks.verification_block(doc, t, facts.verification)
    return doc.output_bytes()


def _change(doc, t, view, facts: Facts, changes: list[tuple[str, str, str]]) -> None:  # noqa: ANN001
    doc.section(t("doc.section_changes"))
    if changes:
        doc.grid(
            [t("doc.field"), t("doc.before"), t("doc.after")],
            [[label, before, after] for label, before, after in changes],
            [60, 60, 60],
        )
    else:
        doc.pairs([(t("doc.no_field_change"), "")])
    blocks.insured_block(
        doc,
        t,
        facts.line_name,
        facts.insured,
        view.sum_insured_after,
        title_key="doc.section_insured_after",
    )
    doc.section(t("doc.section_premium_change"))
    doc.grid(
        [t("pdf.item"), t("pdf.amount")],
        blocks.premium_rows(
            t,
            view.net_change,
            view.taxes_change,
            view.gross_change,
            facts.tax_names,
            net_key="doc.net_change",
            gross_key="doc.gross_change",
        ),
        [130, 50],
        right=frozenset({1}),
        bold_last=True,
    )
    doc.pairs2(
        [
            (t("doc.net_after"), format_try(view.net_in_force_after)),
            (t("doc.gross_after"), format_try(view.gross_in_force_after)),
        ],
    )


def _cancellation(doc, t, view, facts: Facts, reason_name: str) -> None:  # noqa: ANN001
    doc.section(t("doc.section_cancellation"))
    method = t(f"endorsement.method.{view.method}") if view.method else ""
    doc.pairs2(
        [
            (t("doc.cancel_reason"), reason_name),
            (t("doc.cancel_method"), method),
            (t("doc.cancel_date"), clock.format_date(view.effective_date)),
            (t("doc.line"), facts.line_name),
        ],
    )
    refund = view.refund if view.refund is not None else ZERO
    rows = [
        [t("doc.earned"), format_try(view.earned if view.earned is not None else ZERO)],
        [t("doc.refund_net"), format_try(refund)],
    ]
    rows += [
        [t("doc.tax_refund", tax=blocks.tax_label(code, facts.tax_names)), format_try(amount)]
        for code, amount in view.tax_refunds.items()
    ]
    total = view.gross_refund if view.gross_refund is not None else refund
    rows.append([t("doc.refund_gross"), format_try(total)])
    doc.section(t("doc.section_refund"))
    doc.grid(
        [t("pdf.item"), t("pdf.amount")], rows, [130, 50], right=frozenset({1}), bold_last=True
    )
