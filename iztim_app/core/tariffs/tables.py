"""Tariff versions as stored: the whole folder as a zip, immutable once uploaded."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class TariffVersion(SQLModel, table=True):
    """A validated tariff folder. Draft until activated with the date it takes effect from;
    the activated version with the latest `effective_from` on or before a day is in force."""

    __tablename__ = "tariff_version"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, index=True)
    status: str = Field(max_length=16, index=True)  # draft | activated | discarded
    effective_from: date | None = Field(default=None, index=True)
    note: str = Field(default="", max_length=400)
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    based_on: int | None = Field(default=None)
    uploaded_by: str = Field(max_length=64)
    uploaded_at: datetime = Field(sa_column=utc_column(nullable=False))
    activated_by: str | None = Field(default=None, max_length=64)
    activated_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
