"""Service-matrix cases of the reports work (appended by test_service_matrix.py).

In the world, acente.a1's policies issued through the services count today: two approved
(300 000 each) and one approved then un-approved (350 000 in and out again); the figures
themselves are proved in tests/reports."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import select

from iztim_app.core import clock
from iztim_app.core.reports import services as reports
from iztim_app.core.reports.models import ReportFormat
from tests.foundation.test_service_matrix import (
    A1,
    B1,
    MANAGER,
    NOT_AGENCY_POWER,
    Case,
    Outsider,
    World,
    eq,
)

VIEW = frozenset({"report.view"})
DEFINE = frozenset({"report.define"})
COMPANY_WIDE_FORMATS = "report formats are company-wide definitions, not an agency's records"
OWN_FORMAT = 9001  # a user's format written straight into the open transaction by the call
BY_PREPARER = {"dimensions": ["preparer"], "measures": ["policies", "issued", "sum_insured"]}


def _dates(w: World) -> tuple:
    return w.today - timedelta(days=2), w.today + timedelta(days=1)


def _format_id(w: World, name: str) -> int:
    return w.db.exec(select(ReportFormat.id).where(ReportFormat.name == name)).one()


def _own_format(w: World) -> int:
    """A saved (not predefined) format, inserted without audit in the caller's transaction:
    a refused call rolls it back with everything else."""
    now = clock.utcnow()
    w.db.execute(
        sa.insert(ReportFormat.__table__).values(
            id=OWN_FORMAT,
            name="Deneme",
            name_key="deneme",
            description="",
            definition={"dimensions": [], "measures": ["policies"]},
            predefined=False,
            created_by=MANAGER,
            created_at=now,
            updated_by=MANAGER,
            updated_at=now,
        )
    )
    return OWN_FORMAT


def _a1_rows(w: World, r) -> None:  # noqa: ANN001
    eq(
        [(x["preparer"], x["policies"], x["issued"], x["sum_insured"]) for x in r.rows],
        [(A1, 2, 2, Decimal("600000.00"))],
    )


def _no_rows(w: World, r) -> None:  # noqa: ANN001
    eq((r.rows, r.totals["policies"]), ([], 0))


CASES = (
    Case(
        "reports.list_formats",
        lambda w, a: reports.list_formats(w.db, a),
        A1,
        VIEW,
        None,
        lambda w, r: eq((len(r), all(f.predefined for f in r)), (8, True)),
        None,
        COMPANY_WIDE_FORMATS,
    ),
    Case(
        "reports.get_format",
        lambda w, a: reports.get_format(w.db, a, _format_id(w, "Branşa göre üretim")),
        A1,
        VIEW,
        None,
        lambda w, r: eq((r.name, r.definition.dimensions), ("Branşa göre üretim", ("line",))),
        None,
        COMPANY_WIDE_FORMATS,
    ),
    Case(
        "reports.save_format",
        lambda w, a: reports.save_format(w.db, a, "Aylık kanal", "", BY_PREPARER),
        MANAGER,
        DEFINE,
        "report.format_create",
        lambda w, r: eq((r.name, r.created_by, r.predefined), ("Aylık kanal", MANAGER, False)),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "reports.save_format#change",
        lambda w, a: reports.save_format(
            w.db, a, "Deneme 2", "Değişti", BY_PREPARER, _own_format(w)
        ),
        MANAGER,
        DEFINE,
        "report.format_change",
        lambda w, r: eq((r.id, r.name, r.description), (OWN_FORMAT, "Deneme 2", "Değişti")),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "reports.delete_format",
        lambda w, a: reports.delete_format(w.db, a, _own_format(w)),
        MANAGER,
        DEFINE,
        "report.format_delete",
        lambda w, r: eq(w.db.get(ReportFormat, OWN_FORMAT), None),
        None,
        NOT_AGENCY_POWER,
    ),
    Case(
        "reports.run_report",
        lambda w, a: reports.run_report(w.db, a, BY_PREPARER, *_dates(w)),
        A1,
        VIEW,
        None,
        _a1_rows,
        Outsider(B1, _no_rows),
    ),
    Case(
        "reports.run_format",
        lambda w, a: reports.run_format(w.db, a, _format_id(w, "Acenteye göre üretim"), *_dates(w)),
        A1,
        VIEW,
        None,
        lambda w, r: eq([(x["agency_code"], x["policies"]) for x in r.rows], [("A-ACENTE-A", 2)]),
        Outsider(B1, _no_rows),
    ),
    Case(
        "reports.production_report",
        lambda w, a: reports.production_report(w.db, a, *_dates(w), ["line", "agency"]),
        A1,
        VIEW,
        None,
        lambda w, r: eq(
            reports.as_api(r)["rows"],
            [
                {
                    "line": "konut",
                    "agency": "A-ACENTE-A",
                    "policies": 2,
                    "net_premium": f"{r.totals['net_premium']:.2f}",
                    "taxes": f"{r.totals['taxes']:.2f}",
                    "gross_premium": f"{r.totals['gross_premium']:.2f}",
                    "sum_insured": "600000.00",
                }
            ],
        ),
        Outsider(B1, _no_rows),
    ),
    Case(
        "reports.export_report",
        lambda w, a: reports.export_report(
            w.db, a, reports.run_report(w.db, a, BY_PREPARER, *_dates(w)), "csv", "tr"
        ),
        A1,
        VIEW,
        "report.export",
        lambda w, r: eq(
            r.content.decode("utf-8-sig").splitlines()[1:],
            ["acente.a1;2;2;600000,00", "Toplam;2;2;600000,00"],
        ),
        None,
        "exports the result the caller ran (run_report's scope has its own row) and always "
        "writes its audit record",
    ),
)
