"""Customers: individuals by TCKN, companies by VKN; owned like every record for scoping.

A customer record belongs to one portfolio (its owner user and office): the same person
may be a customer of several agencies, each with its own record, contact data and quotes.
One owner holds at most one record per national id; head office sees the records of one
person together through the national id.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class CustomerKind(StrEnum):
    INDIVIDUAL = "individual"
    CORPORATE = "corporate"


class Customer(SQLModel, table=True):
    __tablename__ = "customer"
    __table_args__ = (
        sa.Index("ux_customer_national_id_owner", "national_id", "owner_user_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True, index=True)  # müşteri no
    kind: str = Field(max_length=16)
    national_id: str = Field(max_length=11)  # TCKN (11) or VKN (10); unique per owner
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
