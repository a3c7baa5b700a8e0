"""Document numbers from named sequences: unique, increasing and without gaps.

The number is taken by an UPDATE … RETURNING on the sequence row inside the caller's
transaction, so concurrent savers queue on that row (PostgreSQL row lock, SQLite write
lock) and a rolled-back save gives its number back.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from iztim_app.core.errors import NotFound


class NumberSequence(SQLModel, table=True):
    __tablename__ = "number_sequence"

    name: str = Field(primary_key=True, max_length=32)
    last: int = Field(default=0)


MAX_NUMBER = 2**31 - 1  # the largest INTEGER of PostgreSQL (numbers and row ids)


def parse_number(raw: Any) -> int:
    """A document number (or row id) as typed or passed by the browser; anything that is not
    a whole number is simply unknown (`NotFound`), like a number out of scope."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < value <= MAX_NUMBER:  # none is stored, and the database's integers end there
        raise NotFound()
    return value


_BUMP = sa.text("UPDATE number_sequence SET last = last + 1 WHERE name = :name RETURNING last")


def next_number(db: Session, name: str, start: int = 1) -> int:
    """The next number of the sequence, its row locked until the caller's transaction ends
    (the caller keeps that window short: every issuer of the sequence waits on it)."""
    bump = _BUMP
    row = db.execute(bump, {"name": name}).first()
    if row is None:
        # First use of this sequence: create it, tolerating a concurrent creator.
        dialect = db.get_bind().dialect.name
        conflict = "ON CONFLICT (name) DO NOTHING"
        db.execute(
            sa.text(f"INSERT INTO number_sequence (name, last) VALUES (:name, :last) {conflict}"),
            {"name": name, "last": start - 1},
        )
        row = db.execute(bump, {"name": name}).first()
        assert dialect  # both SQLite and PostgreSQL understand the statements above
    return int(row[0])


# PostgreSQL: the draw inside the statement that writes the rows carrying the number (a CTE
# named `drawn`; `DRAWN_NUMBER` is the number there, `records.DRAWN` values become it). The
# upsert also makes the sequence on its first use (then the number is `start`); either way
# the row stays locked until the transaction ends, and a rollback gives the number back.
DRAW_CTE = (
    "drawn AS (INSERT INTO number_sequence AS s (name, last) VALUES (:draw_name, :draw_start)"
    " ON CONFLICT (name) DO UPDATE SET last = s.last + 1 RETURNING last)"
)
DRAWN_NUMBER = "(SELECT last FROM drawn)"


def draw_params(name: str, start: int = 1) -> dict[str, Any]:
    """The parameters of `DRAW_CTE` for the sequence `name` (first number `start`)."""
    return {"draw_name": name, "draw_start": start}
