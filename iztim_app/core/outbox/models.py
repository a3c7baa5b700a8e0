"""Outgoing e-mail: every document sent is recorded, whether the mail server took it or not."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # recorded, waiting for a sender (or for a mail server to be configured)
    SENDING = "sending"  # claimed by one sender, which is talking to the mail server
    SENT = "sent"
    FAILED = "failed"  # the server refused or did not answer; tried again up to 5 times


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    created_by: str = Field(max_length=64)
    recipient: str = Field(max_length=200)
    subject: str = Field(max_length=200)
    document_type: str = Field(max_length=32)  # quote | policy | endorsement
    document_number: int = Field(index=True)  # quote or policy number
    document_seq: int | None = Field(default=None)  # an endorsement's seq (seq/POLICYNO)
    status: str = Field(max_length=16, index=True)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=400)
    # When it was sent; while `sending`, when that attempt began (a stale claim is retaken).
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
