"""Verification of printed documents: the code printed under each document's QR code, and
the public check behind the `/dogrula` page.

The code is an HMAC-SHA256 over `kind|number|seq` with the installation's secret
(`app_secret` "documents"), the first 10 characters of its base32: nobody without the
secret can make a code for a number they guess, and one code serves every print of the
document (a re-print after un-approval and re-approval verifies the same way, and shows
the document's status as it is now).

`check_document` is public (the page asks it for anyone, signed in or not): it answers
with the document's kind, number, status and dates only — never a name, an id number or an
amount — and gives one and the same `None` for a wrong code and for a document that does
not exist or was never issued, so it cannot be used to probe numbers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.endorsements.models import Endorsement
from iztim_app.core.policies.models import Policy, PolicyStatus
from iztim_app.core.quotes.models import Quote
from iztim_app.core.secrets import installation_secret
from iztim_app.core.settings import settings

KINDS = ("quote", "policy", "endorsement")
SECRET_NAME = "documents"
CODE_LENGTH = 10
MAX_NUMBER = 2**62  # beyond any document number; larger input is simply unknown


@dataclass(frozen=True)
class VerifiedDocument:
    """What the public may know of a genuine document: no personal data, no amounts."""

    kind: str  # quote | policy | endorsement (cancellation endorsements: kind_detail)
    kind_detail: str  # "" or the endorsement kind (increase, decrease, information, cancellation)
    number_label: str  # "12345", or "2/5000001" for an endorsement
    version: int | None  # policies: the current version
    status: str  # see _policy_status, _quote_status, _endorsement_status
    issue_date: date | None
    approved_at: datetime | None
    term_start: date | None
    term_end: date | None
    effective_date: date | None  # endorsements: the day the change takes effect
    cancelled_from: date | None
    valid_until: date | None  # quotes


def _message(kind: str, number: int, seq: int | None) -> bytes:
    return f"{kind}|{number}|{'' if seq is None else seq}".encode()


def verification_code(db: Session, kind: str, number: int, seq: int | None = None) -> str:
    """The 10-character code printed on the document (A–Z, 2–7)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind: {kind}")
    key = installation_secret(db, SECRET_NAME)
    digest = hmac.new(key, _message(kind, int(number), seq), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def verification_url(db: Session, kind: str, number: int, seq: int | None = None) -> str:
    """The verification page's address for the document, as the QR code opens it."""
    query: dict[str, Any] = {"t": kind, "n": int(number)}
    if seq is not None:
        query["k"] = int(seq)
    query["c"] = verification_code(db, kind, number, seq)
    return f"{settings.public_url}/dogrula?{urlencode(query)}"


def format_code(code: str) -> str:
    """`ABCDEFGHJK` → `ABCDE-FGHJK`, as printed under the QR code."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def normalise_code(raw: Any) -> str:
    """What a person typed: spaces, dashes and case do not matter."""
    text = "" if raw is None else str(raw)
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]


def _whole(raw: Any) -> int | None:
    text = "" if raw is None else str(raw).strip()
    if not text.isdigit() or len(text) > 18:
        return None
    value = int(text)
    return value if 0 < value < MAX_NUMBER else None


# ------------------------------------------------------------------ statuses


def _policy_status(policy: Policy, today: date) -> str:
    """in_force, not_started, expired, cancelled, or withdrawn (approval removed)."""
    if policy.status == PolicyStatus.CANCELLED.value:
        return "cancelled"
    if policy.status != PolicyStatus.APPROVED.value:
        return "withdrawn"  # the current version is a draft/awaiting after un-approval
    if today < policy.start_date:
        return "not_started"
    if today >= policy.end_date:
        return "expired"
    return "in_force"


def _quote_status(quote: Quote, today: date) -> str:
    """valid, expired, converted (became a policy) or superseded (revised)."""
    if quote.status == "superseded":
        return "superseded"
    if quote.policy_number is not None:
        return "converted"
    if quote.valid_until < today:
        return "expired"
    return "valid"


def _endorsement_status(policy: Policy | None) -> str:
    """approved, or withdrawn when its policy's approval was removed since."""
    if policy is None or policy.status not in (
        PolicyStatus.APPROVED.value,
        PolicyStatus.CANCELLED.value,
    ):
        return "withdrawn"
    return "approved"


# ------------------------------------------------------------------ finding


def _quote(db: Session, number: int, today: date) -> VerifiedDocument | None:
    quote = db.exec(select(Quote).where(Quote.number == number)).first()
    if quote is None or quote.approved_at is None:
        return None
    return VerifiedDocument(
        kind="quote",
        kind_detail="",
        number_label=str(quote.number),
        version=None,
        status=_quote_status(quote, today),
        issue_date=quote.quote_date,
        approved_at=quote.approved_at,
        term_start=quote.start_date,
        term_end=quote.end_date,
        effective_date=None,
        cancelled_from=None,
        valid_until=quote.valid_until,
    )


def _current(db: Session, number: int) -> Policy | None:
    return db.exec(
        select(Policy)
        .where(Policy.number == number)
        .order_by(Policy.version.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    ).first()


def _ever_approved(db: Session, number: int) -> bool:
    found = db.exec(
        select(sa.func.count(Policy.id)).where(
            Policy.number == number, Policy.approved_at.is_not(None)
        )
    ).one()
    return int(found) > 0


def _policy(db: Session, number: int, today: date) -> VerifiedDocument | None:
    policy = _current(db, number)
    if policy is None or not _ever_approved(db, number):
        return None
    return VerifiedDocument(
        kind="policy",
        kind_detail="",
        number_label=str(policy.number),
        version=policy.version,
        status=_policy_status(policy, today),
        issue_date=policy.issue_date,
        approved_at=policy.approved_at,
        term_start=policy.start_date,
        term_end=policy.end_date,
        effective_date=None,
        cancelled_from=policy.cancelled_from,
        valid_until=None,
    )


def _endorsement(db: Session, number: int, seq: int) -> VerifiedDocument | None:
    found = db.exec(
        select(Endorsement).where(Endorsement.policy_number == number, Endorsement.seq == seq)
    ).first()
    if found is None or found.approved_at is None:
        return None
    policy = db.get(Policy, found.policy_id)
    current = _current(db, number)
    # The endorsement stands while the version it was made on is the one in force.
    holds = (
        policy if current is not None and policy is not None and current.id == policy.id else None
    )
    return VerifiedDocument(
        kind="endorsement",
        kind_detail=found.kind,
        number_label=f"{found.seq}/{found.policy_number}",
        version=None,
        status=_endorsement_status(holds),
        issue_date=found.created_at.astimezone(clock.TURKEY).date(),
        approved_at=found.approved_at,
        term_start=policy.start_date if policy else None,
        term_end=policy.end_date if policy else None,
        effective_date=found.effective_date,
        cancelled_from=None,
        valid_until=None,
    )


def check_document(
    db: Session, kind: Any, number: Any, seq: Any, code: Any, today: date | None = None
) -> VerifiedDocument | None:
    """The public facts of the document the code was printed for; None when the code is
    wrong or no such document was ever issued (one answer for both)."""
    kind = str(kind or "").strip().lower()
    whole = _whole(number)
    if kind not in KINDS or whole is None:
        return None
    sequence = _whole(seq) if kind == "endorsement" else None
    if kind == "endorsement" and sequence is None:
        return None
    expected = verification_code(db, kind, whole, sequence)
    if not hmac.compare_digest(expected, normalise_code(code)):
        return None
    today = today or clock.today()
    if kind == "quote":
        return _quote(db, whole, today)
    if kind == "policy":
        return _policy(db, whole, today)
    return _endorsement(db, whole, sequence)


# The name DESIGN.md gives the public check.
verify = check_document
