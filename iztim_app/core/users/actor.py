"""The acting user, rebuilt from the database for every request; services check it.

`load_actor` lives here, beside `Actor`, so that sign-in, sessions and user administration
can all build one without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.errors import PasswordChangeRequired, PermissionDenied
from iztim_app.core.organisation.models import Office, OfficeKind
from iztim_app.core.users.models import AuthorityLimit, User, UserPermission
from iztim_app.core.users.permissions import (
    PERMISSION_CODES,
    Scope,
    effective_permissions,
    effective_scope,
)


@dataclass(frozen=True)
class Actor:
    user_id: int
    code: str
    name: str
    office_id: int
    office_code: str
    office_name: str
    office_path: str
    is_agency: bool
    permissions: frozenset[str]
    scope: Scope
    lang: str
    quote_limits: tuple[tuple[str, Decimal], ...] = ()
    policy_limits: tuple[tuple[str, Decimal], ...] = ()
    office_kind: str = ""
    # A temporary password set by IT is still unchanged: the actor may do nothing but
    # change it (and sign out). Every check below refuses, so no service can forget it.
    password_change_pending: bool = False
    # How the user acts when not on the screens, e.g. "api:<token name>": audited beside the code.
    via: str = ""

    def can(self, permission: str) -> bool:
        return not self.password_change_pending and permission in self.permissions

    def require_ready(self) -> None:
        """For services open to every signed-in user (no permission of their own)."""
        if self.password_change_pending:
            raise PasswordChangeRequired(permission="password.change")

    def require(self, permission: str) -> None:
        self.require_ready()
        if permission not in self.permissions:
            raise PermissionDenied(permission=permission)

    def require_any(self, *permissions: str) -> None:
        """One of these is enough (e.g. viewing or creating quotes); a refusal names the first."""
        self.require_ready()
        if self.permissions.isdisjoint(permissions):
            raise PermissionDenied(permission=permissions[0])

    def quote_limit(self, line: str) -> Decimal | None:
        """None means no limit row: may not approve on that line."""
        return dict(self.quote_limits).get(line)

    def policy_limit(self, line: str) -> Decimal | None:
        return dict(self.policy_limits).get(line)

    def visible(self, owner_user_id, office_id, office_path) -> sa.ColumnElement[bool]:  # noqa: ANN001
        """SQL condition for records this actor may see (owner/office columns of the record)."""
        if self.password_change_pending:
            return sa.false()
        if self.scope is Scope.ALL:
            return sa.true()
        if self.scope is Scope.OFFICE_TREE:
            return office_path.startswith(self.office_path)
        if self.scope is Scope.OFFICE:
            return office_id == self.office_id
        return owner_user_id == self.user_id


def limits_cover(
    limits: tuple[tuple[str, Decimal], ...], line_column: Any, amount_column: Any
) -> sa.ColumnElement[bool]:
    """SQL twin of `quotes.rules.within_limit` for approval queues: the record's line has a
    limit row covering its amount (no row for the line: not approvable)."""
    lines = [sa.and_(line_column == line, amount_column <= limit) for line, limit in limits]
    return sa.or_(*lines) if lines else sa.false()


def load_actor(db: Session, user_id: int) -> Actor | None:
    """Fresh from the database: a disabled user, or one in a closed office, gets no actor.

    A sign-in lock does not end open sessions (it stops password guessing, and must not
    let a guesser throw the real user out); IT disables a user to stop them acting."""
    user = db.get(User, user_id)
    if user is None or not user.active:
        return None
    office = db.get(Office, user.office_id)
    if office is None or not office.active:
        return None
    is_agency = office.kind == OfficeKind.AGENCY.value
    granted, limits = _grants_and_limits(db, user.id)
    return Actor(
        user_id=user.id,
        code=user.code,
        name=user.name,
        office_id=office.id,
        office_code=office.code,
        office_name=office.name,
        office_path=office.path,
        is_agency=is_agency,
        permissions=effective_permissions(granted, is_agency),
        scope=effective_scope(user.view_scope, is_agency),
        lang=user.lang,
        quote_limits=tuple(sorted((line, quote) for line, quote, _ in limits)),
        policy_limits=tuple(sorted((line, policy) for line, _, policy in limits)),
        office_kind=office.kind,
        password_change_pending=bool(user.must_change_password),
    )


def _grants_and_limits(
    db: Session, user_id: int
) -> tuple[set[str], list[tuple[str, Decimal, Decimal]]]:
    """The user's granted permissions and authority limits in one round trip (a UNION ALL
    tagged by kind): every event builds an actor, so each query saved counts. The limits
    come first so that the union's columns keep their money type (Decimal on SQLite too)."""
    limit_rows = select(
        sa.literal("limit").label("kind"),
        AuthorityLimit.line_code.label("name"),
        AuthorityLimit.quote_limit.label("quote_limit"),
        AuthorityLimit.policy_limit.label("policy_limit"),
    ).where(AuthorityLimit.user_id == user_id)
    grant_rows = select(sa.literal("grant"), UserPermission.permission, sa.null(), sa.null()).where(
        UserPermission.user_id == user_id
    )
    granted: set[str] = set()
    limits: list[tuple[str, Decimal, Decimal]] = []
    for kind, name, quote, policy in db.exec(sa.union_all(limit_rows, grant_rows)).all():
        if kind == "grant":
            granted.add(name)
        else:
            limits.append((name, quote, policy))
    return granted, limits


def operator_actor(code: str = "cli") -> Actor:
    """The command line's identity: an operator at the server with every power, audited as such."""
    return Actor(
        user_id=0,
        code=code,
        name=code,
        office_id=0,
        office_code="",
        office_name="",
        office_path="/",
        is_agency=False,
        permissions=PERMISSION_CODES,
        scope=Scope.ALL,
        lang="tr",
    )
