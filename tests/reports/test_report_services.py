"""Report services on a real database (both engines): exact figures of a hand-computed
policy life, the un-approval's exact reversal, the viewer's scope, saved formats (CRUD,
audit, validation, a restart), and the API's production report.

The hand-computed policy (tests/endorsements/test_endorsement_services.py has the same
arithmetic): acente.a1's home policy (konut, bireysel, the FORMS values), 800 000, from
2026-03-02 to 2027-03-02 (365 days), over its limit, approved by the head office on 2 March:
  net 1 144.00, BSMV 57.20, YSV 114.40, gross 1 315.60
İstanbul Şube raises it to 1 200 000 from 10 June (approved 12 June): N_old 1 144.00,
N_new 1 560.00, 416.00 × 265 / 365 = 302.03; BSMV 15.10, YSV 30.20, gross 347.33.
İstanbul Şube cancels it (şirket feshi, pro rata) from 8 September (approved 10 September):
  refund 1 144.00 × 175 / 365 = 548.49 plus 302.03 × 175 / 265 = 199.45 → 747.94;
  BSMV 72.30 × 747.94 / 1 446.03 = 37.40; YSV 144.60 × 747.94 / 1 446.03 = 74.79;
  gross refund 860.13.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from iztim_app.core import clock
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.endorsements import services as endorsements
from iztim_app.core.errors import Conflict, NotFound, PermissionDenied
from iztim_app.core.policies import services as policies
from iztim_app.core.policies.services import PolicyInput
from iztim_app.core.reports import services as reports
from iztim_app.core.reports.definition import ReportProblems, parse_definition
from tests.foundation.support import actor_of, audit_since, last_audit_id, snapshot
from tests.quotes.fixtures_customers import add_customer
from tests.quotes.fixtures_quotes import FORMS
from tests.reports import raw
from tests.reports import world as generated
from tests.reports.world import Clock, at

D = Decimal
A1, A2, B1, IST, GM, MANAGER = (
    "acente.a1",
    "acente.a2",
    "acente.b1",
    "sube.istanbul",
    "gm.onay",
    "gm.mudur",
)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
ALL_MEASURES = [
    "policies",
    "issued",
    "cancelled",
    "endorsements",
    "sum_insured",
    "net_premium",
    "taxes",
    "tax:BSMV",
    "tax:YSV",
    "gross_premium",
]


@pytest.fixture
def db(url):
    with session_scope(url) as session:
        yield session


def _customer(db, code: str = A1, i: int = 1):
    from tests.quotes.fixtures_customers import tckn

    return add_customer(
        db,
        actor_of(db, code),
        kind="individual",
        national_id=tckn(f"7{i}7654321"),
        name="Ayşe Şahin",
        group="bireysel",
    )


@pytest.fixture
def home_policy_life(db, monkeypatch) -> int:
    """The hand-computed policy: approved, raised, cancelled (see the module docstring)."""
    moving = Clock(monkeypatch)
    customer = _customer(db)
    day = moving.set(at(date(2026, 3, 2)))
    inp = PolicyInput("konut", customer.id, "800000", day, None, dict(FORMS["konut"]))
    issued = policies.issue(db, actor_of(db, A1), inp, today=day)
    number = issued.policy.number
    assert issued.limit_exceeded  # over acente.a1's 500 000: the head office approves it
    policies.approve(db, actor_of(db, GM), number)
    moving.set(at(date(2026, 6, 12)))
    endorsements.create_endorsement(
        db, actor_of(db, IST), number, "increase", date(2026, 6, 10), {}, "1200000", "Artış"
    )
    moving.set(at(date(2026, 9, 10)))
    cancel = endorsements.create_cancellation(
        db, actor_of(db, IST), number, date(2026, 9, 8), "sirket_feshi", "Fesih"
    )
    assert (cancel.refund, cancel.tax_refunds, cancel.gross_refund) == (
        D("747.94"),
        {"BSMV": D("37.40"), "YSV": D("74.79")},
        D("860.13"),
    )
    return number


# ------------------------------------------------------------------ exact figures


def test_report_figures_are_the_hand_computed_sums(db, home_policy_life):
    # when the head office runs the report by month with every measure
    result = reports.run_report(
        db, actor_of(db, GM), {"dimensions": ["month"], "measures": ALL_MEASURES}, *YEAR
    )
    # then each month holds exactly what its document added
    shown = [
        (
            r["month"],
            r["policies"],
            r["issued"],
            r["cancelled"],
            r["endorsements"],
            r["sum_insured"],
            r["net_premium"],
            r["taxes"],
            r["tax:BSMV"],
            r["tax:YSV"],
            r["gross_premium"],
        )
        for r in result.rows
    ]
    assert shown == [
        ("2026-03", 1, 1, 0, 0, D("800000.00"), D("1144.00"), D("171.60"), D("57.20"),
         D("114.40"), D("1315.60")),
        ("2026-06", 0, 0, 0, 1, D("400000.00"), D("302.03"), D("45.30"), D("15.10"),
         D("30.20"), D("347.33")),
        ("2026-09", -1, 0, 1, 0, D("-1200000.00"), D("-747.94"), D("-112.19"), D("-37.40"),
         D("-74.79"), D("-860.13")),
    ]  # fmt: skip
    # and the totals: nothing in force, the earned premium and its taxes
    assert result.totals == {
        "policies": 0,
        "issued": 1,
        "cancelled": 1,
        "endorsements": 1,
        "sum_insured": D("0.00"),
        "net_premium": D("698.09"),  # 1 144.00 + 302.03 − 747.94
        "taxes": D("104.71"),
        "tax:BSMV": D("34.90"),  # 57.20 + 15.10 − 37.40
        "tax:YSV": D("69.81"),  # 114.40 + 30.20 − 74.79
        "gross_premium": D("802.80"),  # 1 315.60 + 347.33 − 860.13
    }
    # the columns say what they are, in Turkish by default
    assert [(c.key, c.label, c.kind) for c in result.columns][:2] == [
        ("month", "Ay", "text"),
        ("policies", "Poliçe adedi (net)", "count"),
    ]
    assert result.columns[8].label == "Vergi: Banka ve Sigorta Muameleleri Vergisi"


def test_a_date_range_counts_the_documents_approved_in_it(db, home_policy_life):
    # the endorsement was approved on 12 June: 1..11 June holds nothing, 12 June all of it
    gm = actor_of(db, GM)
    definition = {"dimensions": ["line"], "measures": ["endorsements", "net_premium"]}
    assert reports.run_report(db, gm, definition, date(2026, 6, 1), date(2026, 6, 11)).rows == []
    result = reports.run_report(db, gm, definition, "12.06.2026", "2026-06-12")
    assert result.rows == [
        {
            "line": "Konut Sigortası",
            "line_code": "konut",
            "endorsements": 1,
            "net_premium": D("302.03"),
        }
    ]


def test_an_unapproval_takes_back_exactly_what_the_version_added(db, monkeypatch):
    # given acente.a1's policy of 300 000, approved on 4 May
    moving = Clock(monkeypatch)
    customer = _customer(db)
    day = moving.set(at(date(2026, 5, 4)))
    inp = PolicyInput("konut", customer.id, "300000", day, None, dict(FORMS["konut"]))
    number = policies.issue(db, actor_of(db, A1), inp, today=day).policy.number
    first = policies.get_policy(db, actor_of(db, GM), number)
    # when the head office un-approves it on 6 May, edits it to 350 000 and approves it on 8 May
    moving.set(at(date(2026, 5, 6)))
    policies.unapprove(db, actor_of(db, GM), number, "Bedel hatalı")
    moving.set(at(date(2026, 5, 8)))
    edited = PolicyInput("konut", customer.id, "350000", day, None, dict(FORMS["konut"]))
    policies.update_draft(db, actor_of(db, GM), number, edited, today=day)
    assert policies.submit_draft(db, actor_of(db, GM), number).approved
    second = policies.get_policy(db, actor_of(db, GM), number)
    # then by day: +the first version, −exactly the same, +the second version
    result = reports.run_report(
        db,
        actor_of(db, GM),
        {"dimensions": ["day"], "measures": ALL_MEASURES},
        date(2026, 5, 1),
        date(2026, 5, 31),
    )

    def figures(sign: int, view) -> tuple:
        return (
            sign,
            sign * view.sum_insured,
            sign * view.net_premium,
            sign * view.taxes["BSMV"],
            sign * view.taxes["YSV"],
            sign * view.gross_premium,
        )

    assert [
        (r["day_code"], r["policies"], r["sum_insured"], r["net_premium"], r["tax:BSMV"],
         r["tax:YSV"], r["gross_premium"])
        for r in result.rows
    ] == [
        ("2026-05-04", *figures(1, first)),
        ("2026-05-06", *figures(-1, first)),
        ("2026-05-08", *figures(1, second)),
    ]  # fmt: skip
    assert (first.sum_insured, second.sum_insured) == (D("300000.00"), D("350000.00"))
    assert result.totals["issued"] == 1 and result.totals["sum_insured"] == D("350000.00")


# ------------------------------------------------------------------ scope


@pytest.fixture
def world(url, monkeypatch):
    with session_scope(url) as session:
        yield generated.build(session, monkeypatch)


def _raw(row_or_totals: dict) -> tuple[int, ...]:
    return (
        row_or_totals["policies"],
        int(row_or_totals["sum_insured"].scaleb(2)),
        int(row_or_totals["net_premium"].scaleb(2)),
        int(row_or_totals["gross_premium"].scaleb(2)),
    )


def _raw_totals(url: str, where: str) -> tuple[int, ...]:
    sql = (
        f"SELECT SUM(policies), SUM(si), SUM(net), SUM(gross) FROM ({raw.documents_sql(url)}) d"
        f" WHERE {where}"
    )
    return tuple(int(v) for v in raw.query(url, sql)[0])


MEASURES = ["policies", "sum_insured", "net_premium", "gross_premium"]


def test_an_agency_users_report_holds_only_their_own_records(url, world):
    db = world.db
    a1 = actor_of(db, A1)
    # when acente.a1 runs the report by preparer and by office
    by_preparer = reports.run_report(
        db, a1, {"dimensions": ["preparer"], "measures": MEASURES}, *YEAR
    )
    by_office = reports.run_report(db, a1, {"dimensions": ["office"], "measures": MEASURES}, *YEAR)
    # then only acente.a1's own records (not acente.a2's, of the same agency)
    assert [r["preparer"] for r in by_preparer.rows] == [A1]
    assert [r["office_code"] for r in by_office.rows] == ["A-ACENTE-A"]
    own = _raw_totals(url, f"preparer = {a1.user_id}")
    assert _raw(by_preparer.totals) == _raw(by_office.totals) == own
    assert own[0] > 0
    # a filter naming another user finds nothing, exactly like a user that does not exist
    for who in (A2, B1, "no.such.user"):
        filtered = reports.run_report(
            db,
            a1,
            {"dimensions": ["preparer"], "measures": MEASURES, "filters": {"preparer": [who]}},
            *YEAR,
        )
        assert filtered.rows == []
    # the API's report too
    api = reports.as_api(reports.production_report(db, a1, "2026-01-01", "2026-12-31", ["agency"]))
    assert [r["agency"] for r in api["rows"]] == ["A-ACENTE-A"]


def test_a_branch_users_report_holds_only_its_subtree(url, world):
    db = world.db
    ist = actor_of(db, IST)
    result = reports.run_report(db, ist, {"dimensions": ["office"], "measures": MEASURES}, *YEAR)
    # İstanbul Şube and the agency under it (A), nothing of Ankara, Bursa's agency C or GM
    assert sorted(r["office_code"] for r in result.rows) == ["A-ACENTE-A", "S-ISTANBUL"]
    # `%%`: psycopg's escape for one `%`; SQLite reads two wildcards, the same match
    subtree = f"office_path LIKE '{ist.office_path}%%'"
    assert _raw(result.totals) == _raw_totals(url, subtree)
    # the head office sees every office
    everything = reports.run_report(
        db, actor_of(db, GM), {"dimensions": ["office"], "measures": MEASURES}, *YEAR
    )
    assert len(everything.rows) == 6
    assert _raw(everything.totals) == _raw_totals(url, "1 = 1")


def test_filters_narrow_the_report(url, world):
    db = world.db
    result = reports.run_report(
        db,
        actor_of(db, GM),
        {
            "dimensions": ["channel"],
            "measures": MEASURES,
            "filters": {"line": ["konut", "kasko"], "month": ["2026-02", "2026-03"]},
        },
        *YEAR,
    )
    expected = _raw_totals(
        url, "line_code IN ('konut', 'kasko') AND substr(day, 1, 7) IN ('2026-02', '2026-03')"
    )
    assert _raw(result.totals) == expected


# ------------------------------------------------------------------ formats


PREDEFINED = [
    "Acenteye göre üretim",
    "Aylara göre üretim",
    "Birime göre üretim",
    "Branş ve kanala göre üretim",
    "Branşa göre sigorta bedelleri",
    "Branşa göre üretim",
    "Satış kanalına göre üretim",
    "Şirket geneli toplam",
]
EVERY_SETTING = {
    "dimensions": ["line", "channel", "month"],
    "measures": ["net_premium", "tax:BSMV", "policies", "commission"],
    "filters": {"channel": ["agency", "branch"], "office": ["S-ISTANBUL", "A-ACENTE-A"]},
    "sort": [["net_premium", "desc"], ["month", "asc"]],
    "chart": "pie",
    "chart_measure": "tax:BSMV",
    "period": "last_month",
}


def test_the_predefined_formats_are_there_after_the_migration(db):
    rows = reports.list_formats(db, actor_of(db, A1))
    assert sorted(r.name for r in rows) == PREDEFINED
    assert all(r.predefined and r.updated_by == "system" for r in rows)
    company = next(r for r in rows if r.name == "Şirket geneli toplam")
    view = reports.get_format(db, actor_of(db, A1), company.id)
    assert (view.definition.dimensions, view.definition.chart) == ((), "none")


def test_a_format_is_created_changed_and_deleted_with_audit(db):
    manager = actor_of(db, MANAGER)
    last = last_audit_id(db)
    # when the production manager saves a new format
    saved = reports.save_format(db, manager, "  Acente  komisyonları ", "Aylık", EVERY_SETTING)
    # then stored with every setting, audited with what it holds
    assert (saved.name, saved.description, saved.predefined, saved.created_by) == (
        "Acente komisyonları",
        "Aylık",
        False,
        MANAGER,
    )
    assert saved.definition == parse_definition(EVERY_SETTING)
    created = audit_since(db, last)
    assert [(e.action, e.actor_code, e.entity_id) for e in created] == [
        ("report.format_create", MANAGER, str(saved.id))
    ]
    assert created[0].before is None
    assert created[0].after["name"] == "Acente komisyonları"
    assert created[0].after["definition"]["filters"] == EVERY_SETTING["filters"]
    # when it is changed: before and after
    last = last_audit_id(db)
    changed = reports.save_format(
        db, manager, "Acente komisyonları", "", {"measures": ["commission"]}, saved.id
    )
    assert (changed.id, changed.definition.dimensions, changed.definition.measures) == (
        saved.id,
        (),
        ("commission",),
    )
    [event] = audit_since(db, last)
    assert event.action == "report.format_change"
    assert (event.before["description"], event.after["description"]) == ("Aylık", "")
    assert event.before["definition"]["measures"] == EVERY_SETTING["measures"]
    assert event.after["definition"]["measures"] == ["commission"]
    # when it is deleted
    last = last_audit_id(db)
    reports.delete_format(db, manager, saved.id)
    [event] = audit_since(db, last)
    assert (event.action, event.before["name"], event.after) == (
        "report.format_delete",
        "Acente komisyonları",
        None,
    )
    with pytest.raises(NotFound):
        reports.get_format(db, manager, saved.id)


def test_predefined_formats_are_not_changed_nor_deleted(db, url):
    manager = actor_of(db, MANAGER)
    predefined = reports.list_formats(db, manager)[0]
    before = snapshot(url)
    with pytest.raises(Conflict) as changing:
        reports.save_format(db, manager, "X", "", {"measures": ["policies"]}, predefined.id)
    with pytest.raises(Conflict) as deleting:
        reports.delete_format(db, manager, predefined.id)
    assert changing.value.code == deleting.value.code == "report.format_predefined"
    assert snapshot(url) == before


def test_every_problem_of_a_definition_is_listed_with_its_field(db, url):
    manager = actor_of(db, MANAGER)
    before = snapshot(url)
    bad = {
        "dimensions": ["line", "colour", "month", "day", "year"],
        "measures": ["net_premium", "profit", "tax:XYZ"],
        "filters": {"colour": ["red"], "channel": ["shop"], "month": ["2026-13"], "line": []},
        "sort": [["gross_premium", "desc"], ["line", "sideways"]],
        "chart": "radar",
        "chart_measure": "gross_premium",
        "period": "next_year",
    }
    with pytest.raises(ReportProblems) as refused:
        reports.save_format(db, manager, "Branşa GÖRE üretim", "", bad)
    assert [(p.code, p.field, p.params.get("value")) for p in refused.value.problems] == [
        ("report.duplicate_name", "name", None),  # the same name in another case
        ("report.too_many_dimensions", "dimensions", None),
        ("report.unknown_dimension", "dimensions", "colour"),
        ("report.unknown_measure", "measures", "profit"),
        ("report.unknown_measure", "measures", "tax:XYZ"),
        ("report.unknown_filter_dimension", "filters", "colour"),
        ("report.bad_filter_value", "filters.channel", "shop"),
        ("report.bad_filter_value", "filters.month", "2026-13"),
        ("report.filter_values_required", "filters.line", None),
        ("report.bad_sort_key", "sort", "gross_premium"),
        ("report.bad_sort_direction", "sort", "sideways"),
        ("report.unknown_chart", "chart", "radar"),
        ("report.chart_measure_invalid", "chart_measure", "gross_premium"),
        ("report.unknown_period", "period", "next_year"),
    ]
    with pytest.raises(ReportProblems) as empty:
        reports.save_format(db, manager, "   ", "", {"measures": []})
    assert [(p.code, p.field) for p in empty.value.problems] == [
        ("report.name_required", "name"),
        ("report.measures_required", "measures"),
    ]
    assert snapshot(url) == before


def test_a_saved_format_survives_a_restart_with_every_setting(url):
    with session_scope(url) as db:
        saved = reports.save_format(
            db, actor_of(db, MANAGER), "Aylık kanal", "Her ayar", EVERY_SETTING
        )
    # a restart: every connection closed, a new engine and session
    get_engine(url).dispose()
    get_engine.cache_clear()
    with session_scope(url) as db:
        loaded = reports.get_format(db, actor_of(db, A1), saved.id)
    assert loaded == saved
    assert loaded.definition.filters == {
        "channel": ("agency", "branch"),
        "office": ("S-ISTANBUL", "A-ACENTE-A"),
    }
    assert loaded.definition.sort == (("net_premium", "desc"), ("month", "asc"))
    assert (loaded.definition.chart, loaded.definition.chart_measure, loaded.definition.period) == (
        "pie",
        "tax:BSMV",
        "last_month",
    )


def test_run_format_uses_its_period_and_refuses_without_the_permission(
    db, home_policy_life, monkeypatch
):
    manager = actor_of(db, MANAGER)
    saved = reports.save_format(
        db, manager, "Geçen ay", "", {"dimensions": ["line"], "measures": ["net_premium"],
                                      "period": "last_month"}
    )  # fmt: skip
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 15))
    result = reports.run_format(db, actor_of(db, GM), saved.id)
    assert (result.date_from, result.date_to, result.name) == (
        date(2026, 9, 1),
        date(2026, 9, 30),
        "Geçen ay",
    )
    assert [r["net_premium"] for r in result.rows] == [D("-747.94")]
    it = actor_of(db, "bt.admin")  # report.view, no report.define
    with pytest.raises(PermissionDenied):
        reports.save_format(db, it, "Yeni", "", {"measures": ["policies"]})


def test_dates_are_required_and_in_order(db):
    gm = actor_of(db, GM)
    definition = {"measures": ["policies"]}
    with pytest.raises(Exception) as missing:
        reports.run_report(db, gm, definition, None, None)
    assert (missing.value.code, missing.value.field) == ("error.required", "date_from")
    with pytest.raises(Exception) as backwards:
        reports.run_report(db, gm, definition, "2026-05-02", "2026-05-01")
    assert (backwards.value.code, backwards.value.field) == ("error.date_range", "date_to")


# ------------------------------------------------------------------ the API's report


def test_production_report_by_line_and_channel_gives_the_api_shape(
    db, home_policy_life, monkeypatch
):
    # and a kasko policy of İstanbul Şube on 3 March
    moving = Clock(monkeypatch)
    customer = _customer(db, IST, 2)
    day = moving.set(at(date(2026, 3, 3)))
    inp = PolicyInput("kasko", customer.id, "350000", day, None, dict(FORMS["kasko"]))
    kasko = policies.issue(db, actor_of(db, IST), inp, today=day).policy
    result = reports.production_report(
        db, actor_of(db, GM), date(2026, 3, 1), date(2026, 3, 31), ["line", "channel"]
    )
    api = reports.as_api(result)
    gross = f"{kasko.gross_premium:.2f}"
    assert api == {
        "rows": [
            {
                "line": "kasko",
                "channel": "branch",
                "policies": 1,
                "net_premium": f"{kasko.net_premium:.2f}",
                "taxes": f"{kasko.gross_premium - kasko.net_premium:.2f}",
                "gross_premium": gross,
                "sum_insured": "350000.00",
            },
            {
                "line": "konut",
                "channel": "agency",
                "policies": 1,
                "net_premium": "1144.00",
                "taxes": "171.60",
                "gross_premium": "1315.60",
                "sum_insured": "800000.00",
            },
        ],
        "totals": {
            "policies": 2,
            "net_premium": f"{kasko.net_premium + D('1144.00'):.2f}",
            "taxes": f"{kasko.gross_premium - kasko.net_premium + D('171.60'):.2f}",
            "gross_premium": f"{kasko.gross_premium + D('1315.60'):.2f}",
            "sum_insured": "1150000.00",
        },
    }
    with pytest.raises(ReportProblems) as wrong:
        reports.production_report(db, actor_of(db, GM), "2026-03-01", "2026-03-31", "line,colour")
    assert [(p.code, p.field) for p in wrong.value.problems] == [("report.unknown_by", "by")]


def test_choices_list_every_setting_with_its_label(db):
    found = reports.choices(db, "en")
    assert found.dimensions[0] == ("line", "Line")
    assert ("tax:YSV", "Tax: Fire Insurance Tax") in found.measures
    assert [c for c, _ in found.charts] == ["bar", "line", "pie", "none"]
    assert found.periods[1] == ("this_month", "This month")
