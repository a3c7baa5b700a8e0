"""Pure policy rules: what a quote must be to become a policy, the status a saved policy
starts in, who may decide on it. No database here; services/ load, lock and save."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from iztim_app.core.policies.models import PolicyStatus
from iztim_app.core.quotes import rules as quote_rules
from iztim_app.core.quotes.models import QuoteStatus

HEAD_OFFICE = "head_office"

# Problems of a quote that cannot become a policy. The user sees one message for all of
# them (and for a number that does not exist or is out of scope); the reason is for logs
# and tests.
QUOTE_NOT_APPROVED = "not_approved"
QUOTE_EXPIRED = "expired"
QUOTE_CONVERTED = "converted"


def quote_problem(
    status: str, valid_until: date, policy_number: int | None, today: date
) -> str | None:
    """Why a visible quote cannot become a policy today, or None when it can."""
    if policy_number is not None:
        return QUOTE_CONVERTED
    if status != QuoteStatus.APPROVED.value:
        return QUOTE_NOT_APPROVED
    if quote_rules.is_expired(status, valid_until, today):
        return QUOTE_EXPIRED
    return None


def initial_status(preparer_limit: Decimal | None, sum_insured: Decimal) -> PolicyStatus:
    """Within the preparer's POLICY limit for the line the policy is approved at once (the
    preparer is the approver); over it, or without a limit row, it awaits approval."""
    if quote_rules.within_limit(preparer_limit, sum_insured):
        return PolicyStatus.APPROVED
    return PolicyStatus.AWAITING_APPROVAL


def is_head_office(office_kind: str, is_agency: bool) -> bool:
    """Approving, rejecting and un-approving policies are head-office work, never agencies'."""
    return office_kind == HEAD_OFFICE and not is_agency


def may_decide(
    office_kind: str, is_agency: bool, approver_limit: Decimal | None, sum_insured: Decimal
) -> bool:
    """A head-office approver whose policy limit for the line covers the sum insured."""
    return is_head_office(office_kind, is_agency) and quote_rules.within_limit(
        approver_limit, sum_insured
    )


def printable(status: str) -> bool:
    """Only approved policies print, and cancelled ones (the document of what was in force)."""
    return status in (PolicyStatus.APPROVED.value, PolicyStatus.CANCELLED.value)
