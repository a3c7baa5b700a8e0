"""Server-side sessions and sign-in throttling, shared by every worker through the database."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    # Only a hash of the browser's token is stored: a database leak opens no session.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    last_seen_at: datetime = Field(sa_column=utc_column(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per user code (also for codes that do not exist)."""

    __tablename__ = "sign_in_throttle"

    id: int | None = Field(default=None, primary_key=True)
    user_key: str = Field(max_length=64, unique=True, index=True)
    failures: int = Field(default=0)
    last_failure_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    blocked_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
