"""Two portal customers for the security tests: A (the attacker, signed in) and B (the
victim), with everything of B's an attacker could name — policy numbers, installment seqs
and ids, an approved and an open card payment (order ids, the receipt), a quote, a portal
request — and the views the tests search: B's traces, a whole-database snapshot, the money
facts, every text cell.

Parts another helper is still building (payments, portal requests) are added when their
module exists, so the tests grow with the product instead of breaking on a missing import.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from reflex.state import State
from reflex.utils.format import json_dumps
from reflex_base import constants
from sqlmodel import Session, select

from iztim_app import portal_routes
from iztim_app.core import clock
from iztim_app.core.customers.models import Customer
from iztim_app.core.db import get_engine
from iztim_app.core.installments.models import Installment
from iztim_app.core.money import format_number, format_try
from iztim_app.core.payments.test_gateway import SECRET_NAME
from iztim_app.core.policies import access_codes
from iztim_app.core.portal import services as portal
from iztim_app.core.portal.services import PortalCustomer
from iztim_app.core.secrets import installation_secret
from tests import postgres
from tests.conftest import copy_sqlite, sqlite_url
from tests.endorsements.fixtures_policies import approved_policy
from tests.foundation.support import actor_of, all_cell_texts, snapshot
from tests.quotes.fixtures_customers import Cust, add_customer, tckn
from tests.quotes.fixtures_quotes import form, save

SOURCE = "203.0.113.50"
APPROVED_CARD = "4111 1111 1111 1111"
CVV = "123"
GOOD_OTP = "123456"
ENDORSED = date(2026, 6, 10)  # in the fixtures' policy term (2026-03-02 – 2027-03-02)
GHOST_POLICY = 9999991  # a policy number nobody has
GHOST_ORDER = "PA0000000000000000000000"  # an order id nobody has
# Tables a refused or read-only call may still write: the audit trail, the sign-in
# throttle's counts, a portal session's last-seen time.
ORIGIN = "http://localhost:3000"
ADDRESS = re.compile(r" at 0x[0-9a-f]+")  # a function's address in a returned event's repr
MAY_CHANGE = frozenset({"audit_event", "sign_in_throttle", "portal_session"})


def optional(module: str) -> Any:
    """A product module that may not exist yet (another helper is writing it)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def payments_services() -> Any:
    return optional("iztim_app.core.payments.services")


def portal_requests() -> Any:
    return optional("iztim_app.core.portal.requests")


@dataclass
class World:
    a: Cust
    b: Cust
    a_policy: int
    a_code: str
    b_policy: int  # three installments, the first paid by card (when payments exist)
    b_policy2: int  # a second policy of B's, nothing paid
    b_code: str
    b_seqs: tuple[int, ...]
    b_installment_ids: tuple[int, ...]
    b_amounts: tuple[Decimal, ...]
    b_premiums: tuple[Decimal, ...]
    a_quote: int
    b_quote: int
    b_quote_id: int
    twin_number: int = 0  # A's twin: same person, agency B's record
    twin_policy: int = 0
    twin_code: str = ""
    b_orders: tuple[str, ...] = ()  # B's payment attempts (approved, still open)
    b_transactions: tuple[str, ...] = ()
    b_request_ids: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def b_traces(self) -> list[str]:
        """Texts that would betray B: who B is, B's numbers, B's money, B's code."""
        b = self.b
        texts = [
            b.name,
            str(b.number),
            b.national_id,
            b.national_id[:3] + "*" * (len(b.national_id) - 5) + b.national_id[-2:],
            self.b_code,
            str(self.b_policy),
            str(self.b_policy2),
            str(self.b_quote),
            str(self.twin_number),
            str(self.twin_policy),
            self.twin_code,
            *self.b_orders,
            *self.b_transactions,
        ]
        for money in (*self.b_amounts, *self.b_premiums):
            texts += [format_try(money), format_number(money), str(money)]
        return sorted(set(texts))


def _installments(db: Session, number: int) -> list[Installment]:
    return list(
        db.exec(
            select(Installment).where(Installment.policy_number == number).order_by(Installment.seq)
        ).all()
    )


def sign_in_token(db: Session, number: int | str, code: str, source: str = SOURCE) -> str:
    """The cookie token of a browser signed in with `number` + `code` (with the hand-off
    when the service has one)."""
    opened = portal.sign_in(db, str(number), code, source)
    redeem = getattr(portal, "redeem_handoff", None)
    if redeem is not None and getattr(opened, "handoff", ""):
        token = redeem(db, opened.handoff)
        assert token
        return token
    return opened.token


def portal_customer(db: Session, token: str) -> PortalCustomer:
    me = portal.resolve(db, token)
    assert me is not None
    return me


def card(number: str = APPROVED_CARD, cvv: str = CVV) -> Any:
    from iztim_app.core.payments.gateway import CardInput

    today = clock.today()
    return CardInput(number, "CAN YILDIZ", "12", str(today.year + 3), cvv)


