"""The report screen's Reflex state without a browser: running saved formats in the
background, the table and totals it shows, the format editor, exports, and what a user
without `report.define` (or a forged browser event) can do: nothing.

The book, all approved on the tests' business day (2 March 2026):

    acente.a1  konut 300 000  Ayşe Şahin     (agency A)
    acente.b1  konut 400 000  Mehmet Öztürk  (agency B)
    gm.onay    kasko 900 000  head office customer
"""

from __future__ import annotations

import asyncio
import base64
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from reflex.state import State
from reflex.utils.format import json_dumps
from sqlmodel import Session, select

from iztim_app import i18n
from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.money import ZERO, format_number, format_try
from iztim_app.core.policies.services import PolicyView
from iztim_app.core.reports import services as reports
from iztim_app.core.reports.models import ReportFormat
from iztim_app.states.reports import (
    ReportsState,
    export_report_job,
    run_report_job,
    table_of,
)
from iztim_app.states.session import Outcome
from tests.foundation.browser_tab import Unlocked, sign_in, sub, use_cookie
from tests.foundation.support import actor_of, snapshot, use_settings
from tests.foundation.test_states import assert_plain
from tests.policies.fixtures_policies import issue, policy_form
from tests.quotes.fixtures_customers import Customers
from tests.quotes.fixtures_db import SHIPPED, TODAY

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 12:00 in Türkiye, on TODAY
DENIED = "Bu işlem için yetkiniz yok."
NOT_FOUND = "Kayıt bulunamadı."
BACKWARDS = "Bitiş tarihi başlangıç tarihinden önce olamaz."
BY_LINE = "Branşa göre üretim"
BSMV = "Banka ve Sigorta Muameleleri Vergisi"


# ====================================================================== fixtures


