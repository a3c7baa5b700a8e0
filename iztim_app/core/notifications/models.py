"""Per-user "seen until": decisions after it are the user's unread notifications."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class NotificationSeen(SQLModel, table=True):
    __tablename__ = "notification_seen"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    seen_until: datetime = Field(sa_column=utc_column(nullable=False))
