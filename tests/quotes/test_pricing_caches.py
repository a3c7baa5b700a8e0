"""What pricing keeps per process (parsed tariffs per (id, sha256), statements per actor)
never prices on a stale tariff and never lets one scope's statement serve another."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.db import session_scope
from iztim_app.core.errors import ValidationFailed
from iztim_app.core.policies import services as policies
from iztim_app.core.quotes import pricing
from iztim_app.core.quotes import services as quotes
from iztim_app.core.tariffs import versions
from tests.foundation.support import actor_of
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED
from tests.quotes.fixtures_quotes import FORMS, OPERATOR, form

A1, A2, B1, GM = "acente.a1", "acente.a2", "acente.b1", "gm.onay"
LINES = (SHIPPED / "lines.csv").read_bytes()
# The home line's minimum premium 350.00 → 500.00: a 300 000 home is 429.00 net, then 500.00.
RAISED = LINES.replace(
    b"konut,Konut Sigortas\xc4\xb1,Home Insurance,350.00",
    b"konut,Konut Sigortas\xc4\xb1,Home Insurance,500.00",
)


def _home_net_for_group(db: Session, day) -> D:  # noqa: ANN001
    result = pricing.price_for_group(
        db, OPERATOR, "konut", "bireysel", D("300000"), day, None, FORMS["konut"], on=day
    )
    return result.net_premium


def test_a_version_activated_today_prices_the_very_next_preview(db: Session, customers: Customers):
    # given a home preview on tariff v1 (its tariff now parsed and cached in this process)
    day = clock.today()
    inp = form("konut", customers.a1_person, "300000", start=day)
    a1 = actor_of(db, A1)
    first = quotes.preview(db, a1, inp, today=day)
    assert (first.tariff_version, first.net_premium) == (1, D("429.00"))
    # when v2 (home minimum premium 500.00) is activated from today
    assert RAISED != LINES
    v2 = versions.upload(db, OPERATOR, filename="lines.csv", data=RAISED, target_path="lines.csv")
    versions.activate(db, OPERATOR, v2.id, day)
    # then the next preview and the next saved quote are priced on v2
    second = quotes.preview(db, a1, inp, today=day)
    assert (second.tariff_version, second.net_premium) == (2, D("500.00"))
    saved = quotes.save_quote(db, a1, inp, today=day)
    assert (saved.tariff_version, saved.net_premium) == (2, D("500.00"))


def _version_one(url: str) -> bytes:
    with session_scope(url) as db:
        return db.execute(sa.text("SELECT content FROM tariff_version WHERE id = 1")).scalar_one()


def test_another_databases_version_of_the_same_id_is_priced_on_its_own_content(
    sqlite_db_from, quotes_template
):
    # given two installations whose tariff version 1 differ in content (same id, number)
    day = clock.today()
    one, other = sqlite_db_from(quotes_template), sqlite_db_from(quotes_template)
    content = versions.pack(versions.unpack(_version_one(one)) | {"lines.csv": RAISED})
    with session_scope(other) as db:
        db.execute(
            sa.text("UPDATE tariff_version SET content = :c, sha256 = :s WHERE id = 1"),
            {"c": content, "s": hashlib.sha256(content).hexdigest()},
        )
        db.commit()
    # when one process prices the same form in each, turn by turn
    seen = []
    for url in (one, other, one, other):
        with session_scope(url) as db:
            seen.append(_home_net_for_group(db, day))
    # then each installation's price comes from its own version 1
    assert seen == [D("429.00"), D("500.00"), D("429.00"), D("500.00")]


def test_a_customer_statement_made_for_one_actor_never_serves_another(
    db: Session, customers: Customers
):
    # given acente.a1 found its own customer (the statement for a1 is now kept)
    a1 = actor_of(db, A1)
    mine = customers.a1_person.id
    assert pricing.visible_customer(db, mine, actor=a1).number == customers.a1_person.number
    # then other agencies' users, a colleague of the same agency (owner scope) and a1
    # itself with a temporary password pending are refused as if there were no customer …
    refused = [
        actor_of(db, B1),
        actor_of(db, A2),
        dataclasses.replace(a1, password_change_pending=True),
    ]
    for actor in refused:
        with pytest.raises(ValidationFailed) as info:
            pricing.visible_customer(db, mine, actor=actor)
        assert info.value.code == "quote.customer_required"
    # … while the head office's approver (all records) and a1 again see it
    for actor in (actor_of(db, GM), a1):
        assert pricing.visible_customer(db, mine, actor=actor).id == mine


def test_a_quote_statement_made_for_one_actor_never_serves_another(
    db: Session, customers: Customers
):
    # given an approved home quote of acente.a1, turned into a policy form by a1 first
    day = clock.today()
    a1 = actor_of(db, A1)
    quote = quotes.save_quote(
        db, a1, form("konut", customers.a1_person, "300000", start=day), today=day
    )
    assert policies.from_quote(db, a1, quote.number, today=day).quote_number == quote.number
    # then another agency's user is told there is no such quote, also when pricing it
    b1 = actor_of(db, B1)
    with pytest.raises(ValidationFailed) as info:
        policies.from_quote(db, b1, quote.number, today=day)
    assert info.value.code == policies.QUOTE_UNKNOWN
    inp = dataclasses.replace(
        policies.from_quote(db, a1, quote.number, today=day), installment_count=1
    )
    with pytest.raises(ValidationFailed) as info:
        policies.preview(db, b1, inp, today=day)
    assert info.value.code == policies.QUOTE_UNKNOWN
    # and the head office's approver sees it; the quote is still usable by a1 tomorrow
    assert policies.from_quote(db, actor_of(db, GM), quote.number, today=day).quote_number
    tomorrow = day + timedelta(days=1)
    assert policies.preview(db, a1, inp, today=tomorrow).quote_number == quote.number
