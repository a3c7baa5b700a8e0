"""Pure endorsement and cancellation arithmetic (domain.md, "The arithmetic"). No database.

Term `days = end − start`; effective date `e` with `start ≤ e < end`; `remaining = end − e`.
Increase / decrease / information:
    net_change   = round2((N_new − N_old) × remaining / days)
    tax_change_i = round2(net_change × rate_i)
    gross_change = net_change + Σ tax_change_i
Cancellation at `c` (`start ≤ c ≤ end`, not before the last approved endorsement):
    refund  = refund of P0 by the reason's method (tariffs/refunds.py, minimum retained)
            + Σ_j round2(Δ_j × (end − c) / (end − e_j)) over approved endorsements Δ_j
              effective e_j (all of Δ_j for `full`, nothing for `none`)
    tax refund_i = round2(tax_in_force_i × refund / net_in_force)
    earned  = net_in_force − refund
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from iztim_app.core.clock import format_date
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import EXACT, ZERO, format_number, round2
from iztim_app.core.tariffs import refunds
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.i18n import Label


class EndorsementKind(StrEnum):
    INCREASE = "increase"  # prim artışı
    DECREASE = "decrease"  # prim iadesi
    INFORMATION = "information"  # bilgi değişikliği
    CANCELLATION = "cancellation"  # fesih


class EndorsementStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


PREMIUM_KINDS = (
    EndorsementKind.INCREASE.value,
    EndorsementKind.DECREASE.value,
    EndorsementKind.INFORMATION.value,
)


# ------------------------------------------------------------------ dates


def check_effective_date(start: date, end: date, effective: date) -> None:
    """An endorsement takes effect inside the term: start ≤ e < end."""
    if not start <= effective < end:
        raise ValidationFailed(
            "endorsement.effective_outside_term",
            field="effective_date",
            start=format_date(start),
            end=format_date(end),
        )


def check_not_before(last_effective: date | None, effective: date, field_name: str) -> None:
    """Endorsements apply in date order: none before the last approved one's effective date."""
    if last_effective is not None and effective < last_effective:
        raise ValidationFailed(
            "endorsement.before_last_endorsement",
            field=field_name,
            last=format_date(last_effective),
        )


def check_cancel_date(start: date, end: date, cancel: date, last_effective: date | None) -> None:
    """start ≤ c ≤ end, and not before the last approved endorsement's effective date."""
    if not start <= cancel <= end:
        raise ValidationFailed(
            "endorsement.cancel_outside_term",
            field="cancel_date",
            start=format_date(start),
            end=format_date(end),
        )
    check_not_before(last_effective, cancel, "cancel_date")


# ------------------------------------------------------------------ premium changes


@dataclass(frozen=True)
class Change:
    net_change: Decimal
    taxes_change: dict[str, Decimal]
    gross_change: Decimal


def premium_change(
    n_old: Decimal,
    n_new: Decimal,
    start: date,
    end: date,
    effective: date,
    tax_rates: Sequence[tuple[str, Decimal]],
) -> Change:
    """The change of an increase/decrease/information endorsement effective `effective`."""
    check_effective_date(start, end, effective)
    days = (end - start).days
    remaining = (end - effective).days
    net = round2(EXACT.divide(EXACT.multiply(n_new - n_old, remaining), days))
    taxes = {code: round2(EXACT.multiply(net, rate)) for code, rate in tax_rates}
    return Change(net, taxes, net + sum(taxes.values(), ZERO))


def kind_of(net_change: Decimal) -> EndorsementKind:
    if net_change > 0:
        return EndorsementKind.INCREASE
    if net_change < 0:
        return EndorsementKind.DECREASE
    return EndorsementKind.INFORMATION


def check_kind_known(kind: str) -> None:
    """Increase, decrease or information (a cancellation has its own form)."""
    if kind not in PREMIUM_KINDS:
        raise ValidationFailed("endorsement.kind_unknown", field="kind", kind=str(kind))


def check_kind(kind: str, net_change: Decimal) -> None:
    """The kind the user picked must match the computed change (increase > 0, decrease < 0,
    information = 0)."""
    check_kind_known(kind)
    expected = kind_of(net_change)
    if kind != expected.value:
        raise ValidationFailed(
            "endorsement.kind_mismatch",
            field="kind",
            kind=kind,
            expected=expected.value,
            expected_name=Label.of(f"endorsement.kind.{expected.value}"),
            change=format_number(net_change),
        )