@pytest.fixture
def app_url(quotes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app reads this test's database; the business day and the clock are TODAY, so
    every approval counts on TODAY."""
    use_settings(monkeypatch, database_url=quotes_url, tariffs_dir=SHIPPED, demo_mode=False)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    yield quotes_url
    get_engine.cache_clear()


@dataclass(frozen=True)
class Book:
    a1: PolicyView
    b1: PolicyView
    gm: PolicyView


@pytest.fixture
def book(app_url: str, db: Session, customers: Customers) -> Book:
    made = Book(
        a1=issue(db, "acente.a1", policy_form("konut", customers.a1_person, "300000")).policy,
        b1=issue(db, "acente.b1", policy_form("konut", customers.b1_person, "400000")).policy,
        gm=issue(db, "gm.onay", policy_form("kasko", customers.gm_person, "900000")).policy,
    )
    assert [p.status for p in (made.a1, made.b1, made.gm)] == ["approved"] * 3
    return made


@pytest.fixture
def root(app_url: str) -> State:
    return State(_reflex_internal_init=True)


def background(state: ReportsState, handler: Any) -> Any:
    """Runs a background event's whole body (worker thread included) to its end."""
    return asyncio.run(handler.fn(Unlocked(state)))


def opened(root: State, code: str) -> ReportsState:
    sign_in(root, code)
    screen = sub(root, ReportsState)
    screen.load()
    assert screen.error == ""
    return screen


def format_id(screen: ReportsState, name: str) -> str:
    return next(f["id"] for f in screen.formats if f["name"] == name)


def run(screen: ReportsState, name: str, date_from: str, date_to: str) -> None:
    """As the user does: pick the format, set the dates, Çalıştır; then the background run."""
    screen.choose_format(format_id(screen, name))
    follow_up = screen.run(
        {"format_id": format_id(screen, name), "date_from": date_from, "date_to": date_to}
    )
    assert follow_up is ReportsState.run_in_background
    assert (screen.running, screen.progress, screen.step) == (True, 10, "Hazırlanıyor…")
    background(screen, ReportsState.run_in_background)
    assert (screen.running, screen.progress, screen.step) == (False, 0, "")


def stored_formats(url: str) -> list[tuple[str, bool, dict]]:
    with session_scope(url) as db:
        rows = db.exec(select(ReportFormat).order_by(ReportFormat.id)).all()
        return [(f.name, f.predefined, dict(f.definition)) for f in rows]


def download_of(spec: Any) -> tuple[str, bytes]:
    """The file an `rx.download` event hands the browser: its name and bytes."""
    args = {name._js_expr: value._var_value for name, value in spec.args}
    head, _, data = args["url"].partition(",")
    assert head.endswith(";base64")
    return args["filename"], base64.b64decode(data)


def taxes(p: PolicyView, code: str | None = None) -> Decimal:
    amounts = {k: Decimal(str(v)) for k, v in p.taxes.items()}
    return amounts.get(code, ZERO) if code else sum(amounts.values(), ZERO)


def count(n: int) -> str:
    return format_number(Decimal(n), 0)


NEW_FORMAT = {
    "name": "Acente ve branş (konut)",
    "description": "Konut üretimi acente bazında, BSMV ile.",
    "dim1": "agency",
    "dim2": "line",
    "dim3": "",
    "measure:policies": "on",
    "measure:net_premium": "on",
    "measure:tax:BSMV": "on",
    "line:konut": "on",
    "sort_col1": "net_premium",
    "sort_dir1": "desc",
    "sort_col2": "",
    "sort_dir2": "asc",
    "chart": "pie",
    "chart_measure": "net_premium",
    "period": "this_month",
}


# ====================================================================== running


def test_a_predefined_format_runs_in_the_background_and_shows_the_services_figures(
    root: State, book: Book, db: Session
):
    screen = opened(root, "gm.mudur")
    names = [f["name"] for f in screen.formats]
    assert BY_LINE in names and all(f["kind"] == "Hazır" for f in screen.formats)
    assert screen.format_options == [[f["id"], f["name"]] for f in screen.formats]

    # choosing the format puts its default period (this month) into the date fields
    screen.choose_format(format_id(screen, BY_LINE))
    assert (screen.date_from, screen.date_to) == ("2026-03-01", "2026-03-31")

    run(screen, BY_LINE, "2026-03-01", "2026-03-31")
    assert (screen.error, screen.field_errors) == ("", {})
    assert screen.result_title == f"{BY_LINE}: 01.03.2026 – 31.03.2026, 2 satır"
    assert [(c["key"], c["label"], c["kind"]) for c in screen.columns] == [
        ("line", "Branş", "text"),
        ("policies", "Poliçe adedi (net)", "count"),
        ("endorsements", "Zeyil adedi", "count"),
        ("cancelled", "İptal edilen", "count"),
        ("net_premium", "Net prim", "money"),
        ("taxes", "Vergiler", "money"),
        ("gross_premium", "Brüt prim", "money"),
    ]
    a1, b1, gm = book.a1, book.b1, book.gm
    konut = {
        "line": "Konut Sigortası",
        "policies": "2",
        "endorsements": "0",
        "cancelled": "0",
        "net_premium": format_try(a1.net_premium + b1.net_premium),
        "taxes": format_try(taxes(a1) + taxes(b1)),
        "gross_premium": format_try(a1.gross_premium + b1.gross_premium),
    }
    kasko = {
        "line": "Kasko Sigortası",
        "policies": "1",
        "endorsements": "0",
        "cancelled": "0",
        "net_premium": format_try(gm.net_premium),
        "taxes": format_try(taxes(gm)),
        "gross_premium": format_try(gm.gross_premium),
    }
    # sorted by gross premium, largest first (the format's sort)
    expected = sorted([konut, kasko], key=lambda r: -_amount(r["gross_premium"]))
    assert screen.rows == expected
    assert screen.totals == {
        "line": "Toplam",
        "policies": "3",
        "endorsements": "0",
        "cancelled": "0",
        "net_premium": format_try(a1.net_premium + b1.net_premium + gm.net_premium),
        "taxes": format_try(taxes(a1) + taxes(b1) + taxes(gm)),
        "gross_premium": format_try(a1.gross_premium + b1.gross_premium + gm.gross_premium),
    }
    # the chart: bars of gross premium in whole liras, in the table's order
    assert screen.chart_kind == "bar"
    assert screen.chart_title == "Grafik: Brüt prim"
    assert [(p["label"], p["value"]) for p in screen.chart] == [
        (r["line"], int(_amount(r["gross_premium"]).quantize(Decimal(1)))) for r in expected
    ]
    assert (screen.page, screen.pages, screen.total) == (1, 1, 2)

    # and it is exactly what the service gives for those dates
    result = reports.run_format(
        db,
        actor_of(db, "gm.mudur"),
        int(format_id(screen, BY_LINE)),
        TODAY.replace(day=1),
        TODAY.replace(day=31),
    )
    assert [r["gross_premium"] for r in result.rows] == [
        _amount(r["gross_premium"]) for r in screen.rows
    ]
    assert result.totals["policies"] == 3
    assert table_of(result, BY_LINE, "tr").rows == screen.rows

    # nothing but plain JSON values reach the browser, and no figure of the backend's own
    full = root.dict()
    assert_plain(full[ReportsState.get_full_name()], "ReportsState")
    sent = json_dumps(full)
    assert "_all_rows" not in sent and "_pending" not in sent and "_shown" not in sent


def _amount(text: str) -> Decimal:
    return Decimal(text.removesuffix(" ₺").replace(".", "").replace(",", "."))


def test_an_agency_users_report_holds_only_its_own_policies(root: State, book: Book):
    screen = opened(root, "acente.a1")
    run(screen, BY_LINE, "2026-03-01", "2026-03-31")
    assert [(r["line"], r["policies"], r["gross_premium"]) for r in screen.rows] == [
        ("Konut Sigortası", "1", format_try(book.a1.gross_premium))
    ]
    assert screen.totals["gross_premium"] == format_try(book.a1.gross_premium)


def test_a_range_without_approvals_shows_zero_rows_and_no_chart(root: State, book: Book):
    screen = opened(root, "gm.mudur")
    run(screen, BY_LINE, "2026-02-01", "2026-02-28")
    assert screen.rows == [] and screen.total == 0
    assert screen.result_title == f"{BY_LINE}: 01.02.2026 – 28.02.2026, 0 satır"
    assert screen.totals["policies"] == "0" and screen.chart_kind == "none"


def test_dates_backwards_or_garbage_are_told_beside_the_field_and_change_nothing(
    root: State, book: Book, app_url: str
):
    screen = opened(root, "gm.mudur")
    run(screen, BY_LINE, "2026-03-01", "2026-03-31")
    shown = (screen.result_title, list(screen.rows), dict(screen.totals))
    before = snapshot(app_url)
    fid = format_id(screen, BY_LINE)

    # the end before the start: the message sits on the end date, nothing runs
    assert (
        screen.run({"format_id": fid, "date_from": "2026-03-31", "date_to": "2026-03-01"}) is None
    )
    assert screen.field_errors == {"date_to": BACKWARDS}
    assert (screen.error, screen.message, screen.running) == ("", "", False)
    # what the user typed stays in the fields
    assert (screen.date_from, screen.date_to) == ("2026-03-31", "2026-03-01")

    # a garbage date, a format id that is not one, and one of nothing
    assert screen.run({"format_id": "1; DROP", "date_from": "31.02.2026", "date_to": ""}) is None
    assert set(screen.field_errors) == {"format_id", "date_from", "date_to"}
    assert screen.field_errors["format_id"] == "Bir rapor formatı seçin."
    assert screen.run({"format_id": "999999", "date_from": "2026-03-01", "date_to": "x"}) is None
    assert set(screen.field_errors) == {"format_id", "date_to"}
    assert screen.running is False and screen._pending == {}

    # the result shown before is still there, and the database is as it was
    assert (screen.result_title, screen.rows, screen.totals) == shown
    assert snapshot(app_url) == before


def test_a_run_refused_in_the_background_keeps_the_result_shown(
    root: State, book: Book, db: Session
):
    temporary = reports.save_format(
        db, actor_of(db, "gm.onay"), "Geçici", "", {"measures": ["policies"]}
    )
    screen = opened(root, "gm.mudur")
    run(screen, BY_LINE, "2026-03-01", "2026-03-31")
    shown = (screen.result_title, list(screen.rows), dict(screen.totals))
    # the format is deleted by someone else between the click and the run
    form = {"format_id": str(temporary.id), "date_from": "2026-03-01", "date_to": "2026-03-31"}
    assert screen.run(form) is ReportsState.run_in_background
    reports.delete_format(db, actor_of(db, "gm.onay"), temporary.id)
    background(screen, ReportsState.run_in_background)
    assert (screen.running, screen.error, screen.message) == (False, NOT_FOUND, "")
    assert (screen.result_title, screen.rows, screen.totals) == shown


def test_a_run_overtaken_by_a_newer_one_is_dropped_and_a_lost_session_signs_out(
    root: State, book: Book
):
    screen = opened(root, "gm.mudur")
    fid = format_id(screen, BY_LINE)
    screen.run({"format_id": fid, "date_from": "2026-03-01", "date_to": "2026-03-31"})
    job = screen._pending_job()
    late = run_report_job(job)
    assert late.ok is True
    screen._run_id = "newer"  # the user started another run meanwhile
    screen._run_finished(job, late)
    assert screen.rows == [] and screen.running is True  # the newer run will end it

    # the session ended while the report was being prepared: the tab signs out
    screen._run_id = job.run_id
    use_cookie(root, None)
    outcome = run_report_job(screen._pending_job() or job)
    assert outcome == Outcome(False, signed_out=True)
    screen._run_finished(job, outcome)
    assert screen.signed_in is False
    assert screen.rows == [] and screen.formats == []


def test_a_second_run_while_one_is_being_prepared_is_refused(root: State, book: Book):
    screen = opened(root, "gm.mudur")
    fid = format_id(screen, BY_LINE)
    form = {"format_id": fid, "date_from": "2026-03-01", "date_to": "2026-03-31"}
    assert screen.run(form) is ReportsState.run_in_background
    assert screen.run(form) is None
    assert screen.error == "Bir rapor hazırlanıyor; bitmesini bekleyin."
    background(screen, ReportsState.run_in_background)
    assert screen.total == 2 and screen.error == ""


# ====================================================================== exports


def test_exports_hand_the_browser_csv_and_xlsx_of_the_report_shown(
    root: State, book: Book, app_url: str, db: Session
):
    screen = opened(root, "gm.mudur")
    assert screen.export("csv") is None  # nothing shown yet
    assert screen.error == "Önce raporu çalıştırın."
    run(screen, BY_LINE, "2026-03-01", "2026-03-31")

    assert screen.export("csv") is ReportsState.export_in_background
    assert screen.exporting == "csv" and screen.step == "Dışa aktarılıyor: CSV…"
    name, data = download_of(background(screen, ReportsState.export_in_background))
    assert (screen.exporting, screen.step, screen.error) == ("", "", "")
    assert screen.message == f"{name} indirildi."
    assert name.endswith(".csv") and data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    labels = [c["label"] for c in screen.columns]
    assert labels == table[0]
    body = {row[0]: row for row in table[1:]}
    for shown in screen.rows:
        cells = body[shown["line"]]
        assert _amount(cells[-1] + " ₺") == _amount(shown["gross_premium"])

    assert screen.export("xlsx") is ReportsState.export_in_background
    name, data = download_of(background(screen, ReportsState.export_in_background))
    assert name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[: len(labels)] == labels)
    lines = {row[0]: row for row in values[header + 1 :]}
    konut, kasko = lines["Konut Sigortası"], lines["Kasko Sigortası"]
    assert Decimal(str(konut[6])) == book.a1.gross_premium + book.b1.gross_premium
    assert Decimal(str(kasko[6])) == book.gm.gross_premium
    assert konut[1] == 2

    # each export is audited by the service
    exports = [e for e in _audit(db) if e[0] == "report.export"]
    assert [(who, after["file"], after["rows"]) for _, who, after in exports] == [
        ("gm.mudur", "csv", 2),
        ("gm.mudur", "xlsx", 2),
    ]

    # an unknown kind from a forged event does nothing
    before = snapshot(app_url)
    assert screen.export("exe") is None
    assert screen.exporting == "" and snapshot(app_url) == before


