"""Installments (taksit), payments (tahsilat) and refunds owed back (iade borcu).

A policy's plan is its installments (by policy number: every version shares one plan).
Only an installment's `amount` (endorsements) and `paid` (payments) ever change; payments
are never edited or deleted; a refund owed is paid out once. The database refuses anything
else (the guards below, installed by migration 0012), the ORM already at flush.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from iztim_app.core.db import money_column, utc_column
from iztim_app.core.guards import Guard, GuardViolation, protect
from iztim_app.core.money import ZERO


class PaymentMethod(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"
    CARD = "card"  # the customer portal's 3D Secure payments


# What staff record at the desk; cards come only through the portal's gateway.
STAFF_METHODS = (PaymentMethod.CASH.value, PaymentMethod.TRANSFER.value)


class Installment(SQLModel, table=True):
    __tablename__ = "installment"
    __table_args__ = (
        sa.UniqueConstraint("policy_number", "seq", name="uq_installment_policy_seq"),
        sa.CheckConstraint("paid >= 0 AND paid <= amount", name="ck_installment_paid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_number: int = Field(index=True)
    seq: int
    due_date: date = Field(index=True)
    amount: Decimal = Field(sa_column=money_column(nullable=False))
    paid: Decimal = Field(default=ZERO, sa_column=money_column(nullable=False))
    # The endorsement that added it (an increase with no open installment left), else None.
    endorsement_id: int | None = Field(default=None)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Payment(SQLModel, table=True):
    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    installment_id: int = Field(foreign_key="installment.id", index=True)
    policy_number: int = Field(index=True)
    amount: Decimal = Field(sa_column=money_column(nullable=False))
    method: str = Field(max_length=16)
    reference: str = Field(default="", max_length=100)
    recorded_by_code: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_column=utc_column(nullable=False))
    # Card payments (portal): never the card number, only its last four digits and the
    # provider's transaction id (unique: a replayed callback cannot pay twice).
    card_last4: str | None = Field(default=None, max_length=4)
    provider_txn_id: str | None = Field(default=None, max_length=100, unique=True, index=True)


class RefundDue(SQLModel, table=True):
    __tablename__ = "refund_due"

    id: int | None = Field(default=None, primary_key=True)
    policy_number: int = Field(index=True)
    endorsement_id: int | None = Field(default=None, index=True)
    amount: Decimal = Field(sa_column=money_column(nullable=False))
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    # Paid out once, in full, by staff (all four set together; None until then).
    paid_out: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))
    paid_out_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    paid_out_by_code: str | None = Field(default=None, max_length=64)
    paid_out_reference: str | None = Field(default=None, max_length=100)


class ImmutablePayment(GuardViolation):
    """A programming error: code tried to change a plan in a way its guard refuses."""


# Dates, numbers and order of an installment never change; only what it charges and what
# was paid against it. A plan nothing has happened to is replaced when its policy is
# approved again after un-approval; one with a payment cannot go (payments point at it and
# are never deleted).
INSTALLMENT_GUARD = Guard(
    table="installment",
    mutable=frozenset({"amount", "paid"}),
    refuse_delete=False,
    error=ImmutablePayment,
)
# A payment is a fact: frozen from insert on, never deleted.
PAYMENT_GUARD = Guard(table="payment", refuse_delete=True, error=ImmutablePayment)
PAYOUT_COLUMNS = frozenset({"paid_out", "paid_out_at", "paid_out_by_code", "paid_out_reference"})
# What is owed back is fixed; its payout is recorded once.
REFUND_DUE_GUARD = Guard(
    table="refund_due",
    mutable=PAYOUT_COLUMNS,
    set_once=PAYOUT_COLUMNS,
    refuse_delete=True,
    error=ImmutablePayment,
)
GUARDS = (INSTALLMENT_GUARD, PAYMENT_GUARD, REFUND_DUE_GUARD)

protect(Installment, INSTALLMENT_GUARD)
protect(Payment, PAYMENT_GUARD)
protect(RefundDue, REFUND_DUE_GUARD)
