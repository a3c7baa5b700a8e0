"""Pure renewal rules: when a policy may be renewed, the next term, the no-claims step, the
renewal state. No database here; services.py loads, checks scope and saves the quote.

Choices made here (the spec is silent):
- The window opens `WINDOW_DAYS` (60) days before the end date and closes at the end date
  itself: from the day after, the policy has lapsed and can no longer be renewed (the new
  term would start in the past). So `GRACE_DAYS` is 0.
- A year marked not claim-free keeps the no-claims step where it is (we record no claim
  count to say how far it should drop; a lower step can be quoted by hand).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from iztim_app.core.tariffs.rating import one_year_later

WINDOW_DAYS = 60
GRACE_DAYS = 0
NO_CLAIMS_FIELD = "no_claims_step"

TOO_EARLY = "too_early"
LAPSED = "lapsed"


class RenewalState(StrEnum):
    NOT_OFFERED = "not_offered"  # no renewal quote yet, still in force
    QUOTE_GIVEN = "quote_given"  # a renewal quote exists (not rejected), no renewal policy
    RENEWED = "renewed"  # a renewal policy was issued (anything but rejected)
    LAPSED = "lapsed"  # ended without a renewal policy


def window(end_date: date) -> tuple[date, date]:
    """First and last day on which a policy ending on `end_date` may be renewed."""
    return end_date - timedelta(days=WINDOW_DAYS), end_date + timedelta(days=GRACE_DAYS)


def window_problem(end_date: date, today: date) -> str | None:
    """Why the policy cannot be renewed today (too early, lapsed), or None."""
    opens, closes = window(end_date)
    if today < opens:
        return TOO_EARLY
    if today > closes:
        return LAPSED
    return None


def next_term(end_date: date) -> tuple[date, date]:
    """The renewal term: starts on the old end date, one year long."""
    return end_date, one_year_later(end_date)


def next_no_claims_step(
    current: str | None, choices: Sequence[str], claim_free: bool
) -> str | None:
    """One step up in the field's choices order, at most the last; unchanged when the year
    was not claim-free, or when the current value is not one of the choices."""
    if current is None or not claim_free or current not in choices:
        return current
    return choices[min(list(choices).index(current) + 1, len(choices) - 1)]
