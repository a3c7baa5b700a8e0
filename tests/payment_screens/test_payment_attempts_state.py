"""Ödemeler (staff) without a browser: every attempt with its result, the failed 3D attempts
with the bank's reason in their own paged list, the filters, the scope of each viewer, and
what reaches the browser (plain strings, no card number).

The book (two agencies' customers, attempts written as the payment service leaves them):

    A  Ayşe Şahin (acente.a1)   policy PA   approved   1.000,00 ₺   **** 1111  txn T-1
                                            declined     500,00 ₺   **** 0002  "51 Yetersiz bakiye"
                                            auth_failed  500,00 ₺   **** 1111  mdStatus 0
                                            started, expired (shown "abandoned")
                                            started, still at the bank
    B  Can Yıldız (acente.b1)   policy PB   auth_failed  750,00 ₺   **** 1111
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal as D

import pytest
from reflex.state import State
from sqlmodel import Session

from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.payments.models import PaymentAttempt
from iztim_app.states.payment_attempts import FAILED_PAGE_SIZE, PAGE_SIZE, PaymentAttemptsState
from tests.endorsements.fixtures_policies import approved_policy
from tests.foundation.browser_tab import sign_in, sub
from tests.foundation.support import actor_of, use_settings
from tests.foundation.test_states import assert_plain
from tests.quotes.fixtures_customers import add_customer, tckn
from tests.quotes.fixtures_db import SHIPPED

DENIED = "Bu işlem için yetkiniz yok."
CARD = "4111111111111111"


@dataclass(frozen=True)
class Book:
    pa: int
    pb: int


@pytest.fixture
def app_url(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(monkeypatch, database_url=url, tariffs_dir=SHIPPED, demo_mode=False)
    yield url
    get_engine.cache_clear()


_seq = iter(range(1, 10_000))


def _attempt(
    db: Session,
    customer_id: int,
    policy: int,
    status: str,
    amount: str,
    last4: str,
    *,
    minutes_ago: int,
    expired: bool = False,
    **finish: str,
) -> str:
    n = next(_seq)
    created = clock.utcnow() - timedelta(minutes=minutes_ago)
    order_id = f"PA{n:020X}"
    finished = status != "started"
    db.add(
        PaymentAttempt(
            order_id=order_id,
            gateway="test",
            customer_id=customer_id,
            policy_number=policy,
            installment_refs=f"{policy}/1,{policy}/2",
            plan=[[1, amount, "0.00"], [2, amount, "0.00"]],
            amount=D(amount),
            currency="TRY",
            card_last4=last4,
            status=status,
            reason_code=finish.get("reason_code", "") if finished else None,
            bank_reason=finish.get("bank_reason", "") if finished else None,
            md_status=finish.get("md_status", "") if finished else None,
            transaction_id=finish.get("transaction_id") or None,
            created_at=created,
            expires_at=created + (timedelta(minutes=1) if expired else timedelta(hours=2)),
            finished_at=created + timedelta(minutes=1) if finished else None,
            source="203.0.113.7",
        )
    )
    db.commit()
    return order_id


def _book(db: Session) -> Book:
    a1, b1 = actor_of(db, "acente.a1"), actor_of(db, "acente.b1")
    a = add_customer(
        db, a1, kind="individual", national_id="17291716060", name="Ayşe Şahin", group="bireysel"
    )
    b = add_customer(
        db,
        b1,
        kind="individual",
        national_id=tckn("123456789"),
        name="Can Yıldız",
        group="bireysel",
    )
    pa = approved_policy(db, "acente.a1", a.id, installment_count=2).number
    pb = approved_policy(db, "acente.b1", b.id, installment_count=2).number
    db.commit()
    _attempt(db, a.id, pa, "approved", "1000.00", "1111", minutes_ago=50, md_status="1",
             transaction_id="T-1")  # fmt: skip
    _attempt(db, a.id, pa, "declined", "500.00", "0002", minutes_ago=40, md_status="1",
             reason_code="51", bank_reason="Yetersiz bakiye")  # fmt: skip
    _attempt(db, a.id, pa, "auth_failed", "500.00", "1111", minutes_ago=30, md_status="0",
             reason_code="3d_failed", bank_reason="3D doğrulama başarısız")  # fmt: skip
    _attempt(db, a.id, pa, "started", "500.00", "1111", minutes_ago=20, expired=True)
    _attempt(db, a.id, pa, "started", "500.00", "1111", minutes_ago=1)
    _attempt(db, b.id, pb, "auth_failed", "750.00", "1111", minutes_ago=10, md_status="0",
             reason_code="3d_failed", bank_reason="3D doğrulama başarısız")  # fmt: skip
    return Book(pa, pb)


@pytest.fixture
def book(app_url: str) -> Book:
    with session_scope(app_url) as db:
        return _book(db)


def opened(code: str) -> PaymentAttemptsState:
    root = State()
    sign_in(root, code)
    screen = sub(root, PaymentAttemptsState)
    screen.load()
    return screen


def _shown(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [(r["policy"], r["status"], r["amount"], r["card"], r["reason"]) for r in rows]


def test_head_office_sees_every_attempt_newest_first_and_the_failed_ones_apart(book: Book):
    screen = opened("gm.onay")
    assert screen.error == ""
    pa, pb = str(book.pa), str(book.pb)
    assert _shown(screen.rows) == [
        (pa, "started", "500,00 ₺", "**** 1111", ""),
        (pb, "auth_failed", "750,00 ₺", "**** 1111", "3D doğrulama başarısız"),
        (pa, "abandoned", "500,00 ₺", "**** 1111", ""),
        (pa, "auth_failed", "500,00 ₺", "**** 1111", "3D doğrulama başarısız"),
        (pa, "declined", "500,00 ₺", "**** 0002", "Yetersiz bakiye"),
        (pa, "approved", "1.000,00 ₺", "**** 1111", ""),
    ]
    assert (screen.total, screen.page, screen.pages) == (6, 1, 1)
    assert _shown(screen.failed_rows) == [
        (pb, "auth_failed", "750,00 ₺", "**** 1111", "3D doğrulama başarısız"),
        (pa, "auth_failed", "500,00 ₺", "**** 1111", "3D doğrulama başarısız"),
        (pa, "declined", "500,00 ₺", "**** 0002", "Yetersiz bakiye"),
    ]
    assert screen.failed_total == 3
    declined = screen.failed_rows[2]
    assert (declined["reason_code"], declined["md_status"], declined["customer"]) == (
        "51",
        "1",
        "Ayşe Şahin",
    )
    assert declined["status_text"] == "Banka reddetti"
    assert declined["installments"] == "1, 2"
    approved = screen.rows[-1]
    assert (approved["transaction_id"], approved["status_text"]) == ("T-1", "Onaylandı")
    assert screen.rows[2]["status_text"] == "Yarıda bırakıldı"
    # the failed list's own pager (its texts are made in the browser: see test_pager_texts…)
    assert (screen.failed_page, screen.failed_pages, screen.page, screen.pages) == (1, 1, 1, 1)


def test_our_own_message_keys_are_not_shown_as_the_banks_code(app_url: str):
    with session_scope(app_url) as db:
        a1 = actor_of(db, "acente.a1")
        a = add_customer(
            db, a1, kind="individual", national_id="17291716060", name="Ayşe Şahin",
            group="bireysel",
        )  # fmt: skip
        pa = approved_policy(db, "acente.a1", a.id).number
        db.commit()
        declined = {"reason_code": "payment.result_declined", "bank_reason": "05 Red - Onaylanmadı"}
        _attempt(db, a.id, pa, "declined", "100.00", "0002", minutes_ago=5, **declined)
        refused = {"reason_code": "10051", "bank_reason": "Kart limiti yetersiz"}
        _attempt(db, a.id, pa, "failed", "100.00", "1111", minutes_ago=2, **refused)
    screen = opened("gm.onay")
    assert [(r["status"], r["reason"], r["reason_code"]) for r in screen.failed_rows] == [
        ("failed", "Kart limiti yetersiz", "10051"),
        ("declined", "05 Red - Onaylanmadı", ""),
    ]


def test_filters_by_result_and_policy_number(book: Book):
    screen = opened("gm.onay")
    screen.apply({"status": "abandoned", "policy_number": ""})
    assert [r["status"] for r in screen.rows] == ["abandoned"]
    assert screen.failed_total == 3  # the result filter is the first list's only
    screen.apply({"status": "", "policy_number": f" {book.pb} "})
    assert _shown(screen.rows) == [
        (str(book.pb), "auth_failed", "750,00 ₺", "**** 1111", "3D doğrulama başarısız")
    ]
    assert [r["policy"] for r in screen.failed_rows] == [str(book.pb)]
    assert screen.filters == {"status": "", "policy_number": str(book.pb)}
    # a status from a forged event is dropped, not passed on
    screen.apply({"status": "<script>", "policy_number": ""})
    assert screen.filters["status"] == "" and screen.total == 6


def test_a_bad_policy_number_is_shown_beside_its_field_and_lists_nothing(book: Book):
    screen = opened("gm.onay")
    screen.apply({"status": "", "policy_number": "12ab"})
    assert "policy_number" in screen.field_errors
    assert screen.rows == [] and screen.failed_rows == []


def test_an_agency_user_sees_only_their_policies_attempts(book: Book):
    screen = opened("acente.b1")
    assert [r["policy"] for r in screen.rows] == [str(book.pb)]
    assert [r["policy"] for r in screen.failed_rows] == [str(book.pb)]
    screen.apply({"status": "", "policy_number": str(book.pa)})  # another agency's policy
    assert screen.rows == [] and screen.failed_rows == [] and screen.total == 0


def test_without_policy_view_nothing_is_listed(book: Book):
    screen = opened("bt.admin")
    assert screen.error == DENIED
    assert screen.rows == [] and screen.failed_rows == []


def test_the_failed_list_pages_on_its_own(app_url: str):
    with session_scope(app_url) as db:
        a1 = actor_of(db, "acente.a1")
        a = add_customer(
            db, a1, kind="individual", national_id="17291716060", name="Ayşe Şahin",
            group="bireysel",
        )  # fmt: skip
        pa = approved_policy(db, "acente.a1", a.id).number
        db.commit()
        for i in range(FAILED_PAGE_SIZE + 2):
            _attempt(db, a.id, pa, "auth_failed", "100.00", "1111", minutes_ago=100 - i,
                     md_status="0", reason_code="3d_failed", bank_reason="kod yanlış")  # fmt: skip
        _attempt(db, a.id, pa, "approved", "100.00", "1111", minutes_ago=1, md_status="1",
                 transaction_id="T-9")  # fmt: skip
    screen = opened("gm.onay")
    assert (screen.failed_total, screen.failed_pages, len(screen.failed_rows)) == (
        FAILED_PAGE_SIZE + 2,
        2,
        FAILED_PAGE_SIZE,
    )
    assert (screen.total, screen.pages) == (FAILED_PAGE_SIZE + 3, 1)
    assert PAGE_SIZE > FAILED_PAGE_SIZE + 3
    first = [r["order_id"] for r in screen.failed_rows]
    screen.failed_next_page()
    assert screen.failed_page == 2 and len(screen.failed_rows) == 2
    assert not set(first) & {r["order_id"] for r in screen.failed_rows}
    assert screen.page == 1 and len(screen.rows) == FAILED_PAGE_SIZE + 3  # untouched
    screen.failed_next_page()  # past the end: stays
    assert screen.failed_page == 2
    screen.failed_prev_page()
    assert screen.failed_page == 1 and [r["order_id"] for r in screen.failed_rows] == first


def test_what_reaches_the_browser_is_plain_and_holds_no_card_number(book: Book):
    screen = opened("gm.onay")
    delta = screen.get_delta()
    assert_plain(delta, "delta")
    assert CARD not in str(delta)
    for row in screen.rows:
        assert set(row) == {
            "order_id",
            "at",
            "customer",
            "policy",
            "installments",
            "amount",
            "card",
            "status",
            "status_text",
            "reason",
            "reason_code",
            "md_status",
            "transaction_id",
        }
