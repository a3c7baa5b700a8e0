"""Every service that reads or writes data, against the four actors that matter.

For each service (one `Case` line in CASES below):
- an allowed actor succeeds, and what it wrote is audited under its name;
- (i) the same actor without the service's permission is refused;
- (ii) an agency user of another agency, on this agency's record, finds nothing: out of
  scope behaves exactly like a record that does not exist;
- (iii) the allowed actor whose temporary password change is pending is refused;
and after every refusal not one row anywhere changed. A new service is one more Case
line; `test_every_service_taking_an_actor_is_in_the_matrix` fails until it is added.

The role × service matrix for user and office administration (every role template as a
real user) is in test_permission_matrix.py; its services are reused here.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

import iztim_app.core
from iztim_app.core import clock
from iztim_app.core.customers import services as customers
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import (
    DomainError,
    NotFound,
    PasswordChangeRequired,
    PermissionDenied,
    ValidationFailed,
)
from iztim_app.core.installments import services as installments
from iztim_app.core.notifications import services as notifications
from iztim_app.core.outbox import services as outbox
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyFilter, PolicyInput
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.services import QuoteFilter, QuoteInput
from iztim_app.core.renewals import services as renewals
from iztim_app.core.tariffs import rating, versions
from iztim_app.core.tariffs.rating import price
from iztim_app.core.users import services as user_services
from iztim_app.core.users.actor import Actor, operator_actor
from tests.conftest import copy_sqlite, sqlite_url
from tests.endorsements.fixtures_policies import approved_policy
from tests.foundation import test_permission_matrix as admin_matrix
from tests.foundation.fixtures_db import IDLE_MINUTES
from tests.foundation.support import (
    actor_of,
    assert_session_clean,
    audit_since,
    last_audit_id,
    snapshot,
    use_settings,
)
from tests.installments.fixtures_policies import add_plan_world
from tests.quotes.fixtures_db import SHIPPED
from tests.quotes.fixtures_quotes import FORMS

PENDING_READY = "password_change_pending" in {f.name for f in dataclasses.fields(Actor)}

A1, B1 = "acente.a1", "acente.b1"  # a user of agency A, a user of agency B
APPROVER, MANAGER, IT = "gm.onay", "gm.mudur", "bt.admin"
RECIPIENT = "musteri@example.com"
LINES_CSV = (SHIPPED / "lines.csv").read_bytes()
DRAFT_LINES_CSV = LINES_CSV.replace(  # the draft: konut's minimum premium 350 → 360
    "konut,Konut Sigortası,Home Insurance,350.00".encode(),
    "konut,Konut Sigortası,Home Insurance,360.00".encode(),
)
assert DRAFT_LINES_CSV != LINES_CSV


# ---------------------------------------------------------------- the world the services act on


@dataclass(frozen=True)
class Ids:
    """Records of the world template: agency A's customer, quotes and e-mail; a draft tariff."""

    a1_customer_id: int
    a1_customer_number: int
    approved: int  # quote number, approved (within acente.a1's limit), printable
    awaiting: int  # quote number, over acente.a1's limit: awaiting approval
    message_id: int  # acente.a1's e-mail of the approved quote, queued (no mail server)
    v1_id: int  # tariff version in force
    draft_id: int  # tariff version 2, a draft (konut's minimum premium 360 instead of 350)
    # acente.a1's policy with a plan (installments/fixtures_policies.add_plan_world): one
    # installment open (250.00), 100.00 owed back
    plan_policy: int = 0
    open_installment_id: int = 0
    refund_due_id: int = 0
    # acente.a1's konut policies of 400 000 from today (endorsements): one untouched, one
    # with increase 1/waiting_policy to 3 000 000 by İstanbul Şube, awaiting approval
    endorse_policy: int = 0
    waiting_policy: int = 0
    # acente.a1's konut policies issued last (policies): approved (300 000), awaiting
    # (900 000, over its limit), and one approved then un-approved by gm.onay: a draft v2
    policy_approved: int = 0
    policy_awaiting: int = 0
    policy_draft: int = 0
    # acente.a1's konut policy (renewals) issued 335 days ago: ends in about 30 days, so
    # inside the 60-day renewal window
    renewable_policy: int = 0


@dataclass
class World:
    db: Session
    url: str
    ids: Ids
    today: Any = field(default_factory=clock.today)


def konut(customer_id: int, sum_insured: str) -> QuoteInput:
    return QuoteInput("konut", customer_id, sum_insured, clock.today(), None, dict(FORMS["konut"]))


def konut_policy(
    customer_id: int, sum_insured: str, quote_number: int | None = None
) -> PolicyInput:
    return PolicyInput(
        "konut",
        customer_id,
        sum_insured,
        clock.today(),
        None,
        dict(FORMS["konut"]),
        installment_count=2,
        quote_number=quote_number,
    )


def _add_policies(db: Session, a1: Actor, customer_id: int) -> tuple[int, int, int]:
    approved = policies.issue(db, a1, konut_policy(customer_id, "300000")).policy.number
    awaiting = policies.issue(db, a1, konut_policy(customer_id, "900000")).policy.number
    draft = policies.issue(db, a1, konut_policy(customer_id, "350000")).policy.number
    policies.unapprove(db, actor_of(db, APPROVER), draft, "Düzeltme")
    return approved, awaiting, draft


