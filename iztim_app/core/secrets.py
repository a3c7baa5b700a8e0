"""Installation secrets: random keys made once per installation and kept in the database, so
every worker process (and every restart) signs with the same key.

A secret is created on first use in its own short transaction, committed at once: a code
signed with it may already be printed, so the caller rolling back must never lose it. Two
processes creating it at the same moment both insert with ON CONFLICT DO NOTHING and then
read the one row that won.
"""

from __future__ import annotations

import secrets as random_source
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, select

from iztim_app.core import clock
from iztim_app.core.db import utc_column

SECRET_BYTES = 32


class AppSecret(SQLModel, table=True):
    __tablename__ = "app_secret"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=128)  # hex of SECRET_BYTES random bytes
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


def _read(db: Session, name: str) -> bytes | None:
    value = db.exec(select(AppSecret.value).where(AppSecret.name == name)).first()
    return None if value is None else bytes.fromhex(value)


def _insert_ignoring_conflict(db: Session, name: str) -> None:
    table = AppSecret.__table__
    row = {
        "name": name,
        "value": random_source.token_hex(SECRET_BYTES),
        "created_at": clock.utcnow(),
    }
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.execute(insert(table).values(**row).on_conflict_do_nothing(index_elements=["name"]))


def installation_secret(db: Session, name: str) -> bytes:
    """The installation's secret called `name` (e.g. "documents"), made on first use."""
    found = _read(db, name)
    if found is not None:
        return found
    bind = db.get_bind()
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    with Session(engine) as own:
        _insert_ignoring_conflict(own, name)
        own.commit()
        found = _read(own, name)
    assert found is not None  # inserted or already there: the row exists now
    return found
