"""Service-matrix cases of the commissions work (appended by test_service_matrix.py).

The world has agency A's policies but no commission rates, so statements are empty: what
is checked here is who may call what; the figures are in tests/commissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from iztim_app.core.commissions import services as commissions
from iztim_app.core.organisation.models import Office
from tests.foundation.test_service_matrix import (
    A1,
    B1,
    MANAGER,
    NOT_AGENCY_POWER,
    Case,
    Outsider,
    World,
    eq,
    not_found,
)

READ = frozenset({"report.view", "commission.manage"})  # either lets a user read rates
STATEMENT = frozenset({"report.view"})
MANAGE = frozenset({"commission.manage"})
AGENCY_A_NAME = "A Sigorta Aracılık Hizmetleri Ltd. Şti."


def _agency_a(w: World) -> int:
    return w.db.exec(select(Office.id).where(Office.code == "A-ACENTE-A")).one()


def _period(w: World) -> tuple:
    return w.today - timedelta(days=30), w.today


def _empty_statement(w: World, r) -> None:  # noqa: ANN001
    eq((r.office_name, r.count, r.total, r.entries.rows), (AGENCY_A_NAME, 0, Decimal("0.00"), []))


CASES = (
    Case(
        "commissions.set_rate",
        lambda w, a: commissions.set_rate(w.db, a, _agency_a(w), "konut", "12,50", w.today),
        MANAGER,
        MANAGE,
        "commission.rate_set",
        lambda w, r: eq(
            (r.office_name, r.line_code, r.rate, r.in_force),
            (AGENCY_A_NAME, "konut", Decimal("12.50"), True),
        ),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "commissions.list_rates",
        lambda w, a: commissions.list_rates(w.db, a, _agency_a(w)),
        A1,
        READ,
        None,
        lambda w, r: eq((r.total, r.rows), (0, [])),
        not_found(),
    ),
    Case(
        "commissions.agency_options",
        lambda w, a: commissions.agency_options(w.db, a),
        A1,
        READ,
        None,
        lambda w, r: eq([o.code for o in r], ["A-ACENTE-A"]),
        Outsider(B1, lambda w, r: eq([o.code for o in r], ["A-ACENTE-B"])),
    ),
    Case(
        "commissions.statement",
        lambda w, a: commissions.statement(w.db, a, _agency_a(w), *_period(w)),
        A1,
        STATEMENT,
        None,
        _empty_statement,
        not_found(),
    ),
    Case(
        "commissions.statement_pdf",
        lambda w, a: commissions.statement_pdf(w.db, a, _agency_a(w), *_period(w)),
        A1,
        STATEMENT,
        "commission.statement_print",
        lambda w, r: eq((r.filename[:20], r.content[:5]), ("komisyon-A-ACENTE-A-", b"%PDF-")),
        not_found(),
    ),
    Case(
        "commissions.statement_export",
        lambda w, a: commissions.statement_export(w.db, a, _agency_a(w), *_period(w), "xlsx"),
        A1,
        STATEMENT,
        "commission.statement_export",
        lambda w, r: eq((r.filename[-5:], r.content[:2]), (".xlsx", b"PK")),
        not_found(),
    ),
)
