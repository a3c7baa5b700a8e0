"""Demo commission rates for the three demo agencies, in force before the demo year of
policies (so every demo agency policy earns commission), and one rate change half a year
ago (agency A's kasko 12,50 → 13,50) to show effective dating on the statement.

Set through the service as the head office's production manager (`gm.mudur`), with the
business day moved back (`today=`) the way the demo policies are issued, so the audit trail
holds them like real use. Loaded from demo.load() before quotes and policies, only when a
tariff is in force (its lines are the ones rates are set for); a database that already has
rates gets nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.commissions import services as commissions
from iztim_app.core.commissions.models import CommissionRate
from iztim_app.core.lines import known_lines
from iztim_app.core.organisation.models import Office
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import load_actor
from iztim_app.core.users.models import User

SETTER = "gm.mudur"
# Agency code → line → percent. Corporate agencies earn a little more on property.
RATES = {
    "A-ACENTE-A": {
        "kasko": "12.50",
        "trafik": "8.00",
        "konut": "20.00",
        "isyeri": "17.50",
        "ferdi_kaza": "25.00",
        "nakliyat": "15.00",
    },
    "A-ACENTE-B": {
        "kasko": "11.00",
        "trafik": "7.50",
        "konut": "20.00",
        "isyeri": "15.00",
        "ferdi_kaza": "22.50",
        "nakliyat": "12.50",
    },
    "A-ACENTE-C": {
        "kasko": "12.00",
        "trafik": "8.00",
        "konut": "18.50",
        "isyeri": "17.50",
        "ferdi_kaza": "25.00",
        "nakliyat": "15.00",
    },
}
# A later rate: (agency, line, percent, days before today it starts).
CHANGES = (("A-ACENTE-A", "kasko", "13.50", 180),)
FIRST_DAY_BACK = 730  # two years: before every demo quote and policy


def load_demo_commissions(db: Session, today: date | None = None) -> int:
    """Sets the demo rates; returns how many (0 when rates exist, no tariff or no setter)."""
    today = today or clock.today()
    if db.exec(select(CommissionRate.id).limit(1)).first() is not None:
        return 0
    if versions.version_in_force(db, today) is None:
        return 0
    setter = db.exec(select(User).where(User.code == SETTER)).first()
    actor = load_actor(db, setter.id) if setter is not None else None
    if actor is None:
        return 0
    lines = known_lines(db)
    offices = {o.code: o.id for o in db.exec(select(Office).where(Office.code.in_(RATES))).all()}
    start = today - timedelta(days=FIRST_DAY_BACK)
    written = 0
    plan = [
        (code, line, rate, start) for code, rates in RATES.items() for line, rate in rates.items()
    ]
    plan += [(code, line, rate, today - timedelta(days=back)) for code, line, rate, back in CHANGES]
    for code, line, rate, valid_from in plan:
        if code not in offices or line not in lines:
            continue
        commissions.set_rate(
            db, actor, offices[code], line, Decimal(rate), valid_from, today=valid_from
        )
        written += 1
    return written