def _renewable_policy(db: Session, a1: Actor, customer_id: int) -> int:
    start = _in_days(-335)
    inp = PolicyInput("konut", customer_id, "300000", start, None, dict(FORMS["konut"]))
    return policies.issue(db, a1, inp, today=start).policy.number


def _in_days(days: int) -> Any:
    return clock.today() + timedelta(days=days)


def _fill(db: Session) -> Ids:
    operator = operator_actor("test")
    assert versions.load_shipped(db, operator, SHIPPED) is True
    a1 = actor_of(db, A1)
    person = customers.create_customer(
        db,
        a1,
        kind="individual",
        national_id="17291716060",
        name="Ayşe Şahin",
        customer_group="bireysel",
        address="Bağdat Cad. No: 1 Kadıköy/İstanbul",
        phone="05321234567",
        email=RECIPIENT,
    )
    approved = quotes.save_quote(db, a1, konut(person.id, "400000"))
    awaiting = quotes.save_quote(db, a1, konut(person.id, "900000"))
    assert (approved.status, awaiting.status) == ("approved", "awaiting_approval")
    message = outbox.queue_quote(db, a1, approved.number, RECIPIENT)
    draft = versions.upload(
        db, operator, filename="lines.csv", data=DRAFT_LINES_CSV, target_path="lines.csv"
    )
    v1 = next(v for v in versions.list_versions(db, operator) if v.number == 1)
    plan = add_plan_world(db, a1, person.id, clock.today())
    endorse = approved_policy(db, A1, person.id, "konut", "400000", start=clock.today())
    waiting = approved_policy(db, A1, person.id, "konut", "400000", start=clock.today())
    increase = endorsements.create_endorsement(
        db,
        actor_of(db, "sube.istanbul"),
        waiting.number,
        "increase",
        _in_days(30),
        {},
        "3000000",
        "Bedel artışı",
    )
    assert increase.status == "awaiting_approval"
    renewable = _renewable_policy(db, a1, person.id)
    policy_approved, policy_awaiting, policy_draft = _add_policies(db, a1, person.id)
    return Ids(
        a1_customer_id=person.id,
        a1_customer_number=person.number,
        approved=approved.number,
        awaiting=awaiting.number,
        message_id=message.message_id,
        v1_id=v1.id,
        draft_id=draft.id,
        plan_policy=plan.policy_number,
        open_installment_id=plan.open_installment_id,
        refund_due_id=plan.refund_due_id,
        endorse_policy=endorse.number,
        waiting_policy=waiting.number,
        policy_approved=policy_approved,
        policy_awaiting=policy_awaiting,
        policy_draft=policy_draft,
        renewable_policy=renewable,
    )


@pytest.fixture(scope="session")
def world_template(
    tmp_path_factory: pytest.TempPathFactory, matrix_template: Path, lines_dir: Path
) -> tuple[Path, Ids]:
    """The matrix organisation (demo offices and users, one user per role) plus the shipped
    tariff, one customer and two quotes of acente.a1, its queued e-mail and a draft tariff."""
    target = tmp_path_factory.mktemp("world") / "world.db"
    copy_sqlite(matrix_template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=lines_dir, smtp_host="")
        with session_scope(url) as db:
            ids = _fill(db)
        get_engine(url).dispose()
        get_engine.cache_clear()
    return target, ids


@pytest.fixture
def world(
    sqlite_db_from, world_template: tuple[Path, Ids], lines_dir: Path, monkeypatch
) -> Iterator[World]:
    template, ids = world_template
    url = sqlite_db_from(template)
    use_settings(
        monkeypatch,
        database_url=url,
        tariffs_dir=lines_dir,
        session_idle_minutes=IDLE_MINUTES,
        demo_mode=True,
        smtp_host="",
    )
    with session_scope(url) as db:
        yield World(db, url, ids)
    get_engine.cache_clear()


# ---------------------------------------------------------------- the declared table


@dataclass(frozen=True)
class Outsider:
    """What an agency user of another agency meets: `expect` is the refusal (an error class,
    or a (class, code) pair), or a check of a result that must hold none of the records."""

    code: str
    expect: type[DomainError] | tuple[type[DomainError], str] | Callable[[World, Any], None]


@dataclass(frozen=True)
class Case:
    name: str  # "<package>.<function>", optionally "#variant"
    call: Callable[[World, Actor], Any]
    allowed: str  # a user code that may do it
    needs: frozenset[str]  # without all of these the allowed actor is refused; empty = open
    writes: str | None  # the audit action of an allowed call; None for reads
    check: Callable[[World, Any], None]
    outsider: Outsider | None  # None: not an agency's record (see the reason)
    outsider_reason: str = ""
    touches_rows: bool = False  # no audited write, yet rows may change (a send attempt)

    @property
    def function(self) -> str:
        return self.name.split("#")[0]


def eq(actual: Any, expected: Any) -> None:
    assert actual == expected


def _statuses(world: World) -> list[tuple[int, str]]:
    return [(v.number, v.status) for v in versions.list_versions(world.db, operator_actor())]


