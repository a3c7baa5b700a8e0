"""Users, their per-user permission grants and authority limits per line."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import money_column, utc_column


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=200)
    office_id: int = Field(foreign_key="office.id", index=True)
    role: str = Field(max_length=32)
    view_scope: str = Field(max_length=16)
    lang: str = Field(default="tr", max_length=2)
    password_hash: str = Field(max_length=255)
    must_change_password: bool = Field(default=False)
    active: bool = Field(default=True)
    locked: bool = Field(default=False)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class UserPermission(SQLModel, table=True):
    __tablename__ = "user_permission"
    __table_args__ = (sa.UniqueConstraint("user_id", "permission"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    permission: str = Field(max_length=64)


class AuthorityLimit(SQLModel, table=True):
    """Largest sum insured the user may approve on a quote / a policy of one line."""

    __tablename__ = "authority_limit"
    __table_args__ = (sa.UniqueConstraint("user_id", "line_code"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    line_code: str = Field(max_length=32)
    quote_limit: Decimal = Field(sa_column=money_column(nullable=False))
    policy_limit: Decimal = Field(sa_column=money_column(nullable=False))
