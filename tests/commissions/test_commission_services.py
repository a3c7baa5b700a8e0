"""Rates (head office, validated, audited, effective-dated), the statement (exact totals,
scope), its PDF and exports, and the entries' immutability at the database."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session, select

from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.commissions import services as commissions
from iztim_app.core.commissions.earning import earn
from iztim_app.core.commissions.models import (
    CommissionEntry,
    CommissionRate,
    ImmutableCommissionEntry,
)
from iztim_app.core.commissions.services import CommissionProblems
from iztim_app.core.db import session_scope
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied
from tests.commissions.support import (
    A1,
    A2,
    AGENCY_A,
    AGENCY_B,
    B1,
    MANAGER,
    D,
    office_id,
    posting,
    set_rate,
)
from tests.foundation.support import actor_of, snapshot

TODAY = clock.today()
DAY = date(2026, 4, 1)


def _rates(db: Session) -> list[tuple]:
    return [
        (r.office_id, r.line_code, r.rate, r.valid_from)
        for r in db.exec(select(CommissionRate).order_by(CommissionRate.id)).all()
    ]


# ---------------------------------------------------------------- rates


def test_head_office_sets_a_rate_audited_with_before_and_after(db: Session):
    manager = actor_of(db, MANAGER)
    a = office_id(db, AGENCY_A)
    first = commissions.set_rate(db, manager, a, "kasko", "12,50", TODAY)
    assert (first.office_name, first.line_code, first.rate, first.valid_from, first.valid_to) == (
        "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
        "kasko",
        D("12.50"),
        TODAY,
        None,
    )
    assert first.in_force and first.created_by == MANAGER
    later = TODAY + timedelta(days=30)
    second = commissions.set_rate(db, manager, a, "kasko", D("13.75"), later)
    assert (second.rate, second.in_force) == (D("13.75"), False)
    events = db.exec(
        select(AuditEvent).where(AuditEvent.action == "commission.rate_set").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_code, e.before, e.after) for e in events] == [
        (
            MANAGER,
            None,
            {
                "office_id": a,
                "line_code": "kasko",
                "rate": "12.50",
                "valid_from": TODAY.isoformat(),
            },
        ),
        (
            MANAGER,
            {
                "office_id": a,
                "line_code": "kasko",
                "rate": "12.50",
                "valid_from": TODAY.isoformat(),
            },
            {
                "office_id": a,
                "line_code": "kasko",
                "rate": "13.75",
                "valid_from": later.isoformat(),
            },
        ),
    ]
    # the list shows each rate's validity: the first ends the day before the second starts
    page = commissions.list_rates(db, manager, a)
    assert [(r.rate, r.valid_from, r.valid_to, r.in_force) for r in page.rows] == [
        (D("13.75"), later, None, False),
        (D("12.50"), TODAY, later - timedelta(days=1), True),
    ]
    # stored exactly, as basis points
    raw = db.execute(sa.text("SELECT rate FROM commission_rate ORDER BY id")).scalars().all()
    assert raw == [1250, 1375]


def test_an_upcoming_rate_is_replaced_one_in_force_is_not(db: Session):
    manager = actor_of(db, MANAGER)
    a = office_id(db, AGENCY_A)
    later = TODAY + timedelta(days=5)
    commissions.set_rate(db, manager, a, "konut", "20", later)
    commissions.set_rate(db, manager, a, "konut", "21.5", later)
    assert _rates(db) == [(a, "konut", D("21.50"), later)]
    commissions.set_rate(db, manager, a, "trafik", "8", TODAY)
    before = _rates(db)
    with pytest.raises(Conflict) as refused:
        commissions.set_rate(db, manager, a, "trafik", "9", TODAY)
    assert refused.value.code == "commission.rate_in_force"
    assert _rates(db) == before


def test_every_problem_of_a_rate_is_named(db: Session, quotes_url: str):
    manager = actor_of(db, MANAGER)
    before = snapshot(quotes_url)
    with pytest.raises(CommissionProblems) as refused:
        commissions.set_rate(
            db,
            manager,
            office_id(db, "S-ISTANBUL"),
            "uzay",
            "100,5",
            TODAY - timedelta(days=1),
        )
    assert [(p.code, p.field) for p in refused.value.problems] == [
        ("commission.not_an_agency", "office_id"),
        ("commission.line_unknown", "line_code"),
        ("commission.rate_range", "rate"),
        ("commission.valid_from_past", "valid_from"),
    ]
    cases = [
        ("", "konut", "12,5", TODAY, [("commission.agency_required", "office_id")]),
        ("abc", "konut", "12,5", TODAY, [("commission.not_an_agency", "office_id")]),
        (AGENCY_A, "konut", "-1", TODAY, [("commission.rate_invalid", "rate")]),
        (AGENCY_A, "konut", "12,555", TODAY, [("commission.rate_decimals", "rate")]),
        (AGENCY_A, "konut", "on iki", TODAY, [("commission.rate_invalid", "rate")]),
        (AGENCY_A, "konut", "12", "31.02.2026", [("date.invalid", "valid_from")]),
        (AGENCY_A, "konut", "12", "", [("error.required", "valid_from")]),
    ]
    for agency, line, rate, start, expected in cases:
        office = office_id(db, agency) if agency.startswith("A-") else agency
        with pytest.raises(CommissionProblems) as refused:
            commissions.set_rate(db, manager, office, line, rate, start)
        assert [(p.code, p.field) for p in refused.value.problems] == expected, rate
    db.rollback()
    assert snapshot(quotes_url) == before


def test_only_head_office_managers_set_rates(db: Session, quotes_url: str):
    before = snapshot(quotes_url)
    a = office_id(db, AGENCY_A)
    for code in (A1, "sube.istanbul", "gm.onay"):
        with pytest.raises(PermissionDenied) as refused:
            commissions.set_rate(db, actor_of(db, code), a, "konut", "20", TODAY)
        assert refused.value.params == {"permission": "commission.manage"}
    # a branch manager granted the permission is still not head office
    branch_manager = actor_of(db, "sube.istanbul")
    granted = type(branch_manager)(
        **{
            **branch_manager.__dict__,
            "permissions": branch_manager.permissions | {"commission.manage"},
        }
    )
    with pytest.raises(PermissionDenied) as refused:
        commissions.set_rate(db, granted, a, "konut", "20", TODAY)
    assert refused.value.code == "commission.head_office_only"
    assert snapshot(quotes_url) == before


def test_agency_users_read_their_own_agency_rates_only(db: Session):
    set_rate(db, AGENCY_A, "konut", "20", DAY)
    set_rate(db, AGENCY_B, "konut", "18", DAY)
    a, b = office_id(db, AGENCY_A), office_id(db, AGENCY_B)
    assert [(r.office_id, r.rate) for r in commissions.list_rates(db, actor_of(db, A1)).rows] == [
        (a, D("20.00"))
    ]
    with pytest.raises(NotFound):
        commissions.list_rates(db, actor_of(db, A1), b)
    # head office sees both; İstanbul Şube the agency under it (A) only
    assert {r.office_id for r in commissions.list_rates(db, actor_of(db, "gm.onay")).rows} == {a, b}
    assert [
        r.office_id for r in commissions.list_rates(db, actor_of(db, "sube.istanbul")).rows
    ] == [a]
    assert [o.id for o in commissions.agency_options(db, actor_of(db, B1))] == [b]


# ---------------------------------------------------------------- statement


@pytest.fixture
def book(db: Session) -> dict[str, int]:
    """Agency A: a1's konut policy 5000001 (20 %) and kasko 5000002 (12,50 %), a2's konut
    5000003; agency B: b1's konut 5000004 (18 %); an entry outside the period."""
    set_rate(db, AGENCY_A, "konut", "20", DAY)
    set_rate(db, AGENCY_A, "kasko", "12.50", DAY)
    set_rate(db, AGENCY_B, "konut", "18", DAY)
    april = date(2026, 4, 10)
    earn(db, posting(db, day=april, net="1144.00", number=5000001))  # 228.80
    earn(db, posting(db, day=date(2026, 4, 20), net="302.03", document="endorsement", seq=1))
    earn(db, posting(db, day=april, net="2345.67", number=5000002, line="kasko"))  # 293.21
    earn(db, posting(db, day=april, net="999.99", number=5000003, preparer=A2))  # 200.00
    earn(db, posting(db, day=april, net="1000.00", number=5000004, preparer=B1))  # 180.00
    earn(db, posting(db, day=date(2026, 5, 2), net="-500.13", document="cancellation", seq=2))
    db.commit()
    return {"a": office_id(db, AGENCY_A), "b": office_id(db, AGENCY_B)}


