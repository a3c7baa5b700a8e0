"""The renewal block of a policy's page (`renewal_of`): the state of the renewals list, the
links the user may follow, whether the renewal action is open today, and scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from iztim_app.core.errors import Conflict, NotFound
from iztim_app.core.renewals import services as renewals
from iztim_app.core.renewals.services import PolicyRenewal
from tests.foundation.support import actor_of
from tests.renewals.fixtures import A1, B1, END, OPENS, book, issue_from_quote, renew, trafik_policy


def _of(db: Session, code: str, number: int, today: date) -> PolicyRenewal:
    return renewals.renewal_of(db, actor_of(db, code), number, today=today)


def test_the_block_follows_the_policy_from_not_offered_to_renewed(
    db: Session, customers, quotes_url: str
):
    # given acente.a1's policy ending on 1 May 2026 (the window opens on 2 March)
    number = trafik_policy(db, customers.a1_person)
    # then 61 days before the end it is not offered and cannot be renewed yet
    assert _of(db, A1, number, OPENS - timedelta(days=1)) == PolicyRenewal(
        number, "not_offered", None, None, OPENS, False
    )
    # and 60 days before the end the action opens
    assert _of(db, A1, number, OPENS) == PolicyRenewal(
        number, "not_offered", None, None, OPENS, True
    )
    # when a renewal quote is given, the block links it, and renewing closes: that quote
    # is revised instead (api.md: 409 while a renewal quote exists)
    quote = renew(db, A1, number, today=OPENS)
    assert _of(db, A1, number, OPENS) == PolicyRenewal(
        number, "quote_given", quote.number, None, OPENS, False
    )
    # when the quote is issued as a policy, the block links that and the action closes
    renewal = issue_from_quote(db, A1, quote, today=OPENS)
    assert _of(db, A1, number, OPENS) == PolicyRenewal(
        number, "renewed", quote.number, renewal, OPENS, False
    )


def test_a_second_renewal_quote_is_refused_while_the_first_is_usable(
    db: Session, customers, quotes_url: str
):
    number = trafik_policy(db, customers.a1_person)
    quote = renew(db, A1, number, today=OPENS)
    before = book(quotes_url)
    with pytest.raises(Conflict) as refused:
        renew(db, A1, number, today=OPENS + timedelta(days=1))
    assert refused.value.code == "renewal.quote_exists"
    assert refused.value.params == {"number": number, "quote": quote.number}
    assert book(quotes_url) == before
    # once that quote has expired (still inside the window), renewing opens again
    expired = quote.valid_until + timedelta(days=1)
    assert expired <= END
    assert _of(db, A1, number, expired).can_renew is True
    assert renew(db, A1, number, today=expired).renews_policy_number == number


def test_after_the_end_without_a_renewal_the_policy_has_lapsed(
    db: Session, customers, quotes_url: str
):
    number = trafik_policy(db, customers.a1_person)
    assert _of(db, A1, number, END) == PolicyRenewal(number, "not_offered", None, None, OPENS, True)
    assert _of(db, A1, number, END + timedelta(days=1)) == PolicyRenewal(
        number, "lapsed", None, None, OPENS, False
    )


def test_another_agencys_policy_looks_like_a_number_nobody_has(
    db: Session, customers, quotes_url: str
):
    # given acente.a1's policy, in the window
    number = trafik_policy(db, customers.a1_person)
    before = book(quotes_url)
    # then acente.b1 finds it exactly as it finds an unknown number, and nothing changed
    for asked in (number, 9999999, "abc"):
        with pytest.raises(NotFound):
            _of(db, B1, asked, OPENS)
    assert book(quotes_url) == before
