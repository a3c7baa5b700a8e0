"""Sign-in, sessions and password changes.

Throttling and lock-out live in the database so every worker enforces them alike:
after THROTTLE_AFTER failures for one user code, the next attempt must wait (doubling
up to MAX_WAIT); after LOCK_AFTER failures an existing account locks until IT unlocks it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.auth.models import SignInThrottle, UserSession
from iztim_app.core.errors import AuthenticationFailed, ValidationFailed
from iztim_app.core.settings import settings
from iztim_app.core.users import passwords
from iztim_app.core.users.actor import Actor
from iztim_app.core.users.models import User
from iztim_app.core.users.services import load_actor

THROTTLE_AFTER = 3
LOCK_AFTER = 5
BASE_WAIT = timedelta(seconds=5)
MAX_WAIT = timedelta(minutes=5)
LAST_SEEN_GRANULARITY = timedelta(seconds=30)


@dataclass(frozen=True)
class SignInResult:
    token: str
    actor: Actor
    must_change_password: bool


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _key(user_code: str) -> str:
    return (user_code or "").strip().lower()[:64]


def _throttle_row(db: Session, key: str) -> SignInThrottle | None:
    return db.exec(select(SignInThrottle).where(SignInThrottle.user_key == key)).first()


def clear_throttle(db: Session, user_code: str) -> None:
    row = _throttle_row(db, _key(user_code))
    if row is not None:
        db.delete(row)


def _register_failure(db: Session, key: str, user: User | None, now: datetime) -> None:
    row = _throttle_row(db, key)
    if row is None:
        row = SignInThrottle(user_key=key, failures=0)
        db.add(row)
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= THROTTLE_AFTER:
        wait = min(BASE_WAIT * (2 ** (row.failures - THROTTLE_AFTER)), MAX_WAIT)
        row.blocked_until = now + wait
    audit_log.record(
        db,
        None,
        "auth.sign_in_failed",
        "user",
        user.id if user else key,
        None,
        {"failures": row.failures},
        actor_code=key or "?",
    )
    if user is not None and row.failures >= LOCK_AFTER and not user.locked:
        user.locked = True
        audit_log.record(
            db,
            None,
            "auth.locked",
            "user",
            user.id,
            {"locked": False},
            {"locked": True},
            actor_code=key,
        )


def sign_in(
    db: Session, user_code: str, password: str, now: datetime | None = None
) -> SignInResult:
    now = now or clock.utcnow()
    key = _key(user_code)
    if not key or not password:
        raise AuthenticationFailed("auth.failed")
    row = _throttle_row(db, key)
    if row is not None and row.blocked_until is not None and row.blocked_until > now:
        seconds = int((row.blocked_until - now).total_seconds()) + 1
        raise AuthenticationFailed("auth.throttled", seconds=seconds)
    user = db.exec(select(User).where(sa.func.lower(User.code) == key)).first()
    ok = passwords.verify_password(password, user.password_hash if user else None)
    if user is not None and user.locked:
        db.rollback()
        raise AuthenticationFailed("auth.locked")
    if not ok or user is None:
        _register_failure(db, key, user, now)
        db.commit()
        if user is not None and user.locked:
            raise AuthenticationFailed("auth.locked")
        raise AuthenticationFailed("auth.failed")
    if not user.active:
        audit_log.record(
            db,
            None,
            "auth.sign_in_refused",
            "user",
            user.id,
            None,
            {"reason": "disabled"},
            actor_code=key,
        )
        db.commit()
        raise AuthenticationFailed("auth.disabled")
    actor = load_actor(db, user.id)
    if actor is None:
        raise AuthenticationFailed("auth.disabled")
    clear_throttle(db, key)
    token = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            token_hash=_hash_token(token), user_id=user.id, created_at=now, last_seen_at=now
        )
    )
    audit_log.record(db, actor, "auth.sign_in", "user", user.id)
    db.commit()
    return SignInResult(token=token, actor=actor, must_change_password=user.must_change_password)


def resolve_session(db: Session, token: str | None, now: datetime | None = None) -> Actor | None:
    """The actor behind a browser token, or None when signed out, idle too long or disabled."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    now = now or clock.utcnow()
    session = db.exec(
        select(UserSession).where(UserSession.token_hash == _hash_token(token))
    ).first()
    if session is None or session.ended_at is not None:
        return None
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


def must_change_password(db: Session, actor: Actor) -> bool:
    user = db.get(User, actor.user_id)
    return bool(user and user.must_change_password)


def sign_out(db: Session, token: str | None, now: datetime | None = None) -> None:
    if not token:
        return
    now = now or clock.utcnow()
    session = db.exec(
        select(UserSession).where(UserSession.token_hash == _hash_token(token))
    ).first()
    if session is None or session.ended_at is not None:
        return
    session.ended_at = now
    user = db.get(User, session.user_id)
    audit_log.record(
        db, None, "auth.sign_out", "user", session.user_id, actor_code=user.code if user else "?"
    )
    db.commit()


def end_all_sessions(db: Session, user_id: int, now: datetime | None = None) -> None:
    now = now or clock.utcnow()
    for session in db.exec(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    ).all():
        session.ended_at = now


def change_password(db: Session, actor: Actor, current: str, new: str, repeat: str) -> None:
    user = db.get(User, actor.user_id)
    if user is None or not passwords.verify_password(current or "", user.password_hash):
        raise ValidationFailed("password.current_wrong", field="current")
    if new != repeat:
        raise ValidationFailed("password.mismatch", field="repeat")
    passwords.check_policy(new, field="new")
    if passwords.verify_password(new, user.password_hash):
        raise ValidationFailed("password.same_as_old", field="new")
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    audit_log.record(db, actor, "user.password_change", "user", user.id)
    db.commit()