def pay_by_test_card(
    db: Session, me: PortalCustomer, policy: int, seqs: list[int], otp: str = GOOD_OTP
) -> tuple[Any, Any]:
    """The whole test-bank flow at the service level: start, the ACS page's code, the
    callback. Returns (StartedPayment, PaymentOutcome)."""
    from iztim_app.core.payments import providers
    from iztim_app.core.payments.test_gateway import ACS_STATE_FIELD

    pay = payments_services()
    started = pay.start_payment(db, me, policy, seqs, card(), source=SOURCE)
    bank = providers.gateway(db, "test")
    fields = bank.acs_submit(started.three_d.form_fields[ACS_STATE_FIELD], otp)
    outcome = pay.complete_payment(db, fields, source=SOURCE)
    return started, outcome


def build_world(db: Session) -> World:
    a1, b1 = actor_of(db, "acente.a1"), actor_of(db, "acente.b1")
    a = add_customer(
        db, a1, kind="individual", national_id="17291716060", name="Ayşe Şahin", group="bireysel"
    )
    b = add_customer(
        db,
        b1,
        kind="individual",
        national_id=tckn("345678912"),
        name="Can Yıldız",
        group="bireysel",
    )
    # A's twin: the same person as a customer of agency B, another record (never seen by A)
    from iztim_app.core.customers.services import create_customer

    twin = create_customer(
        db,
        b1,
        kind="individual",
        national_id=a.national_id,
        name=a.name,
        tax_office="",
        customer_group="bireysel",
        address="Kızılay Ankara",
        phone="05320000000",
        email="ikiz@example.com",
    )
    a_pol = approved_policy(db, "acente.a1", a.id, installment_count=2)
    b_pol = approved_policy(db, "acente.b1", b.id, sum_insured="650000", installment_count=3)
    b_pol2 = approved_policy(db, "acente.b1", b.id, sum_insured="710000", installment_count=2)
    twin_pol = approved_policy(db, "acente.b1", twin.id, sum_insured="590000")
    codes = {p.number: access_codes.ensure(db, p) for p in (a_pol, b_pol, b_pol2, twin_pol)}
    db.commit()
    installation_secret(db, SECRET_NAME)  # made now, not lazily by the first payment
    installation_secret(db, "documents")
    today = clock.today()
    a_quote = save(db, "acente.a1", form("konut", a.id, "400000", start=today), today=today)
    b_quote = save(db, "acente.b1", form("konut", b.id, "520000", start=today), today=today)
    # an increase on B's policy, approved by the head office: B's endorsement PDF exists
    from iztim_app.core.endorsements import services as endorsements

    raised = endorsements.create_endorsement(
        db, actor_of(db, "gm.onay"), b_pol.number, "increase", ENDORSED, {}, "700000", "Artış"
    )
    if raised.status != "approved":
        endorsements.approve_endorsement(db, actor_of(db, "gm.onay"), b_pol.number, raised.seq)
    b_plan = _installments(db, b_pol.number) + _installments(db, b_pol2.number)
    world = World(
        a=a,
        b=b,
        a_policy=a_pol.number,
        a_code=codes[a_pol.number],
        b_policy=b_pol.number,
        b_policy2=b_pol2.number,
        b_code=codes[b_pol.number],
        b_seqs=tuple(i.seq for i in _installments(db, b_pol.number)),
        b_installment_ids=tuple(i.id for i in b_plan),
        b_amounts=tuple(i.amount for i in b_plan),
        b_premiums=(
            b_pol.gross_premium,
            b_pol2.gross_premium,
            b_quote.gross_premium,
            raised.gross_change,
            raised.gross_in_force_after,
            twin_pol.gross_premium,
        ),
        a_quote=a_quote.number,
        b_quote=b_quote.number,
        b_quote_id=b_quote.id,
        twin_number=twin.number,
        twin_policy=twin_pol.number,
        twin_code=codes[twin_pol.number],
    )
    assert world.b_seqs == (1, 2, 3, 4)  # the increase became a 4th installment
    b_token = sign_in_token(db, b_pol.number, codes[b_pol.number])
    b_me = portal_customer(db, b_token)
    if payments_services() is not None:
        started, outcome = pay_by_test_card(db, b_me, b_pol.number, [1])
        assert outcome.status == "approved", outcome
        from iztim_app.core.payments.models import PaymentAttempt

        open_one = payments_services().start_payment(
            db, b_me, b_pol.number, [2], card(), source=SOURCE
        )
        db.expire_all()
        attempts = db.exec(select(PaymentAttempt).where(PaymentAttempt.customer_id == b.id)).all()
        world.b_orders = (started.order_id, open_one.order_id)
        world.b_transactions = tuple(x.transaction_id for x in attempts if x.transaction_id)
        assert {x.order_id for x in attempts} == set(world.b_orders)
    requests = portal_requests()
    if requests is not None and hasattr(requests, "ask_for_policy"):
        made = requests.ask_for_policy(db, b_me, b_quote.number, source=SOURCE)
        world.b_request_ids = (made.id,) if hasattr(made, "id") else ()
    db.commit()
    world.extra["b_token"] = b_token
    return world


