"""Quote services as the insurer's staff use them: save, approve or reject, revise, expire,
list, count — each with the approval rule, the scope rules and immutability.

Prices below come from the shipped tariff (version 1). The one used most, a home (konut)
quote with earthquake cover in zone 1, reads:

    sum insured × 1.30 ‰ × sum-insured band (1.10 under 1 000 000; 1.00 up to 3 000 000)
    BSMV 5 %, YSV 10 % of the net premium

    400 000,00 → net 572,00  + 28,60 + 57,20   = 657,80
    500 000,00 → net 715,00  + 35,75 + 71,50   = 822,25
  2 000 000,00 → net 2600,00 + 130,00 + 260,00 = 2990,00

Demo limits per line: acente.* 500 000, sube.* 2 500 000, gm.onay 100 000 000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from iztim_app.core.db import session_scope
from iztim_app.core.errors import (
    DomainError,
)
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import ImmutableQuote, Quote
from iztim_app.core.quotes.services import QuoteFilter, QuoteRow, StatsRow
from iztim_app.core.users import services as users
from iztim_app.core.users.permissions import ROLES
from tests.foundation.support import user_of
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import TODAY
from tests.quotes.fixtures_quotes import (
    OPERATOR,
    book,
    form,
    priced_columns,
    quote_audit,
    save,
    set_quote_limit,
    stored_quote,
    who,
)

FIRST = 1000001
D = Decimal


def failure(call: Callable[[], Any]) -> tuple[str, str, dict, str | None]:
    """What the user is told: error class, message code, its data and the field."""
    with pytest.raises(DomainError) as info:
        call()
    error = info.value
    return type(error).__name__, error.code, error.params, getattr(error, "field", None)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


# ====================================================================== approval by limit


@pytest.mark.parametrize(
    ("preparer", "customer", "channel"),
    [
        ("acente.a1", "a1_person", "agency"),
        ("sube.istanbul", "ist_company", "branch"),
        ("gm.onay", "gm_person", "head_office"),
    ],
)
def test_within_the_preparers_limit_a_quote_is_saved_approved_by_the_preparer(
    db: Session, quotes_url: str, customers: Customers, preparer: str, customer: str, channel: str
):
    # given a 500 000 home quote: exactly the agency limit, well within the others'
    # when
    view = save(db, preparer, form("konut", getattr(customers, customer), "500000"))
    # then it is numbered, dated today, priced and approved under the preparer's own name
    assert (view.number, view.quote_date, view.valid_until) == (FIRST, TODAY, day(30))
    assert (view.status, view.approved_by, view.prepared_by, view.channel) == (
        "approved",
        preparer,
        preparer,
        channel,
    )
    assert view.approved_at is not None and view.approved_at.tzinfo == UTC
    assert (view.start_date, view.end_date) == (TODAY, date(2027, 3, 2))
    assert view.net_premium == D("715.00")
    assert view.taxes == {"BSMV": D("35.75"), "YSV": D("71.50")}
    assert view.gross_premium == D("822.25")
    assert (view.tariff_version, view.can_print) == (1, True)
    assert [step["kind"] for step in view.worksheet][-1] == "gross"
    assert [(a["actor_code"], a["action"], a["entity_id"]) for a in quote_audit(quotes_url)] == [
        (preparer, "quote.create", str(FIRST))
    ]


def test_over_the_preparers_limit_a_quote_awaits_approval_and_cannot_be_printed(
    db: Session, customers: Customers
):
    # given acente.a1 may approve home quotes up to 500 000,00
    # when a quote one kuruş over the limit is saved
    view = save(db, "acente.a1", form("konut", customers.a1_person, "500000.01"))
    # then it awaits approval, marked so in the list, and is in the approver's queue
    assert (view.status, view.approved_by, view.approved_at, view.can_print) == (
        "awaiting_approval",
        None,
        None,
        False,
    )
    listed = quotes.list_quotes(db, who(db, "acente.a1"), QuoteFilter(), today=TODAY)
    assert [(r.number, r.status) for r in listed.rows] == [(FIRST, "awaiting_approval")]
    queue = quotes.approval_queue(db, who(db, "gm.onay"), today=TODAY)
    assert [r.number for r in queue.rows] == [FIRST]


def test_without_a_limit_row_on_the_line_every_quote_awaits_approval(
    db: Session, customers: Customers
):
    # given IT removed acente.a1's cargo (nakliyat) limit; home keeps its 500 000 limit
    set_quote_limit(db, "acente.a1", "nakliyat", None)
    a1 = who(db, "acente.a1")
    small_cargo = form("nakliyat", customers.a1_company, "1000")
    # when
    preview = quotes.preview(db, a1, small_cargo, today=TODAY)
    cargo = save(db, "acente.a1", small_cargo)
    home = save(db, "acente.a1", form("konut", customers.a1_person, "1000"))
    # then even 1 000 TL of cargo needs an approver; home within the limit does not
    assert preview.needs_approval is True
    assert (cargo.number, cargo.status, cargo.approved_by) == (FIRST, "awaiting_approval", None)
    assert (home.number, home.status, home.approved_by) == (FIRST + 1, "approved", "acente.a1")


def test_preview_prices_like_save_and_stores_nothing(
    db: Session, quotes_url: str, customers: Customers
):
    before = book(quotes_url)
    preview = quotes.preview(
        db, who(db, "acente.a1"), form("konut", customers.a1_person, "2000000"), today=TODAY
    )
    assert (preview.net_premium, preview.gross_premium, preview.needs_approval) == (
        D("2600.00"),
        D("2990.00"),
        True,
    )
    assert preview.taxes == {"BSMV": D("130.00"), "YSV": D("260.00")}
    assert book(quotes_url) == before


# ====================================================================== approving and rejecting


@pytest.fixture
def awaiting(db: Session, customers: Customers) -> int:
    """A 2 000 000 home quote by acente.a1 (limit 500 000): awaiting approval."""
    view = save(db, "acente.a1", form("konut", customers.a1_person, "2000000"))
    assert view.status == "awaiting_approval"
    return view.number


def test_an_approver_approves_under_their_own_name_and_the_preparer_sees_it_at_once(
    db: Session, quotes_url: str, awaiting: int
):
    # when gm.onay (quote.approve, konut limit 100 000 000) approves the next day
    view = quotes.approve(db, who(db, "gm.onay"), awaiting, today=day(1))
    # then
    assert (view.status, view.approved_by, view.prepared_by, view.can_print) == (
        "approved",
        "gm.onay",
        "acente.a1",
        True,
    )
    assert view.approved_at is not None
    with session_scope(quotes_url) as preparers_session:  # the preparer's next request
        seen = quotes.get_quote(
            preparers_session, who(preparers_session, "acente.a1"), awaiting, today=day(1)
        )
    assert (seen.status, seen.approved_by) == ("approved", "gm.onay")
    assert quotes.approval_queue(db, who(db, "gm.onay"), today=day(1)).rows == []
    decision = quote_audit(quotes_url, "quote.approve")
    assert [(a["actor_code"], a["entity_id"], a["before"]) for a in decision] == [
        ("gm.onay", str(awaiting), {"status": "awaiting_approval"})
    ]
    assert decision[0]["after"] == {
        "status": "approved",
        "approved_by_code": "gm.onay",
        "approved_at": view.approved_at.isoformat(),
    }


def test_approving_needs_the_quote_approve_permission(db: Session, quotes_url: str, awaiting: int):
    # given sube.istanbul's limit (2 500 000) covers the quote, but it holds no quote.approve
    before = book(quotes_url)
    branch = who(db, "sube.istanbul")
    # when / then
    assert failure(lambda: quotes.approve(db, branch, awaiting, today=TODAY)) == (
        "PermissionDenied",
        "error.permission_denied",
        {"permission": "quote.approve"},
        None,
    )
    assert (
        failure(lambda: quotes.reject(db, branch, awaiting, "uygun değil", today=TODAY))[1]
        == "error.permission_denied"
    )
    assert failure(lambda: quotes.approval_queue(db, branch, today=TODAY))[0] == "PermissionDenied"
    assert book(quotes_url) == before


@pytest.mark.parametrize(
    "approver_limit", ["1999999.99", None], ids=["limit-below-sum", "no-limit-row"]
)
def test_an_approver_over_their_own_limit_is_refused_and_nothing_changes(
    db: Session, quotes_url: str, awaiting: int, approver_limit: str | None
):
    # given gm.onay's home limit is lowered below 2 000 000 (or removed)
    set_quote_limit(db, "gm.onay", "konut", approver_limit)
    approver = who(db, "gm.onay")
    before = book(quotes_url)
    # when / then: neither approve nor reject, and the queue does not offer it
    assert failure(lambda: quotes.approve(db, approver, awaiting, today=TODAY)) == (
        "PermissionDenied",
        "quote.over_approver_limit",
        {},
        None,
    )
    assert failure(lambda: quotes.reject(db, approver, awaiting, "fiyat yüksek", today=TODAY))[
        1
    ] == ("quote.over_approver_limit")
    assert quotes.approval_queue(db, approver, today=TODAY).rows == []
    assert book(quotes_url) == before
    assert quotes.get_quote(db, approver, awaiting, today=TODAY).status == "awaiting_approval"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_rejecting_needs_a_reason(db: Session, quotes_url: str, awaiting: int, reason: str | None):
    before = book(quotes_url)
    assert failure(
        lambda: quotes.reject(db, who(db, "gm.onay"), awaiting, reason, today=TODAY)
    ) == ("ValidationFailed", "quote.reason_required", {}, "reason")
    assert book(quotes_url) == before


def test_a_rejected_quote_keeps_the_reason_and_who_rejected_it(
    db: Session, quotes_url: str, awaiting: int
):
    view = quotes.reject(
        db, who(db, "gm.onay"), awaiting, "  Deprem bölgesi için bedel yüksek  ", today=TODAY
    )
    assert (view.status, view.rejected_by, view.rejection_reason) == (
        "rejected",
        "gm.onay",
        "Deprem bölgesi için bedel yüksek",
    )
    assert (view.approved_by, view.can_print) == (None, False)
    assert [(a["actor_code"], a["action"]) for a in quote_audit(quotes_url)] == [
        ("acente.a1", "quote.create"),
        ("gm.onay", "quote.reject"),
    ]
    # a rejected quote is never "expired": it is closed
    assert quotes.get_quote(db, who(db, "gm.onay"), awaiting, today=day(60)).status == "rejected"


@pytest.mark.parametrize(
    ("first", "second"),
    [("approve", "approve"), ("approve", "reject"), ("reject", "approve"), ("reject", "reject")],
)
def test_a_second_decision_is_a_conflict(
    db: Session, quotes_url: str, awaiting: int, first: str, second: str
):
    def decide(action: str) -> Any:  # noqa: ANN401
        approver = who(db, "gm.onay")
        if action == "approve":
            return quotes.approve(db, approver, awaiting, today=TODAY)
        return quotes.reject(db, approver, awaiting, "ikinci karar", today=TODAY)

    decide(first)
    before = book(quotes_url)
    assert failure(lambda: decide(second)) == (
        "Conflict",
        "quote.already_decided",
        {"number": awaiting, "status": "approved" if first == "approve" else "rejected"},
        None,
    )
    assert book(quotes_url) == before


def test_a_quote_saved_approved_needs_no_second_approval(
    db: Session, quotes_url: str, customers: Customers
):
    view = save(db, "acente.a1", form("konut", customers.a1_person, "400000"))
    before = book(quotes_url)
    assert failure(lambda: quotes.approve(db, who(db, "gm.onay"), view.number, today=TODAY))[
        :2
    ] == ("Conflict", "quote.already_decided")
    assert book(quotes_url) == before


# ====================================================================== immutability


def test_no_service_changes_the_priced_columns_of_a_saved_quote(
    db: Session, quotes_url: str, customers: Customers
):
    # given three saved quotes
    first = save(db, "acente.a1", form("konut", customers.a1_person, "2000000")).number
    second = save(db, "acente.a1", form("kasko", customers.a1_company, "900000")).number
    third = save(db, "sube.istanbul", form("isyeri", customers.ist_company, "3000000")).number
    saved = {n: priced_columns(quotes_url, n) for n in (first, second, third)}
    gm = who(db, "gm.onay")
    # when every service that touches quotes runs over them
    save(db, "acente.a1", form("konut", customers.a1_person, "400000"))
    quotes.approve(db, gm, first, today=day(1))
    quotes.reject(db, gm, second, "hasar geçmişi", today=day(1))
    save(
        db,
        "sube.istanbul",
        form("isyeri", customers.ist_company, "2000000"),
        today=day(2),
        revises=third,
    )
    quotes.get_quote(db, gm, first, today=day(2))
    quotes.list_quotes(db, gm, QuoteFilter(), today=day(2))
    quotes.approval_queue(db, gm, today=day(2))
    quotes.statistics(db, gm, TODAY, day(2))
    # then only the approval columns moved: every priced column is byte-identical
    assert {n: priced_columns(quotes_url, n) for n in saved} == saved
    assert [stored_quote(quotes_url, n)["status"] for n in (first, second, third)] == [
        "approved",
        "rejected",
        "superseded",
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("gross_premium", D("1.00")),
        ("net_premium", D("0.00")),
        ("sum_insured", D("100.00")),
        ("quote_date", date(2025, 1, 1)),
        ("values", {"construction_class": "ahsap"}),
        ("prepared_by_code", "gm.onay"),
    ],
)
def test_changing_a_saved_quote_through_the_orm_is_refused_at_flush(
    db: Session, quotes_url: str, awaiting: int, column: str, value: Any
):
    before = stored_quote(quotes_url, awaiting)
    quote = db.exec(select(Quote).where(Quote.number == awaiting)).one()
    setattr(quote, column, value)
    with pytest.raises(ImmutableQuote, match=column):
        db.flush()
    db.rollback()
    assert stored_quote(quotes_url, awaiting) == before


def test_the_approval_columns_may_change_through_the_orm(
    db: Session, quotes_url: str, awaiting: int
):
    before = stored_quote(quotes_url, awaiting)
    quote = db.exec(select(Quote).where(Quote.number == awaiting)).one()
    quote.status = "rejected"
    quote.rejection_reason = "test"
    db.flush()  # no ImmutableQuote: the UPDATE reached the database
    in_transaction = db.execute(
        sa.text("SELECT status, rejection_reason FROM quote WHERE number = :n"), {"n": awaiting}
    ).one()
    assert tuple(in_transaction) == ("rejected", "test")
    db.rollback()
    assert stored_quote(quotes_url, awaiting) == before


# ====================================================================== revisions


def test_a_revision_gets_a_new_number_and_todays_date_and_supersedes_the_original(
    db: Session, quotes_url: str, customers: Customers, awaiting: int
):
    original = priced_columns(quotes_url, awaiting)
    # when acente.a1 calls the quote up three days later and lowers the sum insured
    revision = save(
        db,
        "acente.a1",
        form("konut", customers.a1_person, "400000"),
        today=day(3),
        revises=awaiting,
    )
    # then a new quote, approved under the same limit rule, linked to the one it revises
    assert (revision.number, revision.quote_date, revision.valid_until) == (
        FIRST + 1,
        day(3),
        day(33),
    )
    assert (revision.revises_number, revision.status, revision.approved_by) == (
        awaiting,
        "approved",
        "acente.a1",
    )
    assert revision.gross_premium == D("657.80")
    old = quotes.get_quote(db, who(db, "acente.a1"), awaiting, today=day(3))
    assert (old.status, old.superseded_by_number, old.can_print, old.gross_premium) == (
        "superseded",
        FIRST + 1,
        False,
        D("2990.00"),
    )
    assert priced_columns(quotes_url, awaiting) == original
    assert quotes.approval_queue(db, who(db, "gm.onay"), today=day(3)).rows == []
    assert [(a["action"], a["entity_id"], a["before"]) for a in quote_audit(quotes_url)] == [
        ("quote.create", str(awaiting), None),
        ("quote.supersede", str(awaiting), {"status": "awaiting_approval"}),
        ("quote.create", str(FIRST + 1), None),
    ]

    # and a revision of the revision over the limit awaits approval again
    again = save(
        db,
        "acente.a1",
        form("konut", customers.a1_person, "3000000"),
        today=day(4),
        revises=FIRST + 1,
    )
    assert (again.number, again.revises_number, again.status) == (
        FIRST + 2,
        FIRST + 1,
        "awaiting_approval",
    )
    assert again.gross_premium == D(
        "4126.20"
    )  # band 3 000 000+ is 0.92: 3900 × 0.92 = 3588 + 538,20
    assert (
        quotes.get_quote(db, who(db, "acente.a1"), FIRST + 1, today=day(4)).superseded_by_number
        == FIRST + 2
    )


def test_revising_a_superseded_quote_is_a_conflict_and_consumes_no_number(
    db: Session, quotes_url: str, customers: Customers, awaiting: int
):
    save(
        db,
        "acente.a1",
        form("konut", customers.a1_person, "400000"),
        today=day(1),
        revises=awaiting,
    )
    before = book(quotes_url)
    assert failure(
        lambda: save(
            db,
            "acente.a1",
            form("konut", customers.a1_person, "450000"),
            today=day(2),
            revises=awaiting,
        )
    ) == ("Conflict", "quote.already_superseded", {"number": awaiting}, None)
    assert book(quotes_url) == before
    assert (
        save(db, "acente.a1", form("konut", customers.a1_person, "450000"), today=day(2)).number
        == FIRST + 2
    )


def test_revising_a_number_that_does_not_exist_is_not_found(
    db: Session, quotes_url: str, customers: Customers
):
    before = book(quotes_url)
    assert failure(
        lambda: save(db, "acente.a1", form("konut", customers.a1_person, "1000"), revises=9999999)
    ) == ("NotFound", "error.not_found", {}, None)
    assert book(quotes_url) == before


# ====================================================================== expiry


def test_an_open_quote_past_its_validity_is_expired(
    db: Session, quotes_url: str, customers: Customers, awaiting: int
):
    # given an awaiting and an approved home quote of TODAY (valid 30 days, until day 30)
    approved = save(db, "acente.a1", form("konut", customers.a1_person, "400000")).number
    gm = who(db, "gm.onay")
    # on the last valid day both are still open
    assert [r.number for r in quotes.approval_queue(db, gm, today=day(30)).rows] == [awaiting]
    assert quotes.get_quote(db, gm, approved, today=day(30)).can_print is True
    before = book(quotes_url)
    # when a day later
    late = day(31)
    waiting_view = quotes.get_quote(db, gm, awaiting, today=late)
    approved_view = quotes.get_quote(db, gm, approved, today=late)
    # then both show "expired"; neither prints; the awaiting one can no longer be decided
    assert (waiting_view.status, waiting_view.stored_status, waiting_view.can_print) == (
        "expired",
        "awaiting_approval",
        False,
    )
    assert (approved_view.status, approved_view.stored_status, approved_view.can_print) == (
        "expired",
        "approved",
        False,
    )
    assert failure(lambda: quotes.approve(db, gm, awaiting, today=late)) == (
        "Conflict",
        "quote.expired",
        {"number": awaiting},
        None,
    )
    assert (
        failure(lambda: quotes.reject(db, gm, awaiting, "süresi doldu", today=late))[1]
        == "quote.expired"
    )
    assert quotes.approval_queue(db, gm, today=late).rows == []
    by_status = {
        status: [
            r.number
            for r in quotes.list_quotes(db, gm, QuoteFilter(status=status), today=late).rows
        ]
        for status in ("expired", "awaiting_approval", "approved")
    }
    assert by_status == {"expired": [approved, awaiting], "awaiting_approval": [], "approved": []}
    assert [r.status for r in quotes.list_quotes(db, gm, QuoteFilter(), today=late).rows] == [
        "expired",
        "expired",
    ]
    assert book(quotes_url) == before


# ====================================================================== scope


@dataclass(frozen=True)
class Agencies:
    a1_home: int  # acente.a1, agency A (under İstanbul Şube), awaiting
    a1_cargo: int  # acente.a1, approved
    a2_home: int  # acente.a2, agency A, awaiting
    b1_home: int  # acente.b1, agency B (under Ankara Şube), awaiting


@pytest.fixture
def agencies(db: Session, customers: Customers) -> Agencies:
    return Agencies(
        a1_home=save(db, "acente.a1", form("konut", customers.a1_person, "2000000")).number,
        a1_cargo=save(db, "acente.a1", form("nakliyat", customers.a1_company, "100000")).number,
        a2_home=save(db, "acente.a2", form("konut", customers.a2_person, "1000000")).number,
        b1_home=save(db, "acente.b1", form("konut", customers.b1_person, "2000000")).number,
    )


NOWHERE = 9999999  # a quote number that does not exist


def _listed(db: Session, code: str, **flt: Any) -> list[int]:  # noqa: ANN401
    return [
        r.number
        for r in quotes.list_quotes(db, who(db, code), QuoteFilter(**flt), today=TODAY).rows
    ]


def _counted(db: Session, code: str) -> list[tuple[str, str, int]]:
    return [
        (r.line_code, r.customer_kind, r.count)
        for r in quotes.statistics(db, who(db, code), TODAY, TODAY)
    ]


def test_an_agency_cannot_see_another_agencys_quotes_they_behave_like_wrong_numbers(
    db: Session, quotes_url: str, customers: Customers, agencies: Agencies
):
    a1 = who(db, "acente.a1")
    before = book(quotes_url)
    hidden, wrong = agencies.b1_home, NOWHERE
    # open, revise: the same answer as for a number that does not exist
    assert (
        failure(lambda: quotes.get_quote(db, a1, hidden))
        == failure(lambda: quotes.get_quote(db, a1, wrong))
        == ("NotFound", "error.not_found", {}, None)
    )
    revision = form("konut", customers.a1_person, "1000")
    assert failure(
        lambda: quotes.save_quote(db, a1, revision, revises=hidden, today=TODAY)
    ) == failure(lambda: quotes.save_quote(db, a1, revision, revises=wrong, today=TODAY))
    # approve: an agency never approves, so the refusal cannot tell the two apart either
    assert (
        failure(lambda: quotes.approve(db, a1, hidden, today=TODAY))
        == failure(lambda: quotes.approve(db, a1, wrong, today=TODAY))
        == ("PermissionDenied", "error.permission_denied", {"permission": "quote.approve"}, None)
    )
    # list: by number and through every filter
    assert _listed(db, "acente.a1") == [agencies.a1_cargo, agencies.a1_home]
    assert _listed(db, "acente.a1", number=str(hidden)) == []
    assert _listed(db, "acente.a1", customer="Öztürk") == []
    assert _listed(db, "acente.a1", customer=str(customers.b1_person.number)) == []
    assert _listed(db, "acente.a1", customer=customers.b1_person.national_id) == []
    assert _listed(db, "acente.a1", prepared_by="acente.b1") == []
    assert _listed(db, "acente.a1", status="awaiting_approval") == [agencies.a1_home]
    # a customer of agency B cannot be quoted by agency A either
    assert failure(lambda: save(db, "acente.a1", form("konut", customers.b1_person, "1000")))[
        1:
    ] == ("quote.customer_required", {}, "customer")
    # count: statistics hold only the agency user's own quotes
    assert _counted(db, "acente.a1") == [("konut", "individual", 1), ("nakliyat", "corporate", 1)]
    assert book(quotes_url) == before


def test_another_user_of_the_same_agency_cannot_see_them_either(db: Session, agencies: Agencies):
    a2 = who(db, "acente.a2")
    assert failure(lambda: quotes.get_quote(db, a2, agencies.a1_home)) == failure(
        lambda: quotes.get_quote(db, a2, NOWHERE)
    )
    assert _listed(db, "acente.a2") == [agencies.a2_home]
    assert _listed(db, "acente.a2", prepared_by="acente.a1") == []
    assert _counted(db, "acente.a2") == [("konut", "individual", 1)]


def test_a_branch_sees_the_agencies_under_it_but_not_another_branchs(
    db: Session, agencies: Agencies
):
    # İstanbul Şube (office_tree) is above agency A; agency B hangs under Ankara Şube
    istanbul = who(db, "sube.istanbul")
    assert _listed(db, "sube.istanbul") == [agencies.a2_home, agencies.a1_cargo, agencies.a1_home]
    assert quotes.get_quote(db, istanbul, agencies.a1_home, today=TODAY).prepared_by == "acente.a1"
    assert failure(lambda: quotes.get_quote(db, istanbul, agencies.b1_home)) == failure(
        lambda: quotes.get_quote(db, istanbul, NOWHERE)
    )
    assert _counted(db, "sube.istanbul") == [
        ("konut", "individual", 2),
        ("nakliyat", "corporate", 1),
    ]
    assert _listed(db, "sube.ankara") == [agencies.b1_home]
    assert _listed(db, "gm.onay") == [
        agencies.b1_home,
        agencies.a2_home,
        agencies.a1_cargo,
        agencies.a1_home,
    ]


def test_an_approver_cannot_approve_outside_their_scope(
    db: Session, quotes_url: str, agencies: Agencies
):
    # given IT grants İstanbul Şube's user quote.approve (its limit 2 500 000 covers both quotes)
    user = user_of(db, "sube.istanbul")
    users.set_permissions(
        db, OPERATOR, user.id, ROLES["branch_staff"].permissions | {"quote.approve"}
    )
    approver = who(db, "sube.istanbul")
    before = book(quotes_url)
    # then agency B's quote does not exist for it, and its queue offers agency A's only
    assert (
        failure(lambda: quotes.approve(db, approver, agencies.b1_home, today=TODAY))
        == failure(lambda: quotes.approve(db, approver, NOWHERE, today=TODAY))
        == ("NotFound", "error.not_found", {}, None)
    )
    assert book(quotes_url) == before
    assert [r.number for r in quotes.approval_queue(db, approver, today=TODAY).rows] == [
        agencies.a1_home,
        agencies.a2_home,
    ]
    assert (
        quotes.approve(db, approver, agencies.a1_home, today=TODAY).approved_by == "sube.istanbul"
    )


def test_reading_quotes_needs_a_quote_permission(db: Session, quotes_url: str, agencies: Agencies):
    # given the production manager's grants are cut down to policies only
    user = user_of(db, "gm.mudur")
    users.set_permissions(db, OPERATOR, user.id, {"policy.view"})
    manager = who(db, "gm.mudur")
    # then
    assert failure(lambda: quotes.get_quote(db, manager, agencies.a1_home))[:2] == (
        "PermissionDenied",
        "error.permission_denied",
    )
    assert failure(lambda: quotes.list_quotes(db, manager, QuoteFilter()))[0] == "PermissionDenied"
    assert failure(lambda: quotes.statistics(db, manager, TODAY, TODAY)) == (
        "PermissionDenied",
        "error.permission_denied",
        {"permission": "report.view"},
        None,
    )
    assert failure(
        lambda: quotes.save_quote(db, manager, form("konut", 1, "1000"), today=TODAY)
    ) == ("PermissionDenied", "error.permission_denied", {"permission": "quote.create"}, None)


# ====================================================================== bad input


BAD_INPUT = [
    # id, changes to a valid acente.a1 home form, (error, code, field)
    (
        "sum-zero",
        {"sum_insured": "0"},
        ("ValidationFailed", "quote.sum_insured_invalid", "sum_insured"),
    ),
    (
        "sum-negative",
        {"sum_insured": "-100000"},
        ("ValidationFailed", "quote.sum_insured_invalid", "sum_insured"),
    ),
    (
        "sum-text",
        {"sum_insured": "yüz bin"},
        ("ValidationFailed", "quote.sum_insured_invalid", "sum_insured"),
    ),
    (
        "sum-blank",
        {"sum_insured": ""},
        ("ValidationFailed", "quote.sum_insured_invalid", "sum_insured"),
    ),
    (
        "sum-three-decimals",
        {"sum_insured": "100.000,555"},
        ("ValidationFailed", "amount.too_many_decimals", "sum_insured"),
    ),
    (
        "missing-field",
        {"construction_class": ""},
        ("ValidationFailed", "pricing.required", "construction_class"),
    ),
    (
        "above-max",
        {"building_age": "151"},
        ("ValidationFailed", "pricing.above_max", "building_age"),
    ),
    ("below-min", {"floor_area": "10"}, ("ValidationFailed", "pricing.below_min", "floor_area")),
    (
        "not-a-number",
        {"building_age": "on beş"},
        ("ValidationFailed", "pricing.not_integer", "building_age"),
    ),
    (
        "unknown-choice",
        {"earthquake_zone": "9"},
        ("ValidationFailed", "pricing.unknown_choice", "earthquake_zone"),
    ),
    ("unknown-field", {"colour": "mavi"}, ("ValidationFailed", "pricing.unknown_field", "colour")),
    (
        "end-before-start",
        {"end": "2026-03-01"},
        ("ValidationFailed", "error.date_range", "end_date"),
    ),
    (
        "start-not-a-date",
        {"start": "2026-02-30"},
        ("ValidationFailed", "date.invalid", "start_date"),
    ),
    (
        "no-customer",
        {"customer": None},
        ("ValidationFailed", "quote.customer_required", "customer"),
    ),
    (
        "unknown-customer",
        {"customer": 987654},
        ("ValidationFailed", "quote.customer_required", "customer"),
    ),
    ("unknown-line", {"line": "hayat"}, ("ValidationFailed", "quote.line_unknown", "line")),
    (
        "no-tariff-in-force",
        {"today": date(1999, 12, 31)},
        ("ValidationFailed", "quote.no_tariff", "line"),
    ),
]


@pytest.mark.parametrize(
    ("changes", "expected"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_saves_nothing_and_consumes_no_number(
    db: Session, quotes_url: str, customers: Customers, changes: dict, expected: tuple
):
    # given one saved quote
    assert save(db, "acente.a1", form("konut", customers.a1_person, "400000")).number == FIRST
    before = book(quotes_url)
    changes = dict(changes)
    today = changes.pop("today", TODAY)
    line = changes.pop("line", "konut")
    customer = changes.pop("customer", customers.a1_person)
    sum_insured = changes.pop("sum_insured", "400000")
    start = changes.pop("start", TODAY)
    end = changes.pop("end", None)
    bad = form(line, customer, sum_insured, start=start, end=end, **changes)
    a1 = who(db, "acente.a1")
    # when / then: the same message on the form (preview) and on save, with the field to mark
    name, code, _, field = failure(lambda: quotes.save_quote(db, a1, bad, today=today))
    assert (name, code, field) == expected
    assert failure(lambda: quotes.preview(db, a1, bad, today=today))[1] == code
    assert book(quotes_url) == before
    # and the next good quote gets the next number: no gap
    assert save(db, "acente.a1", form("konut", customers.a1_person, "400000")).number == FIRST + 1


def test_amounts_are_read_as_turkish_users_type_them(db: Session, customers: Customers):
    view = save(db, "acente.a1", form("konut", customers.a1_person, "2.000.000,00"))
    assert (view.sum_insured, view.gross_premium) == (D("2000000"), D("2990.00"))


# ====================================================================== list, filters, paging


@dataclass(frozen=True)
class Book:
    gm_home: int  # day -12, gm.onay, konut 1 000 000, approved
    a1_home: int  # day -10, acente.a1, konut 400 000, approved
    a1_motor: int  # day -5, acente.a1, kasko 900 000 (IŞIK Gıda), awaiting
    ist_office: int  # day -3, sube.istanbul, isyeri 3 000 000, rejected by gm.onay
    a2_home: int  # day -2, acente.a2, konut 1 000 000, awaiting
    gm_accident: int  # day -1, gm.onay, ferdi_kaza 1 000 000, approved
    b1_traffic: int  # day 0, acente.b1, trafik 300 000, approved


@pytest.fixture
def quote_book(db: Session, customers: Customers) -> Book:
    c = customers
    numbers_ = Book(
        gm_home=save(db, "gm.onay", form("konut", c.gm_person, "1000000"), today=day(-12)).number,
        a1_home=save(db, "acente.a1", form("konut", c.a1_person, "400000"), today=day(-10)).number,
        a1_motor=save(db, "acente.a1", form("kasko", c.a1_company, "900000"), today=day(-5)).number,
        ist_office=save(
            db, "sube.istanbul", form("isyeri", c.ist_company, "3000000"), today=day(-3)
        ).number,
        a2_home=save(db, "acente.a2", form("konut", c.a2_person, "1000000"), today=day(-2)).number,
        gm_accident=save(
            db, "gm.onay", form("ferdi_kaza", c.gm_person, "1000000"), today=day(-1)
        ).number,
        b1_traffic=save(
            db, "acente.b1", form("trafik", c.b1_person, "300000"), today=day(0)
        ).number,
    )
    quotes.reject(
        db,
        who(db, "gm.onay"),
        numbers_.ist_office,
        "Faaliyet konusu teyit edilemedi",
        today=day(-2),
    )
    return numbers_


def test_the_list_filters_by_number_customer_line_status_dates_and_preparer(
    db: Session, customers: Customers, quote_book: Book
):
    b = quote_book
    everything = [
        b.b1_traffic,
        b.gm_accident,
        b.a2_home,
        b.ist_office,
        b.a1_motor,
        b.a1_home,
        b.gm_home,
    ]
    assert everything == list(range(FIRST + 6, FIRST - 1, -1))
    gm = "gm.onay"
    assert _listed(db, gm) == everything
    # number
    assert _listed(db, gm, number=f" {b.ist_office} ") == [b.ist_office]
    assert _listed(db, gm, number="abc") == _listed(db, gm, number=str(NOWHERE)) == []
    # customer: name the Turkish way (İ/i, I/ı), customer number, TCKN/VKN
    assert _listed(db, gm, customer="şahin") == _listed(db, gm, customer="ŞAHİN") == [b.a1_home]
    assert _listed(db, gm, customer="ışık") == _listed(db, gm, customer="Işık gıda") == [b.a1_motor]
    assert (
        _listed(db, gm, customer="istanbul")
        == _listed(db, gm, customer="İSTANBUL")
        == [b.ist_office]
    )
    assert _listed(db, gm, customer=str(customers.a1_company.number)) == [b.a1_motor]
    assert _listed(db, gm, customer="10000000146") == [b.b1_traffic]
    # line
    assert _listed(db, gm, line_code="konut") == [b.a2_home, b.a1_home, b.gm_home]
    # status (as shown on TODAY: the day -12 home quote, valid 30 days, is still open)
    assert _listed(db, gm, status="approved") == [b.b1_traffic, b.gm_accident, b.a1_home, b.gm_home]
    assert _listed(db, gm, status="awaiting_approval") == [b.a2_home, b.a1_motor]
    assert _listed(db, gm, status="rejected") == [b.ist_office]
    assert _listed(db, gm, status="expired") == []
    # quote date range, both ends included
    assert _listed(db, gm, date_from=day(-5), date_to=day(-2)) == [
        b.a2_home,
        b.ist_office,
        b.a1_motor,
    ]
    assert _listed(db, gm, date_from=day(-1)) == [b.b1_traffic, b.gm_accident]
    assert _listed(db, gm, date_to=day(-10)) == [b.a1_home, b.gm_home]
    # preparer, any case; filters combine
    assert _listed(db, gm, prepared_by="ACENTE.A1") == [b.a1_motor, b.a1_home]
    assert _listed(db, gm, prepared_by="acente.a1", status="approved") == [b.a1_home]
    # a row carries what the list shows
    row = quotes.list_quotes(
        db, who(db, gm), QuoteFilter(number=str(b.a1_motor)), today=TODAY
    ).rows[0]
    assert row == QuoteRow(
        id=row.id,
        number=b.a1_motor,
        quote_date=day(-5),
        line_code="kasko",
        customer_number=customers.a1_company.number,
        customer_name="IŞIK Gıda San. ve Tic. Ltd. Şti.",
        customer_kind="corporate",
        sum_insured=D("900000.00"),
        gross_premium=D("19170.27"),
        status="awaiting_approval",
        prepared_by="acente.a1",
        channel="agency",
    )


def test_a_backwards_date_range_is_refused(db: Session, quote_book: Book):
    assert failure(lambda: _listed(db, "gm.onay", date_from=TODAY, date_to=day(-1))) == (
        "ValidationFailed",
        "error.date_range",
        {},
        "date_to",
    )


def test_the_list_is_paged_on_the_server(db: Session, quote_book: Book):
    gm = who(db, "gm.onay")

    def page(n: int, size: int = 3) -> tuple[list[int], int, int, int]:
        p = quotes.list_quotes(db, gm, QuoteFilter(), page=n, size=size, today=TODAY)
        return [r.number for r in p.rows], p.total, p.page, p.pages

    assert page(1) == ([FIRST + 6, FIRST + 5, FIRST + 4], 7, 1, 3)
    assert page(2) == ([FIRST + 3, FIRST + 2, FIRST + 1], 7, 2, 3)
    assert page(3) == ([FIRST], 7, 3, 3)
    assert page(0) == page(1)  # bad paging from the browser is corrected
    filtered = quotes.list_quotes(
        db, gm, QuoteFilter(line_code="konut"), page=2, size=2, today=TODAY
    )
    assert ([r.number for r in filtered.rows], filtered.total, filtered.pages) == (
        [quote_book.gm_home],
        3,
        2,
    )


# ====================================================================== statistics


def test_statistics_count_and_sum_quotes_by_line_and_customer_kind(db: Session, quote_book: Book):
    # day -10 … today: everything but the day -12 home quote of gm.onay
    rows = quotes.statistics(db, who(db, "gm.onay"), day(-10), TODAY)
    assert rows == [
        # ferdi_kaza, kamu_personeli 0.54 ‰ × age 45 (1.15) = 621,00 + BSMV 31,05
        StatsRow("ferdi_kaza", "individual", 1, D("1000000.00"), D("621.00"), D("652.05"), 1, 0),
        # isyeri, büro, no earthquake: 3 000 000 × 0.60 ‰ = 1800,00 + 90,00 + 180,00 (rejected)
        StatsRow("isyeri", "corporate", 1, D("3000000.00"), D("1800.00"), D("2070.00"), 0, 0),
        # kasko, hususi otomobil 28 ‰ × İstanbul 1.15 × no-claims step 3 0.60 × vehicle age 4 1.05
        StatsRow("kasko", "corporate", 1, D("900000.00"), D("18257.40"), D("19170.27"), 0, 0),
        # konut: 400 000 (572,00 / 657,80, approved) + 1 000 000 (1300,00 / 1495,00, awaiting)
        StatsRow("konut", "individual", 2, D("1400000.00"), D("1872.00"), D("2152.80"), 1, 0),
        # trafik, otomobil İstanbul fixed 9600,00 + THGF 480 + GHP 192 + BSMV 480
        StatsRow("trafik", "individual", 1, D("300000.00"), D("9600.00"), D("10752.00"), 1, 0),
    ]
    assert quotes.statistics(db, who(db, "gm.onay"), day(-12), day(-12)) == [
        StatsRow("konut", "individual", 1, D("1000000.00"), D("1300.00"), D("1495.00"), 1, 0)
    ]
    assert quotes.statistics(db, who(db, "gm.onay"), day(1), day(30)) == []


def test_statistics_count_quotes_that_became_policies(db: Session, quote_book: Book):
    # Issuing a policy links it to its quote; only that link changes on the saved quote.
    quote = db.exec(select(Quote).where(Quote.number == quote_book.gm_home)).one()
    quote.policy_number = 5000001
    db.commit()
    rows = quotes.statistics(db, who(db, "gm.onay"), day(-12), day(-12))
    assert rows == [
        StatsRow("konut", "individual", 1, D("1000000.00"), D("1300.00"), D("1495.00"), 1, 1)
    ]


def test_statistics_need_a_valid_date_range(db: Session, quote_book: Book):
    gm = who(db, "gm.onay")
    assert failure(lambda: quotes.statistics(db, gm, TODAY, day(-1))) == (
        "ValidationFailed",
        "error.date_range",
        {},
        "date_to",
    )
    assert failure(lambda: quotes.statistics(db, gm, None, TODAY))[1:] == (
        "error.required",
        {},
        "date_from",
    )
    assert failure(lambda: quotes.statistics(db, gm, TODAY, None))[1:] == (
        "error.required",
        {},
        "date_to",
    )


def test_statistics_follow_the_viewers_scope(db: Session, quote_book: Book):
    def totals(code: str) -> tuple[int, Decimal]:
        rows = quotes.statistics(db, who(db, code), day(-30), TODAY)
        return sum(r.count for r in rows), sum((r.gross_premium for r in rows), D("0"))

    assert totals("gm.onay") == (7, D("36292.12"))
    assert totals("bt.admin") == (7, D("36292.12"))  # report.view, scope all
    assert totals("acente.a1") == (2, D("19828.07"))  # 657,80 + 19 170,27
    assert totals("sube.istanbul") == (4, D("23393.07"))  # A's three + its own 2070,00
    assert totals("sube.ankara") == (1, D("10752.00"))


# ====================================================================== home screen


def test_work_summary_counts_open_quotes_in_scope_and_the_approvers_queue(
    db: Session, quote_book: Book
):
    # today: awaiting a1_motor, a2_home; approved gm_home, a1_home, gm_accident, b1_traffic
    gm = quotes.work_summary(db, who(db, "gm.onay"), today=TODAY)
    assert (gm.awaiting, gm.approved, gm.queue) == (2, 4, 2)
    a1 = quotes.work_summary(db, who(db, "acente.a1"), today=TODAY)
    assert (a1.awaiting, a1.approved, a1.queue) == (1, 1, None)
    # day 20: kasko and trafik (15 days) and gm_home (30 days from day -12) have expired
    later = quotes.work_summary(db, who(db, "gm.onay"), today=day(20))
    assert (later.awaiting, later.approved, later.queue) == (1, 2, 1)
