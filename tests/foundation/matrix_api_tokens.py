"""Service-matrix cases of API tokens (issue 11; appended by test_service_matrix.py): only IT
(`user.manage`) makes, lists and revokes a user's tokens. The figures are in tests/api."""

from __future__ import annotations

from sqlmodel import select

from iztim_app.core import clock
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.api_tokens.models import ApiToken
from iztim_app.core.users.models import User
from tests.foundation.test_service_matrix import IT, NOT_AGENCY_POWER, Case, World, eq

MANAGE = frozenset({"user.manage"})


def _a1(w: World) -> int:
    return w.db.exec(select(User.id).where(User.code == "acente.a1")).one()


def _a_token(w: World) -> int:
    """A token of acente.a1 to revoke, added as a plain row (no audit): the case's setup."""
    row = ApiToken(
        user_id=_a1(w),
        name="muhasebe",
        token_hash="0" * 64,
        created_at=clock.utcnow(),
        created_by="setup",
    )
    w.db.add(row)
    w.db.commit()
    return row.id


CASES = (
    Case(
        "api_tokens.create_token",
        lambda w, a: api_tokens.create_token(w.db, a, _a1(w), "muhasebe"),
        IT,
        MANAGE,
        "api_token.create",
        lambda w, r: eq((r.row.name, r.row.status, r.token[:6]), ("muhasebe", "active", "iztim_")),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "api_tokens.list_tokens",
        lambda w, a: api_tokens.list_tokens(w.db, a, _a1(w)),
        IT,
        MANAGE,
        None,
        lambda w, r: eq(r, []),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "api_tokens.revoke_token",
        # the token is made only for an actor who may revoke: a refusal changes nothing
        lambda w, a: api_tokens.revoke_token(w.db, a, _a_token(w) if a.can("user.manage") else 0),
        IT,
        MANAGE,
        "api_token.revoke",
        lambda w, r: eq((r.name, r.status), ("muhasebe", "revoked")),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "api_tokens.user_by_code",
        lambda w, a: api_tokens.user_by_code(w.db, a, "acente.a1"),
        IT,
        MANAGE,
        None,
        lambda w, r: eq(r.code, "acente.a1"),
        None,
        NOT_AGENCY_POWER,
    ),
)
