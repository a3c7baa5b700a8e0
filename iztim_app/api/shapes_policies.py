"""The policy, endorsement, installment and renewal shapes of the API (`api.md`, Shapes),
built from the services' DTOs only. A policy's figures are the ones in force: every approved
endorsement applied (`core/policies/in_force`, the one place for that rule)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session

from iztim_app.api.shapes_common import day, moment, money, taxes
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.endorsements.services import EndorsementView
from iztim_app.core.installments import services as installments
from iztim_app.core.installments.services import InstallmentRow
from iztim_app.core.policies import access_codes, in_force
from iztim_app.core.policies.models import Policy, PolicyStatus
from iztim_app.core.policies.services import PolicyPreview, PolicyView
from iztim_app.core.renewals.services import RenewalRow
from iztim_app.core.users.actor import Actor

# ------------------------------------------------------------------ request bodies


class IssueBody(BaseModel):
    """From a quote: `quote_number`, `installments` (and `fields` the quote lacks); or
    directly: `customer_number`, `line`, `sum_insured`, `start`, `end?`, `fields`."""

    quote_number: int | None = None
    customer_number: int | None = None
    line: str | None = None
    sum_insured: str | None = Field(default=None, examples=["400000.00"])
    start: str | None = Field(default=None, examples=["2026-03-02"])
    end: str | None = None
    fields: dict[str, str] | None = None
    installments: int = Field(examples=[1])


class ReasonBody(BaseModel):
    reason: str


class ReviseBody(BaseModel):
    sum_insured: str | None = Field(default=None, examples=["450000.00"])
    fields: dict[str, str] | None = None
    installments: int | None = None


class EndorsementBody(BaseModel):
    kind: str = Field(description='"increase", "decrease" or "information"')
    effective: str = Field(examples=["2026-06-10"])
    sum_insured: str | None = Field(default=None, description="the new total")
    fields: dict[str, str] | None = None
    description: str


class CancellationBody(BaseModel):
    effective: str = Field(examples=["2026-09-08"])
    reason: str = Field(description="a code of cancellation_reasons.csv")
    description: str | None = Field(
        default=None, description="optional; the reason's name when not given"
    )


class RenewBody(BaseModel):
    claim_free: bool = True


class PaymentBody(BaseModel):
    amount: str = Field(examples=["657.80"])
    method: str = Field(description='"cash" or "transfer"')
    paid_on: str = Field(examples=["2026-03-02"])


# ------------------------------------------------------------------ answers


class InstallmentOut(BaseModel):
    k: int
    due: str
    amount: str
    paid: str
    status: str = Field(description='"unpaid", "partly_paid" or "paid"')


class CancellationOut(BaseModel):
    reason: str | None
    method: str | None
    earned: str | None
    refund: str | None
    tax_refunds: dict[str, str]


class EndorsementOut(BaseModel):
    number: str = Field(examples=["2/5000017"])
    k: int
    kind: str
    effective: str
    description: str
    status: str
    sum_insured: str
    net_change: str
    taxes_change: dict[str, str]
    gross_change: str
    cancellation: CancellationOut | None
    prepared_by: str
    approved_by: str | None
    approved_at: str | None


class PolicyOut(BaseModel):
    number: int | None = Field(description="null in a dry run: no number is used")
    version: int
    status: str = Field(description='"awaiting_approval", "approved", "unapproved", "cancelled"')
    line: str
    customer_number: int
    quote_number: int | None
    start: str
    end: str
    sum_insured: str
    fields: dict[str, str]
    net_premium: str
    taxes: dict[str, str]
    gross_premium: str
    installments: list[InstallmentOut]
    endorsements: list[EndorsementOut]
    refund_due: str
    access_code: str | None
    prepared_by: str
    approved_by: str | None
    approved_at: str | None
    cancelled_from: str | None


class PolicyPage(BaseModel):
    items: list[PolicyOut]
    page: int
    size: int
    total: int


class RenewalOut(BaseModel):
    policy_number: int
    line: str
    customer_number: int
    end: str
    state: str = Field(description='"not_offered", "quote_given", "renewed" or "lapsed"')
    renewal_quote_number: int | None


class RenewalPage(BaseModel):
    items: list[RenewalOut]
    page: int
    size: int
    total: int


class ProductionOut(BaseModel):
    rows: list[dict[str, Any]]
    totals: dict[str, Any]


# ------------------------------------------------------------------ DTO → shape


def installment_status(amount: Any, paid: Any) -> str:
    if paid >= amount:
        return "paid"
    return "partly_paid" if paid > 0 else "unpaid"


def installment(row: InstallmentRow) -> dict[str, Any]:
    return {
        "k": row.seq,
        "due": day(row.due_date),
        "amount": money(row.amount),
        "paid": money(row.paid),
        "status": installment_status(row.amount, row.paid),
    }


def endorsement(e: EndorsementView) -> dict[str, Any]:
    cancellation = None
    if e.kind == "cancellation":
        cancellation = {
            "reason": e.reason_code,
            "method": e.method,
            "earned": money(e.earned),
            "refund": money(e.refund),
            "tax_refunds": taxes(e.tax_refunds),
        }
    return {
        "number": e.label,
        "k": e.seq,
        "kind": e.kind,
        "effective": day(e.effective_date),
        "description": e.description,
        "status": e.status,
        "sum_insured": money(e.sum_insured_after),
        "net_change": money(e.net_change),
        "taxes_change": taxes(e.taxes_change),
        "gross_change": money(e.gross_change),
        "cancellation": cancellation,
        "prepared_by": e.prepared_by,
        "approved_by": e.approved_by,
        "approved_at": moment(e.approved_at),
    }


def policy(db: Session, actor: Actor, view: PolicyView) -> dict[str, Any]:
    """The Policy shape of a stored version, with its figures and fields in force."""
    row = db.get(Policy, view.id)
    now = in_force.figures(row, in_force.approved_endorsements(db, row))
    plan = installments.plan_of(db, actor, view.number)
    status = view.status
    if status == PolicyStatus.DRAFT.value:  # never shown: the API shows the version before
        status = PolicyStatus.UNAPPROVED.value
    return {
        "number": view.number,
        "version": view.version,
        "status": status,
        "line": view.line_code,
        "customer_number": view.customer_number,
        "quote_number": view.quote_number,
        "start": day(view.start_date),
        "end": day(view.end_date),
        "sum_insured": money(now.sum_insured),
        "fields": {str(k): str(v) for k, v in now.values.items()},
        "net_premium": money(now.net_premium),
        "taxes": taxes(now.taxes),
        "gross_premium": money(now.gross_premium),
        "installments": [installment(i) for i in plan.installments],
        "endorsements": [
            endorsement(e) for e in endorsements.list_endorsements(db, actor, view.number)
        ],
        "refund_due": money(plan.refund_due),
        "access_code": access_codes.code_of(db, view.number),
        "prepared_by": view.prepared_by,
        "approved_by": view.approved_by,
        "approved_at": moment(view.approved_at),
        "cancelled_from": day(view.cancelled_from),
    }


def preview(actor: Actor, p: PolicyPreview) -> dict[str, Any]:
    """The Policy shape of a policy as it would be issued (`dry_run`): no number used."""
    return {
        "number": None,
        "version": 1,
        "status": "awaiting_approval" if p.needs_approval else "approved",
        "line": p.line_code,
        "customer_number": p.customer_number,
        "quote_number": p.quote_number,
        "start": day(p.start_date),
        "end": day(p.end_date),
        "sum_insured": money(p.sum_insured),
        "fields": {str(k): str(v) for k, v in p.values.items()},
        "net_premium": money(p.net_premium),
        "taxes": taxes(p.taxes),
        "gross_premium": money(p.gross_premium),
        "installments": [
            {
                "k": i.seq,
                "due": day(i.due_date),
                "amount": money(i.amount),
                "paid": "0.00",
                "status": "unpaid",
            }
            for i in p.installments
        ],
        "endorsements": [],
        "refund_due": "0.00",
        "access_code": None,
        "prepared_by": actor.code,
        "approved_by": None if p.needs_approval else actor.code,
        "approved_at": None,
        "cancelled_from": None,
    }


def renewal(row: RenewalRow) -> dict[str, Any]:
    return {
        "policy_number": row.number,
        "line": row.line_code,
        "customer_number": row.customer_number,
        "end": day(row.end_date),
        "state": row.state,
        "renewal_quote_number": row.renewal_quote_number,
    }
