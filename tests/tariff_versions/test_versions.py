"""Tariff versions in the database: validated uploads, drafts, activation from a date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from iztim_app.core import clock
from iztim_app.core.audit.models import AuditEvent
from iztim_app.core.db import session_scope
from iztim_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from iztim_app.core.settings import PROJECT_ROOT
from iztim_app.core.tariffs import versions
from iztim_app.core.tariffs.loader import files_from_dir
from iztim_app.core.tariffs.rating import price
from iztim_app.core.tariffs.tables import TariffVersion
from iztim_app.core.users.actor import operator_actor

SHIPPED = PROJECT_ROOT / "tariffs"
IT = operator_actor("bt.test")
CLERK = replace(IT, code="clerk", permissions=frozenset({"quote.create"}))
KASKO_RATES = (SHIPPED / "kasko/rates.csv").read_bytes()


@pytest.fixture
def db(sqlite_db_from, migrated_sqlite_template):
    url = sqlite_db_from(migrated_sqlite_template)
    with session_scope(url) as session:
        assert versions.load_shipped(session, IT, SHIPPED)
        yield session


def _snapshot(db):
    return [
        (v.number, v.status, v.effective_from, v.sha256)
        for v in db.exec(select(TariffVersion)).all()
    ]


def _doubled_kasko() -> bytes:
    lines = KASKO_RATES.decode().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[3] = str(Decimal(cells[3]) * 2)
        out.append(",".join(cells))
    return ("\n".join(out) + "\n").encode()


def test_first_setup_loads_shipped_folder_once_as_version_one_in_force(db):
    assert versions.load_shipped(db, IT, SHIPPED) is False
    version, tariff = versions.tariff_in_force(db)
    assert version.number == 1 and version.status == versions.ACTIVATED
    assert list(tariff.lines) == ["kasko", "trafik", "konut", "isyeri", "ferdi_kaza", "nakliyat"]
    assert versions.unpack(version.content) == files_from_dir(SHIPPED)


def test_broken_csv_reports_every_problem_and_stores_nothing(db):
    before = _snapshot(db)
    broken = (
        KASKO_RATES.replace(b"otomobil,*,34.00", b"otomobil,*,abc", 1) + b"*,u\xc3\xa7ak,*,10,0\n"
    )
    with pytest.raises(versions.TariffProblems) as info:
        versions.upload(db, IT, filename="rates.csv", data=broken, target_path="kasko/rates.csv")
    found = [p.format() for p in info.value.problems]
    assert len(found) == 2
    assert found[0].startswith("kasko/rates.csv:2: ")
    assert found[1].startswith(f"kasko/rates.csv:{len(KASKO_RATES.decode().splitlines()) + 1}: ")
    db.rollback()
    assert _snapshot(db) == before
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "tariff.upload")).first() is None


def test_valid_csv_becomes_a_draft_that_changes_no_price_until_activated(db):
    row = versions.upload(
        db,
        IT,
        filename="rates.csv",
        data=_doubled_kasko(),
        target_path="kasko/rates.csv",
        note="x2",
    )
    assert (row.number, row.status, row.in_force) == (2, versions.DRAFT, False)
    assert versions.version_in_force(db).number == 1

    tomorrow = clock.today() + timedelta(days=1)
    versions.activate(db, IT, row.id, tomorrow)
    assert versions.version_in_force(db).number == 1  # the old one stays in force until then
    assert versions.version_in_force(db, tomorrow).number == 2

    args = ("kasko", "bireysel", Decimal("850000"), date(2026, 12, 1))
    values = {
        "vehicle_type": "otomobil",
        "usage": "hususi",
        "model_year": "2022",
        "province_group": "1",
        "no_claims_step": "0",
        "deductible": "yok",
        "lpg": "no",
        "birth_date": "1985-04-12",
    }
    old = price(versions.tariff_in_force(db)[1], *args, values=values)
    new = price(versions.tariff_in_force(db, tomorrow)[1], *args, values=values)
    assert new.worksheet[0].rate_per_mille == 2 * old.worksheet[0].rate_per_mille

    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "tariff.activate", AuditEvent.entity_id == "2"
        )
    ).one()
    assert event.actor_code == "bt.test"
    assert event.before == {"status": "draft", "effective_from": None, "in_force": 1}
    assert event.after == {
        "status": "activated",
        "effective_from": tomorrow.isoformat(),
        "in_force": 1,
    }


def test_activation_in_the_past_or_twice_is_refused(db):
    row = versions.upload(
        db, IT, filename="rates.csv", data=_doubled_kasko(), target_path="kasko/rates.csv"
    )
    with pytest.raises(ValidationFailed) as info:
        versions.activate(db, IT, row.id, clock.today() - timedelta(days=1))
    assert info.value.code == "tariff.effective_in_past"
    db.rollback()
    versions.activate(db, IT, row.id, clock.today())
    with pytest.raises(Exception) as again:
        versions.activate(db, IT, row.id, clock.today())
    assert again.value.code == "tariff.not_draft"


def test_compare_lists_changed_rows_by_file_and_line(db):
    row = versions.upload(
        db, IT, filename="rates.csv", data=_doubled_kasko(), target_path="kasko/rates.csv"
    )
    changes = versions.compare(db, IT, 1, row.id)
    data_rows = len(KASKO_RATES.decode().splitlines()) - 1
    assert {c.file for c in changes} == {"kasko/rates.csv"}
    assert sum(c.change == "-" for c in changes) == data_rows
    assert sum(c.change == "+" for c in changes) == data_rows
    assert changes[0].line == 2


def test_zip_upload_and_download_round_trip(db):
    files = files_from_dir(SHIPPED)
    files["kasko/rates.csv"] = _doubled_kasko()
    row = versions.upload(db, IT, filename="tarife.zip", data=versions.pack(files))
    name, data = versions.download(db, IT, row.id)
    assert name == "tarife-v2.zip" and versions.unpack(data) == files
    assert versions.download(db, IT, row.id, "kasko/rates.csv")[1] == _doubled_kasko()


@pytest.mark.parametrize(
    ("filename", "data", "path", "code"),
    [
        ("rates.csv", b"", "kasko/rates.csv", "tariff.upload_empty"),
        ("rates.txt", b"a,b\n", "kasko/rates.csv", "tariff.upload_type"),
        ("rates.csv", b"a,b\n", "../etc/passwd", "tariff.target_path_invalid"),
        ("tarife.zip", b"not a zip", "", "tariff.zip_invalid"),
    ],
)
def test_bad_uploads_are_refused_with_a_message(db, filename, data, path, code):
    before = _snapshot(db)
    with pytest.raises(ValidationFailed) as info:
        versions.upload(db, IT, filename=filename, data=data, target_path=path)
    assert info.value.code == code
    db.rollback()
    assert _snapshot(db) == before


def test_only_tariff_managers_change_tariffs(db):
    before = _snapshot(db)
    for call in (
        lambda: versions.upload(
            db, CLERK, filename="rates.csv", data=_doubled_kasko(), target_path="kasko/rates.csv"
        ),
        lambda: versions.activate(db, CLERK, 1, clock.today()),
        lambda: versions.download(db, CLERK, 1),
        lambda: versions.compare(db, CLERK, 1, 1),
        lambda: versions.list_versions(db, CLERK),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert _snapshot(db) == before
    with pytest.raises(NotFound):
        versions.download(db, IT, 999)