def test_the_export_job_makes_a_pdf_too(root: State, book: Book):
    screen = opened(root, "gm.mudur")
    run(screen, BY_LINE, "2026-03-01", "2026-03-31")
    screen._export_started("pdf")
    made = export_report_job(screen._pending_job(export="pdf"))
    assert made.ok is True
    assert made.value.mime == "application/pdf" and made.value.content.startswith(b"%PDF")
    spec = screen._export_finished(made)
    assert download_of(spec) == (made.value.filename, made.value.content)


def _audit(db: Session) -> list[tuple[str, str, dict]]:
    from iztim_app.core.audit.models import AuditEvent

    db.expire_all()
    rows = db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    return [(r.action, r.actor_code, r.after or {}) for r in rows]


# ====================================================================== defining


def test_a_format_defined_on_the_screen_is_saved_and_runs(root: State, book: Book, app_url: str):
    screen = opened(root, "gm.mudur")
    screen.new_format()
    assert screen.editor_open is True and screen.editor_id == ""
    assert ["tax:BSMV", f"Vergi: {BSMV}"] in screen.measure_options
    assert ["konut", "Konut Sigortası"] in screen.line_options

    screen.save_format(dict(NEW_FORMAT))
    assert (screen.error, screen.field_errors) == ("", {})
    assert screen.message == "Rapor formatı kaydedildi: Acente ve branş (konut)."
    assert screen.editor_open is False
    mine = next(f for f in screen.formats if f["name"] == NEW_FORMAT["name"])
    assert (mine["kind"], mine["predefined"], mine["updated"]) == (
        "Kullanıcı tanımlı",
        "",
        "gm.mudur 02.03.2026 12:00",
    )
    assert screen.selected_id == mine["id"]
    assert stored_formats(app_url)[-1] == (
        NEW_FORMAT["name"],
        False,
        {
            "dimensions": ["agency", "line"],
            "measures": ["policies", "net_premium", "tax:BSMV"],
            "filters": {"line": ["konut"]},
            "sort": [["net_premium", "desc"]],
            "chart": "pie",
            "chart_measure": "net_premium",
            "period": "this_month",
        },
    )

    run(screen, NEW_FORMAT["name"], "2026-03-01", "2026-03-31")
    assert [c["label"] for c in screen.columns] == [
        "Acente",
        "Branş",
        "Poliçe adedi (net)",
        "Net prim",
        f"Vergi: {BSMV}",
    ]
    a1, b1 = book.a1, book.b1
    expected = [
        {
            "agency": "A Sigorta Aracılık Hizmetleri Ltd. Şti.",
            "line": "Konut Sigortası",
            "policies": "1",
            "net_premium": format_try(a1.net_premium),
            "tax:BSMV": format_try(taxes(a1, "BSMV")),
        },
        {
            "agency": "B Sigorta Acentesi (Ayşe Yılmaz)",
            "line": "Konut Sigortası",
            "policies": "1",
            "net_premium": format_try(b1.net_premium),
            "tax:BSMV": format_try(taxes(b1, "BSMV")),
        },
    ]
    assert screen.rows == sorted(expected, key=lambda r: -_amount(r["net_premium"]))
    assert screen.totals["net_premium"] == format_try(a1.net_premium + b1.net_premium)
    assert screen.totals["tax:BSMV"] == format_try(taxes(a1, "BSMV") + taxes(b1, "BSMV"))
    assert screen.chart_kind == "pie" and len(screen.chart) == 2

    # changed later: opened in the editor with every setting, saved under the same id
    screen.edit_format(mine["id"])
    assert screen.editor_id == mine["id"]
    assert screen.editor["dim1"] == "agency" and screen.editor["sort_dir1"] == "desc"
    assert screen.editor_measures == ["policies", "net_premium", "tax:BSMV"]
    assert screen.editor_lines == ["konut"]
    changed = {**NEW_FORMAT, "chart": "bar"}
    screen.save_format(changed)
    assert screen.error == ""
    assert [(n, d["chart"]) for n, _, d in stored_formats(app_url) if not _] == [
        (NEW_FORMAT["name"], "bar")
    ]

    # copied: a new format starts from it, under a new name
    screen.copy_format(mine["id"])
    assert (screen.editor_id, screen.editor["name"]) == ("", "Acente ve branş (konut) (kopya)")
    # deleted after the question
    screen.ask_delete(mine["id"])
    assert screen.delete_question == "“Acente ve branş (konut)” rapor formatı silinsin mi?"
    screen.confirm_delete()
    assert screen.message == "Rapor formatı silindi: Acente ve branş (konut)."
    assert all(f["name"] != NEW_FORMAT["name"] for f in screen.formats)
    assert [n for n, predefined, _ in stored_formats(app_url) if not predefined] == []