def check_sum_insured(sum_insured: Decimal) -> None:
    """A policy's sum insured never becomes zero or less (a decrease to nothing is a
    cancellation)."""
    if sum_insured <= 0:
        raise ValidationFailed("endorsement.sum_insured_not_positive", field="sum_insured")


# ------------------------------------------------------------------ figures in force


@dataclass(frozen=True)
class InForce:
    """A policy's figures after every approved endorsement."""

    sum_insured: Decimal
    net: Decimal
    taxes: dict[str, Decimal]
    gross: Decimal


def after_change(in_force: InForce, change: Change, sum_insured: Decimal) -> InForce:
    taxes = dict(in_force.taxes)
    for code, amount in change.taxes_change.items():
        taxes[code] = taxes.get(code, ZERO) + amount
    return InForce(
        sum_insured=sum_insured,
        net=in_force.net + change.net_change,
        taxes=taxes,
        gross=in_force.gross + change.gross_change,
    )


# ------------------------------------------------------------------ cancellation


@dataclass(frozen=True)
class PriorChange:
    """An approved endorsement's net premium change Δ and its effective date."""

    delta: Decimal
    effective: date


@dataclass(frozen=True)
class Cancellation:
    reason_code: str
    method: str
    net_in_force: Decimal
    refund: Decimal
    earned: Decimal
    tax_refunds: dict[str, Decimal]
    gross_refund: Decimal
    base_refund: Decimal  # the original premium P0's part
    change_refunds: tuple[Decimal, ...] = field(default=())  # each endorsement's part, in order
    days: int = 0
    elapsed: int = 0
    earned_percent: Decimal | None = None
    min_retained_applied: bool = False

    @property
    def change(self) -> Change:
        """The cancellation as a premium change: everything refunded, negative."""
        taxes = {code: -amount for code, amount in self.tax_refunds.items()}
        return Change(-self.refund, taxes, -self.gross_refund)


def cancellation(
    tariff_set: TariffSet,
    line: str,
    p0: Decimal,
    start: date,
    end: date,
    cancel: date,
    reason_code: str,
    changes: Sequence[PriorChange],
    in_force: InForce,
    last_effective: date | None = None,
) -> Cancellation:
    """Earned premium, refund and tax refunds of cancelling on `cancel` for `reason_code`.

    `last_effective`: the last approved endorsement's effective date (information changes
    included); by default the latest of `changes`."""
    if last_effective is None:
        last_effective = max((c.effective for c in changes), default=None)
    check_cancel_date(start, end, cancel, last_effective)
    base = refunds.refund(tariff_set, line, p0, start, end, cancel, reason_code, taxes={})
    parts: list[Decimal] = []
    for change in changes:
        if base.method == refunds.FULL:
            part = change.delta
        elif base.method == refunds.NONE:
            part = ZERO
        else:
            part = round2(
                EXACT.divide(
                    EXACT.multiply(change.delta, (end - cancel).days),
                    (end - change.effective).days,
                )
            )
        parts.append(part)
    net_in_force = in_force.net
    # Never more than was charged, never negative (a safety net against kuruş rounding of
    # stacked decreases; the formula itself keeps within these bounds).
    refund = min(max(base.refund + sum(parts, ZERO), ZERO), max(net_in_force, ZERO))
    tax_refunds = {
        code: round2(EXACT.divide(EXACT.multiply(amount, refund), net_in_force))
        if net_in_force > 0
        else ZERO
        for code, amount in in_force.taxes.items()
    }
    return Cancellation(
        reason_code=reason_code,
        method=base.method,
        net_in_force=net_in_force,
        refund=refund,
        earned=net_in_force - refund,
        tax_refunds=tax_refunds,
        gross_refund=refund + sum(tax_refunds.values(), ZERO),
        base_refund=base.refund,
        change_refunds=tuple(parts),
        days=base.days,
        elapsed=base.elapsed,
        earned_percent=base.earned_percent,
        min_retained_applied=base.min_retained_applied,
    )


def tax_rates_of(tariff_set: TariffSet, line: str) -> list[tuple[str, Decimal]]:
    return [(tax.code, tax.rate) for tax in tariff_set.line(line).taxes]


def money_map(raw: Mapping[str, object]) -> dict[str, Decimal]:
    """JSON {code: "12.34"} → {code: Decimal}."""
    return {str(code): Decimal(str(amount)) for code, amount in raw.items()}


def money_json(amounts: Mapping[str, Decimal]) -> dict[str, str]:
    return {code: str(amount) for code, amount in amounts.items()}
