"""Policy helpers: a valid policy form per line, issuing as a demo user, stored rows."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import IssueResult, PolicyInput
from tests.foundation.support import actor_of
from tests.quotes.fixtures_customers import Cust
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import FORMS, _rows

FIRST = 5000001


def policy_form(
    line: str,
    customer: Cust | int,
    sum_insured: str | Decimal,
    *,
    installments: int | str = 1,
    start: date = TODAY,
    quote_number: int | None = None,
    **changes: str,
) -> PolicyInput:
    values = {k: v for k, v in {**FORMS.get(line, {}), **changes}.items() if v is not None}
    return PolicyInput(
        line_code=line,
        customer_id=customer.id if isinstance(customer, Cust) else customer,
        sum_insured=sum_insured,
        start_date=start,
        values=values,
        installment_count=installments,
        quote_number=quote_number,
    )


def issue(db: Session, code: str, inp: PolicyInput, *, today: date = TODAY) -> IssueResult:
    return policies.issue(db, actor_of(db, code), inp, today=today)


def stored_policies(url: str, number: int | None = None) -> list[dict[str, Any]]:
    """Every column of the policy rows (of one number), as stored, by number and version."""
    where = f"WHERE number = {int(number)}" if number is not None else ""
    return _rows(url, f"SELECT * FROM policy {where} ORDER BY number, version")


def policy_numbers(url: str) -> list[int]:
    return [
        r["number"]
        for r in _rows(url, "SELECT number FROM policy WHERE version = 1 ORDER BY number")
    ]


def sequence_last(url: str, name: str = "policy") -> int | None:
    rows = _rows(url, f"SELECT last FROM number_sequence WHERE name = '{name}'")
    return rows[0]["last"] if rows else None


def policy_audit(url: str, action: str | None = None) -> list[dict[str, Any]]:
    where = "entity_type = 'policy'" + (f" AND action = '{action}'" if action else "")
    rows = _rows(
        url,
        "SELECT actor_code, action, entity_id, before, after FROM audit_event "
        f"WHERE {where} ORDER BY id",
    )
    for row in rows:
        for key in ("before", "after"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
    return rows
