"""The office tree: head office → regions → branches; agencies under a branch or region."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column


class OfficeKind(StrEnum):
    HEAD_OFFICE = "head_office"
    REGION = "region"
    BRANCH = "branch"
    AGENCY = "agency"


class AgencyKind(StrEnum):
    INDIVIDUAL = "individual"
    CORPORATE = "corporate"


# Which kinds may hang under which parent kinds.
ALLOWED_PARENTS: dict[OfficeKind, tuple[OfficeKind, ...]] = {
    OfficeKind.HEAD_OFFICE: (),
    OfficeKind.REGION: (OfficeKind.HEAD_OFFICE,),
    OfficeKind.BRANCH: (OfficeKind.REGION, OfficeKind.HEAD_OFFICE),
    OfficeKind.AGENCY: (OfficeKind.BRANCH, OfficeKind.REGION),
}


class Office(SQLModel, table=True):
    __tablename__ = "office"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    agency_kind: str | None = Field(default=None, max_length=16)
    parent_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    # Materialised path "/1/4/9/" so "this office and below" is one prefix match.
    path: str = Field(default="/", max_length=400, index=True)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
