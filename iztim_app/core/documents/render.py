"""The printed documents: quote, policy, endorsement (and cancellation endorsement) as PDF.

No permission checks here: callers (documents.services, the batch job) have found the view
through the actor's scope and decided the document is printable. This module reads what the
view does not carry (the customer, the tariff's labels, the plan, the access code, the
verification code) and hands it to the layouts.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from iztim_app import i18n
from iztim_app.core.customers.identity import mask_national_id
from iztim_app.core.customers.models import Customer
from iztim_app.core.documents import blocks, verification
from iztim_app.core.documents.blocks import Facts, Party, PlanRow, Verification
from iztim_app.core.documents.endorsement_pdf import PolicyRef, Spread, layout_endorsement
from iztim_app.core.documents.policy_pdf import layout_policy
from iztim_app.core.documents.quote_pdf import layout_quote
from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.installments.models import Installment, RefundDue
from iztim_app.core.money import format_try
from iztim_app.core.policies import access_codes
from iztim_app.core.policies.models import Policy
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.labels import LineLabels
from iztim_app.core.tariffs.model import TariffSet

__all__ = ["quote_pdf", "policy_pdf", "endorsement_pdf"]


def _tariff(db: Session, version_id: int) -> TariffSet | None:
    version = db.get(versions.TariffVersion, version_id)
    return versions.tariff_set_of(version) if version is not None else None


def _party(db: Session, customer_id: int) -> Party:
    customer = db.get(Customer, customer_id)
    return Party(
        name=customer.name,
        number=customer.number,
        kind=customer.kind,
        masked_id=mask_national_id(customer.national_id),
        address=customer.address,
    )


def _plan(db: Session, policy_number: int) -> list[PlanRow]:
    rows = db.exec(
        select(Installment)
        .where(Installment.policy_number == policy_number)
        .order_by(Installment.seq)
        .execution_options(populate_existing=True)
    ).all()
    return [PlanRow(i.seq, i.due_date, i.amount, i.paid) for i in rows]


def _facts(
    db: Session,
    lang: str,
    kind: str,
    number: int,
    seq: int | None,
    *,
    tariff: TariffSet | None,
    line_code: str,
    customer_id: int,
    values: dict[str, Any],
) -> Facts:
    line = tariff.lines.get(line_code) if tariff is not None else None
    return Facts(
        lang=lang,
        line_name=line.line.name(lang) if line else line_code,
        party=_party(db, customer_id),
        insured=blocks.insured_rows(line, values, lang),
        tax_names=blocks.tax_names(line, lang),
        labels=LineLabels.of(tariff, line_code, lang),
        verification=Verification(
            url=verification.verification_url(db, kind, number, seq),
            code=verification.format_code(verification.verification_code(db, kind, number, seq)),
        ),
    )


def quote_pdf(db: Session, view: Any, lang: str) -> bytes:
    """An approved quote (`quotes.services.QuoteView`)."""
    lang = i18n.normalize_language(lang)
    tariff = _tariff(db, view.tariff_version_id)
    facts = _facts(
        db,
        lang,
        "quote",
        view.number,
        None,
        tariff=tariff,
        line_code=view.line_code,
        customer_id=view.customer_id,
        values=view.values,
    )
    return layout_quote(view, facts)


def policy_pdf(db: Session, view: Any, lang: str) -> bytes:
    """An approved or cancelled policy's version (`policies.services.PolicyView`), with its
    installment plan as it stands and the portal access code."""
    lang = i18n.normalize_language(lang)
    tariff = _tariff(db, view.tariff_version_id)
    facts = _facts(
        db,
        lang,
        "policy",
        view.number,
        None,
        tariff=tariff,
        line_code=view.line_code,
        customer_id=view.customer_id,
        values=view.values,
    )
    code = access_codes.code_of(db, view.number)
    return layout_policy(view, facts, _plan(db, view.number), code)


def _before(db: Session, endorsement: Endorsement, policy: Policy) -> tuple[dict[str, Any], Any]:
    """The values and sum insured in force just before this endorsement: the previous
    approved endorsement's on the same policy version, else the policy's own."""
    previous = db.exec(
        select(Endorsement)
        .where(
            Endorsement.policy_id == policy.id,
            Endorsement.seq < endorsement.seq,
            Endorsement.approved_at.is_not(None),
        )
        .order_by(Endorsement.seq.desc())
        .limit(1)
    ).first()
    if previous is not None:
        return dict(previous.values), previous.sum_insured_after
    return dict(policy.values), policy.sum_insured


def _changes(
    tariff: TariffSet | None,
    line_code: str,
    before: tuple[dict[str, Any], Any],
    after: tuple[dict[str, Any], Any],
    lang: str,
) -> list[tuple[str, str, str]]:
    """(label, before, after) of each field the endorsement changed, the sum insured first."""
    t = blocks.translator(lang)
    rows: list[tuple[str, str, str]] = []
    if before[1] != after[1]:
        rows.append((t("doc.sum_insured"), format_try(before[1]), format_try(after[1])))
    line = tariff.lines.get(line_code) if tariff is not None else None
    if line is None:
        names = sorted(set(before[0]) | set(after[0]))
        rows += [
            (n, str(before[0].get(n, "")), str(after[0].get(n, "")))
            for n in names
            if str(before[0].get(n, "")) != str(after[0].get(n, ""))
        ]
        return rows
    for f in line.fields:
        old, new = before[0].get(f.name), after[0].get(f.name)
        if str(old if old is not None else "") == str(new if new is not None else ""):
            continue
        rows.append(
            (
                f.label(lang),
                blocks.readable(line, f, old, lang) if old is not None else "—",
                blocks.readable(line, f, new, lang) if new is not None else "—",
            )
        )
    return rows


def _spread(db: Session, endorsement_id: int) -> Spread:
    added = db.exec(select(Installment).where(Installment.endorsement_id == endorsement_id)).first()
    refund = db.exec(select(RefundDue).where(RefundDue.endorsement_id == endorsement_id)).first()
    return Spread(
        added=PlanRow(added.seq, added.due_date, added.amount, added.paid) if added else None,
        refund_owed=refund.amount if refund else None,
    )


def endorsement_pdf(db: Session, view: Any, lang: str) -> bytes:
    """An approved endorsement or cancellation (`endorsements.services.EndorsementView`)."""
    lang = i18n.normalize_language(lang)
    endorsement = db.get(Endorsement, view.id)
    policy = db.get(Policy, endorsement.policy_id)
    tariff = _tariff(db, policy.tariff_version_id)
    after = (dict(view.values), view.sum_insured_after)
    facts = _facts(
        db,
        lang,
        "endorsement",
        view.policy_number,
        view.seq,
        tariff=tariff,
        line_code=policy.line_code,
        customer_id=policy.customer_id,
        values=after[0] if view.kind != "cancellation" else dict(policy.values),
    )
    reason_name = ""
    if view.reason_code:
        reason = tariff.cancellation_reasons.get(view.reason_code) if tariff else None
        reason_name = reason.name(lang) if reason is not None else view.reason_code
    return layout_endorsement(
        view,
        facts,
        PolicyRef(policy.number, policy.version, policy.start_date, policy.end_date),
        _changes(tariff, policy.line_code, _before(db, endorsement, policy), after, lang),
        _spread(db, view.id),
        _plan(db, view.policy_number),
        reason_name,
    )
