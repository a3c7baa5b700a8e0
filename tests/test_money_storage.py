"""Money is stored as integer kuruş behind one type (`db.Money`): sums in the database are
exact on SQLite and PostgreSQL alike, nothing is rounded on the way in, every amount column
of the schema uses it, and migration 0006 converts what older databases held exactly."""

from __future__ import annotations

import random
import types
import typing
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, SQLModel, select

from iztim_app.core import schema
from iztim_app.core.db import Money, from_kurus, get_engine, money_sum, to_kurus
from iztim_app.core.quotes.models import Quote
from iztim_app.core.users.models import AuthorityLimit
from tests.conftest import sqlite_url
from tests.foundation.support import import_all_of_core

import_all_of_core()  # every table of iztim_app.core is in SQLModel.metadata

ROWS = 200_000
KNOWN_AMOUNTS = {
    ("authority_limit", "quote_limit"),
    ("authority_limit", "policy_limit"),
    ("quote", "sum_insured"),
    ("quote", "net_premium"),
    ("quote", "gross_premium"),
}


def scratch_table(url: str, type_: sa.types.TypeEngine | None = None) -> sa.Table:
    """A table of its own (not in the app's metadata) with one amount column."""
    metadata = sa.MetaData()
    table = sa.Table(
        "money_scratch",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("amount", type_ if type_ is not None else Money(), nullable=False),
    )
    metadata.create_all(get_engine(url))
    return table


def generated_amounts(n: int = ROWS) -> list[Decimal]:
    """Deterministic amounts from -100 million to 1 billion ₺ (refunds too), with kuruş."""
    rng = random.Random(7)
    return [Decimal(rng.randint(-(10**10), 10**11)).scaleb(-2) for _ in range(n)]


def insert_amounts(url: str, table: sa.Table, amounts: list) -> None:  # noqa: ANN001
    with get_engine(url).begin() as conn:
        conn.execute(table.insert(), [{"amount": a} for a in amounts])


def count_rows(url: str, table: sa.Table) -> int:
    with get_engine(url).connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


# ---------------------------------------------------------------- sums and round trips


def test_sum_of_200000_amounts_in_the_database_is_exact_to_the_kurus(any_db_url: str):
    # given 200,000 generated amounts stored in a Money column
    amounts = generated_amounts()
    expected = sum(amounts, Decimal("0.00"))
    assert expected == Decimal("90044031315831.08")
    table = scratch_table(any_db_url)
    insert_amounts(any_db_url, table, amounts)
    # when the database adds them up (the helper, a plain SUM, MIN and MAX)
    col = table.c.amount
    query = sa.select(
        money_sum(col), sa.func.sum(col), sa.func.count(), sa.func.min(col), sa.func.max(col)
    )
    with get_engine(any_db_url).connect() as conn:
        total, plain_sum, count, low, high = conn.execute(query).one()
    # then every aggregate is the Decimal sum to the kuruş, written with 2 places
    assert count == ROWS
    assert (type(total), str(total)) == (Decimal, "90044031315831.08")
    assert (type(plain_sum), plain_sum) == (Decimal, expected)
    assert (low, high) == (min(amounts), max(amounts))


def test_the_old_numeric_storage_drifts_on_sqlite(db_url: str):
    """Why the type exists: the same amounts in Numeric(14, 2) (REAL on SQLite) do not add up,
    so the exact-sum test above would catch a return to it."""
    amounts = generated_amounts()
    table = scratch_table(db_url, sa.Numeric(14, 2))
    insert_amounts(db_url, table, amounts)
    with get_engine(db_url).connect() as conn:
        total = conn.execute(sa.select(sa.func.sum(table.c.amount))).scalar_one()
    assert total != sum(amounts, Decimal("0.00"))


def test_money_sum_over_no_rows_is_zero_with_two_places(any_db_url: str):
    table = scratch_table(any_db_url)
    with get_engine(any_db_url).connect() as conn:
        total = conn.execute(sa.select(money_sum(table.c.amount))).scalar_one()
    assert (type(total), str(total)) == (Decimal, "0.00")


