"""Portal sessions: a customer signed in with an access code, shared by every worker."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class PortalSession(SQLModel, table=True):
    """One customer RECORD per session: the record the access code reached. The same person
    in another agency's portfolio is another record and is not seen (simple and safe)."""

    __tablename__ = "portal_session"

    id: int | None = Field(default=None, primary_key=True)
    # Only a hash of the browser's token is stored: a database leak opens no session.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    last_seen_at: datetime = Field(sa_column=utc_column(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    source: str = Field(default="", max_length=64)  # the client's address at sign-in
    # The one-time code that carries a fresh sign-in from the event socket to the HTTP
    # response setting the HttpOnly cookie (hashed, short-lived, cleared when used).
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    handoff_expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
