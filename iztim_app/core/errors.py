"""Domain errors: a code the message catalogue translates, plus the data it needs."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a user may see; `code` is a key of the message catalogue."""

    code = "error.generic"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class NotFound(DomainError):
    """Also raised for records outside the actor's scope: they must look nonexistent."""

    code = "error.not_found"


class PermissionDenied(DomainError):
    code = "error.permission_denied"


class ValidationFailed(DomainError):
    """Bad input; `field` (when given) says where to show the message."""

    code = "error.invalid"

    def __init__(self, code: str | None = None, /, field: str | None = None, **params: Any) -> None:
        super().__init__(code, **params)
        self.field = field


class Conflict(DomainError):
    """The record changed under the user (already approved, duplicate, …)."""

    code = "error.conflict"


class AuthenticationFailed(DomainError):
    code = "auth.failed"


class PasswordChangeRequired(PermissionDenied):
    """A temporary password is pending: nothing but the password change (and signing out)
    is served until it is replaced."""

    code = "auth.password_change_required"
