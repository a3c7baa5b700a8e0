"""Demo data: a small insurer's office tree and a user for every role, then a year of quotes
and policies.

Loaded once by `iztim demo load`, and only in a demo installation (settings.demo_mode).
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, select

from iztim_app.core.lines import known_lines
from iztim_app.core.organisation import services as offices
from iztim_app.core.organisation.models import Office
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import operator_actor
from iztim_app.demo.commissions import load_demo_commissions
from iztim_app.demo.policies import load_demo_policies
from iztim_app.demo.quotes import load_demo_quotes

DEMO_PASSWORD = "Demo.2026"

# code, name, kind, parent code, agency kind
OFFICES = (
    ("GM", "Genel Müdürlük", "head_office", None, None),
    ("B-MARMARA", "Marmara Bölge Müdürlüğü", "region", "GM", None),
    ("B-ICANADOLU", "İç Anadolu Bölge Müdürlüğü", "region", "GM", None),
    ("S-ISTANBUL", "İstanbul Şube", "branch", "B-MARMARA", None),
    ("S-BURSA", "Bursa Şube", "branch", "B-MARMARA", None),
    ("S-ANKARA", "Ankara Şube", "branch", "B-ICANADOLU", None),
    ("A-ACENTE-A", "A Sigorta Aracılık Hizmetleri Ltd. Şti.", "agency", "S-ISTANBUL", "corporate"),
    ("A-ACENTE-B", "B Sigorta Acentesi (Ayşe Yılmaz)", "agency", "S-ANKARA", "individual"),
    ("A-ACENTE-C", "C Sigorta Aracılık A.Ş.", "agency", "S-BURSA", "corporate"),
)

# code, name, office, role, quote/policy limit per line (None = no limit rows)
USERS = (
    ("bt.admin", "Bilgi İşlem Yöneticisi", "GM", "it_admin", None),
    ("gm.onay", "Genel Müdürlük Onay Yetkilisi", "GM", "hq_approver", Decimal("100000000")),
    ("gm.mudur", "Üretim Müdürü", "GM", "manager", None),
    ("sube.ankara", "Ankara Şube Operasyon", "S-ANKARA", "branch_staff", Decimal("2500000")),
    ("sube.istanbul", "İstanbul Şube Operasyon", "S-ISTANBUL", "branch_staff", Decimal("2500000")),
    ("acente.a1", "Acente A Kullanıcı 1", "A-ACENTE-A", "agency_user", Decimal("500000")),
    ("acente.a2", "Acente A Kullanıcı 2", "A-ACENTE-A", "agency_user", Decimal("500000")),
    ("acente.b1", "Acente B Kullanıcı 1", "A-ACENTE-B", "agency_user", Decimal("500000")),
    ("acente.b2", "Acente B Kullanıcı 2", "A-ACENTE-B", "agency_user", Decimal("500000")),
    ("acente.c1", "Acente C Kullanıcı 1", "A-ACENTE-C", "agency_user", Decimal("500000")),
)

DEMO_SIGN_INS = tuple((code, name) for code, name, *_ in USERS)


def is_loaded(db: Session) -> bool:
    return db.exec(select(Office).where(Office.code == "GM")).first() is not None


def load(db: Session) -> bool:
    """Loads the demo organisation; returns False (and changes nothing) when already there."""
    if is_loaded(db):
        return False
    operator = operator_actor("demo")
    ids: dict[str, int] = {}
    for code, name, kind, parent, agency_kind in OFFICES:
        row = offices.create_office(
            db,
            operator,
            code=code,
            name=name,
            kind=kind,
            parent_id=ids.get(parent) if parent else None,
            agency_kind=agency_kind,
        )
        ids[code] = row.id
    lines = known_lines(db)
    for code, name, office, role, limit in USERS:
        user = users.create_user(
            db,
            operator,
            code=code,
            name=name,
            office_id=ids[office],
            role=role,
            password=DEMO_PASSWORD,
            email=f"{code}@iztim.example",
            must_change_password=False,
        )
        if limit is not None:
            for line in lines:
                users.set_limit(db, operator, user.id, line, limit, limit)
    load_demo_commissions(db)  # agency rates in force before the demo quotes and policies
    load_demo_quotes(db)  # a year of quotes, when a tariff is in force
    load_demo_policies(db)  # then policies from them and direct ones, with what followed
    from iztim_app.demo.portal import load_demo_portal

    load_demo_portal(db)  # one policy's portal access code fixed for README
    return True
