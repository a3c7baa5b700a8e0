"""Portal access codes: the code a customer types beside the policy number to reach the
policy in the customer portal; printed on the policy.

One code per policy NUMBER, made when the policy is first approved and kept for life: a
version approved again after un-approval keeps the code already printed on the first one.
Made with `secrets` from an alphabet without look-alikes (no 0/O, 1/I/L), so a code read
off paper is typed right.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlmodel import Field, Session, SQLModel, select

from iztim_app.core import clock
from iztim_app.core.db import utc_column

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


class PolicyAccessCode(SQLModel, table=True):
    __tablename__ = "policy_access_code"

    id: int | None = Field(default=None, primary_key=True)
    policy_number: int = Field(unique=True, index=True)
    code: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_row(policy_number: int) -> dict[str, Any]:
    """A new code's row; issuing inserts it itself (a number just drawn has no code yet)."""
    return {"policy_number": policy_number, "code": new_code(), "created_at": clock.utcnow()}


def code_of(db: Session, policy_number: int) -> str | None:
    """The policy's access code, None before its first approval."""
    return db.exec(
        select(PolicyAccessCode.code).where(PolicyAccessCode.policy_number == policy_number)
    ).first()


def _insert_if_missing(db: Session, policy_number: int) -> str | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING code: two approvals of one number racing
    keep one code. The new code, or None when the number already had one."""
    row = new_row(policy_number)
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = PolicyAccessCode.__table__
    statement = insert(table).values(**row)
    statement = statement.on_conflict_do_nothing(index_elements=["policy_number"])
    return db.execute(statement.returning(table.c.code)).scalar()


def ensure(db: Session, policy: Any) -> str:
    """The policy's access code, created (in the caller's transaction) on its first approval.

    Inserting first: a first approval (nearly every call) takes one statement; a number that
    already has its code keeps it and reads it."""
    found = _insert_if_missing(db, policy.number)
    if found is None:
        found = code_of(db, policy.number)
    assert found is not None
    return found