VIEW = frozenset({"quote.view", "quote.create"})  # either lets a user read quotes/customers
CREATE = frozenset({"quote.create"})
APPROVE = frozenset({"quote.approve"})
TARIFF_READ = frozenset({"tariff.view", "tariff.manage"})
TARIFF = frozenset({"tariff.manage"})
STATS = frozenset({"report.view", "quote.view"})
PLAN_READ = frozenset({"policy.view", "payment.record"})  # either lets a user read a plan
ENDORSE = frozenset({"endorsement.create"})
CANCEL = frozenset({"cancellation.create"})
POLICY_APPROVE = frozenset({"policy.approve"})
# any of these lets a user read a policy's endorsements
ENDORSEMENT_READ = frozenset(
    {"policy.view", "policy.issue", "endorsement.create", "cancellation.create"}
)
NOT_AGENCY_POWER = "agencies never hold this permission (AGENCY_FORBIDDEN)"
POLICY_READ = frozenset({"policy.view", "policy.issue"})  # either lets a user read policies
ISSUE = frozenset({"policy.issue"})
UNAPPROVE = frozenset({"policy.unapprove"})
AGENCY_NEVER_CHANGES = "agencies never change a policy once approved (drafts exist only then)"
COMPANY_WIDE = "tariff versions are company-wide, not an agency's records"


def _numbers(result: Any) -> list[int]:
    return [row.number for row in result.rows]


def sees_none_of_agency_a(world: World, result: Any) -> None:
    assert (result.total, _numbers(result)) == (0, [])


def not_found(code: str = B1) -> Outsider:
    return Outsider(code, NotFound)


def _try_price(world: World, actor: Actor) -> Any:
    """The tariff screen's "try a price" on the draft: its rules, priced in memory."""
    tariff = versions.get_tariff_set(world.db, actor, world.ids.draft_id)
    return price(tariff, "konut", "bireysel", "100000", world.today, None, dict(FORMS["konut"]))


def _pdf_check(world: World, printed: Any) -> None:
    assert (printed.filename, printed.content[:5]) == (f"teklif-{world.ids.approved}.pdf", b"%PDF-")


def _admin_case(service: admin_matrix.Service) -> Case:
    """User, office and audit administration, as declared in the role matrix: done by IT."""
    return Case(
        service.name,
        lambda w, a: service.call(w.db, a),
        IT,
        frozenset({service.required}),
        service.writes,
        lambda w, r: service.check(w.db, r),
        None,
        NOT_AGENCY_POWER,
    )


