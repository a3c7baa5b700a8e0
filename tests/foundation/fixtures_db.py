"""Database fixtures: a demo organisation per test, copied from a session template."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from iztim_app import demo
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.users import services as users
from iztim_app.core.users.actor import operator_actor
from iztim_app.core.users.permissions import AGENCY_FORBIDDEN, ROLES
from tests.conftest import copy_sqlite, sqlite_url
from tests.foundation.support import office_of, use_settings, user_of

# A small lines.csv of our own: the shipped tariffs folder belongs to the tariff engine.
LINES_CSV = (
    "code,name_tr,name_en\n"
    "kasko,Kasko Sigortası,Motor Own Damage (Kasko)\n"
    "konut,Konut Sigortası,Home Insurance\n"
)
LINE_CODES = ("kasko", "konut")
IDLE_MINUTES = 30

AGENCY_OFFICE = "A-ACENTE-A"
HEAD_OFFICE = "GM"
ROLE_PASSWORD = "Rol.Parola.2026"


def role_user_code(role: str) -> str:
    return f"rol.{role}"


def role_office(role: str) -> str:
    """Roles an agency may hold are tried in an agency; the others in the head office."""
    return HEAD_OFFICE if ROLES[role].permissions & AGENCY_FORBIDDEN else AGENCY_OFFICE


@pytest.fixture(scope="session")
def lines_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tariffs")
    (folder / "lines.csv").write_text(LINES_CSV, encoding="utf-8")
    return folder


def _build(template: Path, target: Path, lines_dir: Path, fill: Callable[[Session], None]) -> Path:
    copy_sqlite(template, target)
    url = sqlite_url(target)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, database_url=url, tariffs_dir=lines_dir)
        with session_scope(url) as db:
            fill(db)
        get_engine(url).dispose()
        get_engine.cache_clear()
    return target


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, migrated_sqlite_template: Path, lines_dir: Path) -> Path:
    """The demo organisation (9 offices, 10 users, limits on both lines)."""

    def fill(db: Session) -> None:
        assert demo.load(db) is True

    return _build(
        migrated_sqlite_template, tmp_path_factory.mktemp("demo") / "demo.db", lines_dir, fill
    )


@pytest.fixture(scope="session")
def matrix_template(tmp_path_factory, demo_template: Path, lines_dir: Path) -> Path:
    """The demo organisation plus one user per role template (`rol.<role>`); the
    services' subject, sube.ankara, is locked so that unlocking it changes something."""

    def fill(db: Session) -> None:
        operator = operator_actor("test")
        for role in ROLES:
            users.create_user(
                db,
                operator,
                code=role_user_code(role),
                name=f"Rol {role}",
                office_id=office_of(db, role_office(role)).id,
                role=role,
                password=ROLE_PASSWORD,
                must_change_password=False,
            )
        subject = user_of(db, "sube.ankara")
        subject.locked = True
        db.add(subject)
        db.commit()

    return _build(demo_template, tmp_path_factory.mktemp("matrix") / "matrix.db", lines_dir, fill)


def _use(url: str, lines_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_settings(
        monkeypatch,
        database_url=url,
        tariffs_dir=lines_dir,
        session_idle_minutes=IDLE_MINUTES,
        demo_mode=True,
    )
    yield url
    get_engine.cache_clear()  # before monkeypatch restores the settings


@pytest.fixture
def demo_url(sqlite_db_from, demo_template: Path, lines_dir: Path, monkeypatch) -> Iterator[str]:
    """A fresh copy of the demo database; the app's settings point at it for this test."""
    yield from _use(sqlite_db_from(demo_template), lines_dir, monkeypatch)


@pytest.fixture
def demo_db(demo_url: str) -> Iterator[Session]:
    with session_scope(demo_url) as db:
        yield db


@pytest.fixture
def matrix_url(
    sqlite_db_from, matrix_template: Path, lines_dir: Path, monkeypatch
) -> Iterator[str]:
    yield from _use(sqlite_db_from(matrix_template), lines_dir, monkeypatch)
