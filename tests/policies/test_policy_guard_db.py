"""The database itself keeps policies unchanged once they leave draft: raw SQL that skips the
services is refused by the triggers generated from `POLICY_GUARD`, on SQLite and PostgreSQL.

Only the decision columns change (each once) and the status only along the allowed moves;
a draft version (after un-approval) may still be edited; no policy row is ever deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

import iztim_app.core.models  # noqa: F401  (every model, so every declared guard)
from iztim_app.core import guards
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.guards import GuardViolation
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.models import POLICY_GUARD, ImmutablePolicy, Policy
from tests.foundation.support import actor_of
from tests.policies.fixtures_policies import issue, policy_form, stored_policies
from tests.quotes.fixtures_customers import Cust, add_customer


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
def approved(session: Session, person: Cust) -> int:
    result = issue(session, "acente.a1", policy_form("konut", person, "400000"))
    assert result.policy.status == "approved"
    return result.policy.number


@pytest.fixture
def awaiting(session: Session, person: Cust) -> int:
    result = issue(session, "acente.a1", policy_form("konut", person, "900000"))
    assert result.policy.status == "awaiting_approval"
    return result.policy.number


def run_sql(url: str, sql: str, **params: Any) -> int:
    with get_engine(url).begin() as conn:
        return conn.execute(sa.text(sql), params).rowcount


def refused(url: str, sql: str, **params: Any) -> tuple[type, str, tuple[str, ...]]:
    with pytest.raises(GuardViolation) as info:
        run_sql(url, sql, **params)
    return type(info.value), info.value.kind, info.value.columns


# ====================================================================== approved: frozen


@pytest.mark.parametrize(
    ("assignment", "column"),
    [
        ("net_premium = 1", "net_premium"),
        ("gross_premium = gross_premium - 100", "gross_premium"),
        ("sum_insured = 100", "sum_insured"),
        ('"values" = \'{"building_age": "1"}\'', "values"),
        ("number = number + 1", "number"),
        ("version = 9", "version"),
        ("installment_count = 2", "installment_count"),
        ("start_date = '2025-01-01'", "start_date"),
        ("prepared_by_code = 'gm.onay'", "prepared_by_code"),
    ],
)
def test_raw_sql_cannot_change_an_approved_policy(
    url: str, approved: int, assignment: str, column: str
):
    before = stored_policies(url, approved)
    violation = refused(url, f"UPDATE policy SET {assignment} WHERE number = :n", n=approved)
    assert violation == (ImmutablePolicy, "frozen", (column,))
    assert stored_policies(url, approved) == before


@pytest.mark.parametrize(
    ("assignment", "kind", "column"),
    [
        ("status = 'draft'", "status_move", "status"),
        ("status = 'awaiting_approval'", "status_move", "status"),
        ("status = 'rejected'", "status_move", "status"),
        ("approved_by_code = 'gm.onay'", "set_once", "approved_by_code"),
        ("approved_at = NULL", "set_once", "approved_at"),
    ],
)
def test_an_approved_policy_keeps_its_approval_and_moves_only_as_allowed(
    url: str, approved: int, assignment: str, kind: str, column: str
):
    before = stored_policies(url, approved)
    violation = refused(url, f"UPDATE policy SET {assignment} WHERE number = :n", n=approved)
    assert violation == (ImmutablePolicy, kind, (column,))
    assert stored_policies(url, approved) == before


def test_an_approved_policy_cannot_be_deleted_by_sql_nor_the_orm(
    session: Session, url: str, approved: int
):
    before = stored_policies(url, approved)
    assert refused(url, "DELETE FROM policy WHERE number = :n", n=approved) == (
        ImmutablePolicy,
        "delete",
        (),
    )
    row = session.exec(sa.select(Policy).where(Policy.number == approved)).one()[0]
    session.delete(row)
    with pytest.raises(ImmutablePolicy):
        session.flush()
    session.rollback()
    assert stored_policies(url, approved) == before


def test_an_orm_bulk_update_is_refused_by_the_database(
    session: Session, url: str, approved: int, awaiting: int
):
    before = stored_policies(url)
    with pytest.raises(ImmutablePolicy):
        session.execute(sa.update(Policy).values(gross_premium=1))
    session.rollback()
    assert stored_policies(url) == before


def test_an_awaiting_policy_is_frozen_too(url: str, awaiting: int):
    before = stored_policies(url, awaiting)
    assert refused(url, "UPDATE policy SET sum_insured = 1 WHERE number = :n", n=awaiting) == (
        ImmutablePolicy,
        "frozen",
        ("sum_insured",),
    )
    assert stored_policies(url, awaiting) == before


# ====================================================================== drafts and moves


def test_only_the_draft_version_after_unapproval_may_be_edited(
    session: Session, url: str, approved: int
):
    policies.unapprove(session, actor_of(session, "gm.onay"), approved, "Düzeltme")
    v1_before, _ = stored_policies(url, approved)
    # the draft (version 2) is editable, the unapproved version 1 is not
    assert run_sql(
        url, "UPDATE policy SET sum_insured = 1 WHERE number = :n AND version = 2", n=approved
    )
    assert refused(
        url, "UPDATE policy SET sum_insured = 1 WHERE number = :n AND version = 1", n=approved
    ) == (ImmutablePolicy, "frozen", ("sum_insured",))
    assert refused(
        url, "UPDATE policy SET status = 'approved' WHERE number = :n AND version = 1", n=approved
    ) == (ImmutablePolicy, "status_move", ("status",))
    v1, v2 = stored_policies(url, approved)
    assert (v1, v2["sum_insured"]) == (v1_before, 1)


def test_the_flush_hook_refuses_what_the_database_refuses(
    session: Session, url: str, approved: int
):
    before = stored_policies(url, approved)
    row = session.exec(sa.select(Policy).where(Policy.number == approved)).one()[0]
    row.net_premium = row.net_premium + 1
    with pytest.raises(ImmutablePolicy, match="net_premium"):
        session.flush()
    session.rollback()
    assert stored_policies(url, approved) == before


# ====================================================================== triggers at head


def test_at_head_the_policy_guard_is_installed_and_up_to_date(any_db_url: str):
    assert POLICY_GUARD in guards.declared()
    with get_engine(any_db_url).connect() as conn:
        assert guards.problems(conn, POLICY_GUARD) == []


def test_the_migrations_rule_is_the_models_rule():
    migration = import_module("migrations.versions.0010_policies")
    assert migration.POLICY_GUARD == POLICY_GUARD
