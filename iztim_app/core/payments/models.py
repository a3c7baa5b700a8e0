"""Card payment attempts (one per 3D Secure payment a customer starts) and every callback
the bank's side ever posted, valid or not.

An attempt is written before the gateway is called and finished once, by a conditional
UPDATE from `started`: of two callbacks at the same moment exactly one finishes it. A
finished attempt is a fact: its status never moves again and its finish columns are set
once (the guard below; the database refuses anything else, the ORM already at flush).
Callbacks are never changed or deleted. No card number or CVV is ever stored: only the
last four digits and the provider's transaction id.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import money_column, utc_column
from iztim_app.core.guards import Guard, GuardViolation, protect


class AttemptStatus(StrEnum):
    STARTED = "started"  # sent to the bank's 3D page; shown "abandoned" past expires_at
    APPROVED = "approved"  # money taken, installments paid
    DECLINED = "declined"  # 3D passed, the bank refused the charge
    AUTH_FAILED = "auth_failed"  # 3D authentication failed (wrong one-time code)
    FAILED = "failed"  # the provider refused at start
    REVIEW = "review"  # money taken, but an installment was paid meanwhile: staff refund


FINAL_STATUSES = tuple(s.value for s in AttemptStatus if s is not AttemptStatus.STARTED)
ABANDONED = "abandoned"  # a view of a started attempt past expires_at, never stored


class CallbackOutcome(StrEnum):
    APPLIED = "applied"  # approved: installments paid
    DECLINED = "declined"
    AUTH_FAILED = "auth_failed"
    INVALID = "invalid"  # signature, amount, installments, result… did not check out
    REPLAY = "replay"  # nonce seen before, or the attempt already finished
    UNKNOWN = "unknown"  # no attempt with that order id
    REVIEW = "review"  # approved, but an installment had been paid meanwhile


class PaymentAttempt(SQLModel, table=True):
    __tablename__ = "payment_attempt"

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(max_length=64, unique=True, index=True)
    gateway: str = Field(max_length=16)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    policy_number: int = Field(index=True)
    installment_refs: str = Field(max_length=500)  # "POLICY/SEQ" comma-joined
    # Each installment as it stood at start: [[seq, amount, paid], …] (money as text); the
    # payment applies only while every one still stands so.
    plan: list = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    amount: Decimal = Field(sa_column=money_column(nullable=False))
    currency: str = Field(max_length=3)
    card_last4: str = Field(max_length=4)
    status: str = Field(max_length=16, index=True)
    provider_ref: str | None = Field(default=None, max_length=100)
    reason_code: str | None = Field(default=None, max_length=64)
    bank_reason: str | None = Field(default=None, max_length=200)
    md_status: str | None = Field(default=None, max_length=8)
    transaction_id: str | None = Field(default=None, max_length=100, unique=True)
    created_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    source: str = Field(default="", max_length=64)


class PaymentCallback(SQLModel, table=True):
    __tablename__ = "payment_callback"

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int | None = Field(default=None, foreign_key="payment_attempt.id", index=True)
    order_id: str = Field(default="", max_length=64)  # as given (truncated)
    nonce: str | None = Field(default=None, max_length=100, unique=True)
    outcome: str = Field(max_length=16)
    reason_code: str = Field(default="", max_length=64)
    received_at: datetime = Field(sa_column=utc_column(nullable=False))
    source: str = Field(default="", max_length=64)


class ImmutablePaymentRecord(GuardViolation):
    """A programming error: code tried to change a finished attempt or a callback."""


FINISH_COLUMNS = frozenset(
    {"reason_code", "bank_reason", "md_status", "transaction_id", "finished_at"}
)
# The status moves only from started, once; what a finish sets is then fixed (a finish
# writes every one of these columns, "" where the bank said nothing, so none is left open;
# only transaction_id stays NULL when there is none, as it is unique).
ATTEMPT_GUARD = Guard(
    table="payment_attempt",
    mutable=FINISH_COLUMNS | {"status", "provider_ref"},
    set_once=FINISH_COLUMNS | {"provider_ref"},
    status="status",
    moves=frozenset(("started", final) for final in FINAL_STATUSES),
    refuse_delete=True,
    error=ImmutablePaymentRecord,
)
CALLBACK_GUARD = Guard(table="payment_callback", refuse_delete=True, error=ImmutablePaymentRecord)
GUARDS = (ATTEMPT_GUARD, CALLBACK_GUARD)

protect(PaymentAttempt, ATTEMPT_GUARD)
protect(PaymentCallback, CALLBACK_GUARD)
