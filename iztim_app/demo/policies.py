"""Demo policies: a year of policies issued from demo quotes and directly, with their
approvals, endorsements, cancellations, payments, refunds and the renewals now due.

Everything goes through the real services as the demo users would work: a policy is issued
with `today=` set to its (past) business day, from an approved quote still valid that day or
directly on the line's form; over-limit policies are approved or rejected by the head-office
approver; branch staff (the head office for the rest) endorse, cancel and record the cash and
transfer payments of installments due by today. Numbers (gapless from 5000001, in business-date
order), guards, installment plans and audit rows are therefore exactly what real use
produces. Approvals, endorsements and cancellations are stamped on their business day (the
clock is moved for each, see `_on_the_day`), so production reports and commissions spread
over the year; payments keep the moment of loading as their record time.

The plan below is fixed: how many policies end in each status, which endorsements and
cancellations they get and how many renewals fall due in the next 60 days do not depend on
the day of loading. The seed decides who, when, which line and which quote. Loaded once,
from demo.load(); a database that already has policies gets nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.customers.models import Customer
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import DomainError, NotFound
from iztim_app.core.installments import services as installments
from iztim_app.core.installments.models import Installment, RefundDue
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.models import Policy, PolicyStatus
from iztim_app.core.quotes.models import Quote, QuoteStatus
from iztim_app.core.renewals import services as renewals
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.rating import one_year_later
from iztim_app.core.users.actor import Actor
from iztim_app.demo.quotes import (
    APPROVER,
    LINE_KINDS,
    LINE_WEIGHTS,
    PREPARERS,
    SUMS,
    _actors,
    _Book,
    _city,
    _Customer,
    _Preparer,
)

# The fixed plan (120 policies): tests assert these counts exactly.
RENEWALS_DUE = 10  # approved, ending within the next 60 days
RENEWAL_QUOTES = 2  # of those, renewal quotes already given
AWAITING = 4  # over the preparer's limit, still in the approval queue
REJECTED = 3  # over the limit, rejected by the approver
CANCELLED = 8  # cancelled (fesih) with refunds; the first after an increase
ENDORSED = {"increase": 5, "decrease": 4, "information": 5}  # on policies still in force
PLAIN = 81  # approved, nothing since
OVER_APPROVED = {"cancel": 3, "endorse": 2, "plain": 7}  # approved by gm.onay
POLICY_COUNT = RENEWALS_DUE + AWAITING + REJECTED + CANCELLED + sum(ENDORSED.values()) + PLAIN
FROM_QUOTE_SHARE = 0.45

# Branch staff serve their branch's tree; the head office serves the rest.
STAFF = ("sube.istanbul", "sube.ankara")
INSTALLMENT_COUNTS = (1, 1, 1, 2, 3, 4, 6, 9)
REJECTION_REASONS = (
    "Risk teftişi olumsuz: yangın söndürme sistemi yetersiz.",
    "Sigorta bedeli beyan edilen değerin çok üzerinde.",
    "Hasar geçmişi şirketin kabul politikası dışında.",
)
CANCEL_REASONS = ("sigortali_talebi", "sirket_feshi", "mulkiyet_degisikligi", "mukerrer_sigorta")
MOTOR_CANCEL_REASONS = ("arac_satisi", "hurdaya_ayirma", "sigortali_talebi")
MOTOR = ("kasko", "trafik")
BENEFICIARY = "Yasal mirasçıları"
# Lines whose premium follows the sum insured (increase/decrease endorsements).
SUM_LINES = ("kasko", "konut", "isyeri", "ferdi_kaza")


@dataclass
class _Slot:
    kind: str  # renewal | awaiting | rejected | cancel | endorse | plain
    over: bool  # over the preparer's policy limit (approved by gm.onay, or waiting/rejected)
    lo: date  # business day window of the issue
    hi: date
    endorsement: str | None = None
    renew_quote: bool = False


def load_demo_policies(db: Session, seed: int = 2027, *, today: date | None = None) -> int:
    """Issues the planned policies over the past year and what follows them; returns how
    many policies were issued (0 when policies exist, or no tariff, quotes or demo users)."""
    today = today or clock.today()
    if db.exec(select(Policy.id).limit(1)).first() is not None:
        return 0
    try:
        _, tariff = versions.tariff_in_force(db, today)
    except NotFound:
        return 0
    if db.exec(select(Quote.id).limit(1)).first() is None:
        return 0
    actors = _actors(db, [*PREPARERS, APPROVER])
    if APPROVER not in actors or not all(code in actors for code in STAFF):
        return 0
    rng = random.Random(seed)
    return _Desk(db, rng, tariff, actors, today).write(_plan(rng, today))


def _plan(rng: random.Random, today: date) -> list[_Slot]:
    def back(lo: int, hi: int) -> tuple[date, date]:
        return today - timedelta(days=hi), today - timedelta(days=lo)

    slots = [_Slot("renewal", False, *back(312, 356)) for _ in range(RENEWALS_DUE)]
    for slot in slots[:RENEWAL_QUOTES]:
        slot.renew_quote = True
    slots += [_Slot("awaiting", True, *back(0, 12)) for _ in range(AWAITING)]
    slots += [_Slot("rejected", True, *back(5, 290)) for _ in range(REJECTED)]
    cancels = [
        _Slot("cancel", i < OVER_APPROVED["cancel"], *back(100, 290)) for i in range(CANCELLED)
    ]
    cancels[-1].endorsement = "increase"  # a cancellation after an increase
    slots += cancels
    endorsed = [
        _Slot("endorse", False, *back(60, 290), endorsement=kind)
        for kind, n in ENDORSED.items()
        for _ in range(n)
    ]
    for slot in endorsed[: OVER_APPROVED["endorse"]]:
        slot.over = True
    slots += endorsed
    slots += [_Slot("plain", i < OVER_APPROVED["plain"], *back(0, 300)) for i in range(PLAIN)]
    rng.shuffle(slots)
    return slots


class _Desk:
    """Issues in business-date order, so policy numbers follow the calendar."""

    def __init__(
        self,
        db: Session,
        rng: random.Random,
        tariff: TariffSet,
        actors: dict[str, Actor],
        today: date,
    ) -> None:
        self.db, self.rng, self.tariff, self.today = db, rng, tariff, today
        self.approver = actors[APPROVER]
        self.staff = [actors[code] for code in STAFF]
        self.preparers = {
            code: _Preparer(actors[code], _city(actors[code]), self._customers(actors[code]))
            for code in PREPARERS
            if code in actors
        }
        self.book = _Book(db, rng, tariff, self.preparers, self.approver, today)
        self.used_quotes: set[int] = set()
        self.issued = 0

    def _customers(self, actor: Actor) -> tuple[_Customer, ...]:
        rows = self.db.exec(
            select(Customer.id, Customer.kind)
            .where(Customer.owner_user_id == actor.user_id)
            .order_by(Customer.id)
        ).all()
        return tuple(_Customer(cid, kind) for cid, kind in rows)

    # -- the year

    @staticmethod
    @contextmanager
    def _on_the_day(day: date) -> Iterator[None]:
        """Approvals, endorsements and cancellations stamped on their business day (10:30 in
        Türkiye), so that production reports, commissions and the audit trail spread over
        the year as real use makes them. Only this one-off loader does it: its process
        serves nobody, and the clock is given back at once."""
        moment = datetime.combine(day, time(10, 30), tzinfo=clock.TURKEY).astimezone(UTC)
        real_utcnow, real_today = clock.utcnow, clock.today
        clock.utcnow, clock.today = (lambda: moment), (lambda: day)
        try:
            yield
        finally:
            clock.utcnow, clock.today = real_utcnow, real_today

    def write(self, slots: list[_Slot]) -> int:
        drafts = []
        for slot in slots:
            drafted = None
            if self.rng.random() < FROM_QUOTE_SHARE:
                drafted = self._from_quote(slot)
            drafts.append((slot, drafted))
        # Direct ones get their day now; then everything is issued in date order.
        dated = []
        for slot, drafted in drafts:
            on = (
                drafted[0]
                if drafted
                else slot.lo + timedelta(days=self.rng.randint(0, (slot.hi - slot.lo).days))
            )
            dated.append((on, len(dated), slot, drafted))
        dated.sort(key=lambda item: (item[0], item[1]))
        renew = []
        for on, _, slot, drafted in dated:
            with self._on_the_day(on):
                number = self._issue(slot, on, drafted)
                if number is None:
                    continue
                self._decide(slot, number)
            self._follow(slot, number)
            if slot.renew_quote:
                renew.append(number)
        for number in renew:
            self._renewal_quote(number)
        self._pay_out_one_refund()
        return self.issued

    # -- issuing

    def _from_quote(self, slot: _Slot) -> tuple[date, Quote, policies.PolicyInput] | None:
        """An unused approved quote of the slot's window and limit class, as the policy form
        it fills (start moved to the issue day if it lay before); None if none fits."""
        found = self.db.exec(
            select(Quote)
            .where(
                Quote.status == QuoteStatus.APPROVED.value,
                Quote.policy_number.is_(None),
                Quote.renews_policy_number.is_(None),
                Quote.quote_date >= slot.lo,
                Quote.quote_date <= slot.hi,
            )
            .order_by(Quote.number)
        ).all()
        candidates = []
        for q in found:
            if q.id in self.used_quotes or q.prepared_by_code not in self.preparers:
                continue
            if slot.endorsement in ("increase", "decrease") and q.line_code not in SUM_LINES:
                continue
            if (q.approved_by_code != q.prepared_by_code) != slot.over:
                continue  # approved by gm.onay = over the preparer's limit
            on = min(q.quote_date + timedelta(days=self.rng.randint(0, 4)), q.valid_until)
            if slot.over:
                on = min(q.quote_date + timedelta(days=3 + self.rng.randint(0, 3)), q.valid_until)
            on = min(on, self.today)
            start, end = self._term(q, on)
            annual = end == one_year_later(start)
            if slot.kind in ("renewal", "cancel", "endorse") and not annual:
                continue
            if not self._end_fits(slot, end):
                continue
            candidates.append((on, q, start, end))
        if not candidates:
            return None
        on, quote, start, end = self.rng.choice(candidates)
        self.used_quotes.add(quote.id)
        inp = policies.PolicyInput(
            line_code=quote.line_code,
            customer_id=quote.customer_id,
            sum_insured=quote.sum_insured,
            start_date=start,
            end_date=end,
            values={k: str(v) for k, v in quote.values.items()},
            installment_count=self._count(quote.line_code),
            quote_number=quote.number,
        )
        return on, quote, inp

    def _term(self, quote: Quote, on: date) -> tuple[date, date]:
        if quote.start_date >= on:
            return quote.start_date, quote.end_date
        length = quote.end_date - quote.start_date
        if quote.end_date == one_year_later(quote.start_date):
            return on, one_year_later(on)
        return on, on + length

    def _end_fits(self, slot: _Slot, end: date) -> bool:
        """Only the renewal slots end within the next 60 days (the renewals list is exact)."""
        window = self.today <= end <= self.today + timedelta(days=60)
        return window if slot.kind == "renewal" else not window

    def _count(self, line: str) -> int:
        limit = self.tariff.lines[line].line.max_installments
        return min(self.rng.choice(INSTALLMENT_COUNTS), limit)

    def _issue(self, slot: _Slot, on: date, drafted) -> int | None:  # noqa: ANN001
        if drafted is not None:
            _, quote, inp = drafted
            actor = self.preparers[quote.prepared_by_code].actor
            number = self._save(actor, inp, on, slot)
            if number is not None:
                return number
        for _ in range(12):  # a combination the tariff refuses is drawn again
            actor, inp = self._direct(slot, on)
            number = self._save(actor, inp, on, slot)
            if number is not None:
                return number
        return None

    def _save(self, actor: Actor, inp: policies.PolicyInput, on: date, slot: _Slot) -> int | None:
        try:
            result = policies.issue(self.db, actor, inp, today=on)
        except DomainError:
            self.db.rollback()
            return None
        if result.approved == slot.over:  # the plan's limit class is chosen above
            raise RuntimeError(
                f"demo policy {result.policy.number}: not the planned approval ({slot.kind})"
            )
        self.issued += 1
        return result.policy.number

    def _direct(self, slot: _Slot, on: date) -> tuple[Actor, policies.PolicyInput]:
        rng = self.rng
        codes = [c for c in self.preparers if not slot.over or c != APPROVER]
        code = rng.choices(codes, [PREPARERS[c] for c in codes])[0]
        preparer = self.preparers[code]
        limit_of = preparer.actor.policy_limit
        kinds = {c.kind for c in preparer.customers}
        lines = [
            line
            for line in LINE_WEIGHTS
            if line in self.tariff.lines
            and set(LINE_KINDS.get(line, kinds)) & kinds
            and limit_of(line) is not None
            and (SUMS[line][2] > limit_of(line) if slot.over else SUMS[line][0] <= limit_of(line))
        ]
        if slot.endorsement in ("increase", "decrease"):
            lines = [line for line in lines if line in SUM_LINES] or lines
        line = rng.choice(lines)
        customer = rng.choice(
            [c for c in preparer.customers if c.kind in LINE_KINDS.get(line, (c.kind,))]
        )
        start = on + timedelta(days=rng.choice((0, 0, 1, 3, 7)))
        if slot.kind in ("renewal", "cancel", "endorse"):
            start = on
        low, _, high, step = SUMS[line]
        limit = limit_of(line)
        sum_insured = self.book._sum(line)
        if slot.over:
            top = min(Decimal(high), limit * 3)
            lowest = int(limit * Decimal("1.1"))
            drawn = Decimal(rng.randint(lowest, max(lowest, int(top))))
            sum_insured = max(drawn // step * step, limit + step)
        elif limit is not None and sum_insured > limit:
            sum_insured = max(Decimal(low), limit // step * step)
        inp = policies.PolicyInput(
            line_code=line,
            customer_id=customer.id,
            sum_insured=sum_insured,
            start_date=start,
            values=self.book._values(self.tariff.lines[line], preparer.city, start),
            installment_count=self._count(line),
        )
        return preparer.actor, inp

    # -- after issuing

    def _policy(self, number: int) -> Policy:
        return self.db.exec(
            select(Policy)
            .where(Policy.number == number)
            .order_by(Policy.version.desc())
            .execution_options(populate_existing=True)
        ).first()

    def _staff_for(self, policy: Policy) -> Actor:
        for actor in self.staff:
            if policy.office_path.startswith(actor.office_path):
                return actor
        return self.approver

    def _decide(self, slot: _Slot, number: int) -> None:
        """The head office's decision on an over-limit policy, the day it was issued."""
        if slot.kind == "rejected":
            policies.reject(self.db, self.approver, number, self.rng.choice(REJECTION_REASONS))
        elif slot.over and slot.kind != "awaiting":
            policies.approve(self.db, self.approver, number)

    def _follow(self, slot: _Slot, number: int) -> None:
        if slot.kind in ("awaiting", "rejected"):
            return
        policy = self._policy(number)
        staff = self._staff_for(policy)
        last_day = min(self.today, policy.end_date - timedelta(days=1))
        span = (last_day - policy.start_date).days
        endorse_on = cancel_on = None
        if slot.kind == "cancel":
            cancel_on = policy.start_date + timedelta(days=self.rng.randint(span // 3, span))
            if slot.endorsement:
                endorse_on = policy.start_date + timedelta(
                    days=self.rng.randint(5, max(5, (cancel_on - policy.start_date).days - 5))
                )
        elif slot.endorsement:
            endorse_on = policy.start_date + timedelta(days=self.rng.randint(10, span - 5))
        # the customer's habit: pays on time, leaves the last due one half paid, or not at all
        habit = self.rng.choices(("on_time", "partly", "behind"), (70, 15, 15))[0]
        pay_until = cancel_on or self.today
        if endorse_on:
            self._pay(policy, staff, until=endorse_on - timedelta(days=1), habit="on_time")
            self._endorse(policy, staff, slot.endorsement, endorse_on)
        self._pay(policy, staff, until=pay_until, habit=habit)
        if cancel_on:
            self._cancel(policy, staff, cancel_on, habit)

    def _pay(self, policy: Policy, staff: Actor, *, until: date, habit: str) -> None:
        due = self.db.exec(
            select(Installment)
            .where(Installment.policy_number == policy.number, Installment.due_date <= until)
            .order_by(Installment.due_date, Installment.seq)
            .execution_options(populate_existing=True)
        ).all()
        for i, inst in enumerate(due):
            open_amount = inst.amount - inst.paid
            if open_amount <= 0:
                continue
            last = i == len(due) - 1
            if last and habit == "behind" and i > 0:
                return
            amount = open_amount
            if last and habit == "partly" and open_amount >= Decimal("2.00"):
                amount = (open_amount / 2).quantize(Decimal("1"))
            transfer = self.rng.random() < 0.6
            reference = f"EFT-{policy.number}-{inst.seq}" if transfer else ""
            installments.record_payment(
                self.db,
                staff,
                inst.id,
                amount,
                "transfer" if transfer else "cash",
                reference,
            )

    def _endorse(self, policy: Policy, staff: Actor, kind: str, on: date) -> None:
        line = self.tariff.lines[policy.line_code]
        attempts: list[tuple[dict[str, str], Decimal | str]] = []
        low, _, _, step = SUMS[policy.line_code]
        if kind == "information":
            texts = [f.name for f in line.fields if f.type == "text"]
            for name in texts:
                for _ in range(3):
                    value = (
                        self.book._text(name, ("Merkez",), "34", "İstanbul", dict(policy.values))
                        or BENEFICIARY
                    )
                    if value != policy.values.get(name):
                        attempts.append(({name: value}, ""))
                        break
        else:
            factors = ("1.2", "1.5", "2") if kind == "increase" else ("0.8", "0.6", "0.5")
            for factor in factors:
                new = (policy.sum_insured * Decimal(factor) / step).quantize(Decimal(1)) * step
                attempts.append(({}, max(new, Decimal(low))))
        descriptions = {
            "increase": "Sigorta bedeli artırıldı (sigortalı talebi).",
            "decrease": "Sigorta bedeli düşürüldü (sigortalı talebi).",
            "information": "Bilgi değişikliği: sigortalı beyanı güncellendi.",
        }
        for values, sum_insured in attempts:
            try:
                with self._on_the_day(on):
                    view = endorsements.create_endorsement(
                        self.db,
                        staff,
                        policy.number,
                        kind,
                        on,
                        values,
                        sum_insured,
                        descriptions[kind],
                    )
            except DomainError:
                self.db.rollback()
                continue
            with self._on_the_day(on):
                self._approve_endorsement(view)
            return
        raise RuntimeError(f"demo policy {policy.number}: no {kind} endorsement fits")

    def _cancel(self, policy: Policy, staff: Actor, on: date, habit: str) -> None:
        reasons = MOTOR_CANCEL_REASONS if policy.line_code in MOTOR else CANCEL_REASONS
        reason = "prim_odenmemesi" if habit == "behind" else self.rng.choice(reasons)
        with self._on_the_day(on):
            view = endorsements.create_cancellation(
                self.db, staff, policy.number, on, reason, "Poliçe fesih talebi işleme alındı."
            )
            self._approve_endorsement(view)

    def _approve_endorsement(self, view: endorsements.EndorsementView) -> None:
        if view.status == "awaiting_approval":  # over the staff's limit: the head office
            endorsements.approve_endorsement(self.db, self.approver, view.policy_number, view.seq)

    # -- renewals and refunds

    def _renewal_quote(self, number: int) -> None:
        policy = self._policy(number)
        if policy.status != PolicyStatus.APPROVED.value:
            return
        actor = next(
            (p.actor for p in self.preparers.values() if p.actor.code == policy.prepared_by_code),
            self.approver,
        )
        try:
            renewals.renew(self.db, actor, number, today=self.today)
        except DomainError:
            self.db.rollback()

    def _pay_out_one_refund(self) -> None:
        refund = self.db.exec(
            select(RefundDue).where(RefundDue.paid_out_at.is_(None)).order_by(RefundDue.id)
        ).first()
        if refund is None:
            return
        policy = self._policy(refund.policy_number)
        installments.record_refund_paid(
            self.db, self._staff_for(policy), refund.id, f"EFT-IADE-{refund.policy_number}"
        )
