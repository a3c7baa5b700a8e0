"""Generated production for `bench/reports.py`: offices, users, customers, policies and
endorsements written straight into a migrated database, every row in its final state.

The world (offices, users, the tariff version) goes through the app; the bulk rows are
built here as plain tuples, in the tables' column order, and loaded with `executemany` in
big transactions (SQLite) or `COPY` (PostgreSQL). Inserting is what the immutability
triggers allow, so each row is written once as the services would have left it: approved,
cancelled, un-approved (with its re-approved next version), awaiting approval, rejected or
draft. The same seed gives the same rows on both engines.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from iztim_app.core.customers.services import fold_name
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.organisation import services as organisation
from iztim_app.core.organisation.models import Office
from iztim_app.core.policies.services import FIRST_POLICY_NUMBER
from iztim_app.core.quotes.rules import channel_for
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import load_actor, operator_actor
from iztim_app.core.users.models import User, UserPermission
from iztim_app.core.users.permissions import ROLES

FIRST_DAY = date(2024, 12, 1)  # two years of approval days: 2024-12-01 … 2026-11-30
DAYS = 730
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)
DAY = 86_400
TURKEY_OFFSET = 3 * 3600  # Europe/Istanbul has been UTC+3 all year since 2016
FIRST_CUSTOMER_NUMBER = 100001
BENCH_LINES = {  # line: (weight, sum insured range in TL, net premium range in 1/1000 ‰)
    "trafik": (32, (400_000, 3_000_000), (1_000, 5_000)),
    "kasko": (26, (250_000, 3_500_000), (12_000, 40_000)),
    "konut": (16, (500_000, 6_000_000), (500, 1_600)),
    "isyeri": (10, (1_000_000, 25_000_000), (800, 2_500)),
    "ferdi_kaza": (10, (100_000, 2_000_000), (500, 2_000)),
    "nakliyat": (6, (200_000, 10_000_000), (300, 1_200)),
}
OTHER_LINE = (5, (100_000, 1_000_000), (1_000, 5_000))

# Column orders of the bulk tables, checked against the migrated schema before loading.
CUSTOMER_COLUMNS = (
    "id number kind national_id name name_search tax_office customer_group address phone "
    "email owner_user_id office_id office_path created_at"
).split()
POLICY_COLUMNS = (
    "id number version status issue_date line_code customer_id customer_group customer_kind "
    "sum_insured start_date end_date values tariff_version_id net_premium taxes gross_premium "
    "worksheet installment_count channel prepared_by_id prepared_by_code office_id office_path "
    "created_at quote_id renews_policy_number approved_by_code approved_at rejected_by_code "
    "rejected_at rejection_reason unapproved_by_code unapproved_at unapproval_reason "
    "cancelled_from"
).split()
ENDORSEMENT_COLUMNS = (
    "id policy_number policy_id seq kind description line_code effective_date values "
    "sum_insured_after annual_net_after net_change gross_change taxes_change "
    "net_in_force_after gross_in_force_after taxes_in_force_after reason_code method earned "
    "refund tax_refunds status prepared_by_id prepared_by_code office_id office_path "
    "created_at approved_by_code approved_at rejected_by_code rejected_at rejection_reason"
).split()
SEQUENCE_COLUMNS = ["name", "last"]

# What becomes of a policy number (weights out of 1000).
APPROVED, UNAPPROVED_REAPPROVED, UNAPPROVED_DRAFT, AWAITING, REJECTED, DRAFT = range(6)
FATES = ((APPROVED, 952), (UNAPPROVED_REAPPROVED, 15), (UNAPPROVED_DRAFT, 3), (AWAITING, 15))
FATES += ((REJECTED, 10), (DRAFT, 5))
MAX_ENDORSEMENTS = 6
CANCELLATION_SHARE = 0.2  # of the endorsements, roughly
REJECTED_ENDORSEMENT = 0.02
AWAITING_ENDORSEMENT = 0.02  # the last one of a policy may still wait


# ------------------------------------------------------------------ the world


@dataclass(frozen=True)
class Person:
    id: int
    code: str
    office_id: int
    office_path: str
    channel: str
    agency: bool


@dataclass(frozen=True)
class LineSpec:
    code: str
    weight: int
    si_range: tuple[int, int]  # whole TL
    per_mille: tuple[int, int]  # thousandths of a per mille
    min_premium: int  # kuruş
    max_installments: int
    taxes: tuple[tuple[str, int, int], ...]  # (code, numerator, denominator) of the rate
    values: tuple[str, ...]  # JSON texts of plausible form values


@dataclass
class World:
    tariff_version_id: int
    preparers: list[Person]  # who issues policies (every office)
    weights: list[int]
    staff: list[Person]  # insurer staff: endorsements and cancellations
    approver: Person
    report_user_id: int  # head office, sees everything
    agency_user_id: int  # one agency user: own records only
    manager_user_id: int  # a regional manager: the region and below
    lines: list[LineSpec]
    groups: dict[str, list[str]]  # customer kind -> customer group codes
    reasons: list[tuple[str, str]]  # cancellation reason code, method
    offices: dict[int, Office] = field(default_factory=dict)


REGIONS = (("B-MARMARA", "Marmara Bölge Müdürlüğü"), ("B-ANADOLU", "Anadolu Bölge Müdürlüğü"))
BRANCHES = (  # (code, name, region index)
    ("S-ISTANBUL", "İstanbul Şubesi", 0),
    ("S-BURSA", "Bursa Şubesi", 0),
    ("S-IZMIR", "İzmir Şubesi", 0),
    ("S-ANKARA", "Ankara Şubesi", 1),
    ("S-KONYA", "Konya Şubesi", 1),
    ("S-SAMSUN", "Samsun Şubesi", 1),
)
AGENCY_NAMES = (
    "Boğaziçi Sigorta Aracılık",
    "Çağlayan Acentelik",
    "Güneş Sigorta Hizmetleri",
    "Işık Acente",
    "Öztürk Sigorta",
    "Şahin Aracılık",
    "Ulusoy Acentelik",
    "Yıldız Sigorta Aracılık",
    "Karadeniz Acente",
    "Ege Sigorta Hizmetleri",
    "Toros Acentelik",
    "Kapadokya Sigorta",
)


def _values_variants(line, rng: random.Random) -> tuple[str, ...]:  # noqa: ANN001
    """Sixteen plausible filled-in forms of the line, as stored (JSON of strings)."""
    choices: dict[str, list[str]] = {}
    for c in line.choices:
        choices.setdefault(c.field, []).append(c.value)
    out = []
    for _ in range(16):
        values: dict[str, str] = {}
        for f in line.fields:
            if f.type == "choice" and choices.get(f.name):
                values[f.name] = rng.choice(choices[f.name])
            elif f.type == "boolean":
                values[f.name] = rng.choice(("yes", "no"))
            elif f.type == "integer":
                low = int(f.min) if f.min is not None else 1
                high = int(f.max) if f.max is not None else low + 50
                values[f.name] = str(rng.randint(low, max(low, min(high, 2026))))
            elif f.type == "decimal":
                values[f.name] = str(f.min if f.min is not None else Decimal("100"))
            elif f.type == "date":
                values[f.name] = (
                    date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
                ).isoformat()
            else:
                values[f.name] = rng.choice(("Bench", "Örnek değer", "Çamlıca Mah. 12"))
        out.append(json.dumps(values))  # as SQLAlchemy writes JSON
    return tuple(out)


def _rate(rate: Decimal) -> tuple[int, int]:
    numerator, denominator = rate.as_integer_ratio()
    return numerator, denominator


def build_world(url: str, tariffs: Path, seed: int = 9) -> World:
    """Offices through the organisation service, users and grants as the user service stores
    them (with a password hash that matches nothing: nobody signs in to a bench), and the
    shipped tariff folder as version 1."""
    rng = random.Random(seed)
    operator = operator_actor("bench")
    with session_scope(url) as db:
        versions.load_shipped(db, operator, tariffs, effective_from=date(2020, 1, 1))
        version, tariff = versions.tariff_in_force(db, FIRST_DAY)
        head = organisation.create_office(
            db, operator, code="GM", name="Genel Müdürlük", kind="head_office", parent_id=None
        )
        regions = [
            organisation.create_office(
                db, operator, code=c, name=n, kind="region", parent_id=head.id
            )
            for c, n in REGIONS
        ]
        branches = [
            organisation.create_office(
                db, operator, code=c, name=n, kind="branch", parent_id=regions[r].id
            )
            for c, n, r in BRANCHES
        ]
        agencies = []
        for i, name in enumerate(AGENCY_NAMES):
            parent = branches[i % len(branches)] if i < 10 else regions[i % len(regions)]
            agencies.append(
                organisation.create_office(
                    db,
                    operator,
                    code=f"A-{i + 1:02d}",
                    name=name,
                    kind="agency",
                    parent_id=parent.id,
                    agency_kind="corporate" if i % 3 == 0 else "individual",
                )
            )
        offices = {o.id: o for o in db.exec(sa.select(Office)).scalars()}

        def user(code: str, office_id: int, role: str) -> Person:
            office = offices[office_id]
            template = ROLES[role]
            agency = office.kind == "agency"
            row = User(
                code=code,
                name=code.replace(".", " ").title(),
                office_id=office_id,
                role=role,
                view_scope="own" if agency else template.scope.value,
                password_hash="!bench",  # not a hash: matches no password
                created_at=datetime(2024, 1, 2, 9, tzinfo=UTC),
            )
            db.add(row)
            db.flush()
            db.add_all(UserPermission(user_id=row.id, permission=p) for p in template.permissions)
            return Person(
                row.id, code, office_id, office.path, channel_for(office.kind).value, agency
            )

        hq = [user(f"gm.uretim{i}", head.id, "hq_approver") for i in (1, 2, 3)]
        approver = user("gm.onay", head.id, "hq_approver")
        report = user("gm.rapor", head.id, "manager")
        manager = user("bolge.mudur", regions[0].id, "manager")
        regional = [
            user(f"bolge.{c[2:].lower()}", r.id, "branch_staff")
            for (c, _), r in zip(REGIONS, regions, strict=True)
        ]
        branch_staff = [
            user(f"sube.{c[2:].lower()}{k}", b.id, "branch_staff")
            for (c, _, _), b in zip(BRANCHES, branches, strict=True)
            for k in (1, 2)
        ]
        agency_users = [
            user(f"acente.{a.code[2:]}{k}", a.id, "agency_user")
            for a in agencies
            for k in range(1, 2 + (a.id % 2))
        ]
        db.commit()
        lines = []
        for code, line in tariff.lines.items():
            weight, (si_low, si_high), per_mille = BENCH_LINES.get(code, OTHER_LINE)
            lines.append(
                LineSpec(
                    code=code,
                    weight=weight,
                    si_range=(si_low, si_high),
                    per_mille=per_mille,
                    min_premium=int(line.line.min_premium * 100),
                    max_installments=line.line.max_installments,
                    taxes=tuple((t.code, *_rate(t.rate)) for t in line.taxes),
                    values=_values_variants(line, rng),
                )
            )
        groups: dict[str, list[str]] = {}
        for g in tariff.customer_groups.values():
            groups.setdefault(g.kind, []).append(g.code)
        reasons = [(r.code, r.method) for r in tariff.cancellation_reasons.values()]
        version_id = version.id
    preparers = hq + regional + branch_staff + agency_users
    # Agencies sell most; branch and head-office staff the rest.
    weights = [12 if p.agency else 5 if p.channel == "branch" else 3 for p in preparers]
    return World(
        tariff_version_id=version_id,
        preparers=preparers,
        weights=weights,
        staff=hq + regional + branch_staff,
        approver=approver,
        report_user_id=report.id,
        agency_user_id=agency_users[0].id,
        manager_user_id=manager.id,
        lines=lines,
        groups=groups,
        reasons=reasons,
        offices=offices,
    )


def actors(url: str, world: World) -> dict[str, object]:
    """The report viewers: head office (everything), a regional manager, an agency user."""
    with session_scope(url) as db:
        return {
            "head_office": load_actor(db, world.report_user_id),
            "region": load_actor(db, world.manager_user_id),
            "agency": load_actor(db, world.agency_user_id),
        }


# ------------------------------------------------------------------ amounts and texts


def money_text(kurus: int) -> str:
    """Integer kuruş as `str(Decimal)` of a rounded amount writes it: `-12.30`."""
    sign = "-" if kurus < 0 else ""
    whole, cents = divmod(abs(kurus), 100)
    return f"{sign}{whole}.{cents:02d}"


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (Decimal ROUND_HALF_UP)."""
    q = (2 * abs(numerator) + denominator) // (2 * denominator)
    return q if numerator >= 0 else -q


