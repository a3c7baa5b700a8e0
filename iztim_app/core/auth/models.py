"""Sign-in throttling and temporary locks, shared by every worker through the database."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per key: `user:<code>` (also codes that do not exist, so they behave
    exactly alike) and `source:<address>` (whatever codes it tries)."""

    __tablename__ = "sign_in_throttle"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True, index=True)
    failures: int = Field(default=0)
    last_failure_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Short wait before the next attempt is even read.
    blocked_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # A user code's lock: passwords are not checked until then (user keys only).
    locked_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    locks: int = Field(default=0)  # locks so far without a successful sign-in: the next is longer
