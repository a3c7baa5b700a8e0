"""Two requests for the same thing at the same moment, served by different workers of a
3-worker backend: exactly one takes effect, the other is refused plainly.

- two approvers (two tokens, two head-office approvers) approve the same waiting policy:
  one 200, one 409 `conflict`; one approval, one installment plan, one audit record;
- two cancellations of the same policy (different Idempotency-Keys): one 201, one 409; one
  cancellation endorsement, one `policy.cancel` audit record, one refund;
- two genuine bank callbacks for the same card payment, posted at once (the same signed
  answer twice, or two answers the bank signed for it): one applied, one refused as a
  replay; one payment, one `payment.approved` audit record, both callbacks recorded.

Each pair is connected first and released at one barrier. The worker serving each request
is read from outside the app (fault_support.worker_of: the connection's socket in /proc),
so nothing changes for users; the test asserts that pairs were split across workers, and
every check above holds for each pair."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from iztim_app.core.customers.models import Customer
from iztim_app.core.db import session_scope
from iztim_app.core.organisation.models import Office
from iztim_app.core.payments import providers
from iztim_app.core.payments import services as payments
from iztim_app.core.payments.test_gateway import ACS_STATE_FIELD, GOOD_OTP
from iztim_app.core.portal.services import PortalCustomer
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import operator_actor
from tests.payments.fixtures_payments import card
from tests.scale import fault_support as fs

pytestmark = [pytest.mark.postgres]

PAIRS = 12  # per kind
OVER_LIMIT = "3000000"  # above sube.istanbul's 2 500 000: waits for a head-office approver


def _second_approver(url: str) -> None:
    """gm.onay2: another head-office approver with gm.onay's limits."""
    operator = operator_actor("test")
    with session_scope(url) as db:
        office = db.exec(select(Office).where(Office.code == "GM")).one()
        made = users.create_user(
            db,
            operator,
            code="gm.onay2",
            name="İkinci Onay Yetkilisi",
            office_id=office.id,
            role="hq_approver",
            password="Demo.2026-ikinci",
            must_change_password=False,
        )
        for line in ("konut",):
            users.set_limit(db, operator, made.id, line, "100000000", "100000000")


