"""The public verification page's state: no sign-in, no actor, nothing personal.

The page shows what `documents.verification.check_document` answers: the document's kind,
number, status and dates. Rows carry catalogue keys (labels, kinds, statuses) so the page
translates them as the reader switches language; values are only numbers and dates."""

from __future__ import annotations

from typing import Any

import reflex as rx

from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.documents.verification import KINDS, VerifiedDocument, check_document
from iztim_app.states.session import SessionState

NOT_ASKED, VERIFIED, NOT_VERIFIED = "", "verified", "not_verified"
MAX_INPUT = 40


def _rows(found: VerifiedDocument) -> list[list[str]]:
    """[label key, value, "1" when the value is a catalogue key]."""
    rows = [
        ["verify.kind", f"verify.kind.{found.kind}", "1"],
        ["verify.number", found.number_label, ""],
    ]
    if found.kind_detail:
        rows.append(["verify.endorsement_kind", f"endorsement.kind.{found.kind_detail}", "1"])
    if found.version is not None:
        rows.append(["verify.version", str(found.version), ""])
    rows.append(["verify.status", f"verify.status.{found.status}", "1"])
    dated = (
        ("verify.issue_date", found.issue_date),
        ("verify.approved_at", found.approved_at),
        ("verify.valid_until", found.valid_until),
        ("verify.effective_date", found.effective_date),
        ("verify.term_start", found.term_start),
        ("verify.term_end", found.term_end),
        ("verify.cancelled_from", found.cancelled_from),
    )
    rows += [[key, clock.format_date(value), ""] for key, value in dated if value is not None]
    return rows


def _split(kind: str, number: str) -> tuple[str, str | None]:
    """ "2/5000001" typed for an endorsement → ("5000001", "2")."""
    if kind == "endorsement" and "/" in number:
        seq, _, policy = number.partition("/")
        return policy.strip(), seq.strip()
    return number.strip(), None


class VerifyState(SessionState):
    outcome: str = NOT_ASKED
    rows: list[list[str]] = []
    # What the form shows (echoes the link or what was typed; nothing from the database).
    kind: str = "policy"
    number: str = ""
    code: str = ""

    def _check(self, kind: Any, number: Any, seq: Any, code: Any) -> None:
        with session_scope() as db:
            found = check_document(db, kind, number, seq, code)
        self.outcome = VERIFIED if found is not None else NOT_VERIFIED
        self.rows = _rows(found) if found is not None else []

    @rx.event
    def load(self):
        """The QR code's link: /dogrula?t=policy&n=5000001&c=… (k= for an endorsement)."""
        params = self.router.url.query_parameters
        kind = str(params.get("t", "") or "")[:MAX_INPUT]
        number = str(params.get("n", "") or "")[:MAX_INPUT]
        seq = str(params.get("k", "") or "")[:MAX_INPUT]
        code = str(params.get("c", "") or "")[:MAX_INPUT]
        self.kind = kind if kind in KINDS else "policy"
        self.number = f"{seq}/{number}" if seq and number else number
        self.code = code
        if not number and not code:
            self.outcome, self.rows = NOT_ASKED, []
            return
        self._check(kind, number, seq or None, code)

    @rx.event
    def choose_kind(self, value: str):
        self.kind = value if value in KINDS else "policy"

    @rx.event
    def check(self, form: dict):
        """The form: type, number (k/POLICYNO for an endorsement) and the printed code."""
        kind = str(form.get("kind", "") or "")[:MAX_INPUT]
        typed = str(form.get("number", "") or "")[:MAX_INPUT]
        code = str(form.get("code", "") or "")[:MAX_INPUT]
        self.kind = kind if kind in KINDS else "policy"
        self.number, self.code = typed, code
        number, seq = _split(kind, typed)
        self._check(kind, number, seq, code)