APRIL = (date(2026, 4, 1), date(2026, 4, 30))


def test_statement_totals_are_exact_per_line_and_overall(db: Session, book):
    head = commissions.statement(db, actor_of(db, "gm.onay"), book["a"], *APRIL)
    # konut: 228.80 + 60.41 (302.03 × 20 %: 60.406) + 200.00 (999.99 × 20 %: 199.998)
    # kasko: 2 345.67 × 12.50 % = 293.20875 → 293.21; the May cancellation is outside
    assert [(t.line_code, t.count, t.base_net, t.amount) for t in head.by_line] == [
        ("kasko", 1, D("2345.67"), D("293.21")),
        ("konut", 3, D("2446.02"), D("489.21")),
    ]
    assert (head.count, head.base_net, head.total) == (4, D("4791.69"), D("782.42"))
    assert head.office_name == "A Sigorta Aracılık Hizmetleri Ltd. Şti."
    assert [(e.label, e.document, e.rate, e.amount) for e in head.entries.rows] == [
        ("5000001", "policy", D("20.00"), D("228.80")),
        ("5000002", "policy", D("12.50"), D("293.21")),
        ("5000003", "policy", D("20.00"), D("200.00")),
        ("1/5000001", "endorsement", D("20.00"), D("60.41")),
    ]
    # paged on the server, totals unchanged
    second = commissions.statement(db, actor_of(db, "gm.onay"), book["a"], *APRIL, page=2, size=3)
    assert ([e.label for e in second.entries.rows], second.entries.total, second.total) == (
        ["1/5000001"],
        4,
        D("782.42"),
    )


