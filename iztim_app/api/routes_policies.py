"""Policies, endorsements, cancellations, renewals, payments, their PDFs and the production
report (`api.md`, Endpoints). Each endpoint checks the request's shape, calls the service
the screen calls with the caller's Actor and maps its DTO to the spec's shape: no rule of
its own, none skipped. The services say why a call is refused; `_answers` only renames a
service's field to the body's name, answers 409 for the record's state (the spec's
table: not approved, already cancelled, already paid, already a policy) and 404 for a record
the body names that the caller cannot see (no such quote, or another office's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session

from iztim_app.api import shapes_policies as shapes
from iztim_app.api.deps import Caller, caller, database
from iztim_app.api.shapes_quotes import QuoteOut, quote_shape
from iztim_app.core import dates
from iztim_app.core.customers import services as customers
from iztim_app.core.documents import services as documents
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import Conflict, NotFound, ValidationFailed
from iztim_app.core.installments import services as installments
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.models import PolicyStatus
from iztim_app.core.policies.services import PolicyFilter, PolicyInput, PolicyView
from iztim_app.core.renewals import services as renewals
from iztim_app.core.reports import services as reports
from iztim_app.core.users.actor import Actor

router = APIRouter()

Who = Annotated[Caller, Depends(caller)]
Db = Annotated[Session, Depends(database)]
PageNo = Annotated[int, Query(ge=1, description="1-based")]
PageSize = Annotated[int, Query(ge=1, le=100)]
From = Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")]
To = Annotated[str | None, Query(alias="to", description="YYYY-MM-DD")]

PDF = {200: {"content": {"application/pdf": {}}, "description": "the document (PDF)"}}
# A service's field → the name in the request (query or body).
POLICY_FIELDS = {
    "customer": "customer_number",
    "start_date": "start",
    "end_date": "end",
    "installment_count": "installments",
}
ENDORSEMENT_FIELDS = {"effective_date": "effective"}
CANCELLATION_FIELDS = {"cancel_date": "effective", "reason_code": "reason"}
LIST_FIELDS = {"date_from": "from", "date_to": "to"}
# Refusals for the record's state (api.md: 409 conflict), raised by the services as input
# problems of the form they serve.
STATE_CODES = frozenset(
    {
        policies.QUOTE_UNUSABLE,  # a visible quote: not approved, expired, already a policy
        "policy.already_renewed",
        "endorsement.policy_not_approved",
        "endorsement.policy_cancelled",
        "endorsement.already_cancelled",
        "endorsement.one_waiting",
        "endorsement.cancellation_waiting",
        "payment.installment_paid",
    }
)
# Refusals for a record the caller cannot see (api.md: 404 not_found), raised by the
# services as input problems of the form they serve.
UNSEEN_CODES = frozenset({policies.QUOTE_UNKNOWN})  # no such quote, or another office's


@contextmanager
def _answers(fields: dict[str, str] | None = None) -> Iterator[None]:
    try:
        yield
    except ValidationFailed as exc:
        if exc.code in STATE_CODES:
            raise Conflict(exc.code, **exc.params) from exc
        if exc.code in UNSEEN_CODES:
            raise NotFound(exc.code, **exc.params) from exc
        for problem in getattr(exc, "problems", None) or (exc,):
            if getattr(problem, "field", None) in (fields or {}):
                problem.field = fields[problem.field]
        raise


def _shown(db: Session, actor: Actor, view: PolicyView) -> dict[str, Any]:
    """The policy as the API shows it: a draft (after un-approval, until revised) is work in
    progress, so the version before it — unapproved — is shown."""
    if view.status == PolicyStatus.DRAFT.value and view.version > 1:
        view = policies.get_policy(db, actor, view.number, view.version - 1)
    return shapes.policy(db, actor, view)


def _policy(db: Session, actor: Actor, number: int) -> dict[str, Any]:
    return _shown(db, actor, policies.get_policy(db, actor, number))


def _customer_id(db: Session, actor: Actor, number: int | None) -> int | None:
    """The customer record of `number` in scope; else none (the service says so)."""
    if number is None:
        return None
    try:
        return customers.get_customer(db, actor, number=number).id
    except NotFound:
        return None


def _issue_input(db: Session, actor: Actor, body: shapes.IssueBody) -> PolicyInput:
    if body.quote_number is not None:
        inp = policies.from_quote(db, actor, body.quote_number)
        return replace(
            inp,
            values={**inp.values, **(body.fields or {})},
            installment_count=body.installments,
        )
    return PolicyInput(
        line_code=body.line or "",
        customer_id=_customer_id(db, actor, body.customer_number),
        sum_insured=body.sum_insured or "",
        start_date=body.start or "",
        end_date=body.end,
        values=dict(body.fields or {}),
        installment_count=body.installments,
    )


# ------------------------------------------------------------------ policies


@router.post(
    "/policies",
    status_code=201,
    response_model=shapes.PolicyOut,
    tags=["policies"],
    summary="Issue a policy (from a quote or directly); dry_run=true: as it would be issued",
)
def issue_policy(
    who: Who,
    db: Db,
    body: shapes.IssueBody,
    response: Response,
    dry_run: Annotated[
        bool, Query(description="true: the policy as it would be issued; nothing saved")
    ] = False,
) -> dict[str, Any]:
    with _answers(POLICY_FIELDS):
        inp = _issue_input(db, who.actor, body)
        if dry_run:
            response.status_code = 200
            return shapes.preview(who.actor, policies.preview(db, who.actor, inp))
        result = policies.issue(db, who.actor, inp)
    return shapes.policy(db, who.actor, result.policy)


@router.get("/policies", response_model=shapes.PolicyPage, tags=["policies"])
def list_policies(
    who: Who,
    db: Db,
    status: str = "",
    line: str = "",
    customer_number: int | None = None,
    date_from: From = None,
    date_to: To = None,
    page: PageNo = 1,
    size: PageSize = 20,
) -> dict[str, Any]:
    """Policies in scope (current versions, newest first); `from`/`to` on the issue date."""
    with _answers(LIST_FIELDS):
        flt = PolicyFilter(
            customer="" if customer_number is None else str(customer_number),
            line=line,
            # an un-approved policy's current version is its draft
            status=PolicyStatus.DRAFT.value if status == PolicyStatus.UNAPPROVED.value else status,
            date_from=dates.parse_date(date_from, "from", required=False, iso_only=True),
            date_to=dates.parse_date(date_to, "to", required=False, iso_only=True),
        )
        found = policies.list_policies(db, who.actor, flt, page, size)
    return {
        "items": [_policy(db, who.actor, row.number) for row in found.rows],
        "page": found.page,
        "size": found.size,
        "total": found.total,
    }


@router.get("/policies/{number}", response_model=shapes.PolicyOut, tags=["policies"])
def get_policy(number: int, who: Who, db: Db) -> dict[str, Any]:
    return _policy(db, who.actor, number)


@router.post("/policies/{number}/approve", response_model=shapes.PolicyOut, tags=["policies"])
def approve_policy(number: int, who: Who, db: Db) -> dict[str, Any]:
    return _shown(db, who.actor, policies.approve(db, who.actor, number))


@router.post("/policies/{number}/unapprove", response_model=shapes.PolicyOut, tags=["policies"])
def unapprove_policy(
    number: int,
    body: shapes.ReasonBody,
    who: Who,
    db: Db,
) -> dict[str, Any]:
    """Head office: the approved version becomes `unapproved`; revise it to re-issue."""
    return _shown(db, who.actor, policies.unapprove(db, who.actor, number, body.reason))


@router.post("/policies/{number}/revise", response_model=shapes.PolicyOut, tags=["policies"])
def revise_policy(
    number: int,
    body: shapes.ReviseBody,
    who: Who,
    db: Db,
) -> dict[str, Any]:
    """An unapproved policy re-issued with the changes: the same number, `version` + 1."""
    actor = who.actor
    with _answers(POLICY_FIELDS):
        draft = policies.get_policy(db, actor, number)
        inp = PolicyInput(
            line_code=draft.line_code,
            customer_id=draft.customer_id,
            sum_insured=draft.sum_insured if body.sum_insured is None else body.sum_insured,
            start_date=draft.start_date,
            end_date=draft.end_date,
            values={**{k: str(v) for k, v in draft.values.items()}, **(body.fields or {})},
            installment_count=(
                draft.installment_count if body.installments is None else body.installments
            ),
        )
        policies.update_draft(db, actor, number, inp)
        result = policies.submit_draft(db, actor, number)
    return shapes.policy(db, actor, result.policy)


@router.get(
    "/policies/{number}/document.pdf",
    response_class=Response,
    responses=PDF,
    tags=["documents"],
)
def policy_document(number: int, who: Who, db: Db) -> Response:
    return _pdf(documents.print_document(db, who.actor, "policy", number, lang=who.lang))


def _pdf(printed: documents.PrintedDocument) -> Response:
    return Response(
        printed.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{printed.filename}"'},
    )


# ------------------------------------------------------------------ endorsements


@router.post(
    "/policies/{number}/endorsements",
    status_code=201,
    response_model=shapes.EndorsementOut,
    tags=["endorsements"],
)
def create_endorsement(
    number: int,
    body: shapes.EndorsementBody,
    who: Who,
    db: Db,
) -> dict[str, Any]:
    """`sum_insured` is the new total (blank keeps it); `fields` change the form's values."""
    with _answers(ENDORSEMENT_FIELDS):
        view = endorsements.create_endorsement(
            db,
            who.actor,
            number,
            body.kind,
            body.effective,
            body.fields or {},
            body.sum_insured,
            body.description,
        )
    return shapes.endorsement(view)


