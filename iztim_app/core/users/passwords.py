"""Password hashing (passlib pbkdf2_sha256) and the password policy."""

from __future__ import annotations

import secrets
import string

from passlib.context import CryptContext

from iztim_app.core.errors import ValidationFailed

_context = CryptContext(schemes=["pbkdf2_sha256"], deprecated="auto")

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        # Same cost as a real check, so a missing user is not told apart by timing.
        _context.dummy_verify()
        return False
    try:
        return _context.verify(password, password_hash)
    except (ValueError, TypeError):
        return False


def check_policy(password: str, field: str = "new_password") -> None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise ValidationFailed("password.too_short", field=field, min=MIN_LENGTH)
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise ValidationFailed("password.needs_letters_digits", field=field)


def temporary_password() -> str:
    """A one-time password IT hands over; the user must change it at first sign-in."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