CASES: tuple[Case, ...] = (
    # -------------------------------------------------------------- quotes
    Case(
        "quotes.preview",
        lambda w, a: quotes.preview(w.db, a, konut(w.ids.a1_customer_id, "400000")),
        A1,
        CREATE,
        None,
        lambda w, r: eq(
            (r.tariff_version, r.needs_approval, r.gross_premium > 0), (1, False, True)
        ),
        Outsider(B1, (ValidationFailed, "quote.customer_required")),
    ),
    Case(
        "quotes.save_quote",
        lambda w, a: quotes.save_quote(w.db, a, konut(w.ids.a1_customer_id, "300000")),
        A1,
        CREATE,
        "quote.create",
        lambda w, r: eq((r.number, r.status, r.prepared_by), (w.ids.awaiting + 1, "approved", A1)),
        Outsider(B1, (ValidationFailed, "quote.customer_required")),
    ),
    Case(
        "quotes.save_quote#revise",
        lambda w, a: quotes.save_quote(
            w.db, a, konut(w.ids.a1_customer_id, "350000"), revises=w.ids.approved
        ),
        A1,
        CREATE,
        "quote.supersede",  # then quote.create (see _expected_actions)
        lambda w, r: eq((r.revises_number, r.status), (w.ids.approved, "approved")),
        Outsider(B1, NotFound),
    ),
    Case(
        "quotes.get_quote",
        lambda w, a: quotes.get_quote(w.db, a, w.ids.approved),
        A1,
        VIEW,
        None,
        lambda w, r: eq(
            (r.number, r.status, r.customer_name), (w.ids.approved, "approved", "Ayşe Şahin")
        ),
        not_found(),
    ),
    Case(
        "quotes.list_quotes",
        lambda w, a: quotes.list_quotes(w.db, a, QuoteFilter()),
        A1,
        VIEW,
        None,
        lambda w, r: eq(_numbers(r), [w.ids.awaiting, w.ids.approved]),
        Outsider(B1, sees_none_of_agency_a),
    ),
    Case(
        "quotes.customer_quotes",
        lambda w, a: quotes.customer_quotes(w.db, a, w.ids.a1_customer_number),
        A1,
        VIEW,
        None,
        lambda w, r: eq(_numbers(r), [w.ids.awaiting, w.ids.approved]),
        not_found(),
    ),
    Case(
        "quotes.work_summary",
        lambda w, a: quotes.work_summary(w.db, a),
        A1,
        VIEW,
        None,
        lambda w, r: eq((r.awaiting, r.approved, r.queue), (1, 1, None)),
        Outsider(B1, lambda w, r: eq((r.awaiting, r.approved, r.queue), (0, 0, None))),
    ),
    Case(
        "quotes.statistics",
        lambda w, a: quotes.statistics(w.db, a, w.today - timedelta(days=1), w.today),
        A1,
        STATS,
        None,
        lambda w, r: eq(
            [(s.line_code, s.customer_kind, s.count, s.sum_insured, s.approved) for s in r],
            [("konut", "individual", 2, Decimal("1300000.00"), 1)],
        ),
        Outsider(B1, lambda w, r: eq(r, [])),
    ),
    Case(
        "quotes.approval_queue",
        lambda w, a: quotes.approval_queue(w.db, a),
        APPROVER,
        APPROVE,
        None,
        lambda w, r: eq(_numbers(r), [w.ids.awaiting]),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "quotes.approve",
        lambda w, a: quotes.approve(w.db, a, w.ids.awaiting),
        APPROVER,
        APPROVE,
        "quote.approve",
        lambda w, r: eq((r.status, r.approved_by), ("approved", APPROVER)),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "quotes.reject",
        lambda w, a: quotes.reject(w.db, a, w.ids.awaiting, "Eksik belge"),
        APPROVER,
        APPROVE,
        "quote.reject",
        lambda w, r: eq(
            (r.status, r.rejected_by, r.rejection_reason), ("rejected", APPROVER, "Eksik belge")
        ),
        None,
        NOT_AGENCY_POWER,
    ),
    # -------------------------------------------------------------- customers
    Case(
        "customers.create_customer",
        lambda w, a: customers.create_customer(
            w.db,
            a,
            kind="individual",
            national_id="10000000146",
            name="Mehmet Öztürk",
            customer_group="bireysel",
        ),
        A1,
        CREATE,
        "customer.create",
        lambda w, r: eq((r.number, r.created_by), (w.ids.a1_customer_number + 1, A1)),
        None,
        "a new customer is the agency's own record; a TCKN on record only in another "
        "agency's portfolio is tested in tests/customers/test_customer_portfolios.py",
    ),
    Case(
        "customers.find_customers",
        lambda w, a: customers.find_customers(w.db, a, ""),
        A1,
        VIEW,
        None,
        lambda w, r: eq([c.number for c in r.rows], [w.ids.a1_customer_number]),
        Outsider(B1, lambda w, r: eq((r.total, r.rows), (0, []))),
    ),
    Case(
        "customers.find_customers#by_tckn",
        lambda w, a: customers.find_customers(w.db, a, "17291716060"),
        A1,
        VIEW,
        None,
        lambda w, r: eq([c.number for c in r.rows], [w.ids.a1_customer_number]),
        Outsider(B1, lambda w, r: eq((r.total, r.rows), (0, []))),
    ),
    Case(
        "customers.get_customer",
        lambda w, a: customers.get_customer(w.db, a, customer_id=w.ids.a1_customer_id),
        A1,
        VIEW,
        None,
        lambda w, r: eq((r.number, r.name), (w.ids.a1_customer_number, "Ayşe Şahin")),
        not_found(),
    ),
    Case(
        "customers.customer_page",
        lambda w, a: customers.customer_page(w.db, a, w.ids.a1_customer_number),
        A1,
        VIEW,
        None,
        lambda w, r: eq(
            (r.customer.number, r.same_person, r.can_edit), (w.ids.a1_customer_number, (), True)
        ),
        not_found(),
    ),
    Case(
        "customers.person_record_ids",
        lambda w, a: customers.person_record_ids(w.db, a, w.ids.a1_customer_number),
        A1,
        VIEW,
        None,
        lambda w, r: eq(r, [w.ids.a1_customer_id]),
        not_found(),
    ),
    Case(
        "customers.update_customer",
        lambda w, a: customers.update_customer(
            w.db,
            a,
            w.ids.a1_customer_number,
            tax_office="",
            address="Moda Cad. No: 2",
            phone="05329876543",
            email=RECIPIENT,
        ),
        A1,
        CREATE,
        "customer.update",
        lambda w, r: eq((r.address, r.phone), ("Moda Cad. No: 2", "05329876543")),
        not_found(),
    ),
    # -------------------------------------------------------------- outbox
    Case(
        "outbox.queue_quote",
        lambda w, a: outbox.queue_quote(w.db, a, w.ids.approved, RECIPIENT),
        A1,
        VIEW,
        "quote.email",
        lambda w, r: eq((r.status, r.recipient, r.number), ("queued", RECIPIENT, w.ids.approved)),
        not_found(),
    ),
    Case(
        "outbox.status_of",
        lambda w, a: outbox.status_of(w.db, a, w.ids.message_id),
        A1,
        frozenset(),
        None,
        lambda w, r: eq(r, "queued"),
        not_found(),
    ),
    # -------------------------------------------------------------- installments
    Case(
        "installments.plan_of",
        lambda w, a: installments.plan_of(w.db, a, w.ids.plan_policy),
        A1,
        PLAN_READ,
        None,
        lambda w, r: eq(
            ([(i.seq, i.amount, i.paid) for i in r.installments], r.refund_due),
            (
                [
                    (1, Decimal("500.00"), Decimal("500.00")),
                    (2, Decimal("0.00"), Decimal("0.00")),
                    (3, Decimal("250.00"), Decimal("0.00")),
                ],
                Decimal("100.00"),
            ),
        ),
        not_found(),
    ),
    Case(
        "installments.open_refunds",
        lambda w, a: installments.open_refunds(w.db, a),
        A1,
        PLAN_READ,
        None,
        lambda w, r: eq(
            [(x.id, x.amount) for x in r.rows], [(w.ids.refund_due_id, Decimal("100.00"))]
        ),
        Outsider(B1, lambda w, r: eq((r.total, r.rows), (0, []))),
    ),
    Case(
        "installments.record_payment",
        lambda w, a: installments.record_payment(
            w.db, a, w.ids.open_installment_id, "250,00", "transfer", "EFT 1"
        ),
        A1,
        frozenset({"payment.record"}),
        "payment.record",
        lambda w, r: eq((r.amount, r.installment_seq, r.recorded_by), (Decimal("250.00"), 3, A1)),
        not_found(),
    ),
    Case(
        "installments.record_refund_paid",
        lambda w, a: installments.record_refund_paid(w.db, a, w.ids.refund_due_id, "EFT 2"),
        A1,
        frozenset({"payment.record"}),
        "refund.pay_out",
        lambda w, r: eq((r.is_open, r.paid_out_by, r.amount), (False, A1, Decimal("100.00"))),
        not_found(),
    ),
    # -------------------------------------------------------------- endorsements
    Case(
        "endorsements.preview_endorsement",
        lambda w, a: endorsements.preview_endorsement(
            w.db, a, w.ids.endorse_policy, "increase", _in_days(30), {}, "500000", "Artış"
        ),
        APPROVER,
        ENDORSE,
        None,
        # konut 400 000: 520.00 × 1.10 = 572.00; 500 000: 650.00 × 1.10 = 715.00
        lambda w, r: eq(
            (r.annual_net_before, r.annual_net_after, r.needs_approval),
            (Decimal("572.00"), Decimal("715.00"), False),
        ),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "endorsements.create_endorsement",
        lambda w, a: endorsements.create_endorsement(
            w.db, a, w.ids.endorse_policy, "increase", _in_days(30), {}, "500000", "Artış"
        ),
        APPROVER,
        ENDORSE,
        "endorsement.create",
        lambda w, r: eq(
            (r.label, r.status, r.approved_by), (f"1/{w.ids.endorse_policy}", "approved", APPROVER)
        ),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "endorsements.preview_cancellation",
        lambda w, a: endorsements.preview_cancellation(
            w.db, a, w.ids.endorse_policy, _in_days(60), "sirket_feshi", "Fesih"
        ),
        APPROVER,
        CANCEL,
        None,
        lambda w, r: eq(
            (r.method, r.refund + r.earned, r.needs_approval),
            ("pro_rata", Decimal("572.00"), False),
        ),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "endorsements.create_cancellation",
        lambda w, a: endorsements.create_cancellation(
            w.db, a, w.ids.endorse_policy, _in_days(60), "sirket_feshi", "Fesih"
        ),
        APPROVER,
        CANCEL,
        "endorsement.create",  # then policy.cancel (see _expected_actions)
        lambda w, r: eq((r.kind, r.status), ("cancellation", "approved")),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "endorsements.get_endorsement",
        lambda w, a: endorsements.get_endorsement(w.db, a, w.ids.waiting_policy, 1),
        A1,
        ENDORSEMENT_READ,
        None,
        lambda w, r: eq((r.label, r.status), (f"1/{w.ids.waiting_policy}", "awaiting_approval")),
        not_found(),
    ),
    Case(
        "endorsements.list_endorsements",
        lambda w, a: endorsements.list_endorsements(w.db, a, w.ids.waiting_policy),
        A1,
        ENDORSEMENT_READ,
        None,
        lambda w, r: eq([(e.seq, e.kind) for e in r], [(1, "increase")]),
        not_found(),
    ),
    Case(
        "endorsements.endorsement_queue",
        lambda w, a: endorsements.endorsement_queue(w.db, a),
        APPROVER,
        POLICY_APPROVE,
        None,
        lambda w, r: eq([x.label for x in r.rows], [f"1/{w.ids.waiting_policy}"]),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "endorsements.approve_endorsement",
        lambda w, a: endorsements.approve_endorsement(w.db, a, w.ids.waiting_policy, 1),
        APPROVER,
        POLICY_APPROVE,
        "endorsement.approve",
        lambda w, r: eq((r.status, r.approved_by), ("approved", APPROVER)),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "endorsements.reject_endorsement",
        lambda w, a: endorsements.reject_endorsement(w.db, a, w.ids.waiting_policy, 1, "Eksik"),
        APPROVER,
        POLICY_APPROVE,
        "endorsement.reject",
        lambda w, r: eq((r.status, r.rejection_reason), ("rejected", "Eksik")),
        None,
        NOT_AGENCY_POWER,
    ),
    # -------------------------------------------------------------- policies
    Case(
        "policies.from_quote",
        lambda w, a: policies.from_quote(w.db, a, w.ids.approved),
        A1,
        ISSUE,
        None,
        lambda w, r: eq(
            (r.quote_number, r.line_code, r.sum_insured),
            (w.ids.approved, "konut", Decimal("400000.00")),
        ),
        Outsider(B1, (ValidationFailed, "policy.quote_unknown")),
    ),
    Case(
        "policies.preview",
        lambda w, a: policies.preview(w.db, a, konut_policy(w.ids.a1_customer_id, "300000")),
        A1,
        ISSUE,
        None,
        # konut 300 000: 390.00 × 1.10 = 429.00 net, BSMV 21.45, YSV 42.90
        lambda w, r: eq(
            (r.gross_premium, [i.amount for i in r.installments], r.needs_approval),
            (Decimal("493.35"), [Decimal("246.68"), Decimal("246.67")], False),
        ),
        Outsider(B1, (ValidationFailed, "quote.customer_required")),
    ),
    Case(
        "policies.issue",
        lambda w, a: policies.issue(w.db, a, konut_policy(w.ids.a1_customer_id, "300000")),
        A1,
        ISSUE,
        "policy.issue",
        lambda w, r: eq(
            (r.policy.number, r.policy.status, r.approved, r.policy.approved_by),
            (w.ids.policy_draft + 1, "approved", True, A1),
        ),
        Outsider(B1, (ValidationFailed, "quote.customer_required")),
    ),
    Case(
        "policies.issue#from_quote",
        lambda w, a: policies.issue(
            w.db, a, konut_policy(w.ids.a1_customer_id, "400000", w.ids.approved)
        ),
        A1,
        ISSUE,
        "quote.convert",  # after policy.issue (see _expected_actions)
        lambda w, r: eq((r.policy.quote_number, r.policy.status), (w.ids.approved, "approved")),
        Outsider(B1, (ValidationFailed, "policy.quote_unknown")),
    ),
    Case(
        "policies.get_policy",
        lambda w, a: policies.get_policy(w.db, a, w.ids.policy_approved),
        A1,
        POLICY_READ,
        None,
        lambda w, r: eq(
            (r.number, r.status, r.customer_name, r.gross_premium),
            (w.ids.policy_approved, "approved", "Ayşe Şahin", Decimal("493.35")),
        ),
        not_found(),
    ),
    Case(
        "policies.history",
        lambda w, a: policies.history(w.db, a, w.ids.policy_draft),
        A1,
        POLICY_READ,
        None,
        lambda w, r: eq([(v.version, v.status) for v in r], [(2, "draft"), (1, "unapproved")]),
        not_found(),
    ),
    Case(
        "policies.list_policies",
        lambda w, a: policies.list_policies(w.db, a, PolicyFilter(status="awaiting_approval")),
        A1,
        POLICY_READ,
        None,
        lambda w, r: eq(_numbers(r), [w.ids.policy_awaiting]),
        Outsider(B1, sees_none_of_agency_a),
    ),
    Case(
        "policies.customer_policies",
        lambda w, a: policies.customer_policies(w.db, a, w.ids.a1_customer_number),
        A1,
        POLICY_READ,
        None,
        lambda w, r: eq(
            _numbers(r)[:3], [w.ids.policy_draft, w.ids.policy_awaiting, w.ids.policy_approved]
        ),
        not_found(),
    ),
    Case(
        "policies.approval_queue",
        lambda w, a: policies.approval_queue(w.db, a),
        APPROVER,
        POLICY_APPROVE,
        None,
        lambda w, r: eq(_numbers(r), [w.ids.policy_awaiting]),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "policies.approve",
        lambda w, a: policies.approve(w.db, a, w.ids.policy_awaiting),
        APPROVER,
        POLICY_APPROVE,
        "policy.approve",
        lambda w, r: eq((r.status, r.approved_by), ("approved", APPROVER)),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "policies.reject",
        lambda w, a: policies.reject(w.db, a, w.ids.policy_awaiting, "Eksik belge"),
        APPROVER,
        POLICY_APPROVE,
        "policy.reject",
        lambda w, r: eq((r.status, r.rejection_reason), ("rejected", "Eksik belge")),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "policies.unapprove",
        lambda w, a: policies.unapprove(w.db, a, w.ids.policy_approved, "Yanlış bedel"),
        APPROVER,
        UNAPPROVE,
        "policy.unapprove",
        lambda w, r: eq((r.version, r.status), (2, "draft")),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "policies.update_draft",
        lambda w, a: policies.update_draft(
            w.db, a, w.ids.policy_draft, konut_policy(w.ids.a1_customer_id, "300000")
        ),
        APPROVER,
        ISSUE,
        "policy.update_draft",
        lambda w, r: eq((r.version, r.status, r.gross_premium), (2, "draft", Decimal("493.35"))),
        None,
        AGENCY_NEVER_CHANGES,
    ),
    Case(
        "policies.submit_draft",
        lambda w, a: policies.submit_draft(w.db, a, w.ids.policy_draft),
        APPROVER,
        ISSUE,
        "policy.submit",
        lambda w, r: eq(
            (r.policy.version, r.policy.status, r.policy.approved_by), (2, "approved", APPROVER)
        ),
        None,
        AGENCY_NEVER_CHANGES,
    ),
    # -------------------------------------------------------------- renewals
    Case(
        "renewals.renew",
        lambda w, a: renewals.renew(w.db, a, w.ids.renewable_policy),
        A1,
        CREATE,
        "quote.create",
        lambda w, r: eq(
            (r.renews_policy_number, r.start_date, r.values, r.status),
            (
                w.ids.renewable_policy,
                rating.one_year_later(_in_days(-335)),
                FORMS["konut"],
                "approved",
            ),
        ),
        not_found(),
    ),
    Case(
        "renewals.renewals_list",
        lambda w, a: renewals.renewals_list(w.db, a, _in_days(-1), _in_days(60)),
        A1,
        frozenset({"quote.create", "policy.view"}),
        None,
        lambda w, r: eq(
            [(row.number, row.state, row.can_renew) for row in r.rows],
            [(w.ids.renewable_policy, "not_offered", True)],
        ),
        Outsider(B1, sees_none_of_agency_a),
    ),
    Case(
        "renewals.renewal_of",
        lambda w, a: renewals.renewal_of(w.db, a, w.ids.renewable_policy),
        A1,
        frozenset({"policy.view", "policy.issue", "quote.create"}),
        None,
        lambda w, r: eq(
            (r.policy_number, r.state, r.renewal_quote_number, r.can_renew),
            (w.ids.renewable_policy, "not_offered", None, True),
        ),
        not_found(),
    ),
    # -------------------------------------------------------------- tariff versions
    Case(
        "tariffs.list_versions",
        lambda w, a: versions.list_versions(w.db, a),
        MANAGER,
        TARIFF_READ,
        None,
        lambda w, r: eq(
            [(v.number, v.status, v.in_force) for v in r],
            [(2, "draft", False), (1, "activated", True)],
        ),
        None,
        COMPANY_WIDE,
    ),
    Case(
        "tariffs.get_tariff_set",
        _try_price,
        MANAGER,
        TARIFF_READ,
        None,
        lambda w, r: eq(r.tariff.line.min_premium, Decimal("360.00")),
        None,
        COMPANY_WIDE,
    ),
    Case(
        "tariffs.download",
        lambda w, a: versions.download(w.db, a, w.ids.draft_id, "lines.csv"),
        IT,
        TARIFF,
        None,
        lambda w, r: eq(r, ("v2-lines.csv", DRAFT_LINES_CSV)),
        None,
        COMPANY_WIDE,
    ),
    Case(
        "tariffs.compare",
        lambda w, a: versions.compare(w.db, a, w.ids.v1_id, w.ids.draft_id),
        IT,
        TARIFF,
        None,
        lambda w, r: eq([(c.file, c.change) for c in r], [("lines.csv", "-"), ("lines.csv", "+")]),
        None,
        COMPANY_WIDE,
    ),
    Case(
        "tariffs.upload",
        lambda w, a: versions.upload(
            w.db, a, filename="lines.csv", data=LINES_CSV, target_path="lines.csv"
        ),
        IT,
        TARIFF,
        "tariff.upload",
        lambda w, r: eq((r.number, r.status, r.uploaded_by), (3, "draft", IT)),
        None,
        COMPANY_WIDE,
    ),
    Case(
        "tariffs.activate",
        lambda w, a: versions.activate(w.db, a, w.ids.draft_id, w.today + timedelta(days=1)),
        IT,
        TARIFF,
        "tariff.activate",
        lambda w, r: eq((r.number, r.status, r.in_force), (2, "activated", False)),
        None,
        COMPANY_WIDE,
    ),
    Case(
        "tariffs.discard",
        lambda w, a: versions.discard(w.db, a, w.ids.draft_id),
        IT,
        TARIFF,
        "tariff.discard",
        lambda w, r: eq(_statuses(w), [(2, "discarded"), (1, "activated")]),
        None,
        COMPANY_WIDE,
    ),
    Case(
        "tariffs.load_shipped",
        lambda w, a: versions.load_shipped(w.db, a, SHIPPED),
        IT,
        TARIFF,
        None,
        lambda w, r: eq(r, False),  # first setup only: a tariff is there, nothing happens
        None,
        COMPANY_WIDE,
    ),
    # -------------------------------------------------------------- users, offices, audit
    *(_admin_case(s) for s in admin_matrix.SERVICES),
)

