"""The database itself keeps saved quotes unchanged: raw SQL and bulk UPDATEs that skip the ORM
are refused by triggers generated from `QUOTE_GUARD`, on SQLite and on PostgreSQL.

Only the approval columns change, each once, and the status only along the allowed moves;
a saved quote is never deleted. At head the triggers exist and match the model's rule, so a
later migration that dropped them (an SQLite batch migration recreates the table) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlmodel import Session

import iztim_app.core.models  # noqa: F401  (every model, so every declared guard)
from iztim_app.core import guards, schema
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.guards import Guard, GuardViolation
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import QUOTE_GUARD, ImmutableQuote, Quote
from tests import postgres
from tests.foundation.support import actor_of
from tests.quotes.fixtures_customers import Cust, add_customer
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import form, priced_columns, stored_quote

# ---------------------------------------------------------------- databases


@pytest.fixture
def session(url: str) -> Iterator[Session]:
    with session_scope(url) as db:
        yield db


@pytest.fixture
def person(session: Session) -> Cust:
    return add_customer(
        session,
        actor_of(session, "acente.a1"),
        kind="individual",
        national_id="17291716060",
        name="Ayşe Şahin",
        group="bireysel",
    )


@pytest.fixture
def other_person(session: Session) -> Cust:
    return add_customer(
        session,
        actor_of(session, "acente.a1"),
        kind="individual",
        national_id="10000000146",
        name="Mehmet Öztürk",
        group="bireysel",
    )


def save(db: Session, customer: Cust, sum_insured: str, code: str = "acente.a1") -> int:
    """A home quote by acente.a1 (konut limit 500 000): over it, it awaits approval."""
    return quotes.save_quote(
        db, actor_of(db, code), form("konut", customer, sum_insured), today=TODAY
    ).number


@pytest.fixture
def awaiting(session: Session, person: Cust) -> int:
    number = save(session, person, "2000000")
    assert stored_quote_status(session, number) == "awaiting_approval"
    return number


@pytest.fixture
def approved(session: Session, person: Cust) -> int:
    number = save(session, person, "400000")
    assert stored_quote_status(session, number) == "approved"
    return number


@pytest.fixture
def rejected(session: Session, person: Cust) -> int:
    number = save(session, person, "2000000")
    quotes.reject(session, actor_of(session, "gm.onay"), number, "hasar geçmişi", today=TODAY)
    assert stored_quote_status(session, number) == "rejected"
    return number


def stored_quote_status(db: Session, number: int) -> str:
    return db.exec(sa.select(Quote.status).where(Quote.number == number)).one()[0]


# ---------------------------------------------------------------- raw SQL, outside the ORM


def run_sql(url: str, sql: str, **params: Any) -> int:
    """One statement in its own transaction on a fresh connection; the rows it changed."""
    with get_engine(url).begin() as conn:
        return conn.execute(sa.text(sql), params).rowcount


def refused(url: str, sql: str, **params: Any) -> GuardViolation:
    with pytest.raises(GuardViolation) as info:
        run_sql(url, sql, **params)
    return info.value


def what(violation: GuardViolation) -> tuple[type, str, str, tuple[str, ...]]:
    return type(violation), violation.table, violation.kind, violation.columns


# ====================================================================== frozen columns


def test_a_raw_sql_update_of_the_premium_of_a_saved_quote_fails_and_changes_nothing(
    url: str, awaiting: int
):
    # given a saved quote, as stored
    before = stored_quote(url, awaiting)
    # when someone runs UPDATE quote SET net_premium = … straight on the database
    violation = refused(url, "UPDATE quote SET net_premium = 1 WHERE number = :n", n=awaiting)
    # then the database refuses, naming the column, and the row is byte-identical
    assert what(violation) == (ImmutableQuote, "quote", "frozen", ("net_premium",))
    assert stored_quote(url, awaiting) == before


@pytest.mark.parametrize(
    ("assignment", "column"),
    [
        ("gross_premium = gross_premium + 1", "gross_premium"),
        ("sum_insured = 100", "sum_insured"),
        ("customer_id = :other", "customer_id"),
        ("number = number + 1000", "number"),
        ('"values" = \'{"construction_class": "ahsap"}\'', "values"),
        ("quote_date = '2025-01-01'", "quote_date"),
        ("prepared_by_code = 'gm.onay'", "prepared_by_code"),
        ("revises_id = id", "revises_id"),
    ],
)
def test_no_priced_or_identifying_column_of_a_saved_quote_can_be_changed_in_sql(
    url: str, approved: int, other_person: Cust, assignment: str, column: str
):
    before = stored_quote(url, approved)
    params = {"n": approved} | ({"other": other_person.id} if ":other" in assignment else {})
    violation = refused(url, f"UPDATE quote SET {assignment} WHERE number = :n", **params)
    assert what(violation) == (ImmutableQuote, "quote", "frozen", (column,))
    assert stored_quote(url, approved) == before


def test_an_orm_bulk_update_skips_the_flush_hook_but_not_the_database(
    session: Session, url: str, awaiting: int, approved: int
):
    # given two saved quotes
    before = {n: stored_quote(url, n) for n in (awaiting, approved)}
    # when a bulk UPDATE (no flush, no ORM hook) lowers every premium
    with pytest.raises(ImmutableQuote) as info:
        session.execute(sa.update(Quote).values(net_premium=D("1.00"), gross_premium=D("1.05")))
    session.rollback()
    # then the database refused it and neither row changed
    assert info.value.kind == "frozen"
    assert {n: stored_quote(url, n) for n in (awaiting, approved)} == before


def test_setting_a_column_to_the_value_it_holds_is_no_change(url: str, approved: int):
    before = stored_quote(url, approved)
    assert run_sql(url, "UPDATE quote SET net_premium = net_premium WHERE number = :n", n=approved)
    assert stored_quote(url, approved) == before


# ====================================================================== allowed moves


def test_approving_an_awaiting_quote_through_the_service_passes_the_guard(
    session: Session, url: str, awaiting: int
):
    priced = priced_columns(url, awaiting)
    view = quotes.approve(session, actor_of(session, "gm.onay"), awaiting, today=TODAY)
    assert (view.stored_status, view.approved_by) == ("approved", "gm.onay")
    row = stored_quote(url, awaiting)
    assert (row["status"], row["approved_by_code"]) == ("approved", "gm.onay")
    assert row["approved_at"] is not None
    assert priced_columns(url, awaiting) == priced


def test_rejecting_an_awaiting_quote_through_the_service_passes_the_guard(
    session: Session, url: str, awaiting: int
):
    quotes.reject(session, actor_of(session, "gm.onay"), awaiting, "eksik belge", today=TODAY)
    row = stored_quote(url, awaiting)
    assert (row["status"], row["rejected_by_code"], row["rejection_reason"]) == (
        "rejected",
        "gm.onay",
        "eksik belge",
    )


@pytest.mark.parametrize("original", ["approved", "awaiting", "rejected"])
def test_a_revision_supersedes_the_quote_it_revises(
    request: pytest.FixtureRequest, session: Session, url: str, person: Cust, original: str
):
    # given a saved quote in each state a user may revise
    number = request.getfixturevalue(original)
    priced = priced_columns(url, number)
    # when the preparer revises it
    revision = quotes.save_quote(
        session,
        actor_of(session, "acente.a1"),
        form("konut", person, "300000"),
        revises=number,
        today=TODAY,
    )
    # then the original is superseded by the revision, its priced columns untouched
    row = stored_quote(url, number)
    assert (row["status"], row["superseded_by_id"]) == ("superseded", revision.id)
    assert priced_columns(url, number) == priced


def test_the_policy_number_is_set_once_and_then_never_changes(url: str, approved: int):
    # given an approved quote; when a policy is issued from it, the link is set
    assert run_sql(url, "UPDATE quote SET policy_number = 5000001 WHERE number = :n", n=approved)
    assert stored_quote(url, approved)["policy_number"] == 5000001
    # then it can be changed neither to another policy nor back to none
    for new in ("5000002", "NULL"):
        violation = refused(
            url, f"UPDATE quote SET policy_number = {new} WHERE number = :n", n=approved
        )
        assert what(violation) == (ImmutableQuote, "quote", "set_once", ("policy_number",))
    assert stored_quote(url, approved)["policy_number"] == 5000001


# ====================================================================== refused moves


@pytest.mark.parametrize(
    ("original", "assignment", "kind", "column"),
    [
        ("approved", "status = 'awaiting_approval'", "status_move", "status"),
        ("approved", "status = 'rejected'", "status_move", "status"),
        ("rejected", "status = 'approved'", "status_move", "status"),
        ("rejected", "status = 'awaiting_approval'", "status_move", "status"),
        ("awaiting", "status = 'expired'", "status_move", "status"),
        ("approved", "approved_by_code = 'sube.istanbul'", "set_once", "approved_by_code"),
        ("approved", "approved_by_code = NULL, approved_at = NULL", "set_once", "approved_at"),
        ("rejected", "rejection_reason = 'başka'", "set_once", "rejection_reason"),
        ("rejected", "rejected_by_code = 'sube.istanbul'", "set_once", "rejected_by_code"),
    ],
)
def test_a_status_move_or_approval_change_the_rule_does_not_allow_fails(
    request: pytest.FixtureRequest, url: str, original: str, assignment: str, kind: str, column: str
):
    number = request.getfixturevalue(original)
    before = stored_quote(url, number)
    violation = refused(url, f"UPDATE quote SET {assignment} WHERE number = :n", n=number)
    assert what(violation) == (ImmutableQuote, "quote", kind, (column,))
    assert stored_quote(url, number) == before


def test_a_superseded_quote_is_never_superseded_again_nor_revived(
    session: Session, url: str, person: Cust, approved: int
):
    revision = quotes.save_quote(
        session,
        actor_of(session, "acente.a1"),
        form("konut", person, "300000"),
        revises=approved,
        today=TODAY,
    )
    before = stored_quote(url, approved)
    assert what(
        refused(url, "UPDATE quote SET superseded_by_id = id WHERE number = :n", n=approved)
    ) == (ImmutableQuote, "quote", "set_once", ("superseded_by_id",))
    assert what(refused(url, "UPDATE quote SET status = 'approved' WHERE number = :n", n=approved))[
        2:
    ] == ("status_move", ("status",))
    assert stored_quote(url, approved) == before
    assert stored_quote(url, revision.number)["status"] == "approved"


def test_the_flush_hook_refuses_what_the_database_refuses(
    session: Session, url: str, approved: int
):
    before = stored_quote(url, approved)
    quote = session.exec(sa.select(Quote).where(Quote.number == approved)).one()[0]
    quote.status = "awaiting_approval"
    with pytest.raises(ImmutableQuote, match="approved -> awaiting_approval"):
        session.flush()
    session.rollback()
    assert stored_quote(url, approved) == before


# ====================================================================== delete


def test_a_saved_quote_cannot_be_deleted(session: Session, url: str, approved: int):
    before = stored_quote(url, approved)
    assert what(refused(url, "DELETE FROM quote WHERE number = :n", n=approved)) == (
        ImmutableQuote,
        "quote",
        "delete",
        (),
    )
    with pytest.raises(ImmutableQuote):
        session.execute(sa.delete(Quote).where(Quote.number == approved))
    session.rollback()
    quote = session.exec(sa.select(Quote).where(Quote.number == approved)).one()[0]
    session.delete(quote)
    with pytest.raises(ImmutableQuote):
        session.flush()
    session.rollback()
    assert stored_quote(url, approved) == before


@pytest.mark.postgres
def test_postgresql_refuses_truncating_the_quote_table(pg_template: str):
    with postgres.database("iztim_guard", template=pg_template) as url:
        with session_scope(url) as db:
            number = save(
                db,
                add_customer(
                    db,
                    actor_of(db, "acente.a1"),
                    kind="individual",
                    national_id="17291716060",
                    name="Ayşe Şahin",
                    group="bireysel",
                ),
                "400000",
            )
        assert what(refused(url, "TRUNCATE quote CASCADE")) == (
            ImmutableQuote,
            "quote",
            "delete",
            (),
        )
        assert stored_quote(url, number)["status"] == "approved"


# ====================================================================== triggers at head


def test_at_head_every_declared_guard_is_installed_and_up_to_date(any_db_url: str):
    # The models declare the rules; migrations install them. A migration that dropped or
    # outdated a guard's triggers (an SQLite batch migration, a rule changed without a
    # migration re-installing it) fails here.
    rules = guards.declared()
    assert QUOTE_GUARD in rules
    with get_engine(any_db_url).connect() as conn:
        assert {rule.table: guards.problems(conn, rule) for rule in rules} == {
            rule.table: [] for rule in rules
        }
        if conn.dialect.name == "sqlite":
            names = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'quote'"
            ).scalars()
            assert sorted(names) == ["iztim_guard_quote_delete", "iztim_guard_quote_update"]
        else:
            names = conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'quote'::regclass "
                "AND NOT tgisinternal"
            ).scalars()
            assert sorted(names) == ["iztim_guard_quote", "iztim_guard_quote_truncate"]


def test_the_migrations_rule_is_the_models_rule():
    # Migration 0007 writes the rule out (migrations are history); today both agree.
    from importlib import import_module

    migration = import_module("migrations.versions.0007_immutability_triggers")
    assert migration.QUOTE_GUARD == QUOTE_GUARD


def test_a_batch_migration_that_recreates_the_table_is_caught_and_install_repairs_it(
    any_db_url: str,
):
    with get_engine(any_db_url).begin() as conn:
        op = Operations(MigrationContext.configure(conn))
        # given a later migration that recreates the quote table (SQLite) / alters it
        recreate = "always" if conn.dialect.name == "sqlite" else "auto"
        with op.batch_alter_table("quote", recreate=recreate) as batch:
            batch.add_column(sa.Column("note", sa.String(40), nullable=True))
        problems = guards.problems(op, QUOTE_GUARD)
        if conn.dialect.name == "sqlite":
            # then on SQLite its triggers are gone, and the check says so
            assert problems == [
                "quote: trigger iztim_guard_quote_delete is missing",
                "quote: trigger iztim_guard_quote_update is missing",
            ]
        else:
            # PostgreSQL keeps them, and its guard compares whole rows: the new column is frozen
            assert problems == []
        # when the migration installs the guard again, as it must
        guards.install(op, QUOTE_GUARD)
        assert guards.problems(op, QUOTE_GUARD) == []


def test_a_column_added_without_reinstalling_is_reported_on_sqlite(db_url: str):
    with get_engine(db_url).begin() as conn:
        conn.exec_driver_sql("ALTER TABLE quote ADD COLUMN note VARCHAR(40)")
        assert guards.problems(conn, QUOTE_GUARD) == [
            "quote: trigger iztim_guard_quote_update is outdated"
        ]


def test_downgrading_0007_drops_the_triggers_and_upgrading_restores_them(any_db_url: str):
    schema.command.downgrade(schema.alembic_config(any_db_url), "0006")
    with get_engine(any_db_url).connect() as conn:
        assert "quote: trigger" in " ".join(guards.problems(conn, QUOTE_GUARD))
        assert all("missing" in p for p in guards.problems(conn, QUOTE_GUARD))
    schema.upgrade(any_db_url)
    with get_engine(any_db_url).connect() as conn:
        assert guards.problems(conn, QUOTE_GUARD) == []


# ====================================================================== the mechanism


# What the next issue will declare for policies: frozen only while approved.
PROBE = Guard(
    table="guard_probe",
    mutable=frozenset({"status", "approved_by", "policy_number"}),
    set_once=frozenset({"policy_number"}),
    status="status",
    moves=frozenset(
        {("draft", "approved"), ("approved", "unapproved"), ("unapproved", "approved")}
    ),
    frozen_while={"status": frozenset({"approved"})},
)


@pytest.fixture
def probe_url(any_db_url: str) -> str:
    with get_engine(any_db_url).begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE guard_probe (id INTEGER PRIMARY KEY, status VARCHAR(16) NOT NULL, "
            "amount INTEGER NOT NULL, approved_by VARCHAR(16), policy_number INTEGER)"
        )
        conn.exec_driver_sql(
            "INSERT INTO guard_probe (id, status, amount) VALUES "
            "(1, 'draft', 100), (2, 'approved', 200), (3, 'draft', 300)"
        )
        guards.install(conn, PROBE)
        assert guards.problems(conn, PROBE) == []
    return any_db_url


def probe(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT id, status, amount, policy_number FROM guard_probe ORDER BY id"
            )
        ]


def test_a_guard_with_a_condition_freezes_rows_only_while_it_holds(probe_url: str):
    url = probe_url
    # a draft may be edited, deleted, and approved
    assert run_sql(url, "UPDATE guard_probe SET amount = 150, policy_number = 7 WHERE id = 1")
    assert run_sql(url, "UPDATE guard_probe SET policy_number = 8 WHERE id = 1")
    assert run_sql(url, "DELETE FROM guard_probe WHERE id = 3")
    assert run_sql(url, "UPDATE guard_probe SET status = 'approved' WHERE id = 1")
    # an approved row is frozen: amount, the set policy number, deleting; a move not declared fails
    assert what(refused(url, "UPDATE guard_probe SET amount = 1 WHERE id = 2")) == (
        GuardViolation,
        "guard_probe",
        "frozen",
        ("amount",),
    )
    assert what(refused(url, "UPDATE guard_probe SET policy_number = 9 WHERE id = 1"))[2:] == (
        "set_once",
        ("policy_number",),
    )
    assert what(refused(url, "DELETE FROM guard_probe WHERE id = 2"))[2] == "delete"
    assert what(refused(url, "UPDATE guard_probe SET status = 'draft' WHERE id = 2"))[2] == (
        "status_move"
    )
    assert probe(url) == [(1, "approved", 150, 8), (2, "approved", 200, None)]
    # once unapproved (an allowed move), it may be edited again
    assert run_sql(url, "UPDATE guard_probe SET status = 'unapproved' WHERE id = 2")
    assert run_sql(url, "UPDATE guard_probe SET amount = 250 WHERE id = 2")
    assert probe(url) == [(1, "approved", 150, 8), (2, "unapproved", 250, None)]
    with get_engine(url).begin() as conn:
        guards.drop(conn, PROBE)
    assert run_sql(url, "UPDATE guard_probe SET amount = 1 WHERE id = 1")


def test_the_rule_in_python_gives_the_same_answers_as_the_triggers():
    approved = {"status": "approved", "amount": 200, "policy_number": None}
    draft = {"status": "draft", "amount": 100, "policy_number": 7}
    assert PROBE.refusal(draft, {"amount": 1, "policy_number": 8}) is None
    assert what(PROBE.refusal(approved, {"amount": 1})) == (
        GuardViolation,
        "guard_probe",
        "frozen",
        ("amount",),
    )
    assert PROBE.refusal(approved, {"policy_number": 5}) is None
    assert what(PROBE.refusal({**approved, "policy_number": 5}, {"policy_number": 6}))[2] == (
        "set_once"
    )
    assert what(PROBE.refusal(draft, {"status": "unapproved"}))[2:] == ("status_move", ("status",))
    assert PROBE.refusal(approved, {"status": "approved"}) is None
    assert PROBE.delete_refusal(draft) is None
    assert what(PROBE.delete_refusal(approved))[2] == "delete"


def test_a_rule_naming_a_set_once_column_that_may_not_change_is_refused():
    with pytest.raises(ValueError, match="set-once"):
        Guard(table="t", mutable=frozenset({"a"}), set_once=frozenset({"b"}))
    with pytest.raises(ValueError, match="identifiers"):
        Guard(table="t; DROP TABLE quote", mutable=frozenset())


def test_an_unrelated_integrity_error_whose_data_holds_the_marker_stays_what_it_is(url: str):
    # a value someone typed that looks like a refusal must not turn into one
    marker = "IZTIM_GUARD:quote:frozen:number"
    run_sql(url, "INSERT INTO number_sequence (name, last) VALUES (:m, 1)", m=marker)
    with pytest.raises(sa.exc.IntegrityError) as info:
        run_sql(url, "INSERT INTO number_sequence (name, last) VALUES (:m, 1)", m=marker)
    assert marker in str(info.value)
    assert guards.violation_of(info.value) is None