@router.post(
    "/policies/{number}/cancellation",
    status_code=201,
    response_model=shapes.EndorsementOut,
    tags=["endorsements"],
)
def create_cancellation(
    number: int,
    body: shapes.CancellationBody,
    who: Who,
    db: Db,
) -> dict[str, Any]:
    """The cancellation endorsement (fesih) from `effective`, for `reason`."""
    actor = who.actor
    with _answers(CANCELLATION_FIELDS):
        description = body.description
        if description is None:  # the reason's name, as the screen offers it
            description = endorsements.preview_cancellation(
                db, actor, number, body.effective, body.reason, body.reason
            ).reason_name
        view = endorsements.create_cancellation(
            db, actor, number, body.effective, body.reason, description
        )
    return shapes.endorsement(view)


@router.post(
    "/policies/{number}/endorsements/{k}/approve",
    response_model=shapes.EndorsementOut,
    tags=["endorsements"],
)
def approve_endorsement(number: int, k: int, who: Who, db: Db) -> dict[str, Any]:
    return shapes.endorsement(endorsements.approve_endorsement(db, who.actor, number, k))


@router.get(
    "/policies/{number}/endorsements/{k}/document.pdf",
    response_class=Response,
    responses=PDF,
    tags=["documents"],
)
def endorsement_document(number: int, k: int, who: Who, db: Db) -> Response:
    ref = f"{k}/{number}"
    return _pdf(documents.print_document(db, who.actor, "endorsement", ref, lang=who.lang))