# Functions taking an actor that no permission gates, with the reason; the pending-password
# rule still applies to them (see test_open_services_while_a_password_change_is_pending).
OPEN = {
    "audit.record": "the audit writer, called inside other services' transactions",
    "organisation.list_offices": "everyone sees their own office; filtered inside",
    "users.set_own_language": "a user's own preference",
    "auth.change_password": "a user's own password, proven by the current one",
    "auth.must_change_password": "a user's own flag",
    "notifications.summary": "a user's own notifications (and queue size, by permission)",
    "notifications.mark_seen": "a user's own seen-until mark",
    "quotes.scoped": "builds (once per actor) the scoped statement a service runs; reads nothing",
}


def _area_modules() -> list[Any]:
    """Areas keep their Case lines in tests/foundation/matrix_<area>.py (CASES, optional
    OPEN), so that several areas can grow the matrix at once; imported here, after Case and
    the helpers above exist."""
    folder = Path(__file__).parent
    return [
        importlib.import_module(f"tests.foundation.{path.stem}")
        for path in sorted(folder.glob("matrix_*.py"))
    ]


for _area in _area_modules():
    CASES = (*CASES, *_area.CASES)
    OPEN = {**OPEN, **getattr(_area, "OPEN", {})}

# Modules whose functions are named by their package alone ("quotes.save_quote").
PREFIX_OF_MODULE = {"iztim_app.core.tariffs.versions": "tariffs"}