EDGES = [
    ("0.01", 1),
    ("0.29", 29),
    ("0.57", 57),
    ("1.15", 115),
    ("1.10", 110),
    ("0", 0),
    ("999999999999.99", 99999999999999),
    ("-0.01", -1),
    ("-0.29", -29),
    ("-999999999999.99", -99999999999999),
]


def test_edge_amounts_round_trip_exactly_as_whole_kurus(any_db_url: str):
    # given edge amounts (and an int) stored through the Money type
    table = scratch_table(any_db_url)
    insert_amounts(any_db_url, table, [Decimal(text) for text, _ in EDGES] + [7])
    with get_engine(any_db_url).connect() as conn:
        # when read back raw and through the type
        raw = conn.exec_driver_sql("SELECT amount FROM money_scratch ORDER BY id").scalars().all()
        read = conn.execute(sa.select(table.c.amount).order_by(table.c.id)).scalars().all()
        # and compared in SQL (the bound side is converted to kuruş too)
        at_least = conn.execute(
            sa.select(sa.func.count()).where(table.c.amount >= Decimal("0.29"))
        ).scalar_one()
    # then the database holds integers and the app gets the same Decimals, 2 places each
    assert raw == [kurus for _, kurus in EDGES] + [700]
    assert [str(v) for v in read] == [
        "0.01",
        "0.29",
        "0.57",
        "1.15",
        "1.10",
        "0.00",
        "999999999999.99",
        "-0.01",
        "-0.29",
        "-999999999999.99",
        "7.00",
    ]
    assert at_least == 6  # 0.29, 0.57, 1.15, 1.10, 999999999999.99, 7.00


def test_sql_arithmetic_that_stays_exact_reads_back_as_money(any_db_url: str):
    # given amounts with a whole-number count beside them
    metadata = sa.MetaData()
    table = sa.Table(
        "money_lines",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("price", Money(), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
    )
    metadata.create_all(get_engine(any_db_url))
    with get_engine(any_db_url).begin() as conn:
        conn.execute(
            table.insert(),
            [{"price": Decimal("0.29"), "quantity": 3}, {"price": Decimal("1.15"), "quantity": 7}],
        )
    price, quantity = table.c.price, table.c.quantity
    # when money ± money and money × a whole number are computed in the database
    query = sa.select(
        money_sum(price * quantity),
        sa.func.sum(2 * price),
        sa.func.max(price + Decimal("0.01") - price),
    )
    with get_engine(any_db_url).connect() as conn:
        total, doubled, kurus = conn.execute(query).one()
    # then each is Decimal ₺ (not kuruş)
    assert [str(v) for v in (total, doubled, kurus)] == ["8.92", "2.88", "0.01"]


@pytest.mark.parametrize(
    "expression",
    [
        lambda c: c * Decimal("0.05"),  # a rate: the product needs a rounding step
        lambda c: c * 1.5,
        lambda c: c / 2,
        lambda c: c + sa.column("count", sa.Integer),  # ₺ or kuruş? neither is money
        lambda c: c * sa.literal(Decimal("0.18"), sa.Numeric(4, 2)),
    ],
)
def test_sql_arithmetic_that_would_need_rounding_is_refused(expression):  # noqa: ANN001
    column = sa.column("amount", Money())
    with pytest.raises(TypeError):
        expression(column)


# ---------------------------------------------------------------- nothing rounded silently


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0.29, TypeError),  # a float, however harmless it looks
        (1, None),  # (control: an int is accepted)
        (Decimal("0.295"), ValueError),
        (Decimal("1.001"), ValueError),
        (Decimal("1.0000000000000000000000000000001"), ValueError),  # beyond 28 digits
        ("0.29", TypeError),
        (True, TypeError),
        (Decimal("NaN"), ValueError),
        (Decimal("Infinity"), ValueError),
        (Decimal("1000000000000.00"), ValueError),  # 10¹²: more than 14 digits
        (Decimal("-1000000000000.00"), ValueError),
    ],
)
def test_binding_a_float_or_a_fraction_of_a_kurus_is_refused(db_url: str, value, error):  # noqa: ANN001
    # given an empty Money column
    table = scratch_table(db_url)
    if error is None:
        insert_amounts(db_url, table, [Decimal("1.00"), value])
        assert count_rows(db_url, table) == 2
        return
    # when a batch holding the bad value is inserted
    with pytest.raises(sa.exc.StatementError) as caught:
        insert_amounts(db_url, table, [Decimal("1.00"), value])
    # then the driver never saw it and nothing was stored
    assert isinstance(caught.value.orig, error)
    assert count_rows(db_url, table) == 0


