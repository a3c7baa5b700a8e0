"""The permission catalogue, view scopes and role templates.

Permissions are granted per user; roles only fill in a starting set. Doing and seeing
are separate grants. Agencies can never hold the head-office powers listed in
AGENCY_FORBIDDEN, whatever a grant row says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    OWN = "own"
    OFFICE = "office"
    OFFICE_TREE = "office_tree"
    ALL = "all"


@dataclass(frozen=True)
class PermissionDef:
    code: str
    kind: str  # "do" (işlem yetkisi) or "see" (görüntüleme yetkisi)


PERMISSIONS: tuple[PermissionDef, ...] = (
    PermissionDef("quote.create", "do"),
    PermissionDef("quote.approve", "do"),
    PermissionDef("policy.issue", "do"),
    PermissionDef("policy.approve", "do"),
    PermissionDef("policy.unapprove", "do"),
    PermissionDef("endorsement.create", "do"),
    PermissionDef("cancellation.create", "do"),
    PermissionDef("payment.record", "do"),
    PermissionDef("report.define", "do"),
    PermissionDef("tariff.manage", "do"),
    PermissionDef("user.manage", "do"),
    PermissionDef("commission.manage", "do"),
    PermissionDef("quote.view", "see"),
    PermissionDef("policy.view", "see"),
    PermissionDef("report.view", "see"),
    PermissionDef("customer.view_id", "see"),
    PermissionDef("tariff.view", "see"),
    PermissionDef("audit.view", "see"),
)
PERMISSION_CODES = frozenset(p.code for p in PERMISSIONS)

# Head-office powers an agency user never has (domain rules: agencies never change
# approved documents, never endorse or cancel, never administer).
AGENCY_FORBIDDEN = frozenset(
    {
        "quote.approve",
        "policy.approve",
        "policy.unapprove",
        "endorsement.create",
        "cancellation.create",
        "report.define",
        "tariff.manage",
        "user.manage",
        "commission.manage",
        "audit.view",
        "customer.view_id",
    }
)


@dataclass(frozen=True)
class Role:
    code: str
    permissions: frozenset[str]
    scope: Scope


ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        Role(
            "it_admin",
            frozenset(
                {
                    "user.manage",
                    "tariff.manage",
                    "tariff.view",
                    "audit.view",
                    "report.view",
                    "commission.manage",
                }
            ),
            Scope.ALL,
        ),
        Role(
            "hq_approver",
            frozenset(
                {
                    "quote.create",
                    "quote.approve",
                    "quote.view",
                    "policy.issue",
                    "policy.approve",
                    "policy.unapprove",
                    "policy.view",
                    "endorsement.create",
                    "cancellation.create",
                    "payment.record",
                    "report.view",
                    "report.define",
                    "customer.view_id",
                    "tariff.view",
                }
            ),
            Scope.ALL,
        ),
        Role(
            "manager",
            frozenset(
                {
                    "quote.view",
                    "policy.view",
                    "report.view",
                    "report.define",
                    "tariff.view",
                    "commission.manage",
                }
            ),
            Scope.OFFICE_TREE,
        ),
        Role(
            "branch_staff",
            frozenset(
                {
                    "quote.create",
                    "quote.view",
                    "policy.issue",
                    "policy.view",
                    "endorsement.create",
                    "cancellation.create",
                    "payment.record",
                    "report.view",
                    "customer.view_id",
                    "tariff.view",
                }
            ),
            Scope.OFFICE_TREE,
        ),
        Role(
            "agency_user",
            frozenset(
                {
                    "quote.create",
                    "quote.view",
                    "policy.issue",
                    "policy.view",
                    "payment.record",
                    "report.view",
                }
            ),
            Scope.OWN,
        ),
    )
}


def effective_permissions(granted: set[str] | frozenset[str], is_agency: bool) -> frozenset[str]:
    valid = frozenset(granted) & PERMISSION_CODES
    return valid - AGENCY_FORBIDDEN if is_agency else valid


def effective_scope(scope: str, is_agency: bool) -> Scope:
    """Agency users are always limited to their own records."""
    if is_agency:
        return Scope.OWN
    try:
        return Scope(scope)
    except ValueError:
        return Scope.OWN
