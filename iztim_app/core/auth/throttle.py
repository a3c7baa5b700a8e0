"""Counting failed sign-ins per user code and per source address, in the database (every
worker sees the same counts).

- A user code (existing or not: both behave the same) waits after USER_THROTTLE_AFTER
  failures, a source address after SOURCE_THROTTLE_AFTER failures whatever codes it
  tried; each further failure doubles the wait, up to MAX_WAIT.
- LOCK_AFTER failures lock the user code for LOCK_BASE, doubling with each further lock
  until a successful sign-in, at most LOCK_MAX. No password is checked while locked.
- Counts are forgotten after a quiet period (USER_FORGET / SOURCE_FORGET without failure).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlmodel import Session, select

from iztim_app.core.auth.models import SignInThrottle

USER_THROTTLE_AFTER = 3
SOURCE_THROTTLE_AFTER = 10
BASE_WAIT = timedelta(seconds=5)
MAX_WAIT = timedelta(minutes=5)
LOCK_AFTER = 5
LOCK_BASE = timedelta(minutes=15)
LOCK_MAX = timedelta(hours=24)
USER_FORGET = timedelta(hours=24)
SOURCE_FORGET = timedelta(hours=1)
KEY_LENGTH = 80


def user_key(user_code: str) -> str:
    return "user:" + (user_code or "").strip().lower()[:64]


def source_key(source: str) -> str:
    return ("source:" + (source or "").strip())[:KEY_LENGTH]


def row(db: Session, key: str) -> SignInThrottle | None:
    return db.exec(select(SignInThrottle).where(SignInThrottle.key == key)).first()


def clear_throttle(db: Session, user_code: str) -> None:
    """Forget a user code's failures and lock (successful sign-in, IT unlock or reset).
    Part of the caller's transaction."""
    found = row(db, user_key(user_code))
    if found is not None:
        db.delete(found)


def forget_if_quiet(found: SignInThrottle | None, now: datetime) -> None:
    """A count whose last failure is long past starts over (not while a lock runs)."""
    if found is None or found.last_failure_at is None:
        return
    quiet = SOURCE_FORGET if found.key.startswith("source:") else USER_FORGET
    if now - found.last_failure_at > quiet and not is_locked(found, now):
        found.failures, found.locks = 0, 0
        found.blocked_until = found.locked_until = None


def wait_seconds(rows: list[SignInThrottle | None], now: datetime) -> int:
    """Whole seconds until every row allows the next attempt (0: now)."""
    waits = [r.blocked_until - now for r in rows if r and r.blocked_until and r.blocked_until > now]
    return math.ceil(max(waits).total_seconds()) if waits else 0


def is_locked(found: SignInThrottle | None, now: datetime) -> bool:
    return bool(found and found.locked_until and found.locked_until > now)


def count_failure(
    db: Session, key: str, found: SignInThrottle | None, now: datetime
) -> SignInThrottle:
    """One more failure on `key`; sets the wait its count calls for."""
    if found is None:
        found = SignInThrottle(key=key, failures=0, locks=0)
        db.add(found)
    found.failures += 1
    found.last_failure_at = now
    after = SOURCE_THROTTLE_AFTER if key.startswith("source:") else USER_THROTTLE_AFTER
    if found.failures >= after:
        found.blocked_until = now + min(BASE_WAIT * 2 ** min(found.failures - after, 16), MAX_WAIT)
    return found


def lock_if_due(found: SignInThrottle, now: datetime) -> bool:
    """Locks a user code that reached LOCK_AFTER failures; True when a lock began."""
    if found.failures < LOCK_AFTER or is_locked(found, now):
        return False
    found.locked_until = now + min(LOCK_BASE * 2 ** min(found.locks, 16), LOCK_MAX)
    found.locks += 1
    found.failures = 0
    return True