def _service_functions() -> dict[str, Callable]:
    """Every public function of iztim_app.core whose second parameter is the actor."""
    found: dict[str, Callable] = {}
    for info in pkgutil.walk_packages(iztim_app.core.__path__, "iztim_app.core."):
        module = importlib.import_module(info.name)
        prefix = PREFIX_OF_MODULE.get(module.__name__, module.__name__.split(".")[2])
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if len(params) >= 2 and params[1] == "actor":
                found[f"{prefix}.{name}"] = fn
    return found


def test_every_service_taking_an_actor_is_in_the_matrix():
    found = set(_service_functions())
    covered = {c.function for c in CASES}
    assert sorted(found - covered - set(OPEN)) == [], "add a Case line (or an OPEN reason)"
    assert sorted((covered | set(OPEN)) - found) == [], "the matrix names a service that is gone"
    assert len({c.name for c in CASES}) == len(CASES)


def test_every_refusal_row_is_declared():
    for case in CASES:
        assert case.outsider is not None or case.outsider_reason, case.name
        assert case.needs or case.function in {"outbox.status_of"}, case.name


# ---------------------------------------------------------------- the matrix


def _expected_actions(case: Case) -> list[str]:
    if case.writes == "quote.supersede":
        return ["quote.supersede", "quote.create"]
    if case.writes == "quote.convert":
        return ["policy.issue", "quote.convert"]  # one INSERT, the policy's row first
    if case.name == "endorsements.create_cancellation":
        return ["endorsement.create", "policy.cancel"]
    return [case.writes] if case.writes else []