def test_statement_scope(db: Session, book):
    # agency B's user: agency A's statement does not exist for them
    with pytest.raises(NotFound):
        commissions.statement(db, actor_of(db, B1), book["a"], *APRIL)
    with pytest.raises(NotFound):
        commissions.statement_pdf(db, actor_of(db, B1), book["a"], *APRIL)
    with pytest.raises(NotFound):
        commissions.statement(db, actor_of(db, B1), 999999, *APRIL)
    own = commissions.statement(db, actor_of(db, B1), None, *APRIL)
    assert (own.office_id, own.total) == (book["b"], D("180.00"))
    # agency A's a1 sees the entries of the policies they prepared, not a2's
    mine = commissions.statement(db, actor_of(db, A1), book["a"], *APRIL)
    assert ([e.label for e in mine.entries.rows], mine.total) == (
        ["5000001", "5000002", "1/5000001"],
        D("582.42"),
    )
    # Ankara Şube (agency B's branch) sees B, not A
    with pytest.raises(NotFound):
        commissions.statement(db, actor_of(db, "sube.ankara"), book["a"], *APRIL)
    assert commissions.statement(db, actor_of(db, "sube.ankara"), book["b"], *APRIL).total == D(
        "180.00"
    )


def test_statement_dates_are_validated_together(db: Session, book):
    with pytest.raises(CommissionProblems) as refused:
        commissions.statement(db, actor_of(db, A1), book["a"], "", "32.13.2026")
    assert [(p.code, p.field) for p in refused.value.problems] == [
        ("error.required", "date_from"),
        ("date.invalid", "date_to"),
    ]
    with pytest.raises(CommissionProblems) as refused:
        commissions.statement(db, actor_of(db, A1), book["a"], date(2026, 5, 1), date(2026, 4, 1))
    assert [(p.code, p.field) for p in refused.value.problems] == [("error.date_range", "date_to")]


def test_statement_pdf_holds_the_agency_and_the_totals(db: Session, book):
    last = db.exec(select(sa.func.max(AuditEvent.id))).one() or 0
    printed = commissions.statement_pdf(db, actor_of(db, "gm.onay"), book["a"], *APRIL)
    assert printed.filename == "komisyon-A-ACENTE-A-20260401-20260430.pdf"
    assert printed.mime == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.content)).pages)
    for expected in (
        "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
        "Komisyon ekstresi",
        "01.04.2026 – 30.04.2026",
        "782,42 ₺",
        "4.791,69 ₺",
        "293,21 ₺",
        "489,21 ₺",
        "1/5000001",
        "%12,50",
    ):
        assert expected in text, expected
    events = db.exec(select(AuditEvent).where(AuditEvent.id > last)).all()
    assert [(e.action, e.entity_id, e.after["total"], e.after["entries"]) for e in events] == [
        ("commission.statement_print", str(book["a"]), "782.42", 4)
    ]


def test_exports_neutralise_formula_text_and_keep_exact_amounts(db: Session, book):
    gm = actor_of(db, "gm.onay")
    exported = commissions.statement_export(db, gm, book["a"], *APRIL, "csv")
    assert exported.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Belge no", "Belge türü", "Tarih"]
    assert rows[1][0] == "5000001" and rows[1][6:] == ["1144,00", "20,00", "228,80"]
    assert rows[-1][0] == "Toplam komisyon" and rows[-1][-1] == "782,42"
    assert commissions.neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert commissions.neutralise("-5") == "'-5" and commissions.neutralise("Ayşe") == "Ayşe"
    sheet = load_workbook(
        io.BytesIO(commissions.statement_export(db, gm, book["a"], *APRIL, "xlsx").content)
    ).active
    assert [c.value for c in sheet[2]][6:] == [1144, 20, 228.8]
    assert sheet.cell(2, 9).number_format == "#,##0.00"


# ---------------------------------------------------------------- immutable entries


def test_entries_are_immutable_at_the_database(url: str):
    with session_scope(url) as db:
        set_rate(db, AGENCY_A, "konut", "20", DAY)
        earn(db, posting(db, day=date(2026, 4, 10), net="1144.00"))
        db.commit()
        with pytest.raises(ImmutableCommissionEntry):
            db.execute(sa.text("UPDATE commission_entry SET amount = 1"))
        db.rollback()
        with pytest.raises(ImmutableCommissionEntry):
            db.execute(sa.text("DELETE FROM commission_entry"))
        db.rollback()
        entry = db.exec(select(CommissionEntry)).one()
        entry.amount = D("1.00")
        with pytest.raises(ImmutableCommissionEntry):
            db.flush()
        db.rollback()
        assert db.execute(sa.text("SELECT amount FROM commission_entry")).scalars().all() == [22880]
