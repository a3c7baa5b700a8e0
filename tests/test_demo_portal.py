"""The demo's customer portal: a fresh demo database has the policy README names with its
fixed access code, and the portal's sign-in opens it with exactly that pair."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.customers.models import Customer
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.errors import AuthenticationFailed
from iztim_app.core.installments.models import Installment
from iztim_app.core.policies import access_codes
from iztim_app.core.policies.models import Policy
from iztim_app.core.portal import services as portal
from iztim_app.core.settings import PROJECT_ROOT
from iztim_app.demo.portal import DEMO_ACCESS_CODE, DEMO_PORTAL_POLICY, portal_policy_number
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.support import use_settings
from tests.quotes.fixtures_db import SHIPPED

SOURCE = "198.51.100.7"


@pytest.fixture(scope="module")
def demo_url(
    tmp_path_factory: pytest.TempPathFactory, demo_installation_template: Path
) -> Iterator[str]:
    """A fresh copy of the session's database after `iztim tariffs init` and `iztim demo load`."""
    target = tmp_path_factory.mktemp("demo_portal") / "demo.db"
    copy_sqlite(demo_installation_template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=SHIPPED)
        yield url
        get_engine(url).dispose()
        get_engine.cache_clear()


@pytest.fixture
def db(demo_url: str) -> Iterator[Session]:
    with session_scope(demo_url) as session:
        yield session


def _customer_of(db: Session, number: int) -> Customer:
    policy = db.exec(select(Policy).where(Policy.number == number)).one()
    return db.get(Customer, policy.customer_id)


def test_the_readme_policy_has_the_fixed_code_and_something_to_pay(db: Session):
    assert DEMO_PORTAL_POLICY == 5000003 and DEMO_ACCESS_CODE == "DENEME26"
    assert portal_policy_number(db) == DEMO_PORTAL_POLICY
    assert access_codes.code_of(db, DEMO_PORTAL_POLICY) == "DENEME26"
    # the code reads like a made one: same length, same alphabet
    assert len(DEMO_ACCESS_CODE) == access_codes.LENGTH == 8
    assert set(DEMO_ACCESS_CODE) <= set(access_codes.ALPHABET)
    policy = db.exec(select(Policy).where(Policy.number == DEMO_PORTAL_POLICY)).one()
    today = clock.today()
    assert policy.status == "approved" and policy.start_date <= today < policy.end_date
    plan = db.exec(select(Installment).where(Installment.policy_number == DEMO_PORTAL_POLICY)).all()
    # README: "a traffic policy with an overdue unpaid installment"
    assert policy.line_code == "trafik"
    assert any(i.paid < i.amount and i.due_date <= today for i in plan)
    # only this one policy got the known code; the others keep their made ones
    others = db.exec(
        select(access_codes.PolicyAccessCode).where(
            access_codes.PolicyAccessCode.code == DEMO_ACCESS_CODE
        )
    ).all()
    assert [row.policy_number for row in others] == [DEMO_PORTAL_POLICY]
    # audited, without the code
    [event] = db.exec(
        select(AuditEvent).where(AuditEvent.action == "portal.demo_access_code")
    ).all()
    assert (event.entity_type, event.entity_id, event.actor_code) == (
        "policy",
        str(DEMO_PORTAL_POLICY),
        "demo",
    )
    assert DEMO_ACCESS_CODE not in str(event.before) + str(event.after)


def test_sign_in_with_the_policy_number_and_code(db: Session):
    customer = _customer_of(db, DEMO_PORTAL_POLICY)
    opened = portal.sign_in(db, "5000003", "DENEME26", SOURCE)
    assert opened.customer_number == customer.number
    me = portal.resolve(db, opened.token)
    assert me is not None and me.customer_id == customer.id
    mine = portal.my_policy(db, me, DEMO_PORTAL_POLICY)
    assert mine.number == DEMO_PORTAL_POLICY
    assert any(not i.is_paid for i in mine.installments)
    assert DEMO_PORTAL_POLICY in {p.number for p in portal.my_policies(db, me)}


def test_sign_in_with_the_customer_number_and_typed_loosely(db: Session):
    customer = _customer_of(db, DEMO_PORTAL_POLICY)
    assert customer.number == 100040  # README names it too
    opened = portal.sign_in(db, str(customer.number), "dene-me 26", SOURCE)
    assert opened.customer_number == customer.number


def test_a_wrong_code_or_another_number_is_refused(db: Session):
    with pytest.raises(AuthenticationFailed) as wrong:
        portal.sign_in(db, "5000003", "DENEME27", SOURCE)
    assert wrong.value.code == "portal.sign_in_failed"
    with pytest.raises(AuthenticationFailed) as other:
        portal.sign_in(db, "5000001", "DENEME26", SOURCE)
    assert other.value.code == "portal.sign_in_failed"


def test_readme_names_the_policy_code_and_test_cards():
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for needle in (
        "5000003",
        "100040",
        "DENEME26",
        "4111 1111 1111 1111",
        "4000 0000 0000 0002",
        "123456",
    ):
        assert needle in text, needle
