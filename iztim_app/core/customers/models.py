"""Customers: individuals by TCKN, companies by VKN; owned like every record for scoping."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class CustomerKind(StrEnum):
    INDIVIDUAL = "individual"
    CORPORATE = "corporate"


class Customer(SQLModel, table=True):
    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, index=True)  # müşteri no
    kind: str = Field(max_length=16)
    national_id: str = Field(max_length=11, unique=True, index=True)  # TCKN (11) or VKN (10)
    name: str = Field(max_length=200, index=True)
    # The name lower-cased the Turkish way (İ→i, I→ı), so searches match as people expect.
    name_search: str = Field(default="", max_length=200, index=True)
    tax_office: str = Field(default="", max_length=100)
    customer_group: str = Field(max_length=32)
    address: str = Field(default="", max_length=400)
    phone: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=200)
    owner_user_id: int = Field(foreign_key="app_user.id", index=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    office_path: str = Field(max_length=400, index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
