"""The acting user, rebuilt from the database for every request; services check it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from iztim_app.core.errors import PermissionDenied
from iztim_app.core.users.permissions import Scope


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

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(permission=permission)

    def quote_limit(self, line: str) -> Decimal | None:
        """None means no limit row: may not approve on that line."""
        return dict(self.quote_limits).get(line)

    def policy_limit(self, line: str) -> Decimal | None:
        return dict(self.policy_limits).get(line)

    def visible(self, owner_user_id, office_id, office_path) -> sa.ColumnElement[bool]:  # noqa: ANN001
        """SQL condition for records this actor may see (owner/office columns of the record)."""
        if self.scope is Scope.ALL:
            return sa.true()
        if self.scope is Scope.OFFICE_TREE:
            return office_path.startswith(self.office_path)
        if self.scope is Scope.OFFICE:
            return office_id == self.office_id
        return owner_user_id == self.user_id


def operator_actor(code: str = "cli") -> Actor:
    """The command line's identity: an operator at the server with every power, audited as such."""
    from iztim_app.core.users.permissions import PERMISSION_CODES

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
