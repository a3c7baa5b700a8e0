"""Premium refund on cancellation (fesih), as `tariffs.md` states it.

days    = end − start,  elapsed = cancel_date − start  (0 ≤ elapsed ≤ days)
earned  = pro_rata:   round2(P × elapsed / days)
          short_rate: round2(P × pct / 100), pct of the first row with up_to_days ≥ elapsed
          none:       P
          full:       0
pro_rata / short_rate: earned raised to min(P, min_retained) when below it
refund  = P − earned,  tax refund_i = round2(tax_i × refund / P)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from iztim_app.core.errors import ValidationFailed
from iztim_app.core.money import EXACT, KURUS, ZERO, round2
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.rating import MAX_TERM_DAYS
from iztim_app.core.tariffs.values import parse_amount, parse_date_input

PRO_RATA = "pro_rata"
SHORT_RATE = "short_rate"
NONE = "none"
FULL = "full"
_KEEPS_MIN_RETAINED = (PRO_RATA, SHORT_RATE)


@dataclass(frozen=True)
class RefundResult:
    method: str
    earned: Decimal
    refund: Decimal
    tax_refunds: dict[str, Decimal]
    days: int
    elapsed: int
    earned_percent: Decimal | None = None  # the short-rate row used, for short_rate
    min_retained_applied: bool = False


def refund(
    tariff_set: TariffSet,
    line: str,
    net_premium: Decimal | int | str,
    start: date | str,
    end: date | str,
    cancel_date: date | str,
    reason_code: str,
    taxes: Mapping[str, Decimal] | None = None,
) -> RefundResult:
    """Earned premium and refund for cancelling a policy on `cancel_date`.

    `taxes` are the policy's tax amounts (code → amount); when omitted they are
    recomputed from the line's tax rates on the net premium, as pricing does.
    """
    tariff = tariff_set.line(line)
    reason = tariff_set.cancellation_reasons.get(reason_code)
    if reason is None:
        raise ValidationFailed(
            "refund.unknown_reason",
            field="reason",
            reason=reason_code,
            known=", ".join(tariff_set.cancellation_reasons),
        )
    premium = parse_amount(net_premium, "premium").quantize(KURUS)
    start = parse_date_input(start, "start_date")
    end = parse_date_input(end, "end_date")
    cancel_date = parse_date_input(cancel_date, "cancel_date")
    days = (end - start).days
    if days <= 0:
        raise ValidationFailed("pricing.end_before_start", field="end_date", start=start, end=end)
    if days > MAX_TERM_DAYS:
        raise ValidationFailed(
            "refund.term_too_long", field="end_date", days=days, max=MAX_TERM_DAYS
        )
    elapsed = (cancel_date - start).days
    if not 0 <= elapsed <= days:
        raise ValidationFailed(
            "refund.cancel_outside_term",
            field="cancel_date",
            cancel=cancel_date,
            start=start,
            end=end,
        )

    method = reason.method
    percent = None
    if method == PRO_RATA:
        earned = round2(EXACT.divide(EXACT.multiply(premium, elapsed), days))
    elif method == SHORT_RATE:
        percent = tariff_set.short_rate_row(elapsed).earned_percent  # type: ignore[union-attr]
        earned = round2(EXACT.multiply(premium, percent).scaleb(-2, EXACT))
    elif method == NONE:
        earned = premium
    else:  # FULL
        earned = ZERO
    applied = False
    if method in _KEEPS_MIN_RETAINED:
        floor = min(premium, round2(tariff.line.min_retained))
        if earned < floor:
            earned, applied = floor, True
    returned = premium - earned

    if taxes is None:
        taxes = {tax.code: round2(premium * tax.rate) for tax in tariff.taxes}
    tax_refunds = {
        code: round2(EXACT.divide(EXACT.multiply(amount, returned), premium)) if premium else ZERO
        for code, amount in taxes.items()
    }
    return RefundResult(
        method=method,
        earned=earned,
        refund=returned,
        tax_refunds=tax_refunds,
        days=days,
        elapsed=elapsed,
        earned_percent=percent,
        min_retained_applied=applied,
    )
