"""Background jobs: work too slow for an event handler (batch printing, large exports).

Everything about a job lives in its row — status, progress, the finished file — so that any
worker process shows the same progress and hands out the same result, and a job survives
the worker that started it. `claimed_by` and `heartbeat_at` say which runner works on it
and that it is still alive; a running job whose heartbeat is stale was left by a worker
that died, and another runner takes it over.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for a runner
    RUNNING = "running"  # claimed by one runner (`claimed_by`), heartbeat fresh
    DONE = "done"  # finished; `result` holds the file until `expires_at`
    FAILED = "failed"  # refused or broken; `message` says why


class BackgroundJob(SQLModel, table=True):
    __tablename__ = "background_job"
    __table_args__ = (sa.Index("ix_background_job_owner", "created_by_id", "kind", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=48)
    created_by_id: int = Field(foreign_key="app_user.id")
    created_by_code: str = Field(max_length=64)
    params: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    status: str = Field(max_length=16, index=True)
    total: int = Field(default=0)
    done: int = Field(default=0)
    # A message-catalogue key (why it failed, or a note on a finished job) and its values.
    message: str = Field(default="", max_length=80)
    message_params: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    result: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary, nullable=True))
    result_name: str = Field(default="", max_length=200)
    result_mime: str = Field(default="", max_length=100)
    result_size: int = Field(default=0)
    attempts: int = Field(default=0)
    claimed_by: str = Field(default="", max_length=120)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    heartbeat_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
