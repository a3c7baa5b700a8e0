"""Database engine and sessions: one engine per URL, SQLite tuned for one process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.sql import operators
from sqlmodel import Session, create_engine

from iztim_app.core.money import KURUS, MAX_AMOUNT
from iztim_app.core.settings import settings


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware timestamps on every backend (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(**kwargs) -> sa.Column:
    return sa.Column(UTCDateTime(), **kwargs)


class Money(sa.types.TypeDecorator):
    """A `Decimal` amount stored as integer kuruş (`BIGINT`), exact on SQLite and PostgreSQL.

    SQLite keeps `NUMERIC` as REAL, so sums drift; integers add up exactly everywhere.
    Nothing is ever rounded here: a float, or a value that is not a whole number of kuruş,
    is refused when bound, and so is a non-integral result read through the type. SQL
    `avg` is not typed as money (it would be kuruş): divide a `money_sum` in Decimal.
    """

    impl = sa.BigInteger
    cache_ok = True

    class comparator_factory(sa.types.TypeDecorator.Comparator):  # noqa: N801 (SQLAlchemy's name)
        """Money ± money and money × a whole number stay money in SQL; × a rate or ÷ would
        need a rounding step, which belongs in Python (`round2`), so they are refused."""

        __slots__ = ()

        def _adapt_expression(self, op, other_comparator):  # noqa: ANN001, ANN202
            other = other_comparator.type
            if op in (operators.add, operators.sub) and isinstance(other, Money):
                return op, self.type
            if op is operators.mul and isinstance(other, sa.Integer):
                return op, self.type
            raise TypeError(
                f"money {op.__name__} {other!r} in SQL: only money ± money and money × a whole"
                " number are exact there; compute rates and divisions in Decimal"
            )

        def reverse_operate(self, op, other, **kwargs):  # noqa: ANN001, ANN003, ANN201
            if op in (operators.add, operators.mul):  # 2 * money is money * 2
                return self.operate(op, other, **kwargs)
            return super().reverse_operate(op, other, **kwargs)

    @property
    def python_type(self) -> type:
        return Decimal

    def coerce_compared_value(self, op, value):  # noqa: ANN001, ANN201
        """A literal beside money is money (bound as kuruş), except a count it is multiplied by."""
        if op is operators.mul and isinstance(value, int) and not isinstance(value, bool):
            return sa.BigInteger()
        return self

    def process_bind_param(self, value, dialect):  # noqa: ANN001
        return None if value is None else to_kurus(value)

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return None if value is None else from_kurus(value)


def to_kurus(value: Decimal | int) -> int:
    """`Decimal("12.34")` → `1234`; a float or a fraction of a kuruş raises, never rounds."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"money must be Decimal or int, not {type(value).__name__}: {value!r}")
    amount = Decimal(value)
    # |amount| < 10¹² ₺: the 14 digits (12 + kuruş) every amount column has always held.
    if not amount.is_finite() or not -MAX_AMOUNT < amount < MAX_AMOUNT:
        raise ValueError(f"money not finite or out of range: {value!r}")
    exact = amount.quantize(KURUS)  # ≤ 14 digits: fits the context, compared exactly
    if exact != amount:
        raise ValueError(f"money with more than 2 decimals: {value!r}")
    return int(exact.scaleb(2))


def from_kurus(value: int | Decimal) -> Decimal:
    """`1234` → `Decimal("12.34")` (always 2 places). PostgreSQL's `sum(bigint)` is numeric."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"kuruş must be an integer, not {type(value).__name__}: {value!r}")
    cents = Decimal(value)
    if not cents.is_finite() or cents != cents.to_integral_value():
        raise ValueError(f"not a whole number of kuruş: {value!r}")
    return cents.quantize(Decimal(1)).scaleb(-2)


def money_column(**kwargs) -> sa.Column:
    return sa.Column(Money(), **kwargs)


def money_sum(column: sa.ColumnElement) -> sa.ColumnElement[Decimal]:
    """`coalesce(sum(column), 0)` read back as Decimal to the kuruş (0.00 over no rows)."""
    return sa.func.coalesce(sa.func.sum(column), 0, type_=Money())


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> sa.Engine:
    url = url or settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # pool_pre_ping: a connection is tested (one round trip: 20–80 µs on loopback) when it
    # is taken from the pool, so after a database restart no request fails on a dead
    # connection: the first ping finds it, the pool is emptied and reconnects. A connect
    # attempt gives up after 5 s (an unreachable host answers 503 instead of hanging).
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )


CONNECT_TIMEOUT_SECONDS = 5
# SQLSTATEs of a server that is going away or not accepting connections (class 08 is
# "connection exception"): admin shutdown, crash shutdown, cannot connect now.
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03"})


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached (down, restarting, connection
    lost), not that a statement failed: a deadlock, a constraint or a timeout of a query is
    not an outage. The API answers 503 and the screens a plain message for these."""
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
    else:
        orig = exc
    sqlstate = getattr(orig, "sqlstate", "")  # psycopg errors only; SQLite has none
    if sqlstate == "":
        return False
    import psycopg  # noqa: PLC0415 (only PostgreSQL installations raise these)

    if not isinstance(orig, psycopg.OperationalError):
        return False
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_STATES


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work; services commit, anything unfinished is rolled back."""
    with Session(get_engine(url), expire_on_commit=False) as db:
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
