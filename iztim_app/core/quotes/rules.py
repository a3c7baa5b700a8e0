"""Pure quote rules: approval by authority limit, expiry, channel. No database here."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from iztim_app.core.quotes.models import Channel, QuoteStatus

OPEN_STATUSES = (QuoteStatus.AWAITING_APPROVAL.value, QuoteStatus.APPROVED.value)


def within_limit(limit: Decimal | None, sum_insured: Decimal) -> bool:
    """No limit row means the user may not approve on that line at all."""
    return limit is not None and sum_insured <= limit


def initial_status(preparer_limit: Decimal | None, sum_insured: Decimal) -> QuoteStatus:
    if within_limit(preparer_limit, sum_insured):
        return QuoteStatus.APPROVED
    return QuoteStatus.AWAITING_APPROVAL


def valid_until(quote_date: date, valid_days: int) -> date:
    return quote_date + timedelta(days=valid_days)


def is_expired(status: str, valid_until_date: date, today: date) -> bool:
    """An open quote past its validity can no longer be approved or turned into a policy."""
    return status in OPEN_STATUSES and valid_until_date < today


def display_status(status: str, valid_until_date: date, today: date) -> str:
    return "expired" if is_expired(status, valid_until_date, today) else status


def channel_for(office_kind: str) -> Channel:
    if office_kind == "agency":
        return Channel.AGENCY
    if office_kind == "head_office":
        return Channel.HEAD_OFFICE
    return Channel.BRANCH
