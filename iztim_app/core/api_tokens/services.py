"""Creating, listing and revoking API tokens (IT, `user.manage`), and resolving a presented
token to the user it acts as.

A token is `iztim_` + 43 random URL-safe characters; only its SHA-256 is stored (the same
`hash_secret` as session tokens), so it is shown once, when it is made. A token acts as its
user exactly: `load_actor` rebuilds the user for every request, so a disabled user (or one
in a closed office) is refused at once. Wrong tokens are counted per source address in the
sign-in throttle table (`source:api:<address>`): after a few, the address waits before any
token is even looked up."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.api_tokens.models import ApiToken
from iztim_app.core.audit import services as audit_log
from iztim_app.core.auth import throttle
from iztim_app.core.errors import AuthenticationFailed, Conflict, NotFound, ValidationFailed
from iztim_app.core.organisation.models import Office
from iztim_app.core.sessions.services import hash_secret
from iztim_app.core.users.actor import Actor, load_actor
from iztim_app.core.users.models import User

PREFIX = "iztim_"
MAX_TOKEN_LENGTH = 200
NAME_LENGTH = 80
LAST_USED_GRANULARITY = timedelta(seconds=60)


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    created_at: datetime
    created_by: str
    expires_on: date | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    status: str  # "active" | "expired" | "revoked"


@dataclass(frozen=True)
class CreatedToken:
    row: TokenRow
    token: str  # shown once; nowhere else after this


@dataclass(frozen=True)
class TokenActor:
    actor: Actor  # `via` names the token: audit records of API calls show it
    token_name: str
    token_id: int


def _status(token: ApiToken, today: date) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_on is not None and token.expires_on < today:
        return "expired"
    return "active"


def token_status(token: ApiToken, now: datetime) -> str:
    """ "active", "expired" or "revoked" at this moment (expiry: the end of the Turkish day)."""
    return _status(token, now.astimezone(clock.TURKEY).date())


def _row(token: ApiToken, today: date) -> TokenRow:
    return TokenRow(
        id=token.id,
        name=token.name,
        created_at=token.created_at,
        created_by=token.created_by,
        expires_on=token.expires_on,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
        status=_status(token, today),
    )


def _user(db: Session, user_id: object) -> User:
    try:
        user = db.get(User, int(user_id))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise NotFound()
    return user


def user_by_code(db: Session, actor: Actor, code: str) -> User:
    actor.require("user.manage")
    user = db.exec(select(User).where(User.code == (code or "").strip().lower())).first()
    if user is None:
        raise NotFound()
    return user


def _expiry(value: object, today: date) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise ValidationFailed("api_token.expires_invalid", field="token_expires")
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationFailed("api_token.expires_invalid", field="token_expires") from None
    if day < today:
        raise ValidationFailed("api_token.expires_past", field="token_expires")
    return day


def create_token(
    db: Session,
    actor: Actor,
    user_id: int,
    name: object,
    expires_on: object = None,
    *,
    today: date | None = None,
) -> CreatedToken:
    """A new token for the user; the answer holds the token itself, the only time it exists
    outside the caller's hands."""
    actor.require("user.manage")
    user = _user(db, user_id)
    today = today or clock.today()
    problems = []
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        problems.append(ValidationFailed("api_token.name_required", field="token_name"))
    elif len(text) > NAME_LENGTH:
        problems.append(
            ValidationFailed("api_token.name_too_long", field="token_name", max=NAME_LENGTH)
        )
    try:
        expiry = _expiry(expires_on, today)
    except ValidationFailed as exc:
        problems.append(exc)
        expiry = None
    if problems:
        raise TokenProblems(problems)
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=text,
        token_hash=hash_secret(token),
        created_at=clock.utcnow(),
        created_by=actor.code,
        expires_on=expiry,
    )
    db.add(row)
    db.flush()
    audit_log.record(
        db,
        actor,
        "api_token.create",
        "user",
        user.id,
        None,
        {"token_id": row.id, "name": text, "expires_on": expiry},
    )
    db.commit()
    return CreatedToken(row=_row(row, today), token=token)