def test_every_problem_of_a_format_is_shown_beside_its_field_and_nothing_is_stored(
    root: State, book: Book, app_url: str
):
    screen = opened(root, "gm.mudur")
    screen.new_format()
    before = snapshot(app_url)
    bad = {
        **{k: v for k, v in NEW_FORMAT.items() if not k.startswith("measure:")},
        "name": BY_LINE,  # a predefined format's name
        "dim2": "agency",  # twice
        "chart": "radar",
        "period": "someday",
    }
    screen.save_format(bad)
    assert screen.field_errors == {
        "name": f"Bu adla bir rapor formatı zaten var: {BY_LINE}.",
        "dimensions": "Gruplama alanı iki kez seçilmiş: agency.",
        "measures": "En az bir değer (ör. net prim) seçin.",
        "sort": "Sıralama yalnızca seçilen alan ve değerlere göre yapılabilir: net_premium.",
        "chart": "Bilinmeyen grafik türü: radar.",
        "chart_measure": "Grafik değeri seçilen değerlerden biri olmalı: net_premium.",
        "period": "Bilinmeyen dönem: someday.",
    }
    assert screen.message == "" and screen.editor_open is True
    # what was typed stays in the form
    assert screen.editor["name"] == BY_LINE and screen.editor["chart"] == "radar"
    assert snapshot(app_url) == before


