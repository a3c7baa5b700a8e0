"""What one approved document adds to production, on the day it counts.

Built by `production` from a policy version or an endorsement at approval (or un-approval),
and handed to the daily summary and to commissions: both see the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

# A commission rate not read yet: `commissions.earning.entry_row` looks the rate table up.
LOOK_UP_RATE: Any = object()


@dataclass(frozen=True)
class Posting:
    day: date  # Turkish calendar day the document counts (its approval)
    document: str  # "policy" | "endorsement" | "cancellation" | "reversal"
    policy_number: int
    policy_version: int
    endorsement_seq: int | None
    line_code: str
    channel: str  # the policy's sales channel
    office_id: int  # the policy's office: endorsements count where the policy was sold
    office_path: str
    prepared_by_id: int | None  # the policy's preparer (an agency user sees their own)
    customer_kind: str
    policies: int  # +1 a policy approved, -1 cancelled or reversed, 0 an endorsement
    sum_insured: Decimal  # signed change of the sum insured in force
    net_premium: Decimal  # signed: a refund is negative
    taxes: dict[str, Decimal]  # signed, per tax code
    gross_premium: Decimal