# ---------------------------------------------------------------- whole-database views


def guarded(url: str, may_change: frozenset[str] = MAY_CHANGE) -> dict[str, tuple[int, str]]:
    """Every row of every table but the ones a refusal may write (see MAY_CHANGE)."""
    return {k: v for k, v in snapshot(url).items() if k not in may_change}


def money_facts(url: str) -> dict[str, Any]:
    """Counts and sums of what a customer could change: paid amounts, payments, attempts,
    quotes, portal requests (the tables that exist at this head)."""
    queries = {
        "installment": "SELECT COUNT(*), COALESCE(SUM(paid), 0) FROM installment",
        "payment": "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM payment",
        "payment_attempt": "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM payment_attempt",
        "payment_attempt_final": (
            "SELECT COUNT(*), 0 FROM payment_attempt WHERE status <> 'started'"
        ),
        "quote": "SELECT COUNT(*), COALESCE(SUM(gross_premium), 0) FROM quote",
        "portal_request": "SELECT COUNT(*), 0 FROM portal_request",
        "portal_request_open": "SELECT COUNT(*), 0 FROM portal_request WHERE status = 'open'",
    }
    out: dict[str, Any] = {}
    with get_engine(url).connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        for key, sql in queries.items():
            if key.split("_final")[0].split("_open")[0] in names:
                count, total = conn.exec_driver_sql(sql).one()
                out[key] = (int(count), Decimal(str(total)).quantize(Decimal("0.01")))
    return out


def text_cells(url: str) -> list[tuple[str, str, str]]:
    return all_cell_texts(url)


def b_hits(texts: str, world: World, allowed: frozenset[str] = frozenset()) -> list[str]:
    return sorted(t for t in world.b_traces() if t not in allowed and t in texts)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


# ---------------------------------------------------------------- a browser tab


class Tab:
    """One browser tab: its socket's cookie and address, its page visits, and everything the
    app sent it (every delta, the whole state, what each handler returned or raised)."""

    def __init__(self, token: str | None, ip: str) -> None:
        self.root = State(_reflex_internal_init=True)
        self.token = token
        self.ip = ip
        self.sent: list[str] = []
        self.results: list[Any] = []  # what each handler returned (events for the browser)
        self.visit("/portal")

    def visit(self, path: str, **query: str) -> None:
        headers = {"origin": ORIGIN}
        if self.token:
            headers["cookie"] = f"{portal_routes.PORTAL_COOKIE}={self.token}"
        data = {
            constants.RouteVar.PATH: path,
            constants.RouteVar.ORIGIN: path + (f"?{urlencode(query)}" if query else ""),
            constants.RouteVar.QUERY: dict(query),
            constants.RouteVar.HEADERS: headers,
            constants.RouteVar.CLIENT_IP: self.ip,
        }
        self.root.router_data = self.root._update_router_vars(data, self.root.router_data)

    def sub(self, cls: type) -> Any:
        return self.root.get_substate(cls.get_full_name().split("."))

    def call(self, cls: type, name: str, *args: Any) -> None:
        state = self.sub(cls)
        try:
            result = getattr(state, name)(*args)
            if inspect.isgenerator(result):
                result = list(result)
            elif inspect.iscoroutine(result):
                result = asyncio.run(result)
            elif inspect.isasyncgen(result):

                async def drain(gen: Any) -> list[Any]:
                    return [x async for x in gen]

                result = asyncio.run(drain(result))
            self.results.append(result)
            self.sent.append(f"returned {ADDRESS.sub('', repr(result))}")
        except Exception as exc:  # the event processor would turn it into an error event
            self.sent.append(f"raised {type(exc).__name__}: {exc}")
        self.sent.append(json_dumps(self.root.get_delta()))
        self.root._clean()

    def payload(self) -> str:
        return "\n".join([*self.sent, json_dumps(self.root.dict())])


# ---------------------------------------------------------------- one world per module


@contextmanager
def world_database(engine: str, request: pytest.FixtureRequest, tmp: Path) -> Iterator[str]:
    """A copy of the quotes' template (demo organisation, tariff) on `engine`."""
    if engine == "sqlite":
        target = tmp / "world.db"
        copy_sqlite(request.getfixturevalue("quotes_template"), target)
        url = sqlite_url(target)
        try:
            yield url
        finally:
            get_engine(url).dispose()
        return
    with postgres.database("iztim_sec", template=request.getfixturevalue("pg_template")) as url:
        yield url


def customer_row(db: Session, cust: Cust) -> Customer:
    return db.exec(select(Customer).where(Customer.id == cust.id)).one()