def test_a_predefined_format_is_copied_not_changed(root: State, book: Book, app_url: str):
    screen = opened(root, "gm.mudur")
    before = snapshot(app_url)
    fid = format_id(screen, BY_LINE)
    screen.edit_format(fid)
    assert screen.editor_open is False
    assert screen.error == i18n.translate("report.format_predefined", "tr")
    screen.ask_delete(fid)
    assert screen.deleting_id == ""
    screen.deleting_id = fid  # forged: the question was never asked for it
    screen.confirm_delete()
    assert screen.error == i18n.translate("report.format_predefined", "tr")
    screen.copy_format(fid)
    assert screen.editor["name"] == f"{BY_LINE} (kopya)"
    assert screen.editor["dim1"] == "line" and screen.editor["sort_col1"] == "gross_premium"
    assert screen.editor_measures == [
        "policies",
        "endorsements",
        "cancelled",
        "net_premium",
        "taxes",
        "gross_premium",
    ]
    assert snapshot(app_url) == before


# ====================================================================== report.view only


@pytest.mark.parametrize("code", ["bt.admin", "acente.a1"])
def test_a_user_with_report_view_only_runs_but_cannot_define(
    root: State, book: Book, app_url: str, db: Session, code: str
):
    theirs = reports.save_format(
        db, actor_of(db, "gm.onay"), "Müdürün formatı", "", {"measures": ["policies"]}
    )
    screen = opened(root, code)
    assert "report.define" not in screen.perms
    run(screen, BY_LINE, "2026-03-01", "2026-03-31")
    assert screen.total >= 1 and screen.error == ""
    before = snapshot(app_url)

    screen.new_format()
    assert screen.editor_open is False
    screen.copy_format(str(theirs.id))
    screen.edit_format(str(theirs.id))
    assert screen.editor_open is False
    # forged browser events reach the service, which refuses; nothing is stored
    screen.save_format(dict(NEW_FORMAT))
    assert screen.error == DENIED and screen.message == ""
    screen.editor_id = str(theirs.id)
    screen.save_format({**NEW_FORMAT, "name": "Değiştirilmiş"})
    assert screen.error == DENIED
    screen.ask_delete(str(theirs.id))
    assert screen.deleting_id == ""
    screen.deleting_id = str(theirs.id)
    screen.confirm_delete()
    assert screen.error == DENIED
    assert snapshot(app_url) == before
    assert [n for n, predefined, _ in stored_formats(app_url) if not predefined] == [
        "Müdürün formatı"
    ]


