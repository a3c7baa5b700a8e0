"""Portal quotes on both engines: the line's form priced and saved by the staff quote
services for the signed-in customer record only, channel "portal", on behalf of the
record's portfolio (its owner's limits decide approved or awaiting approval).

    customer A (Ayşe Şahin)  owned by acente.a1 (agency A, konut limit 500 000)
    customer B (Can Yıldız)  owned by acente.b1 (agency B)

konut, 400 000, bireysel, the demo form: net 572.00, BSMV 28.60, YSV 57.20, gross 657.80;
900 000: net 1 287.00, gross 1 480.05 (over the owner's limit: awaits approval)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.errors import PermissionDenied, ValidationFailed
from iztim_app.core.portal import quotes as portal_quotes
from iztim_app.core.portal.services import PortalCustomer
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import Quote
from iztim_app.core.users.models import User
from tests.foundation.support import actor_of, audit_events, office_of, snapshot, user_of
from tests.quotes.fixtures_customers import Cust, add_customer, tckn
from tests.quotes.fixtures_quotes import FORMS


@dataclass(frozen=True)
class World:
    a: Cust
    b: Cust
    me: PortalCustomer  # A signed in
    other: PortalCustomer  # B signed in


def make_world(db: Session) -> World:
    a = add_customer(
        db,
        actor_of(db, "acente.a1"),
        kind="individual",
        national_id="17291716060",
        name="Ayşe Şahin",
        group="bireysel",
    )
    b = add_customer(
        db,
        actor_of(db, "acente.b1"),
        kind="individual",
        national_id=tckn("123456789"),
        name="Can Yıldız",
        group="bireysel",
    )
    return World(
        a, b, PortalCustomer(a.id, a.number, a.name), PortalCustomer(b.id, b.number, b.name)
    )


def konut(sum_insured: str = "400000", **changes: str) -> portal_quotes.PortalQuoteInput:
    return portal_quotes.PortalQuoteInput(
        "konut", sum_insured, clock.today(), None, dict(FORMS["konut"]) | changes
    )


def test_a_portal_quote_costs_exactly_what_the_staff_quote_costs(url: str):
    with session_scope(url) as db:
        w = make_world(db)
        # given the same form typed by the customer and by the owner of the record
        preview = portal_quotes.preview(db, w.me, konut())
        mine = portal_quotes.save(db, w.me, konut())
        staff = quotes.save_quote(
            db,
            actor_of(db, "acente.a1"),
            quotes.QuoteInput("konut", w.a.id, "400000", clock.today(), None, dict(FORMS["konut"])),
        )
        # then the figures are the staff quote's, to the kuruş
        expected = (D("572.00"), {"BSMV": D("28.60"), "YSV": D("57.20")}, D("657.80"))
        assert (preview.net_premium, preview.taxes, preview.gross_premium) == expected
        assert (mine.net_premium, mine.taxes, mine.gross_premium) == expected
        assert (staff.net_premium, staff.taxes, staff.gross_premium) == expected
        stored = db.exec(select(Quote).where(Quote.number == mine.number)).one()
        staff_row = db.exec(select(Quote).where(Quote.number == staff.number)).one()
        assert stored.worksheet == staff_row.worksheet
        assert stored.tariff_version_id == staff_row.tariff_version_id
        # konut quotes are valid 30 days
        assert (mine.status, mine.valid_until) == ("approved", clock.today() + timedelta(days=30))


def test_a_portal_quote_is_the_records_own_made_on_behalf_of_its_portfolio(url: str):
    with session_scope(url) as db:
        w = make_world(db)
        mine = portal_quotes.save(db, w.me, konut())
        stored = db.exec(select(Quote).where(Quote.number == mine.number)).one()
        owner = user_of(db, "acente.a1")
        assert (
            stored.customer_id,
            stored.channel,
            stored.prepared_by_code,
            stored.prepared_by_id,
            stored.office_id,
            stored.status,
            stored.approved_by_code,
        ) == (
            w.a.id,
            "portal",
            f"portal:{w.a.number}",
            owner.id,
            office_of(db, "A-ACENTE-A").id,
            "approved",
            f"portal:{w.a.number}",
        )
        [created] = audit_events(db, "quote.create")
        assert (created.actor_code, created.entity_id, created.after["customer"]) == (
            f"portal:{w.a.number}",
            str(mine.number),
            w.a.number,
        )
        # the owner finds it in their own book, the other agency does not
        a1_numbers = [
            r.number
            for r in quotes.list_quotes(db, actor_of(db, "acente.a1"), quotes.QuoteFilter()).rows
        ]
        b1_numbers = [
            r.number
            for r in quotes.list_quotes(db, actor_of(db, "acente.b1"), quotes.QuoteFilter()).rows
        ]
        assert (a1_numbers, b1_numbers) == ([mine.number], [])


def test_over_the_owners_limit_the_quote_waits_in_the_normal_approval_queue(url: str):
    with session_scope(url) as db:
        w = make_world(db)
        mine = portal_quotes.save(db, w.me, konut("900000"))
        assert (mine.status, mine.gross_premium) == ("awaiting_approval", D("1480.05"))
        assert portal_quotes.preview(db, w.me, konut("900000")).needs_approval is True
        queue = quotes.approval_queue(db, actor_of(db, "gm.onay"), 1, 20)
        assert [r.number for r in queue.rows] == [mine.number]
        approved = quotes.approve(db, actor_of(db, "gm.onay"), mine.number)
        assert approved.status == "approved"


def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(url: str):
    with session_scope(url) as db:
        w = make_world(db)
        before = snapshot(url)
        cases = [
            (konut(""), "sum_insured"),
            (dataclasses.replace(konut(), line_code="uzay"), "line"),
            (dataclasses.replace(konut(), start_date="31.02.2026"), "start_date"),
            (konut(building_age="-4"), "building_age"),
        ]
        for inp, field in cases:
            with pytest.raises(ValidationFailed) as refused:
                portal_quotes.save(db, w.me, inp)
            assert refused.value.field == field, inp
            db.rollback()
        assert snapshot(url) == before


def test_my_quotes_are_the_records_portal_quotes_only(url: str):
    with session_scope(url) as db:
        w = make_world(db)
        first = portal_quotes.save(db, w.me, konut())
        second = portal_quotes.save(db, w.me, konut("900000"))
        portal_quotes.save(db, w.other, konut())
        quotes.save_quote(  # a staff quote of the record is not a portal quote
            db,
            actor_of(db, "acente.a1"),
            quotes.QuoteInput("konut", w.a.id, "300000", clock.today(), None, dict(FORMS["konut"])),
        )
        mine = portal_quotes.my_quotes(db, w.me)
        assert [(q.number, q.status, q.gross_premium) for q in mine] == [
            (second.number, "awaiting_approval", D("1480.05")),
            (first.number, "approved", D("657.80")),
        ]
        expired = portal_quotes.my_quotes(db, w.me, today=clock.today() + timedelta(days=31))
        assert [q.status for q in expired] == ["expired", "expired"]


def test_with_the_owner_disabled_the_portal_makes_no_quote(url: str):
    with session_scope(url) as db:
        w = make_world(db)
        owner = db.exec(select(User).where(User.code == "acente.a1")).one()
        owner.active = False
        db.commit()
        before = snapshot(url)
        with pytest.raises(PermissionDenied) as refused:
            portal_quotes.save(db, w.me, konut())
        assert refused.value.code == "portal_quote.unavailable"
        db.rollback()
        assert snapshot(url) == before