def test_models_refuse_unroundable_amounts_in_writes_and_filters(any_db_url: str):
    with Session(get_engine(any_db_url)) as db:
        # a limit with a fraction of a kuruş is not rounded to fit
        db.add(
            AuthorityLimit(
                user_id=1,
                line_code="kasko",
                quote_limit=Decimal("1000.005"),
                policy_limit=Decimal("1000.00"),
            )
        )
        with pytest.raises(sa.exc.StatementError) as caught:
            db.flush()
        assert isinstance(caught.value.orig, ValueError)
        db.rollback()
        # a float in a filter is refused too
        with pytest.raises(sa.exc.StatementError) as caught:
            db.exec(select(Quote).where(Quote.sum_insured <= 1.5)).all()  # type: ignore[operator]
        assert isinstance(caught.value.orig, TypeError)
        db.rollback()
        assert db.exec(select(sa.func.count()).select_from(AuthorityLimit)).one() == 0


@pytest.mark.parametrize(
    ("stored", "expected"),
    [(0, "0.00"), (1, "0.01"), (-29, "-0.29"), (Decimal("12345"), "123.45"), (10**18, None)],
)
def test_reading_kurus(stored, expected):  # noqa: ANN001
    if expected is None:  # a PostgreSQL sum(bigint) beyond 10¹⁶ ₺ is still exact
        assert from_kurus(stored) == Decimal(10**16)
    else:
        assert str(from_kurus(stored)) == expected


@pytest.mark.parametrize(("stored", "error"), [(Decimal("12.5"), ValueError), (12.0, TypeError)])
def test_reading_a_fraction_of_a_kurus_is_refused(stored, error):  # noqa: ANN001
    """e.g. an avg() read through the type: refused, not rounded (use SUM and divide)."""
    with pytest.raises(error):
        from_kurus(stored)


def test_to_kurus_accepts_trailing_zeros_and_ints():
    assert [to_kurus(v) for v in (Decimal("1.230"), Decimal("1E+3"), 5, -7)] == [
        123,
        100000,
        500,
        -700,
    ]


# ---------------------------------------------------------------- the house rule


def _type_of(column: sa.Column):  # noqa: ANN202
    t = column.type
    return t, (t.impl_instance if isinstance(t, sa.types.TypeDecorator) else t)


def _python_type(t: sa.types.TypeEngine) -> type | None:
    try:
        return t.python_type
    except NotImplementedError:
        return None


def test_every_amount_column_is_stored_as_integer_kurus():
    """No Numeric or Float left anywhere in the schema: an amount is a Money column."""
    offenders, money = [], set()
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            declared, impl = _type_of(column)
            where = f"{table.name}.{column.name}: {declared!r}"
            if isinstance(declared, Money):
                assert isinstance(impl, sa.BigInteger), where
                money.add((table.name, column.name))
            elif (
                isinstance(declared, sa.Numeric | sa.Float)
                or isinstance(impl, sa.Numeric | sa.Float)
                or _python_type(declared) in (Decimal, float)
            ):
                offenders.append(where)
    assert offenders == []
    assert KNOWN_AMOUNTS <= money


def _annotation_types(annotation) -> set:  # noqa: ANN001
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(_annotation_types(a) for a in args))
    return {annotation}