def taxes_json(codes: tuple[str, ...], amounts: list[int]) -> str:
    """`json.dumps` of {code: amount text}, written out directly (tax codes need no escaping):
    this runs for every row and json.dumps was a third of the generator's time."""
    parts = [f'"{c}": "{money_text(a)}"' for c, a in zip(codes, amounts, strict=True)]
    return "{" + ", ".join(parts) + "}"


def _checksum_tckn(first9: str) -> str:
    d = [int(c) for c in first9]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = (sum(d) + d10) % 10
    return f"{first9}{d10}{d11}"


def _checksum_vkn(first9: str) -> str:
    total = 0
    for i, c in enumerate(first9):
        tmp = (int(c) + 9 - i) % 10
        if tmp:
            tmp = (tmp * 2 ** (9 - i)) % 9 or 9
        total += tmp
    return f"{first9}{(10 - total % 10) % 10}"


# ------------------------------------------------------------------ the generator


@dataclass
class Counts:
    customers: int = 0
    policy_rows: int = 0
    policies: int = 0
    endorsements: int = 0
    cancellations: int = 0
    sequences: int = 0


class Generator:
    """Rows in chunks; timestamps written as each engine reads them (`suffix` "+00" for
    PostgreSQL's timestamptz, nothing for SQLite's text)."""

    def __init__(
        self,
        world: World,
        policies: int,
        endorsements: int,
        *,
        seed: int = 20261201,
        suffix: str = "",
        chunk: int = 20_000,
    ) -> None:
        self.world, self.n, self.m, self.seed, self.suffix = (
            world,
            policies,
            endorsements,
            seed,
            suffix,
        )
        self.chunk = chunk
        self.counts = Counts()
        self._dates: dict[int, str] = {}
        self._first_ordinal = FIRST_DAY.toordinal()
        self.end_time = DAYS * DAY - 1  # the last second of the last Turkish day
        self._plan()

    # -- dates and times: a time is seconds since FIRST_DAY 00:00 Turkish time
    def day_text(self, day: int) -> str:
        text = self._dates.get(day)
        if text is None:
            text = date.fromordinal(self._first_ordinal + day).isoformat()
            self._dates[day] = text
        return text

    def stamp(self, t: int) -> str:
        utc = t - TURKEY_OFFSET
        day, second = divmod(utc, DAY)
        hour, rest = divmod(second, 3600)
        minute, sec = divmod(rest, 60)
        return f"{self.day_text(day)} {hour:02d}:{minute:02d}:{sec:02d}.000000{self.suffix}"

    def _plan(self) -> None:
        """Each number's fate and endorsement count, drawn up front so exactly `m`
        endorsements land on policies that can carry them."""
        rng = random.Random(self.seed)
        fates = [f for f, w in FATES for _ in range(w)]
        self.fate = bytes(rng.choice(fates) for _ in range(self.n))
        eligible = [i for i, f in enumerate(self.fate) if f in (APPROVED, UNAPPROVED_REAPPROVED)]
        counts = bytearray(self.n)
        if eligible:
            capacity = len(eligible) * MAX_ENDORSEMENTS
            for _ in range(min(self.m, capacity)):
                while True:
                    i = eligible[rng.randrange(len(eligible))]
                    if counts[i] < MAX_ENDORSEMENTS:
                        counts[i] += 1
                        break
        self.endorsement_count = counts
        endorsed = sum(1 for c in counts if c)
        self.cancel_share = min(1.0, CANCELLATION_SHARE * self.m / endorsed) if endorsed else 0
        # Customers: a quarter as many as policies, each in one preparer's portfolio.
        self.customer_total = max(len(self.world.preparers) * 2, self.n // 4)

    # -- customers
    def customers(self) -> Iterator[list[tuple]]:
        w = self.world
        rng = random.Random(self.seed + 1)
        kinds = ("individual",) * 3 + ("corporate",)
        owners, owner_weights = range(len(w.preparers)), list(accumulate(w.weights))
        self.portfolio: list[list[tuple[int, str, str]]] = [[] for _ in w.preparers]
        created = self.stamp(-30 * DAY + 10 * 3600)
        taken: set[tuple[int, str]] = set()
        rows = []
        for k in range(self.customer_total):
            cid = k + 1
            owner = k % len(w.preparers) if k < 2 * len(w.preparers) else None
            if owner is None:
                owner = rng.choices(owners, cum_weights=owner_weights)[0]
            person = w.preparers[owner]
            kind = rng.choice(kinds)
            group = rng.choice(w.groups.get(kind) or [g for gs in w.groups.values() for g in gs])
            digits = rng.randrange(100_000_000, 999_999_999)
            checksum = _checksum_tckn if kind == "individual" else _checksum_vkn
            national_id = checksum(str(digits))
            while (owner, national_id) in taken:  # one record per national id and owner
                digits = digits + 1 if digits < 999_999_998 else 100_000_000
                national_id = checksum(str(digits))
            taken.add((owner, national_id))
            if kind == "individual":
                name = f"Bench Müşteri {cid} Çağlar"
            else:
                name = f"Bench Ticaret {cid} Ltd. Şti."
            rows.append(
                (
                    cid,
                    FIRST_CUSTOMER_NUMBER + k,
                    kind,
                    national_id,
                    name,
                    fold_name(name),
                    "Kadıköy" if kind == "corporate" else "",
                    group,
                    "Bağdat Cad. 1, İstanbul",
                    "",
                    "",
                    person.id,
                    person.office_id,
                    person.office_path,
                    created,
                )
            )
            self.portfolio[owner].append((cid, kind, group))
            if len(rows) >= self.chunk:
                self.counts.customers += len(rows)
                yield rows
                rows = []
        if rows:
            self.counts.customers += len(rows)
            yield rows

    # -- policies and endorsements
    def documents(self) -> Iterator[tuple[list[tuple], list[tuple]]]:
        """(policy rows, endorsement rows) per chunk of policy numbers; needs `customers`
        consumed first (the portfolios)."""
        w = self.world
        rng = random.Random(self.seed + 2)
        line_weights = list(accumulate(spec.weight for spec in w.lines))
        owners, owner_weights = range(len(w.preparers)), list(accumulate(w.weights))
        weekday0 = FIRST_DAY.weekday()
        policy_id = 0
        endorsement_id = 0
        self.endorsement_sequences: list[tuple[str, int]] = []
        policies: list[tuple] = []
        endorsements: list[tuple] = []
        approver = w.approver.code
        for i in range(self.n):
            number = FIRST_POLICY_NUMBER + i
            fate = self.fate[i]
            owner = rng.choices(owners, cum_weights=owner_weights)[0]
            person = w.preparers[owner]
            customer_id, kind, group = rng.choice(self.portfolio[owner])
            spec = rng.choices(w.lines, cum_weights=line_weights)[0]
            # The approval moment: later days a little busier, Sundays quiet, and now and then
            # just after midnight Turkish time (still the previous day in UTC).
            while True:
                day = min(DAYS - 1, int(DAYS * rng.random() ** 0.85))
                if (weekday0 + day) % 7 != 6 or rng.random() < 0.2:
                    break
            if rng.random() < 0.03:
                second = rng.randrange(0, 3 * 3600)
            else:
                second = rng.randrange(8 * 3600 + 1800, 20 * 3600)
            t_approved = day * DAY + second
            waited = rng.random() < 0.3
            t_created = t_approved - (rng.randrange(3600, 4 * DAY) if waited else 0)
            issue_day = t_created // DAY
            start_day = issue_day + (rng.randrange(0, 30) if rng.random() < 0.4 else 0)
            start = date.fromordinal(self._first_ordinal + start_day)
            try:
                end = start.replace(year=start.year + 1)
            except ValueError:  # 29 February
                end = start.replace(year=start.year + 1, day=28)
            end_day = end.toordinal() - self._first_ordinal
            si = rng.randrange(spec.si_range[0] // 1000, spec.si_range[1] // 1000) * 100_000
            net = max(spec.min_premium, si * rng.randrange(*spec.per_mille) // 1_000_000)
            tax_codes = tuple(t[0] for t in spec.taxes)
            taxes = [half_up(net * a, b) for _, a, b in spec.taxes]
            gross = net + sum(taxes)
            values = rng.choice(spec.values)
            installments = rng.randint(1, spec.max_installments)
            approved_by = approver if waited else person.code
            common = (
                spec.code,
                customer_id,
                group,
                kind,
            )
            tail = (
                installments,
                person.channel,
                person.id,
                person.code,
                person.office_id,
                person.office_path,
            )
            versions: list[tuple] = []
            if fate in (AWAITING, REJECTED, DRAFT):
                status = {AWAITING: "awaiting_approval", REJECTED: "rejected", DRAFT: "draft"}[fate]
                rejected = fate == REJECTED
                policy_id += 1
                versions.append(
                    (policy_id, number, 1, status, self.day_text(issue_day), *common, si,
                     self.day_text(start_day), end.isoformat(), values, w.tariff_version_id,
                     net, taxes_json(tax_codes, taxes), gross, "[]", *tail,
                     self.stamp(t_created), None, None, None, None,
                     approver if rejected else None,
                     self.stamp(t_approved) if rejected else None,
                     "Eksik bilgi" if rejected else None, None, None, None, None)
                )  # fmt: skip
                policy_final = None
            else:
                status = "approved"
                policy_id += 1
                first_id = policy_id
                t_final_approved = t_approved
                final_net, final_taxes, final_gross, final_si = net, taxes, gross, si
                if fate in (UNAPPROVED_REAPPROVED, UNAPPROVED_DRAFT):
                    t_unapproved = min(self.end_time - 2, t_approved + rng.randrange(600, 10 * DAY))
                    versions.append(
                        (first_id, number, 1, "unapproved", self.day_text(issue_day), *common,
                         si, self.day_text(start_day), end.isoformat(), values,
                         w.tariff_version_id, net, taxes_json(tax_codes, taxes), gross, "[]",
                         *tail, self.stamp(t_created), None, None, approved_by,
                         self.stamp(t_approved), None, None, None, approver,
                         self.stamp(t_unapproved), "Teminat düzeltmesi", None)
                    )  # fmt: skip
                    # The next version: re-priced after the edit.
                    final_si = si + rng.randrange(-5, 6) * 100_000 if si > 600_000 else si
                    final_net = max(spec.min_premium, net * rng.randrange(90, 111) // 100)
                    final_taxes = [half_up(final_net * a, b) for _, a, b in spec.taxes]
                    final_gross = final_net + sum(final_taxes)
                    policy_id += 1
                    t_final_approved = min(
                        self.end_time - 1, t_unapproved + rng.randrange(60, 5 * DAY)
                    )
                    version = 2
                    if fate == UNAPPROVED_DRAFT:
                        status = "draft"
                else:
                    version = 1
                policy_final = [
                    policy_id, number, version, status, self.day_text(issue_day), *common,
                    final_si, self.day_text(start_day), end.isoformat(), values,
                    w.tariff_version_id, final_net, taxes_json(tax_codes, final_taxes),
                    final_gross, "[]", *tail,
                    self.stamp(t_unapproved if version == 2 else t_created), None, None,
                    None if status == "draft" else approved_by,
                    None if status == "draft" else self.stamp(t_final_approved),
                    None, None, None, None, None, None, None,
                ]  # fmt: skip
                count = self.endorsement_count[i]
                if count and status == "approved":
                    cancelled_from, made = self._endorsements(
                        rng, endorsements, endorsement_id, spec, tax_codes, policy_id, number,
                        person, t_final_approved, start, end, start_day, end_day, count,
                        final_si, final_net, final_taxes, final_gross, values,
                    )  # fmt: skip
                    endorsement_id += made
                    self.endorsement_sequences.append((f"endorsement:{number}", made))
                    if cancelled_from is not None:
                        policy_final[3] = "cancelled"
                        policy_final[-1] = cancelled_from
                versions.append(tuple(policy_final))
            policies.extend(versions)
            self.counts.policy_rows += len(versions)
            self.counts.policies += 1
            if len(policies) >= self.chunk:
                yield policies, endorsements
                policies, endorsements = [], []
        if policies or endorsements:
            yield policies, endorsements

    def _endorsements(
        self, rng, out, last_id, spec, tax_codes, policy_id, number, person, t_approved, start,
        end, start_day, end_day, count, si, net, taxes, gross, values,
    ) -> tuple[str | None, int]:  # noqa: ANN001  # fmt: skip
        """A policy's endorsements in order; the last may be a cancellation. Returns the
        cancellation date when one was approved, and how many rows were made."""
        w = self.world
        low = t_approved + 60
        high = max(low + count, self.end_time - count)
        times = sorted(rng.randrange(low, high) for _ in range(count))
        for k in range(1, count):  # strictly increasing, all within the window
            times[k] = max(times[k], times[k - 1] + 1)
        times = [min(t, self.end_time - count + k) for k, t in enumerate(times)]
        term = max(1, end_day - start_day)
        annual = net
        cancelling = rng.random() < self.cancel_share
        cancelled_from = None
        for k, t in enumerate(times):
            seq = k + 1
            last = seq == count
            staff = person if not person.agency and rng.random() < 0.5 else rng.choice(w.staff)
            day = t // DAY
            status = "approved"
            if last and rng.random() < AWAITING_ENDORSEMENT:
                status = "awaiting_approval"
            elif not last and rng.random() < REJECTED_ENDORSEMENT:
                status = "rejected"
            waited = rng.random() < 0.2
            approved_by = w.approver.code if waited else staff.code
            decision = (
                (approved_by, self.stamp(t), None, None, None)
                if status == "approved"
                else (None, None, w.approver.code, self.stamp(t), "Belge eksik")
                if status == "rejected"
                else (None, None, None, None, None)
            )
            created = self.stamp(t - 600 if waited else t)
            head = (last_id + seq, number, policy_id, seq)
            who = (staff.id, staff.code, staff.office_id, staff.office_path, created)
            if last and cancelling:
                c_day = min(max(day, start_day), end_day)
                reason, method = rng.choice(w.reasons)
                remaining = end_day - c_day
                if method == "full":
                    refund = net
                elif method == "none":
                    refund = 0
                elif method == "short_rate":
                    refund = net * remaining * 8 // (term * 10)
                else:
                    refund = net * remaining // term
                tax_refunds = [half_up(tax * refund, net) if net else 0 for tax in taxes]
                gross_refund = refund + sum(tax_refunds)
                after_taxes = [a - b for a, b in zip(taxes, tax_refunds, strict=True)]
                out.append(
                    (*head, "cancellation", f"Fesih: {reason}", spec.code, self.day_text(c_day),
                     values, si, annual, -refund, -gross_refund,
                     taxes_json(tax_codes, [-r for r in tax_refunds]), net - refund,
                     gross - gross_refund, taxes_json(tax_codes, after_taxes), reason, method,
                     net - refund, refund, taxes_json(tax_codes, tax_refunds), status, *who,
                     *decision)
                )  # fmt: skip
                self.counts.cancellations += 1
                if status == "approved":
                    cancelled_from = self.day_text(c_day)
                continue
            effective = min(max(day, start_day), end_day - 1)
            remaining = end_day - effective
            choice = rng.random()
            if choice < 0.45:
                kind, description = "increase", "Değer artışı"
                new_si = si * rng.randrange(105, 140) // 100 // 100 * 100
                new_annual = annual * new_si // max(si, 1)
                change = max(1, (new_annual - annual) * remaining // term)
            elif choice < 0.75 and net > 200:
                kind, description = "decrease", "Kısmi iade / teminat azaltımı"
                new_si = max(100, si * rng.randrange(60, 96) // 100 // 100 * 100)
                new_annual = annual * new_si // max(si, 1)
                change = -min(net // 2, max(1, (annual - new_annual) * remaining // term))
            else:
                kind, description = "information", "Plaka / adres değişikliği"
                new_si, new_annual, change = si, annual, 0
                values = rng.choice(spec.values)
            tax_change = [half_up(change * a, b) for _, a, b in spec.taxes]
            gross_change = change + sum(tax_change)
            after = (net + change, [x + y for x, y in zip(taxes, tax_change, strict=True)])
            out.append(
                (*head, kind, description, spec.code, self.day_text(effective), values, new_si,
                 new_annual, change, gross_change, taxes_json(tax_codes, tax_change), after[0],
                 gross + gross_change, taxes_json(tax_codes, after[1]), None, None, None, None,
                 None, status, *who, *decision)
            )  # fmt: skip
            if status == "approved":
                si, annual, net, taxes = new_si, new_annual, after[0], after[1]
                gross += gross_change
        self.counts.endorsements += count
        return cancelled_from, count

    def sequences(self) -> list[tuple[str, int]]:
        """The numbering rows the services would have left: the app can go on issuing."""
        rows = [
            ("policy", FIRST_POLICY_NUMBER + self.n - 1),
            ("customer", FIRST_CUSTOMER_NUMBER + self.customer_total - 1),
            *self.endorsement_sequences,
        ]
        self.counts.sequences = len(rows)
        return rows


# ------------------------------------------------------------------ loading


def _check_columns(db: Session, table: str, columns: list[str]) -> None:
    real = [c["name"] for c in sa.inspect(db.get_bind()).get_columns(table)]
    if sorted(real) != sorted(columns):
        raise SystemExit(f"{table}: the bench writes {columns}, the schema has {real}")


def check_schema(url: str) -> None:
    with session_scope(url) as db:
        _check_columns(db, "customer", CUSTOMER_COLUMNS)
        _check_columns(db, "policy", POLICY_COLUMNS)
        _check_columns(db, "endorsement", ENDORSEMENT_COLUMNS)


CLEAR_SEQUENCES = (
    "DELETE FROM number_sequence WHERE name IN ('policy', 'customer') OR name LIKE 'endorsement:%'"
)


def _insert_sql(table: str, columns: list[str]) -> str:
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'


BULK_TABLES = ("customer", "policy", "endorsement")


def load_sqlite(url: str, gen: Generator) -> float:
    """executemany in one transaction; the PRAGMAs are for this bench file only (no journal
    or fsync, a big page cache), and the app's WAL mode is restored afterwards. The bulk
    tables' secondary indexes are dropped first and created again afterwards from their
    own stored SQL (one sort each instead of a million random inserts): the same schema."""
    get_engine(url).dispose()
    path = url.removeprefix("sqlite:///")
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA foreign_keys=OFF")  # checked in bulk afterwards
        conn.execute("BEGIN")
        marks = ", ".join("?" for _ in BULK_TABLES)
        indexes = conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({marks})",
            BULK_TABLES,
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        sql = _insert_sql("customer", CUSTOMER_COLUMNS)
        for rows in gen.customers():
            conn.executemany(sql, rows)
        policy_sql = _insert_sql("policy", POLICY_COLUMNS)
        endorsement_sql = _insert_sql("endorsement", ENDORSEMENT_COLUMNS)
        for policies, endorsements in gen.documents():
            conn.executemany(policy_sql, policies)
            conn.executemany(endorsement_sql, endorsements)
        conn.execute(CLEAR_SEQUENCES)
        conn.executemany(_insert_sql("number_sequence", SEQUENCE_COLUMNS), gen.sequences())
        for _name, sql in indexes:
            conn.execute(sql)
        broken = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
        if broken:
            raise SystemExit(f"generated rows break foreign keys: {broken}")
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    return time.perf_counter() - started


def check_foreign_keys(url: str) -> None:
    """Every foreign key of the bulk tables holds: one anti-join per key, instead of a
    trigger per row during the load."""
    engine = get_engine(url)
    inspector = sa.inspect(engine)
    with engine.connect() as conn:
        for table in BULK_TABLES:
            for fk in inspector.get_foreign_keys(table):
                (column,), (target,) = fk["constrained_columns"], fk["referred_columns"]
                parent = fk["referred_table"]
                orphans = conn.exec_driver_sql(
                    f'SELECT count(*) FROM "{table}" c WHERE c."{column}" IS NOT NULL AND NOT'
                    f' EXISTS (SELECT 1 FROM "{parent}" p WHERE p."{target}" = c."{column}")'
                ).scalar_one()
                if orphans:
                    raise SystemExit(f"{orphans} {table}.{column} rows without their {parent}")


def pg_conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def load_postgresql(url: str, gen: Generator) -> float:
    """COPY per table in one transaction, then the id sequences moved past the rows and
    VACUUM ANALYZE, as autovacuum does soon after such a load: statistics for the planner,
    and hint bits set, so the first query does not pay for writing every page again."""
    import psycopg

    get_engine(url).dispose()
    started = time.perf_counter()
    with psycopg.connect(pg_conninfo(url)) as conn:
        with conn.cursor() as cur:
            # Secondary indexes (not those behind constraints) off during the load, made
            # again afterwards from their own definitions: the same schema, built by sorts.
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                " AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM"
                " pg_constraint)",
                (list(BULK_TABLES),),
            )
            indexes = cur.fetchall()
            for name, _sql in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            # A superuser may skip the per-row foreign-key triggers (the keys are checked in
            # bulk afterwards, `check_foreign_keys`); anyone else loads with them.
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cur.fetchone()[0]:
                cur.execute("SET session_replication_role = replica")

            def copy(table: str, columns: list[str], chunks) -> None:  # noqa: ANN001
                names = ", ".join(f'"{c}"' for c in columns)
                with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as cp:
                    for rows in chunks:
                        for row in rows:
                            cp.write_row(row)

            copy("customer", CUSTOMER_COLUMNS, gen.customers())
            for policies, endorsements in gen.documents():
                copy("policy", POLICY_COLUMNS, [policies])
                copy("endorsement", ENDORSEMENT_COLUMNS, [endorsements])
            sequences = gen.sequences()
            cur.execute(CLEAR_SEQUENCES)
            copy("number_sequence", SEQUENCE_COLUMNS, [sequences])
            cur.execute("SET maintenance_work_mem = '256MB'")
            for _name, sql in indexes:
                cur.execute(sql)
            cur.execute("SET session_replication_role = DEFAULT")
            for table in ("customer", "policy", "endorsement"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    check_foreign_keys(url)
    return time.perf_counter() - started