def test_forged_arguments_of_any_type_change_nothing(root: State, book: Book, app_url: str):
    screen = opened(root, "gm.mudur")
    before = snapshot(app_url)
    first = screen.format_options[0][0]
    assert screen.run("not a form") is None  # type: ignore[arg-type]
    assert screen.run(["format_id"]) is None  # type: ignore[arg-type]
    screen.save_format(None)  # type: ignore[arg-type]
    assert screen.export(None) is None  # type: ignore[arg-type]
    screen.choose_format("../../etc")
    assert screen.selected_id == first  # an unknown id falls back to the first format
    screen.edit_format({"id": 1})  # type: ignore[arg-type]
    screen.ask_delete(None)  # type: ignore[arg-type]
    assert (screen.deleting_id, screen.editor_open, screen.running) == ("", False, False)
    assert screen.exporting == "" and screen._pending == {}
    assert snapshot(app_url) == before


def test_filters_the_editor_does_not_show_are_kept_when_a_format_is_changed(
    root: State, book: Book, app_url: str, db: Session
):
    kept = reports.save_format(
        db,
        actor_of(db, "gm.onay"),
        "Kadıköy konut",
        "",
        {
            "dimensions": ["line"],
            "measures": ["policies"],
            "filters": {"customer_kind": ["individual"], "line": ["konut"]},
        },
    )
    screen = opened(root, "gm.mudur")
    screen.edit_format(str(kept.id))
    assert screen.editor_lines == ["konut"]
    form = {
        "name": "Kadıköy konut",
        "dim1": "line",
        "measure:policies": "on",
        "line:konut": "on",
        "line:kasko": "on",
        "chart": "none",
        "period": "custom",
    }
    screen.save_format(form)
    assert screen.error == ""
    (changed,) = [d for n, _, d in stored_formats(app_url) if n == "Kadıköy konut"]
    assert changed["filters"] == {"customer_kind": ["individual"], "line": ["kasko", "konut"]}
