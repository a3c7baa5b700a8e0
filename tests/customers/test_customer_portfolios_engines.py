"""The per-portfolio rule on both engines: the unique index is (national id, owner), so a
second agency's record of one person saves, and one owner's twin record is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from iztim_app import demo
from iztim_app.core.customers import services
from iztim_app.core.customers.models import Customer
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import operator_actor
from tests.customers.fixtures_db import SHIPPED
from tests.customers.test_customer_services import PERSON
from tests.foundation.support import actor_of, use_settings


def test_two_portfolios_hold_one_person_and_one_owner_holds_them_once(
    any_db_url: str, monkeypatch: pytest.MonkeyPatch
):
    use_settings(monkeypatch, database_url=any_db_url, tariffs_dir=SHIPPED)
    try:
        with session_scope(any_db_url) as db:
            assert demo.load(db) is True
            assert versions.load_shipped(db, operator_actor("test"), SHIPPED) is True
            a = services.create_customer(db, actor_of(db, "acente.a1"), **PERSON)
            b = services.create_customer(db, actor_of(db, "acente.b1"), **PERSON)
            assert (a.number, b.number) == (100001, 100002)
            page = services.customer_page(db, actor_of(db, "gm.onay"), a.number)
            assert [r.number for r in page.same_person] == [b.number]

            twin = db.exec(select(Customer).where(Customer.number == a.number)).one()
            values = {k: v for k, v in twin.__dict__.items() if not k.startswith("_")}
            db.expunge(twin)
            db.add(Customer(**(values | {"id": None, "number": 999999})))
            with pytest.raises(sa.exc.IntegrityError):
                db.flush()
            db.rollback()
            assert db.exec(select(sa.func.count()).select_from(Customer)).one() == 2
    finally:
        get_engine(any_db_url).dispose()
        get_engine.cache_clear()