def _table_models() -> list[type[SQLModel]]:
    seen, todo = [], list(SQLModel.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if getattr(cls, "__table__", None) is not None and cls not in seen:
            seen.append(cls)
    return seen


def test_every_decimal_field_of_a_model_is_a_money_column():
    decimal_fields, offenders = set(), []
    for model in _table_models():
        for name, info in model.model_fields.items():
            if not _annotation_types(info.annotation) & {Decimal, float}:
                continue
            table = model.__table__
            decimal_fields.add((table.name, name))
            if not isinstance(table.c[name].type, Money):
                offenders.append(f"{model.__name__}.{name}: {table.c[name].type!r}")
    assert offenders == []
    assert KNOWN_AMOUNTS <= decimal_fields


@pytest.mark.parametrize("table_name, column_name", sorted(KNOWN_AMOUNTS))
def test_migrated_database_holds_amounts_as_bigint(db_url: str, table_name: str, column_name: str):
    with get_engine(db_url).connect() as conn:
        columns = {c["name"]: c["type"] for c in sa.inspect(conn).get_columns(table_name)}
    assert isinstance(columns[column_name], sa.BigInteger)


# ---------------------------------------------------------------- migration 0006

TRICKY = [Decimal(t) for t in ("0.29", "1.15", "1234567.89", "999999999.99", "0.57", "100.00")]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path):  # noqa: ANN201
    """An empty database on each engine (nothing migrated yet)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_empty_url")
        return
    url = sqlite_url(tmp_path / "old.db")
    yield url
    get_engine(url).dispose()


def seed_old_amounts(url: str) -> None:
    """Rows written as the Numeric(14, 2) code wrote them (reflected types, Decimal bound):
    quotes revising one another (self references survive the table rebuild) and a limit."""
    from datetime import UTC, date, datetime

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with get_engine(url).begin() as conn:
        metadata = sa.MetaData()
        metadata.reflect(conn)
        t = metadata.tables
        conn.execute(
            t["office"].insert(),
            [
                {
                    "id": 1,
                    "code": "GM",
                    "name": "Genel Müdürlük",
                    "kind": "head_office",
                    "agency_kind": None,
                    "parent_id": None,
                    "path": "/1/",
                    "active": True,
                    "created_at": now,
                }
            ],
        )
        conn.execute(
            t["app_user"].insert(),
            [
                {
                    "id": 1,
                    "code": "gm.onay",
                    "name": "Onay",
                    "email": "",
                    "office_id": 1,
                    "role": "approver",
                    "view_scope": "all",
                    "lang": "tr",
                    "password_hash": "-",
                    "must_change_password": False,
                    "active": True,
                    "locked": False,
                    "created_at": now,
                }
            ],
        )
        conn.execute(
            t["customer"].insert(),
            [
                {
                    "id": 1,
                    "number": 1,
                    "kind": "individual",
                    "national_id": "10000000146",
                    "name": "Ayşe Yılmaz",
                    "name_search": "ayse yilmaz",
                    "tax_office": "",
                    "customer_group": "bireysel",
                    "address": "",
                    "phone": "",
                    "email": "",
                    "owner_user_id": 1,
                    "office_id": 1,
                    "office_path": "/1/",
                    "created_at": now,
                }
            ],
        )
        conn.execute(
            t["tariff_version"].insert(),
            [
                {
                    "id": 1,
                    "number": 1,
                    "status": "active",
                    "effective_from": date(2026, 1, 1),
                    "note": "",
                    "sha256": "0" * 64,
                    "content": b"",
                    "based_on": None,
                    "uploaded_by": "bt.admin",
                    "uploaded_at": now,
                }
            ],
        )
        for i, amount in enumerate(TRICKY, 1):
            conn.execute(
                t["quote"].insert(),
                [
                    {
                        "id": i,
                        "number": 1000 + i,
                        "quote_date": date(2026, 11, 30),
                        "valid_until": date(2026, 12, 30),
                        "line_code": "kasko",
                        "customer_id": 1,
                        "customer_group": "bireysel",
                        "customer_kind": "individual",
                        "sum_insured": amount,
                        "start_date": date(2026, 12, 1),
                        "end_date": date(2027, 12, 1),
                        "values": {},
                        "tariff_version_id": 1,
                        "net_premium": amount,
                        "taxes": {"bsmv": "0.00"},
                        "gross_premium": amount,
                        "worksheet": [],
                        "channel": "head_office",
                        "prepared_by_id": 1,
                        "prepared_by_code": "gm.onay",
                        "office_id": 1,
                        "office_path": "/1/",
                        "created_at": now,
                        "revises_id": i - 1 if i > 1 else None,
                        "status": "approved" if i == len(TRICKY) else "superseded",
                        "superseded_by_id": None,
                    }
                ],
            )
        conn.exec_driver_sql(f"UPDATE quote SET superseded_by_id = id + 1 WHERE id < {len(TRICKY)}")
        conn.execute(
            t["authority_limit"].insert(),
            [
                {
                    "user_id": 1,
                    "line_code": line,
                    "quote_limit": q,
                    "policy_limit": p,
                }
                for line, q, p in (
                    ("kasko", Decimal("0.57"), Decimal("999999999.99")),
                    ("konut", Decimal("1250000.50"), Decimal("0.29")),
                )
            ],
        )


def stored_amounts(url: str) -> list[tuple]:
    """Raw driver values of every amount column, and the quotes' self references."""
    with get_engine(url).connect() as conn:
        quotes = conn.exec_driver_sql(
            "SELECT sum_insured, net_premium, gross_premium, revises_id, superseded_by_id"
            " FROM quote ORDER BY id"
        ).all()
        limits = conn.exec_driver_sql(
            "SELECT quote_limit, policy_limit FROM authority_limit ORDER BY line_code"
        ).all()
    return [tuple(r) for r in quotes] + [tuple(r) for r in limits]