def _refused_changes_nothing(world: World, before: dict, exc_info: Any) -> None:
    assert_session_clean(world.db)
    world.db.rollback()
    world.db.commit()  # even a caller that commits after the refusal persists nothing
    assert snapshot(world.url) == before, exc_info


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_allowed_actor_succeeds(case: Case, world: World):
    # given the allowed user, fresh from the database
    actor = actor_of(world.db, case.allowed)
    before, last = snapshot(world.url), last_audit_id(world.db)
    # when
    result = case.call(world, actor)
    # then
    case.check(world, result)
    events = audit_since(world.db, last)
    assert [(e.action, e.actor_code) for e in events] == [
        (action, actor.code) for action in _expected_actions(case)
    ]
    if case.writes is not None:
        assert snapshot(world.url) != before
    elif not case.touches_rows:
        assert snapshot(world.url) == before


@pytest.mark.parametrize("case", [c for c in CASES if c.needs], ids=lambda c: c.name)
def test_without_the_permission_is_refused(case: Case, world: World):
    # given the allowed user without the service's permission(s)
    allowed = actor_of(world.db, case.allowed)
    actor = dataclasses.replace(allowed, permissions=allowed.permissions - case.needs)
    before = snapshot(world.url)
    # when / then
    with pytest.raises(PermissionDenied) as refused:
        case.call(world, actor)
    assert refused.value.code == "error.permission_denied"
    assert refused.value.params.get("permission") in case.needs
    _refused_changes_nothing(world, before, refused)


