"""Sign-in and password changes.

Throttling and locks live in the database (`throttle.py`) so every worker enforces them
alike. A refused sign-in says one thing only — "wrong user code or password" — whether
the code is unknown, the password wrong or the code locked; a wait, when one is due, is
said the same way for every code. Sessions themselves live in `core/sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit import services as audit_log
from iztim_app.core.auth import throttle
from iztim_app.core.auth.models import SignInThrottle
from iztim_app.core.errors import AuthenticationFailed, ValidationFailed
from iztim_app.core.sessions import services as sessions
from iztim_app.core.users import passwords
from iztim_app.core.users.actor import Actor, load_actor
from iztim_app.core.users.models import User


@dataclass(frozen=True)
class SignInResult:
    token: str  # opens the session until the hand-off is redeemed (then a new one does)
    handoff: str  # one-time code for the route that sets the HttpOnly cookie
    actor: Actor
    must_change_password: bool


def _lock_mirror(
    db: Session, user: User | None, locked: bool, key: str, row: SignInThrottle | None = None
) -> None:
    """`app_user.locked` shows IT whether a lock runs; it follows the throttle row."""
    if user is None or user.locked == locked:
        return
    user.locked = locked
    after: dict = {"locked": locked}
    if row is not None:
        after |= {"locked_until": row.locked_until, "locks": row.locks}
    audit_log.record(
        db,
        None,
        "auth.locked" if locked else "auth.lock_expired",
        "user",
        user.id,
        {"locked": not locked},
        after,
        actor_code=key,
    )


def _register_failure(
    db: Session,
    code: str,
    user: User | None,
    rows: tuple[SignInThrottle | None, SignInThrottle | None],
    source: str,
    now: datetime,
) -> None:
    user_row = throttle.count_failure(db, throttle.user_key(code), rows[0], now)
    if source:
        throttle.count_failure(db, throttle.source_key(source), rows[1], now)
    after: dict = {"failures": user_row.failures}
    began = throttle.lock_if_due(user_row, now)
    if source:
        after["source"] = source
    audit_log.record(
        db,
        None,
        "auth.sign_in_failed",
        "user",
        user.id if user else code,
        None,
        after,
        actor_code=code or "?",
    )
    if began:
        if user is not None:
            _lock_mirror(db, user, True, code, user_row)
        else:
            audit_log.record(
                db,
                None,
                "auth.locked",
                "user",
                code,
                None,
                {"locked": True, "locked_until": user_row.locked_until, "locks": user_row.locks},
                actor_code=code or "?",
            )


def sign_in(
    db: Session,
    user_code: str,
    password: str,
    now: datetime | None = None,
    source: str = "",
) -> SignInResult:
    """`source`: the client's address (throttled too); empty for the command line."""
    now = now or clock.utcnow()
    code = (user_code or "").strip().lower()[:64]
    source = (source or "").strip()[:64]
    if not code or not password:
        raise AuthenticationFailed("auth.failed")
    rows = (
        throttle.row(db, throttle.user_key(code)),
        throttle.row(db, throttle.source_key(source)) if source else None,
    )
    for found in rows:
        throttle.forget_if_quiet(found, now)
    seconds = throttle.wait_seconds(list(rows), now)
    if seconds:
        db.rollback()  # refused unread: nothing changes, not even the forgetting
        raise AuthenticationFailed("auth.throttled", seconds=seconds)
    locked = throttle.is_locked(rows[0], now)
    user = db.exec(select(User).where(sa.func.lower(User.code) == code)).first()
    # While locked the password is not checked, at the same cost as a check.
    stored = user.password_hash if user is not None and not locked else None
    ok = passwords.verify_password(password, stored) and user is not None and not locked
    if not locked:
        _lock_mirror(db, user, False, code)  # a lock that ran out
    if not ok:
        _register_failure(db, code, user, rows, source, now)
        db.commit()
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
            actor_code=code,
        )
        db.commit()
        raise AuthenticationFailed("auth.disabled")
    actor = load_actor(db, user.id)
    if actor is None:
        db.commit()
        raise AuthenticationFailed("auth.disabled")
    throttle.clear_throttle(db, code)
    opened = sessions.open_session(db, user.id, now)
    audit_log.record(db, actor, "auth.sign_in", "user", user.id)
    db.commit()
    return SignInResult(
        token=opened.token,
        handoff=opened.handoff,
        actor=actor,
        must_change_password=actor.password_change_pending,
    )


def must_change_password(db: Session, actor: Actor) -> bool:
    """A user's own flag, as it is now in the database."""
    user = db.get(User, actor.user_id)
    return bool(user and user.must_change_password)


def change_password(db: Session, actor: Actor, current: str, new: str, repeat: str) -> None:
    """The one service a pending temporary password still allows."""
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