def test_migration_converts_existing_amounts_exactly(empty_url: str):
    # given a database at 0005 holding amounts the old way
    schema.upgrade(empty_url, "0005")
    seed_old_amounts(empty_url)
    if empty_url.startswith("sqlite"):
        with get_engine(empty_url).connect() as conn:
            kinds = conn.exec_driver_sql("SELECT typeof(sum_insured) FROM quote ORDER BY id")
            assert kinds.scalars().all() == ["real"] * 5 + ["integer"]  # 100.00 is whole
    # when it is upgraded to the newest schema
    schema.upgrade(empty_url)
    # then the database holds whole kuruş, self references intact
    assert stored_amounts(empty_url) == [
        (29, 29, 29, None, 2),
        (115, 115, 115, 1, 3),
        (123456789, 123456789, 123456789, 2, 4),
        (99999999999, 99999999999, 99999999999, 3, 5),
        (57, 57, 57, 4, 6),
        (10000, 10000, 10000, 5, None),
        (57, 99999999999),
        (125000050, 29),
    ]
    # and the models read back the very same Decimals
    with Session(get_engine(empty_url)) as db:
        quotes = db.exec(select(Quote).order_by(Quote.id)).all()
        limits = db.exec(select(AuthorityLimit).order_by(AuthorityLimit.line_code)).all()
        assert [(q.sum_insured, q.net_premium, q.gross_premium) for q in quotes] == [
            (a, a, a) for a in TRICKY
        ]
        assert [str(q.sum_insured) for q in quotes] == [str(a) for a in TRICKY]
        assert [(str(x.quote_limit), str(x.policy_limit)) for x in limits] == [
            ("0.57", "999999999.99"),
            ("1250000.50", "0.29"),
        ]


def test_migration_downgrade_gives_back_the_old_amounts(empty_url: str):
    # given old amounts migrated to kuruş
    schema.upgrade(empty_url, "0005")
    seed_old_amounts(empty_url)
    before = stored_amounts(empty_url)
    schema.upgrade(empty_url, "0006")
    assert stored_amounts(empty_url) != before
    # when 0006 is undone
    command.downgrade(schema.alembic_config(empty_url), "0005")
    # then every column holds exactly what it held before, in its old type
    assert stored_amounts(empty_url) == before
    with get_engine(empty_url).connect() as conn:
        columns = {c["name"]: c["type"] for c in sa.inspect(conn).get_columns("quote")}
    assert isinstance(columns["sum_insured"], sa.Numeric)
    assert (columns["sum_insured"].precision, columns["sum_insured"].scale) == (14, 2)
