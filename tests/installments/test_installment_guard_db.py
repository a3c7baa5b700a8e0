"""The database keeps the money record straight: payments are never changed or deleted,
an installment's dates and numbers never change, a refund owed is paid out once; raw SQL
is refused by the triggers generated from the guards in installments/models.py, on SQLite
and PostgreSQL. At head the triggers exist and match the models' rules."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from typing import Any

import pytest
import sqlalchemy as sa

from iztim_app.core import guards
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.guards import GuardViolation
from iztim_app.core.installments import services as installments
from iztim_app.core.installments.models import GUARDS, ImmutablePayment
from tests.foundation.support import actor_of
from tests.installments.fixtures_policies import add_policy, person


@pytest.fixture
def paid(url: str) -> dict[str, int]:
    """acente.a1's 1 000.00 policy in 2; 100.00 paid on installment 1; 50.00 owed back."""
    with session_scope(url) as db:
        a1 = actor_of(db, "acente.a1")
        policy = add_policy(db, a1, person(db, a1), "1000.00", 2, date(2026, 1, 15))
        first = installments.plan_of(db, a1, policy.number).installments[0]
        payment = installments.record_payment(db, a1, first.id, "100,00", "cash")
        # pay the rest, then refund 550.00 of 1 000.00: 500.00 off installment 2, 50.00 owed
        installments.record_payment(db, a1, first.id, "400,00", "cash")
        owed = installments.apply_premium_change(db, policy.number, date(2026, 1, 15), -550, 1)
        db.commit()
    return {"installment": first.id, "payment": payment.id, "refund": owed.refund_due_id}


def stored(url: str, table: str, row_id: int) -> tuple:
    with get_engine(url).connect() as conn:
        return tuple(
            conn.execute(sa.text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id}).one()
        )


def refused(url: str, sql: str, **params: Any) -> GuardViolation:
    with pytest.raises(GuardViolation) as info:
        with get_engine(url).begin() as conn:
            conn.execute(sa.text(sql), params)
    return info.value


@pytest.mark.parametrize(
    "assignment", ["amount = 1", "method = 'card'", "reference = 'x'", "installment_id = 0"]
)
def test_a_payment_never_changes(url: str, paid: dict[str, int], assignment: str):
    before = stored(url, "payment", paid["payment"])
    violation = refused(url, f"UPDATE payment SET {assignment} WHERE id = :i", i=paid["payment"])
    assert (type(violation), violation.table, violation.kind) == (
        ImmutablePayment,
        "payment",
        "frozen",
    )
    assert stored(url, "payment", paid["payment"]) == before


def test_a_payment_is_never_deleted(url: str, paid: dict[str, int]):
    before = stored(url, "payment", paid["payment"])
    violation = refused(url, "DELETE FROM payment WHERE id = :i", i=paid["payment"])
    assert (violation.table, violation.kind) == ("payment", "delete")
    assert stored(url, "payment", paid["payment"]) == before


@pytest.mark.parametrize(
    ("assignment", "column"),
    [
        ("due_date = '2030-01-01'", "due_date"),
        ("seq = seq + 10", "seq"),
        ("policy_number = 1", "policy_number"),
    ],
)
def test_an_installments_dates_and_numbers_never_change(
    url: str, paid: dict[str, int], assignment: str, column: str
):
    before = stored(url, "installment", paid["installment"])
    violation = refused(
        url, f"UPDATE installment SET {assignment} WHERE id = :i", i=paid["installment"]
    )
    assert (violation.table, violation.kind, violation.columns) == (
        "installment",
        "frozen",
        (column,),
    )
    assert stored(url, "installment", paid["installment"]) == before


def test_an_installment_with_a_payment_cannot_be_deleted(url: str, paid: dict[str, int]):
    # the payment points at it and is never deleted itself
    before = stored(url, "installment", paid["installment"])
    with pytest.raises(sa.exc.IntegrityError):
        with get_engine(url).begin() as conn:
            conn.execute(
                sa.text("DELETE FROM installment WHERE id = :i"), {"i": paid["installment"]}
            )
    assert stored(url, "installment", paid["installment"]) == before


def test_an_installment_never_goes_below_what_was_paid(url: str, paid: dict[str, int]):
    before = stored(url, "installment", paid["installment"])
    with pytest.raises(sa.exc.IntegrityError):
        with get_engine(url).begin() as conn:
            conn.execute(
                sa.text("UPDATE installment SET amount = paid - 1 WHERE id = :i"),
                {"i": paid["installment"]},
            )
    assert stored(url, "installment", paid["installment"]) == before


def test_a_refund_owed_is_fixed_and_paid_out_once(url: str, paid: dict[str, int]):
    refund = paid["refund"]
    violation = refused(url, "UPDATE refund_due SET amount = 1 WHERE id = :i", i=refund)
    assert (violation.table, violation.kind) == ("refund_due", "frozen")
    with session_scope(url) as db:
        installments.record_refund_paid(db, actor_of(db, "sube.istanbul"), refund, "EFT 1")
    before = stored(url, "refund_due", refund)
    violation = refused(
        url, "UPDATE refund_due SET paid_out_by_code = 'x', paid_out = 1 WHERE id = :i", i=refund
    )
    assert (violation.table, violation.kind) == ("refund_due", "set_once")
    assert stored(url, "refund_due", refund) == before


def test_at_head_the_installment_guards_are_installed_and_up_to_date(url: str):
    assert {g.table for g in GUARDS} <= {g.table for g in guards.declared()}
    with get_engine(url).connect() as conn:
        assert {g.table: guards.problems(conn, g) for g in GUARDS} == {g.table: [] for g in GUARDS}


def test_the_migrations_rules_are_the_models_rules():
    migration = import_module("migrations.versions.0012_installments")
    assert migration.GUARDS == GUARDS
