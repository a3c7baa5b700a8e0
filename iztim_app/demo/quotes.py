"""Demo quotes: a year of realistic quotes on the six lines, from every channel, in every state.

Everything goes through the real services as the demo users would work: customers are
created by the user who serves them, quotes are priced by the tariff in force and saved
with `today=` set to the (past) business day, over-limit quotes are approved or rejected by
the head-office approver a few days later, some quotes are revised. Numbers, audit rows and
approval columns are therefore exactly what real use produces; only the event timestamps
(created_at, approved_at, audit time) are the moment of loading.

Deterministic: the same seed, day and tariff give the same quotes. Loaded once, from
demo.load(); a database that already has quotes, no tariff in force or no demo users gets
nothing.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select
from stdnum.tr import tckimlik, vkn

from iztim_app.core import clock
from iztim_app.core.customers.models import Customer
from iztim_app.core.errors import DomainError, NotFound
from iztim_app.core.quotes import services as quotes
from iztim_app.core.quotes.models import Quote, QuoteStatus
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.model import LineTariff, TariffSet
from iztim_app.core.users.actor import Actor, load_actor
from iztim_app.core.users.models import User

APPROVER = "gm.onay"
# Who prepares how much: agencies sell most, branches some, the head office a little.
PREPARERS = {
    "gm.onay": 1,
    "sube.istanbul": 2,
    "sube.ankara": 2,
    "acente.a1": 3,
    "acente.a2": 3,
    "acente.b1": 3,
    "acente.b2": 2,
    "acente.c1": 2,
}
CUSTOMERS_PER_USER = 5  # about 40 customers
LINE_WEIGHTS = {
    "kasko": 30,
    "trafik": 25,
    "konut": 18,
    "isyeri": 10,
    "ferdi_kaza": 9,
    "nakliyat": 8,
}
# Who buys what: home and personal accident for people, premises and cargo for companies.
LINE_KINDS = {
    "konut": ("individual",),
    "ferdi_kaza": ("individual",),
    "isyeri": ("corporate",),
    "nakliyat": ("corporate",),
}
# Sum insured: (low, typical, high, step) for a triangular draw.
SUMS = {
    "kasko": (250_000, 900_000, 4_500_000, 5_000),
    "trafik": (300_000, 300_000, 300_000, 1),  # the per-vehicle material damage limit
    "konut": (600_000, 1_800_000, 7_000_000, 50_000),
    "isyeri": (1_000_000, 4_000_000, 40_000_000, 250_000),
    "ferdi_kaza": (100_000, 400_000, 2_500_000, 50_000),
    "nakliyat": (150_000, 1_500_000, 12_000_000, 50_000),
}
RECENT_SHARE = 0.3  # quotes of the last three weeks: still open, the live part of the book
REVISION_SHARE = 0.08
REJECTION_REASONS = (
    "Sigorta bedeli aracın kasko değer listesindeki bedelinin üzerinde.",
    "Risk adresi deprem bölgesi 1'de; bina yaşı nedeniyle ekspertiz raporu gerekli.",
    "Faaliyet konusu ile beyan edilen emtia uyumsuz, risk teftişi yapılmadan teklif verilemez.",
    "Hasar geçmişi uygun değil (son üç yılda iki ağır hasar).",
    "Eksik bilgi: yapı tarzı ve kat sayısı teyit edilmeli.",
    "Talep edilen teminat şirketin kabul politikası dışında.",
)

# Offices → city: district names, plate code, province groups (kasko, trafik), earthquake zone.
CITIES = {
    "İstanbul": (
        tuple("Kadıköy Beşiktaş Üsküdar Bakırköy Şişli Ataşehir Pendik".split()),
        "34",
        "1",
        "1",
        "1",
    ),
    "Ankara": (tuple("Çankaya Keçiören Yenimahalle Etimesgut Mamak".split()), "06", "2", "2", "3"),
    "Bursa": (tuple("Nilüfer Osmangazi Yıldırım İnegöl Mudanya".split()), "16", "2", "2", "1"),
}
OFFICE_CITY = {
    "GM": "İstanbul",
    "S-ISTANBUL": "İstanbul",
    "A-ACENTE-A": "İstanbul",
    "S-ANKARA": "Ankara",
    "A-ACENTE-B": "Ankara",
    "S-BURSA": "Bursa",
    "A-ACENTE-C": "Bursa",
}

FIRST_NAMES = tuple(
    "Ahmet Mehmet Mustafa Ali Hüseyin Hasan İbrahim Emre Burak Murat "
    "Ayşe Fatma Emine Hatice Zeynep Elif Şule Özlem Gülşen İrem".split()
)
SURNAMES = tuple(
    "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan "
    "Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Işık".split()
)
SECTORS = tuple(
    "Gıda Tekstil Lojistik Makine İnşaat Otomotiv Kimya Mobilya Elektronik Ambalaj Turizm".split()
)
COMPANY_FORMS = tuple(
    "San. ve Tic. Ltd. Şti.|San. ve Tic. A.Ş.|Ltd. Şti.|A.Ş.|Dış Tic. Ltd. Şti.".split("|")
)
BRANDS = tuple(
    "Renault Clio|Fiat Egea|Toyota Corolla|Volkswagen Passat|Hyundai i20|Ford Transit|"
    "Dacia Duster|Honda Civic|Peugeot 3008|Mercedes-Benz Sprinter".split("|")
)
OCCUPATIONS = {
    "1": ("Muhasebeci", "Öğretmen", "Yazılım uzmanı"),
    "2": ("Satış temsilcisi", "Hemşire", "Garson"),
    "3": ("Elektrik teknisyeni", "Kurye", "Şoför"),
    "4": ("İnşaat ustası", "Maden işçisi", "Kaynakçı"),
}
PORTS = tuple("İstanbul Mersin İzmir Bursa Ankara Gebze Hamburg Rotterdam Şanghay Milano".split())
# The test vectors of the domain rules, left free for people trying the app out.
RESERVED_IDS = ("17291716060", "10000000146", "4540536920", "1000036109")
_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")


@dataclass(frozen=True)
class _Customer:
    id: int
    kind: str


@dataclass(frozen=True)
class _Preparer:
    actor: Actor
    city: str
    customers: tuple[_Customer, ...]


def load_demo_quotes(
    db: Session, count: int = 300, seed: int = 2026, *, today: date | None = None
) -> int:
    """Prepares `count` quotes over the past year (plus revisions of some); returns how many
    quotes were saved. Does nothing (returns 0) when quotes exist already."""
    today = today or clock.today()
    if db.exec(select(Quote.id).limit(1)).first() is not None:
        return 0
    try:
        _, tariff = versions.tariff_in_force(db, today)  # the forms: each line's fields and choices
    except NotFound:
        return 0
    if versions.version_in_force(db, today - timedelta(days=365)) is None:
        return 0  # the past year could not be priced
    actors = _actors(db, [*PREPARERS, APPROVER])
    if APPROVER not in actors or not any(code in actors for code in PREPARERS):
        return 0
    rng = random.Random(seed)
    identities = set(RESERVED_IDS)
    preparers = {
        code: _Preparer(
            actors[code], _city(actors[code]), _customers(db, rng, actors[code], tariff, identities)
        )
        for code in PREPARERS
        if code in actors
    }
    return _Book(db, rng, tariff, preparers, actors[APPROVER], today).write(count)


# ---------------------------------------------------------------- people


def _actors(db: Session, codes: list[str]) -> dict[str, Actor]:
    out = {}
    for code in dict.fromkeys(codes):
        user = db.exec(select(User).where(User.code == code)).first()
        actor = load_actor(db, user.id) if user else None
        if actor is not None and actor.can("quote.create"):
            out[code] = actor
    return out


def _city(actor: Actor) -> str:
    return OFFICE_CITY.get(actor.office_code, "İstanbul")


def _new_tckn(rng: random.Random, taken: set[str]) -> str:
    while True:
        first = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        number = first + tckimlik.calc_check_digits(first)
        if number not in taken:
            taken.add(number)
            return number


def _new_vkn(rng: random.Random, taken: set[str]) -> str:
    while True:
        first = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        number = first + vkn.calc_check_digit(first)
        if number not in taken:
            taken.add(number)
            return number


def _groups(tariff: TariffSet, kind: str) -> list[str]:
    return [code for code, group in tariff.customer_groups.items() if group.kind == kind]


def _customers(
    db: Session, rng: random.Random, owner: Actor, tariff: TariffSet, taken: set[str]
) -> tuple[_Customer, ...]:
    """A few customers of this user: at least one person and one company."""
    city = _city(owner)
    districts = CITIES[city][0]
    out = []
    for i in range(CUSTOMERS_PER_USER):
        kind = "individual" if i == 0 or (i > 1 and rng.random() < 0.6) else "corporate"
        district = rng.choice(districts)
        surname = rng.choice(SURNAMES)
        if kind == "individual":
            name = f"{rng.choice(FIRST_NAMES)} {surname}"
            national_id, tax_office = _new_tckn(rng, taken), ""
        else:
            name = f"{surname} {rng.choice(SECTORS)} {rng.choice(COMPANY_FORMS)}"
            national_id, tax_office = _new_vkn(rng, taken), district
        groups = _groups(tariff, kind)
        group = groups[0] if rng.random() < 0.7 or len(groups) == 1 else rng.choice(groups[1:])
        address = (
            f"{rng.choice(('Atatürk', 'Cumhuriyet', 'İstiklal', 'Gazi', 'Fevzi Çakmak'))} Cad. "
            f"No: {rng.randint(1, 180)} {district}/{city}"
        )
        phone = f"05{rng.randint(30, 59)}{rng.randint(1000000, 9999999)}"
        if kind == "individual":
            first = name.split()[0].translate(_ASCII).lower()
            email = f"{first}.{surname.translate(_ASCII).lower()}@example.com"
        else:
            email = f"bilgi@{surname.translate(_ASCII).lower()}{rng.randint(1, 99)}.example.com"
        customer_id = _add_customer(
            db,
            owner,
            kind=kind,
            national_id=national_id,
            name=name,
            tax_office=tax_office,
            customer_group=group,
            address=address,
            phone=phone,
            email=email,
        )
        out.append(_Customer(customer_id, kind))
    return tuple(out)


def _add_customer(db: Session, owner: Actor, **fields: str) -> int:
    existing = db.exec(
        select(Customer).where(Customer.national_id == fields["national_id"])
    ).first()
    if existing is not None:
        return existing.id
    try:
        from iztim_app.core.customers.services import create_customer
    except ImportError:  # until the customer services exist: the same row, written directly
        create_customer = None
    if create_customer is not None:
        create_customer(db, owner, **fields)
    else:
        from iztim_app.core.numbering import next_number

        db.add(
            Customer(
                number=next_number(db, "customer", start=100001),
                name_search=fields["name"].replace("İ", "i").replace("I", "ı").lower(),
                owner_user_id=owner.user_id,
                office_id=owner.office_id,
                office_path=owner.office_path,
                created_at=clock.utcnow(),
                **fields,
            )
        )
        db.commit()
    return db.exec(select(Customer.id).where(Customer.national_id == fields["national_id"])).one()


# ---------------------------------------------------------------- the quote book


class _Book:
    """Saves, decides and revises in business-date order, so numbers follow the calendar."""

    def __init__(
        self,
        db: Session,
        rng: random.Random,
        tariff: TariffSet,
        preparers: dict[str, _Preparer],
        approver: Actor,
        today: date,
    ) -> None:
        self.db, self.rng, self.tariff, self.today = db, rng, tariff, today
        self.preparers, self.approver = preparers, approver
        self.events: list[tuple[date, int, str, tuple]] = []
        self.seq = 0
        self.saved = 0

    def push(self, on: date, kind: str, *payload: object) -> None:
        self.seq += 1
        heapq.heappush(self.events, (on, self.seq, kind, payload))

    def write(self, count: int) -> int:
        codes = list(self.preparers)
        weights = [PREPARERS[c] for c in codes]
        for _ in range(count):
            if self.rng.random() < RECENT_SHARE:
                back = self.rng.randint(0, 20)
            else:
                back = self.rng.randint(21, 364)
            self.push(self.today - timedelta(days=back), "new", self.rng.choices(codes, weights)[0])
        while self.events:
            on, _, kind, payload = heapq.heappop(self.events)
            getattr(self, f"_{kind}")(on, *payload)
        return self.saved

    # -- events

    def _new(self, on: date, code: str) -> None:
        preparer = self.preparers[code]
        for _ in range(10):  # a combination the tariff has no row for is drawn again
            line = self._line(preparer)
            customer = self.rng.choice(
                [c for c in preparer.customers if c.kind in LINE_KINDS.get(line, (c.kind,))]
            )
            inp = self._form(preparer, line, customer, on)
            view = self._save(preparer.actor, inp, on)
            if view is not None:
                self._after_save(on, code, view, inp, customer, revision_allowed=True)
                return

    def _revise(self, on: date, code: str, number: int, inp: quotes.QuoteInput) -> None:
        changed = self._changed(inp)
        view = self._save(self.preparers[code].actor, changed, on, revises=number)
        if view is not None:
            self._after_save(on, code, view, changed, None, revision_allowed=False)

    def _decide(self, on: date, number: int) -> None:
        current = self.db.exec(select(Quote.status).where(Quote.number == number)).one()
        if current != QuoteStatus.AWAITING_APPROVAL.value:
            return  # revised meanwhile
        try:
            if self.rng.random() < 0.8:
                quotes.approve(self.db, self.approver, number, today=on)
            else:
                quotes.reject(
                    self.db, self.approver, number, self.rng.choice(REJECTION_REASONS), today=on
                )
        except DomainError:
            self.db.rollback()

    # -- helpers

    def _save(
        self, actor: Actor, inp: quotes.QuoteInput, on: date, revises: int | None = None
    ) -> quotes.QuoteView | None:
        try:
            view = quotes.save_quote(self.db, actor, inp, today=on, revises=revises)
        except DomainError:
            self.db.rollback()
            return None
        self.saved += 1
        return view

    def _after_save(
        self,
        on: date,
        code: str,
        view: quotes.QuoteView,
        inp: quotes.QuoteInput,
        customer: _Customer | None,
        revision_allowed: bool,
    ) -> None:
        if view.status == QuoteStatus.AWAITING_APPROVAL.value:
            still_valid = view.valid_until >= self.today
            # Left open: a short approval queue (it fits the approver's first page) and, from
            # older days, quotes nobody decided in time (expired).
            leave_open = self.rng.random() < (0.2 if still_valid else 0.15)
            if not leave_open:
                decided = min(
                    on + timedelta(days=self.rng.randint(0, 3)), view.valid_until, self.today
                )
                self.push(decided, "decide", view.number)
        if revision_allowed and self.rng.random() < REVISION_SHARE:
            revised = on + timedelta(days=self.rng.randint(1, 6))
            if revised <= self.today:
                self.push(revised, "revise", code, view.number, inp)

    def _line(self, preparer: _Preparer) -> str:
        kinds = {c.kind for c in preparer.customers}
        lines = [
            code
            for code in LINE_WEIGHTS
            if code in self.tariff.lines and set(LINE_KINDS.get(code, kinds)) & kinds
        ]
        return self.rng.choices(lines, [LINE_WEIGHTS[code] for code in lines])[0]

    def _sum(self, line: str) -> Decimal:
        low, mode, high, step = SUMS[line]
        value = self.rng.triangular(low, high, mode)
        return Decimal(max(low, int(value) // step * step))

    def _form(
        self, preparer: _Preparer, line: str, customer: _Customer, on: date
    ) -> quotes.QuoteInput:
        start = on + timedelta(days=self.rng.choice((0, 0, 1, 3, 7, 10)))
        end = None
        if line == "nakliyat" and self.rng.random() < 0.6:  # a single voyage
            end = start + timedelta(days=self.rng.randint(10, 45))
        values = self._values(self.tariff.lines[line], preparer.city, start)
        return quotes.QuoteInput(
            line_code=line,
            customer_id=customer.id,
            sum_insured=self._sum(line),
            start_date=start,
            end_date=end,
            values=values,
        )

    def _changed(self, inp: quotes.QuoteInput) -> quotes.QuoteInput:
        """What a customer asks for on the phone: another deductible or sum insured, or a
        corrected model year (the traffic sum insured is set by law)."""
        values = dict(inp.values)
        sum_insured = Decimal(inp.sum_insured)
        low, _, high, step = SUMS[inp.line_code]
        if "deductible" in values and self.rng.random() < 0.5:
            choices = [c.value for c in self.tariff.lines[inp.line_code].choices_for("deductible")]
            values["deductible"] = self.rng.choice(choices)
        elif low < high:
            factor = Decimal(self.rng.choice(("0.8", "0.9", "1.1", "1.25")))
            sum_insured = max(
                Decimal(low), (sum_insured * factor / step).quantize(Decimal(1)) * step
            )
        elif "model_year" in values:
            values["model_year"] = str(int(values["model_year"]) - 1)
        return quotes.QuoteInput(
            line_code=inp.line_code,
            customer_id=inp.customer_id,
            sum_insured=sum_insured,
            start_date=inp.start_date,
            end_date=inp.end_date,
            values=values,
        )

    def _values(self, line: LineTariff, city: str, start: date) -> dict[str, str]:
        """A valid form for the line, read from its fields and choices; the city sets the
        plate, province group and earthquake zone where the line asks for them."""
        rng = self.rng
        districts, plate_code, kasko_group, trafik_group, quake_zone = CITIES[city]
        values: dict[str, str] = {}
        for f in line.fields:
            choices = [c.value for c in line.choices_for(f.name)]
            value: str | None = None
            if f.name == "province_group" and choices:
                local = kasko_group if line.code == "kasko" else trafik_group
                value = local if local in choices and rng.random() < 0.85 else rng.choice(choices)
            elif f.name == "earthquake_zone" and choices:
                value = (
                    quake_zone
                    if quake_zone in choices and rng.random() < 0.8
                    else rng.choice(choices)
                )
            elif f.name == "usage" and "hususi" in choices:
                value = "hususi" if rng.random() < 0.8 else rng.choice(choices)
            elif f.type == "choice" and choices:
                value = rng.choice(choices)
            elif f.type == "boolean":
                chance = {"earthquake_cover": 0.65, "in_municipality": 0.9, "sprinkler": 0.3}.get(
                    f.name, 0.12
                )
                value = "yes" if rng.random() < chance else "no"
            elif f.type in ("integer", "decimal"):
                value = str(self._number(f.name, f.min, f.max, start))
            elif f.type == "date":
                value = (
                    start - timedelta(days=rng.randint(22 * 365, 70 * 365))
                ).isoformat()  # a birth date
            elif f.type == "text":
                value = self._text(f.name, districts, plate_code, city, values)
            if value is not None and (f.required or value != ""):
                values[f.name] = value
        return values

    def _number(self, name: str, low: Decimal | None, high: Decimal | None, start: date) -> int:
        typical = {
            "model_year": (start.year - 15, start.year),
            "building_age": (0, 55),
            "floor_area": (65, 240),
            "employees": (2, 180),
        }.get(name)
        lo = int(low) if low is not None else 0
        hi = int(high) if high is not None else lo + 100
        if typical:
            lo, hi = max(lo, typical[0]), min(hi, typical[1])
        return self.rng.randint(lo, max(lo, hi))

    def _text(
        self, name: str, districts: tuple[str, ...], plate_code: str, city: str, values: dict
    ) -> str:
        rng = self.rng
        letters = "ABCDEFGHJKLMNPRSTUVYZ"
        if name == "plate":
            series = "".join(rng.choice(letters) for _ in range(rng.randint(1, 3)))
            return f"{plate_code} {series} {rng.randint(10, 9999)}"
        if name == "brand_model":
            return rng.choice(BRANDS)
        if name == "address":
            street = rng.choice(("Lale", "Papatya", "Menekşe", "Çınar"))
            return f"{street} Sok. No: {rng.randint(1, 90)} {rng.choice(districts)}/{city}"
        if name == "occupation":
            return rng.choice(
                OCCUPATIONS.get(values.get("occupation_class", "1"), OCCUPATIONS["1"])
            )
        if name == "origin":
            return rng.choice(PORTS)
        if name == "destination":
            return rng.choice(PORTS)
        if name == "conveyance":
            return (
                f"{plate_code} {rng.choice(letters)}{rng.choice(letters)} {rng.randint(100, 999)}"
            )
        return ""
