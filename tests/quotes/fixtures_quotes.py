"""Quote helpers: a valid form per line, saving as a demo user, and whole-book snapshots."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core.db import get_engine
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import MUTABLE_COLUMNS
from iztim_app.core.quotes.services import QuoteInput, QuoteView
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import Actor, operator_actor
from tests.foundation.support import actor_of, user_of
from tests.quotes.fixtures_customers import Cust
from tests.quotes.fixtures_db import TODAY

# A valid form for every shipped line (the line's required fields from fields.csv).
FORMS: dict[str, dict[str, str]] = {
    "kasko": {
        "vehicle_type": "otomobil",
        "usage": "hususi",
        "model_year": "2022",
        "province_group": "1",
        "no_claims_step": "3",
        "deductible": "yok",
        "lpg": "no",
        "birth_date": "1985-04-12",
        "plate": "34 ABC 123",
    },
    "trafik": {
        "vehicle_type": "otomobil",
        "province_group": "1",
        "no_claims_step": "4",
        "model_year": "2020",
    },
    "konut": {
        "construction_class": "betonarme",
        "earthquake_zone": "1",
        "earthquake_cover": "yes",
        "building_age": "15",
        "floor_area": "120",
        "in_municipality": "yes",
    },
    "isyeri": {
        "activity_class": "buro",
        "construction_class": "betonarme",
        "earthquake_zone": "2",
        "earthquake_cover": "no",
        "sprinkler": "no",
        "deductible": "yok",
        "in_municipality": "yes",
    },
    "ferdi_kaza": {
        "occupation_class": "1",
        "birth_date": "1980-06-01",
        "cover_option": "temel",
        "motorcycle_use": "no",
    },
    "nakliyat": {
        "transport_mode": "karayolu",
        "cover_type": "icc_a",
        "goods_type": "genel",
        "route": "yurtici",
        "deductible": "yok",
        "war_strikes": "no",
    },
}

OPERATOR = operator_actor("test")


def form(
    line: str,
    customer: Cust | int | None,
    sum_insured: str | Decimal,
    *,
    start: date = TODAY,
    end: date | str | None = None,
    **changes: str,
) -> QuoteInput:
    values = {**FORMS.get(line, {}), **changes}
    values = {k: v for k, v in values.items() if v is not None}
    customer_id = customer.id if isinstance(customer, Cust) else customer
    return QuoteInput(
        line_code=line,
        customer_id=customer_id,
        sum_insured=sum_insured,
        start_date=start,
        end_date=end,
        values=values,
    )


def who(db: Session, code: str) -> Actor:
    """The acting user, fresh from the database (after a limit or grant change too)."""
    return actor_of(db, code)


def save(
    db: Session, code: str, inp: QuoteInput, *, today: date = TODAY, revises: int | None = None
) -> QuoteView:
    return quotes.save_quote(db, who(db, code), inp, today=today, revises=revises)


def set_quote_limit(db: Session, code: str, line: str, limit: str | None) -> None:
    """An IT change of one user's authority limit on one line (None removes the row)."""
    user = user_of(db, code)
    if limit is None:
        users.remove_limit(db, OPERATOR, user.id, line)
    else:
        users.set_limit(db, OPERATOR, user.id, line, limit, limit)


# ---------------------------------------------------------------- snapshots (fresh connection)


def _rows(url: str, sql: str) -> list[dict[str, Any]]:
    with get_engine(url).connect() as conn:
        result = conn.exec_driver_sql(sql)
        keys = list(result.keys())
        return [dict(zip(keys, row, strict=True)) for row in result.all()]


def stored_quote(url: str, number: int) -> dict[str, Any]:
    """Every column of one quote exactly as stored (raw driver values)."""
    rows = _rows(url, f"SELECT * FROM quote WHERE number = {int(number)}")
    assert len(rows) == 1, number
    return rows[0]


def priced_columns(url: str, number: int) -> dict[str, Any]:
    """What a saved quote may never change: everything but the approval columns."""
    return {k: v for k, v in stored_quote(url, number).items() if k not in MUTABLE_COLUMNS}


def book(url: str) -> dict[str, Any]:
    """Every quote row, every audit row and every number sequence, committed state."""
    return {
        "quotes": _rows(url, "SELECT * FROM quote ORDER BY number"),
        "audit": _rows(
            url,
            "SELECT id, actor_code, action, entity_type, entity_id, before, after "
            "FROM audit_event ORDER BY id",
        ),
        "sequences": _rows(url, "SELECT name, last FROM number_sequence ORDER BY name"),
    }


def quote_audit(url: str, action: str | None = None) -> list[dict[str, Any]]:
    """Audit rows on quotes, before/after decoded from their JSON."""
    where = "entity_type = 'quote'" + (f" AND action = '{action}'" if action else "")
    columns = "actor_code, action, entity_id, before, after"
    rows = _rows(url, f"SELECT {columns} FROM audit_event WHERE {where} ORDER BY id")
    for row in rows:
        for key in ("before", "after"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
    return rows


def numbers(url: str) -> list[int]:
    return [r["number"] for r in _rows(url, "SELECT number FROM quote ORDER BY number")]


def count(url: str, table: str) -> int:
    with get_engine(url).connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