class TokenProblems(ValidationFailed):
    """Every problem of a token form at once; code/field are the first one's."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        first = problems[0]
        super().__init__(first.code, field=first.field, **first.params)
        self.problems = tuple(problems)


def list_tokens(
    db: Session, actor: Actor, user_id: int, *, today: date | None = None
) -> list[TokenRow]:
    """The user's tokens, newest first (name, created, last used, expiry, status)."""
    actor.require("user.manage")
    user = _user(db, user_id)
    today = today or clock.today()
    rows = db.exec(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    return [_row(t, today) for t in rows]


def revoke_token(db: Session, actor: Actor, token_id: int, user_id: int | None = None) -> TokenRow:
    """Stops the token at once (the next request is refused). Revoking twice is a conflict."""
    actor.require("user.manage")
    try:
        token = db.get(ApiToken, int(token_id))
    except (TypeError, ValueError):
        token = None
    if token is None or (user_id is not None and token.user_id != int(user_id)):
        raise NotFound()
    if token.revoked_at is not None:
        raise Conflict("api_token.already_revoked")
    token.revoked_at = clock.utcnow()
    token.revoked_by = actor.code
    audit_log.record(
        db,
        actor,
        "api_token.revoke",
        "user",
        token.user_id,
        {"token_id": token.id, "name": token.name},
        {"token_id": token.id, "name": token.name, "revoked": True},
    )
    db.commit()
    return _row(token, clock.today())


# ---------------------------------------------------------------- authentication


def _source_key(source: str) -> str:
    return throttle.source_key("api:" + (source or "").strip()[:60])


def authenticate(
    db: Session, presented: object, source: str = "", now: datetime | None = None
) -> TokenActor:
    """The actor behind a Bearer token. Raises AuthenticationFailed: `auth.throttled` (with
    `seconds`) while the source waits, `api.unauthenticated` for a missing, unknown, expired
    or revoked token or a disabled user. Only a presented wrong token counts as a failure."""
    now = now or clock.utcnow()
    if not isinstance(presented, str) or not presented:
        raise AuthenticationFailed("api.unauthenticated")
    key = _source_key(source)
    found = throttle.row(db, key)
    throttle.forget_if_quiet(found, now)
    seconds = throttle.wait_seconds([found], now)
    if seconds:
        db.rollback()
        raise AuthenticationFailed("auth.throttled", seconds=seconds)
    # (token, user, office): held here, so the session keeps the user and office (it holds
    # what it read only as long as someone else does) for `load_actor` to find
    found_row = _token_with_user(db, presented) if len(presented) <= MAX_TOKEN_LENGTH else None
    token = found_row[0] if found_row is not None else None
    if token is None or token_status(token, now) != "active":
        throttle.count_failure(db, key, found, now)
        db.commit()
        raise AuthenticationFailed("api.unauthenticated")
    actor = load_actor(db, token.user_id)
    if actor is None:  # disabled user or closed office: not a guess, not counted
        db.rollback()
        raise AuthenticationFailed("api.unauthenticated")
    # Read before the transaction ends: a rollback expires the row (reading it again
    # would cost a query and a connection).
    name, token_id = token.name, token.id
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        token.last_used_at = now
        db.commit()
    else:
        db.rollback()
    return TokenActor(
        actor=dataclasses.replace(actor, via=f"api:{name}"),
        token_name=name,
        token_id=token_id,
    )


def _token_with_user(db: Session, presented: str) -> tuple[ApiToken, User, Office | None] | None:
    """The token by its hash, with its user and the user's office read in the same query:
    while the caller holds them, `load_actor` (which checks both) finds them in the session
    instead of asking the database twice more. Every request still reads all three afresh."""
    found = db.exec(
        select(ApiToken, User, Office)
        .join(User, User.id == ApiToken.user_id)
        .join(Office, Office.id == User.office_id, isouter=True)
        .where(ApiToken.token_hash == hash_secret(presented))
    ).first()
    return None if found is None else (found[0], found[1], found[2])
