"""A customer's request, from the portal, for a policy from one of their quotes.

No policy is sold online: the request only puts the quote in the staff queue
(`/portal-talepleri`); staff issue the policy through the normal flow, which marks the
request done, or reject it with a reason. A request is decided once: the guard lets only the
status move open → done / rejected and the decision columns be set once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from iztim_app.core.db import utc_column
from iztim_app.core.guards import Guard, protect


class RequestStatus(StrEnum):
    OPEN = "open"
    DONE = "done"  # a policy was issued from the quote
    REJECTED = "rejected"


class PortalRequest(SQLModel, table=True):
    __tablename__ = "portal_request"

    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", index=True)
    quote_number: int = Field(index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    # The quote's id while the request is open, NULL once decided: the unique index lets a
    # quote have one open request at a time, also when two are asked for at the same moment.
    open_quote_id: int | None = Field(default=None, unique=True)
    status: str = Field(max_length=16, index=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    source: str = Field(default="", max_length=64)  # the client's address
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    decided_by_code: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=400)  # a rejection's reason
    policy_number: int | None = Field(default=None, index=True)


_DECISION = frozenset({"decided_at", "decided_by_code", "reason", "policy_number"})
REQUEST_GUARD = Guard(
    table="portal_request",
    mutable=_DECISION | {"status", "open_quote_id"},
    set_once=_DECISION,
    status="status",
    moves=frozenset(
        {
            (RequestStatus.OPEN.value, RequestStatus.DONE.value),
            (RequestStatus.OPEN.value, RequestStatus.REJECTED.value),
        }
    ),
    refuse_delete=True,
)

protect(PortalRequest, REQUEST_GUARD)
