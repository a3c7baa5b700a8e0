"""What every endpoint depends on: the caller behind the Bearer token, and a database session.

    @router.get("/things/{number}")
    def thing(number: int, who: CallerDep, db: DbDep) -> dict:
        return shape(things.get(db, who.actor, number))

`caller` refuses (401 problem) a missing, unknown, expired or revoked token and a disabled
user; an address presenting wrong tokens waits (429). `who.actor` acts exactly as the
token's user (permissions, scope, limits); its `via` makes audit records name the token.
`who.lang` is the language of the request's messages ("tr" unless Accept-Language: en)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from iztim_app.api import idempotency
from iztim_app.api.errors import language
from iztim_app.client_address import client_address
from iztim_app.core.api_tokens import services as api_tokens
from iztim_app.core.db import session_scope
from iztim_app.core.users.actor import Actor

bearer = HTTPBearer(auto_error=False, description="İztim API token (`iztim tokens create`)")


@dataclass(frozen=True)
class Caller:
    actor: Actor
    token_name: str
    lang: str  # "tr" | "en"


def source_of(request: Request) -> str:
    return client_address(request)


def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The token's user, fresh from the database; raises AuthenticationFailed (→ 401/429)."""
    presented = credentials.credentials if credentials is not None else None
    with session_scope() as db:
        found = api_tokens.authenticate(db, presented, source_of(request))
    return Caller(actor=found.actor, token_name=found.token_name, lang=language(request))


def database(request: Request) -> Iterator[Session]:
    """One session per request; services commit, anything unfinished is rolled back. Under
    an `Idempotency-Key` its commits also mark the key's claim as done, in the same
    transaction (api/idempotency.py `watch_commits`)."""
    with session_scope() as db:
        idempotency.watch_commits(db, request.scope)
        yield db


# Parameter types for endpoints (Annotated, so no call sits in an argument default):
#     def me(who: CallerDep, db: DbDep, paged: PagingDep) -> dict: ...
CallerDep = Annotated[Caller, Depends(caller)]
DbDep = Annotated[Session, Depends(database)]


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class Paging:
    page: int
    size: int


def paging(
    page: Annotated[int, Query(ge=1, description="1-based page")] = 1,
    size: Annotated[int, Query(ge=1, le=100, description="items per page (at most 100)")] = 20,
) -> Paging:
    """`page` (default 1) and `size` (default 20, at most 100) of a list (api.md, Conventions)."""
    return Paging(page, size)


PagingDep = Annotated[Paging, Depends(paging)]


def page_of(items: Sequence[Any], total: int, paged: Paging) -> dict[str, Any]:
    """`{"items": [...], "page": 1, "size": 20, "total": 57}`."""
    return {"items": list(items), "page": paged.page, "size": paged.size, "total": int(total)}


def slice_of(items: Sequence[Any], paged: Paging) -> dict[str, Any]:
    """A whole list (already in memory) answered one page at a time."""
    start = (paged.page - 1) * paged.size
    return page_of(items[start : start + paged.size], len(items), paged)
