"""Pure installment rules: the split, due dates, premium changes and refunds. No database.

The services load the installments of a policy, ask these functions what the plan becomes
and write the difference; every decision (and its arithmetic) is made here, to the kuruş.
Order: "first" and "last" follow the due date (then the sequence number), because an
installment added by an endorsement may be due before installments numbered earlier.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import KURUS, ZERO, format_try


@dataclass(frozen=True)
class Installment:
    """One installment as the rules see it: what is charged and what was paid against it."""

    seq: int
    due_date: date
    amount: Decimal
    paid: Decimal = ZERO

    @property
    def open_amount(self) -> Decimal:
        """What is still due on it (never negative: amount ≥ paid always holds)."""
        return self.amount - self.paid

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.amount


@dataclass(frozen=True)
class Change:
    """The plan after a premium change.

    `installments` is the whole plan (sorted by sequence), `added` the new installment when
    an increase found no open one to spread over, `reductions` {seq: amount taken off} for a
    refund, `refund_due` what a refund could not take off unpaid amounts: owed back.
    """

    installments: tuple[Installment, ...]
    added: Installment | None = None
    reductions: tuple[tuple[int, Decimal], ...] = ()
    refund_due: Decimal = ZERO

    def amount_of(self, seq: int) -> Decimal:
        return next(i.amount for i in self.installments if i.seq == seq)


# ------------------------------------------------------------------ the plan


def add_months(start: date, months: int) -> date:
    """`start` plus `months` calendar months, the day clamped to that month's last day.

    Always counted from `start`, never from the previous due date: 31 Jan → 28 (29) Feb →
    31 Mar."""
    if months < 0:
        raise ValueError(f"months must not be negative: {months}")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(start: date, k: int) -> date:
    """Installment k (1-based) is due `k − 1` months after the start."""
    if k < 1:
        raise ValueError(f"installments are numbered from 1: {k}")
    return add_months(start, k - 1)


def split(gross: Decimal, n: int) -> list[Decimal]:
    """`gross` into `n` parts: every part but the first is `gross / n` rounded down to the
    kuruş, the first takes the rest (so the parts always add up to `gross` exactly)."""
    if n < 1:
        raise ValueError(f"cannot split into {n} parts")
    if gross < 0:
        raise ValueError(f"cannot split a negative amount: {gross}")
    share = (gross / n).quantize(KURUS, rounding=ROUND_DOWN)
    return [gross - share * (n - 1)] + [share] * (n - 1)


def check_count(count: object, max_installments: int) -> int:
    """The number of installments chosen, 1..the line's `max_installments`; else refused."""
    try:
        n = int(str(count).strip())
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= max_installments:
        raise ValidationFailed(
            "installment.count_out_of_range",
            field="installment_count",
            count=str(count),
            max=max_installments,
        )
    return n


def plan(gross: Decimal, count: int, start: date, max_installments: int) -> list[Installment]:
    """The installments of a newly approved policy: the split and the due dates."""
    n = check_count(count, max_installments)
    return [
        Installment(k, due_date(start, k), amount)
        for k, amount in enumerate(split(gross, n), start=1)
    ]


# ------------------------------------------------------------------ premium changes


def _by_due(installments: Iterable[Installment]) -> list[Installment]:
    return sorted(installments, key=lambda i: (i.due_date, i.seq))


def _by_seq(installments: Iterable[Installment]) -> tuple[Installment, ...]:
    return tuple(sorted(installments, key=lambda i: i.seq))


def spread_increase(
    installments: Sequence[Installment], effective_date: date, extra: Decimal
) -> Change:
    """An endorsement's extra gross premium: spread equally over the installments not yet
    fully paid and due on or after `effective_date` (split like the plan: rounded down, the
    rest on the first of them); with none left, a new installment due on `effective_date`."""
    if extra <= 0:
        raise ValueError(f"an increase must be positive: {extra}")
    targets = [i for i in _by_due(installments) if not i.is_paid and i.due_date >= effective_date]
    if not targets:
        seq = max((i.seq for i in installments), default=0) + 1
        added = Installment(seq, effective_date, extra)
        return Change(_by_seq([*installments, added]), added=added)
    extra_of = {i.seq: part for i, part in zip(targets, split(extra, len(targets)), strict=True)}
    return Change(
        _by_seq(replace(i, amount=i.amount + extra_of.get(i.seq, ZERO)) for i in installments)
    )


def apply_refund(
    installments: Sequence[Installment], refund: Decimal, in_force: Decimal | None = None
) -> Change:
    """A refund lowers the unpaid amounts from the last installment backwards, never below
    what was paid; what is left over is `refund_due`, owed back to the customer.

    `in_force` is the gross premium in force before the refund (default: the installments'
    sum, i.e. nothing owed back yet); a refund above it would give back more than was
    charged and is refused."""
    if refund <= 0:
        raise ValueError(f"a refund must be positive: {refund}")
    in_force = sum((i.amount for i in installments), ZERO) if in_force is None else in_force
    if refund > in_force:
        raise ValidationFailed(
            "installment.refund_over_charged",
            field="gross_change",
            refund=format_try(refund),
            charged=format_try(in_force),
        )
    left = refund
    reductions: list[tuple[int, Decimal]] = []
    new_amount: dict[int, Decimal] = {}
    for inst in reversed(_by_due(installments)):
        if left == 0:
            break
        take = min(left, inst.open_amount)
        if take > 0:
            reductions.append((inst.seq, take))
            new_amount[inst.seq] = inst.amount - take
            left -= take
    return Change(
        _by_seq(replace(i, amount=new_amount.get(i.seq, i.amount)) for i in installments),
        reductions=tuple(reductions),
        refund_due=left,
    )


def premium_change(
    installments: Sequence[Installment],
    effective_date: date,
    gross_change: Decimal,
    in_force: Decimal | None = None,
) -> Change:
    """Any endorsement's signed gross change: more is spread, less is refunded, zero (an
    information change) leaves the plan as it is."""
    if gross_change > 0:
        return spread_increase(installments, effective_date, gross_change)
    if gross_change < 0:
        return apply_refund(installments, -gross_change, in_force)
    return Change(_by_seq(installments))


# ------------------------------------------------------------------ payments


def check_payment(installment: Installment, amount: Decimal) -> None:
    """A payment must be positive and at most what is still due; a paid installment takes
    no more (the field named is where the screen shows the message)."""
    if installment.is_paid:
        raise ValidationFailed(
            "payment.installment_paid", field="installment_id", seq=installment.seq
        )
    if amount <= 0:
        raise ValidationFailed("payment.amount_invalid", field="amount", value=str(amount))
    if amount > installment.open_amount:
        raise ValidationFailed(
            "payment.amount_over_due",
            field="amount",
            amount=format_try(amount),
            due=format_try(installment.open_amount),
        )