# ------------------------------------------------------------------ renewals


@router.get("/renewals", response_model=shapes.RenewalPage, tags=["renewals"])
def list_renewals(
    who: Who,
    db: Db,
    date_from: From = None,
    date_to: To = None,
    page: PageNo = 1,
    size: PageSize = 20,
) -> dict[str, Any]:
    """Policies in scope ending between the dates, with their renewal state."""
    with _answers(LIST_FIELDS):
        who.actor.require_any("quote.create", "policy.view")  # before reading the dates
        found = renewals.renewals_list(
            db,
            who.actor,
            dates.parse_date(date_from, "from", required=False, iso_only=True),
            dates.parse_date(date_to, "to", required=False, iso_only=True),
            page,
            size,
        )
    return {
        "items": [shapes.renewal(row) for row in found.rows],
        "page": found.page,
        "size": found.size,
        "total": found.total,
    }


@router.post(
    "/policies/{number}/renew", status_code=201, response_model=QuoteOut, tags=["renewals"]
)
def renew_policy(
    who: Who,
    db: Db,
    number: int,
    body: shapes.RenewBody | None = None,
) -> dict[str, Any]:
    """The renewal quote (`start` = the old `end`); 409 before the window or when renewed."""
    claim_free = True if body is None else body.claim_free
    return quote_shape(renewals.renew(db, who.actor, number, claim_free))


# ------------------------------------------------------------------ payments


@router.post(
    "/policies/{number}/installments/{k}/payments",
    status_code=201,
    response_model=shapes.InstallmentOut,
    tags=["payments"],
)
def record_payment(
    number: int,
    k: int,
    body: shapes.PaymentBody,
    who: Who,
    db: Db,
) -> dict[str, Any]:
    """A cash or transfer payment against installment `k`; answers the installment."""
    actor = who.actor
    with _answers():
        actor.require("payment.record")
        paid_on = dates.parse_date(body.paid_on, "paid_on", iso_only=True)
        row = _installment(db, actor, number, k)
        installments.record_payment(
            db, actor, row.id, body.amount, body.method, reference=f"paid_on={paid_on}"
        )
    return shapes.installment(_installment(db, actor, number, k))


def _installment(db: Session, actor: Actor, number: int, k: int) -> installments.InstallmentRow:
    for row in installments.plan_of(db, actor, number).installments:
        if row.seq == k:
            return row
    raise NotFound()


# ------------------------------------------------------------------ report


@router.get("/reports/production", response_model=shapes.ProductionOut, tags=["reports"])
def production_report(
    who: Who,
    db: Db,
    date_from: From = None,
    date_to: To = None,
    by: str = "",
) -> dict[str, Any]:
    """Approved policies and endorsements, net of cancellations, in the caller's scope, on
    the day each was approved; `by`: a comma list of line, channel, office, agency, month."""
    return reports.as_api(reports.production_report(db, who.actor, date_from, date_to, by))