@pytest.mark.parametrize("case", [c for c in CASES if c.outsider], ids=lambda c: c.name)
def test_another_agency_finds_nothing(case: Case, world: World):
    # given an agency user of agency B; the records are agency A's
    assert case.outsider is not None
    actor = actor_of(world.db, case.outsider.code)
    assert actor.is_agency and actor.office_code == "A-ACENTE-B"
    before = snapshot(world.url)
    expect = case.outsider.expect
    if callable(expect) and not isinstance(expect, type):
        # when it lists: nothing of agency A is there
        expect(world, case.call(world, actor))
        world.db.rollback()
        assert snapshot(world.url) == before
        return
    error, code = expect if isinstance(expect, tuple) else (expect, expect.code)
    # when it names agency A's record: exactly as if there were none
    with pytest.raises(error) as refused:
        case.call(world, actor)
    assert refused.value.code == code
    _refused_changes_nothing(world, before, refused)


def _pending(actor: Actor) -> Actor:
    if not PENDING_READY:
        pytest.xfail("pending-password mechanism in progress")
    return dataclasses.replace(actor, password_change_pending=True)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_password_change_pending_is_refused(case: Case, world: World):
    # given the allowed user whose temporary password is not yet changed
    actor = _pending(actor_of(world.db, case.allowed))
    before = snapshot(world.url)
    # when / then: refused with the reason the screen needs, and nothing changed
    with pytest.raises(PasswordChangeRequired) as refused:
        case.call(world, actor)
    assert refused.value.code == "auth.password_change_required"
    _refused_changes_nothing(world, before, refused)


OPEN_WHILE_PENDING: dict[str, Callable[[World, Actor], Any]] = {
    "organisation.list_offices": lambda w, a: admin_matrix.office_services.list_offices(w.db, a),
    "users.set_own_language": lambda w, a: user_services.set_own_language(w.db, a, "en"),
    "notifications.summary": lambda w, a: notifications.summary(w.db, a),
    "notifications.mark_seen": lambda w, a: notifications.mark_seen(w.db, a),
}


@pytest.mark.parametrize("name", sorted(OPEN_WHILE_PENDING))
def test_open_services_while_a_password_change_is_pending(name: str, world: World):
    actor = _pending(actor_of(world.db, A1))
    before = snapshot(world.url)
    with pytest.raises(PasswordChangeRequired) as refused:
        OPEN_WHILE_PENDING[name](world, actor)
    _refused_changes_nothing(world, before, refused)
