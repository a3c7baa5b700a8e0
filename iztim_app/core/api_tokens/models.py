"""API tokens (stored hashed) and the idempotency records of API writes."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class ApiToken(SQLModel, table=True):
    """A user's key to the JSON API: it acts exactly as that user. Only the SHA-256 of the
    token is kept; the token itself is shown once, when it is created."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    created_by: str = Field(max_length=64)
    # Valid through this Turkish calendar day; None: no expiry.
    expires_on: date | None = Field(default=None)
    last_used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    revoked_by: str | None = Field(default=None, max_length=64)


class ApiIdempotency(SQLModel, table=True):
    """One `Idempotency-Key` of one user: the row is claimed (inserted, unique) before the
    request runs, so a simultaneous duplicate waits for it or finds it; the answer is kept
    beside it for 24 hours."""

    __tablename__ = "api_idempotency"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(index=True)
    key: str = Field(max_length=80)
    request_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    # None while the first request is still running.
    status_code: int | None = Field(default=None)
    content_type: str | None = Field(default=None, max_length=120)
    body: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary, nullable=True))
    # Set by the request's own transaction when it commits (api/idempotency.py), so a
    # claim whose answer was never stored says whether the work was done.
    committed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