def _pair(first: Callable[..., fs.Reply], second: Callable[..., fs.Reply]) -> list[fs.Reply]:
    barrier = threading.Barrier(2)
    replies: list[Any] = [None, None]

    def run(i: int, call: Callable[..., fs.Reply]) -> None:
        try:
            replies[i] = call(barrier)
        except BaseException as exc:  # noqa: BLE001 - reported below
            replies[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert all(isinstance(r, fs.Reply) for r in replies), replies
    return replies


def _count(url: str, sql: str, **params: Any) -> int:
    return int(fs.rows(url, sql, **params)[0][0])


def test_two_at_once_exactly_one_takes_effect_across_workers(pg_demo_url, start_backend):
    url = pg_demo_url
    running = start_backend(url, workers=3)
    workers = running.worker_pids()
    _second_approver(url)
    staff = fs.Api(running.port, fs.token(url, "sube.istanbul"))
    approvers = [fs.Api(running.port, fs.token(url, code)) for code in ("gm.onay", "gm.onay2")]
    customer = fs.customer(staff, "10000000146", "Deniz Koç")
    waiting = [
        fs.direct_policy(staff, customer, f"race-w-{i}", OVER_LIMIT, installments=2)
        for i in range(PAIRS)
    ]
    assert {p["status"] for p in waiting} == {"awaiting_approval"}
    to_cancel = [fs.direct_policy(staff, customer, f"race-c-{i}")["number"] for i in range(PAIRS)]
    to_pay = [
        fs.direct_policy(staff, customer, f"race-p-{i}", installments=2)["number"]
        for i in range(PAIRS)
    ]
    split = {"approve": 0, "cancel": 0, "callback": 0}  # pairs on two different workers

    def post(api: fs.Api, path: str, body: Any, key: str | None = None):  # noqa: ANN202
        return lambda barrier: api.post(path, body, key=key, workers=workers, barrier=barrier)

    def served_apart(replies: list[fs.Reply]) -> int:
        pids = [r.worker for r in replies]
        assert all(pid in workers for pid in pids), pids
        return int(pids[0] != pids[1])

    # -- two approvers, one waiting policy
    for policy in waiting:
        n = policy["number"]
        replies = _pair(*(post(a, f"/policies/{n}/approve", None) for a in approvers))
        split["approve"] += served_apart(replies)
        assert sorted(r.status for r in replies) == [200, 409], [r.body[:200] for r in replies]
        refused = next(r for r in replies if r.status == 409).json()
        assert refused["code"] == "conflict" and refused["detail"]
        winner = next(r for r in replies if r.status == 200).json()
        assert winner["status"] == "approved"
        assert winner["approved_by"] in ("gm.onay", "gm.onay2")
        assert (
            _count(
                url, "SELECT count(*) FROM policy WHERE number = :n AND status = 'approved'", n=n
            )
            == 1
        )
        assert (
            _count(
                url,
                "SELECT count(*) FROM audit_event WHERE action = 'policy.approve'"
                " AND entity_id = :n",
                n=str(n),
            )
            == 1
        )
        assert _count(url, "SELECT count(*) FROM installment WHERE policy_number = :n", n=n) == 2

    # -- two cancellations of one approved policy
    cancel = {"effective": fs.day(10), "reason": "sigortali_talebi"}
    for n in to_cancel:
        replies = _pair(
            post(staff, f"/policies/{n}/cancellation", cancel, key=f"race-cancel-{n}-a"),
            post(staff, f"/policies/{n}/cancellation", cancel, key=f"race-cancel-{n}-b"),
        )
        split["cancel"] += served_apart(replies)
        assert sorted(r.status for r in replies) == [201, 409], [r.body[:200] for r in replies]
        assert next(r for r in replies if r.status == 409).json()["code"] == "conflict"
        assert next(r for r in replies if r.status == 201).json()["kind"] == "cancellation"
        assert (
            _count(
                url,
                "SELECT count(*) FROM endorsement WHERE policy_number = :n"
                " AND kind = 'cancellation'",
                n=n,
            )
            == 1
        )
        assert (
            _count(
                url,
                "SELECT count(*) FROM audit_event WHERE action = 'policy.cancel'"
                " AND entity_id = :n",
                n=str(n),
            )
            == 1
        )
        assert fs.expect(staff.get(f"/policies/{n}"), 200)["status"] == "cancelled"

    # -- two genuine bank callbacks for one card payment
    with session_scope(url) as db:
        found = db.exec(select(Customer).where(Customer.number == customer)).one()
        portal = PortalCustomer(found.id, found.number, found.name)
        gateway = providers.gateway(db, providers.TEST)
        answers = []
        for i, n in enumerate(to_pay):
            started = payments.start_payment(db, portal, n, [1], card(), source="203.0.113.7")
            state = started.three_d.form_fields[ACS_STATE_FIELD]
            first = gateway.acs_submit(state, GOOD_OTP)
            # the same answer twice (a double post), or two answers the bank signed for it
            second = dict(first) if i % 2 == 0 else gateway.acs_submit(state, GOOD_OTP)
            answers.append((n, started.order_id, first, second))

    def callback(fields: dict[str, str]):  # noqa: ANN202
        form = urllib.parse.urlencode(fields).encode()
        return lambda barrier: fs.request(
            running.port, "POST", "/portal/odeme/donus", form=form, workers=workers, barrier=barrier
        )

    for n, order_id, first, second in answers:
        replies = _pair(callback(first), callback(second))
        split["callback"] += served_apart(replies)
        assert [r.status for r in replies] == [303, 303]
        said = sorted(
            urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["location"]).query).get(
                "yanit", ["applied"]
            )[0]
            for r in replies
        )
        assert said == ["applied", "replay"], said
        assert _count(url, "SELECT count(*) FROM payment WHERE policy_number = :n", n=n) == 1
        assert (
            _count(
                url,
                "SELECT count(*) FROM installment WHERE policy_number = :n AND seq = 1"
                " AND paid = amount",
                n=n,
            )
            == 1
        )
        outcomes = fs.rows(
            url,
            "SELECT outcome FROM payment_callback WHERE order_id = :o ORDER BY outcome",
            o=order_id,
        )
        assert outcomes == [("applied",), ("replay",)]
        assert (
            _count(
                url,
                "SELECT count(*) FROM audit_event WHERE action = 'payment.approved'"
                " AND entity_id = :o",
                o=order_id,
            )
            == 1
        )

    # the pairs really were served by different workers (3 workers: about 2 in 3 are)
    assert sum(split.values()) >= PAIRS // 2 and min(split.values()) >= 1, split
    fs.check_whole(url, [p["number"] for p in waiting] + to_cancel + to_pay)
    print(f"\nraces: pairs (of {PAIRS} each) served by two different workers: {split}")
