"""Opening, resolving and ending sessions; the hand-off from sign-in to the cookie.

A session is opened by sign-in with a token that never leaves the server, and a one-time
hand-off code. The browser brings the code to an HTTP route (`redeem_handoff`), which
replaces the token by a new one and puts only that in an HttpOnly cookie. So the cookie's
token exists nowhere but in that response and the browser's cookie jar."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.organisation.models import Office
from iztim_app.core.sessions.models import UserSession
from iztim_app.core.settings import settings
from iztim_app.core.users.actor import Actor, load_actor
from iztim_app.core.users.models import User

LAST_SEEN_GRANULARITY = timedelta(seconds=30)
HANDOFF_LIFETIME = timedelta(seconds=60)
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class OpenedSession:
    token: str  # opens the session until the hand-off replaces it (tests, the CLI)
    handoff: str  # one-time code for the cookie route; lives HANDOFF_LIFETIME


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _valid_secret(secret: object) -> bool:
    return isinstance(secret, str) and 0 < len(secret) <= MAX_TOKEN_LENGTH


def open_session(db: Session, user_id: int, now: datetime) -> OpenedSession:
    """Adds the session to the caller's transaction; the caller commits."""
    token, handoff = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.add(
        UserSession(
            token_hash=hash_secret(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            handoff_hash=hash_secret(handoff),
            handoff_expires_at=now + HANDOFF_LIFETIME,
        )
    )
    return OpenedSession(token=token, handoff=handoff)


def redeem_handoff(db: Session, code: object, now: datetime | None = None) -> str | None:
    """The cookie's token for a valid, unused, unexpired hand-off code; None otherwise.

    Using the code replaces the session's token, so the token made at sign-in (which went
    through the event socket's process) opens nothing afterwards."""
    if not _valid_secret(code):
        return None
    now = now or clock.utcnow()
    session = db.exec(
        select(UserSession).where(UserSession.handoff_hash == hash_secret(code))
    ).first()
    if session is None:
        return None
    expired = session.handoff_expires_at is None or session.handoff_expires_at < now
    session.handoff_hash = None
    session.handoff_expires_at = None
    if expired or session.ended_at is not None or load_actor(db, session.user_id) is None:
        db.commit()
        return None
    token = secrets.token_urlsafe(32)
    session.token_hash = hash_secret(token)
    session.last_seen_at = now
    db.commit()
    return token


def _find(db: Session, token: object) -> UserSession | None:
    if not _valid_secret(token):
        return None
    return db.exec(select(UserSession).where(UserSession.token_hash == hash_secret(token))).first()


def _find_with_user(
    db: Session, token: object
) -> tuple[UserSession, User | None, Office | None] | None:
    """The session by its token hash, with its user and the user's office in the same query:
    while the caller holds them, `load_actor` (which checks both) finds them in the
    session's identity map instead of asking the database twice more (as the API token
    path does). Every event still reads all three afresh."""
    if not _valid_secret(token):
        return None
    return db.exec(
        select(UserSession, User, Office)
        .join(User, User.id == UserSession.user_id, isouter=True)
        .join(Office, Office.id == User.office_id, isouter=True)
        .where(UserSession.token_hash == hash_secret(token))
    ).first()


def resolve_session(db: Session, token: str | None, now: datetime | None = None) -> Actor | None:
    """The actor behind a browser token, or None when signed out, idle too long or disabled."""
    found = _find_with_user(db, token)  # held until load_actor has used the user and office
    session = found[0] if found is not None else None
    if session is None or session.ended_at is not None:
        return None
    now = now or clock.utcnow()
    if now - session.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        session.ended_at = now
        db.commit()
        return None
    actor = load_actor(db, session.user_id)
    if actor is None:
        session.ended_at = now
        db.commit()
        return None
    if now - session.last_seen_at > LAST_SEEN_GRANULARITY:
        session.last_seen_at = now
        db.commit()
    return actor


def sign_out(db: Session, token: str | None, now: datetime | None = None) -> None:
    session = _find(db, token)
    if session is None or session.ended_at is not None:
        return
    session.ended_at = now or clock.utcnow()
    session.handoff_hash = session.handoff_expires_at = None
    user = db.get(User, session.user_id)
    audit_log.record(
        db, None, "auth.sign_out", "user", session.user_id, actor_code=user.code if user else "?"
    )
    db.commit()


def end_all_sessions(db: Session, user_id: int, now: datetime | None = None) -> None:
    """Part of the caller's transaction (disable, password reset)."""
    now = now or clock.utcnow()
    for session in db.exec(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    ).all():
        session.ended_at = now
        session.handoff_hash = session.handoff_expires_at = None
