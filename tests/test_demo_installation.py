"""Demo data belongs to the embedded default only: with DATABASE_URL set (a real
installation) nothing demo is loaded or shown unless IZTIM_DEMO=1 asks for it, and the
first IT user is made from the command line as README says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from reflex.state import State
from sqlmodel import select

from iztim_app.cli import main
from iztim_app.core.auth import services as auth
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.organisation.models import Office
from iztim_app.core.settings import PROJECT_ROOT, Settings
from iztim_app.core.users.models import User
from iztim_app.states.session import SessionState
from tests.foundation.support import snapshot, use_settings

FIRST_PASSWORD = "Ilk.Parola.2026"


@pytest.mark.parametrize(
    ("env", "demo_mode"),
    [
        ({}, True),  # `make run` on a fresh clone: the embedded SQLite file, demo on
        ({"DATABASE_URL": "postgresql://iztim@db:5432/iztim"}, False),  # a real installation
        ({"DATABASE_URL": "sqlite:////srv/iztim/iztim.db"}, False),
        ({"DATABASE_URL": "postgresql://iztim@db:5432/iztim", "IZTIM_DEMO": "1"}, True),
        ({"DATABASE_URL": "sqlite:////tmp/t.db", "IZTIM_DEMO": "yes"}, True),
        ({"IZTIM_DEMO": "0"}, False),  # explicit IZTIM_DEMO wins either way
        ({"DATABASE_URL": "postgresql://iztim@db:5432/iztim", "IZTIM_DEMO": ""}, False),
    ],
)
def test_demo_mode_defaults_to_the_embedded_database_only(env: dict, demo_mode: bool):
    assert Settings.from_env(env).demo_mode is demo_mode


def test_the_embedded_default_is_the_repository_sqlite_file():
    assert Settings.from_env({}).database_url == f"sqlite:///{PROJECT_ROOT / 'iztim.db'}"


@pytest.fixture
def installation(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh migrated database that is a real installation (demo mode off)."""
    use_settings(monkeypatch, database_url=db_url, demo_mode=False)
    monkeypatch.setenv("IZTIM_LANG", "en")
    yield db_url
    get_engine.cache_clear()


def iztim(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_demo_load_is_refused_outside_a_demo_installation(installation: str):
    before = snapshot(installation)
    result = iztim("demo", "load")
    assert result.exit_code == 1
    assert result.output == (
        "Error: This is not a demo installation (DATABASE_URL is set, or IZTIM_DEMO=0): demo "
        "data is not loaded. Set IZTIM_DEMO=1 to load it anyway; create the first IT user "
        "with `iztim users create`.\n"
    )
    assert snapshot(installation) == before


def test_make_runs_demo_step_says_so_and_loads_nothing(installation: str):
    before = snapshot(installation)
    result = iztim("demo", "load", "--if-demo-mode")
    assert (result.exit_code, result.output) == (
        0,
        "not a demo installation: no demo data loaded\n",
    )
    assert snapshot(installation) == before


def test_the_sign_in_page_lists_no_demo_users_outside_demo_mode(installation: str):
    session = State(_reflex_internal_init=True).get_substate(
        SessionState.get_full_name().split(".")
    )
    assert session.demo_sign_ins == []


def test_demo_load_in_demo_mode_loads_once(db_url: str, monkeypatch: pytest.MonkeyPatch):
    use_settings(monkeypatch, database_url=db_url, demo_mode=True)
    monkeypatch.setenv("IZTIM_LANG", "en")
    try:
        first = iztim("demo", "load")
        second = iztim("demo", "load")
        session = State(_reflex_internal_init=True).get_substate(
            SessionState.get_full_name().split(".")
        )
        listed = [code for code, _ in session.demo_sign_ins]
    finally:
        get_engine.cache_clear()
    assert (first.exit_code, first.output) == (0, "demo data loaded\n")
    assert (second.exit_code, second.output) == (0, "demo data already present: nothing loaded\n")
    assert listed[:3] == ["bt.admin", "gm.onay", "gm.mudur"]


def test_a_newcomer_makes_the_first_it_user_as_readme_says(installation: str):
    """README: `iztim offices create …` then `iztim users create … --role it_admin`."""
    too_early = iztim(
        "users", "create", "--code", "bt.admin", "--name", "Bilgi İşlem", "--office", "GM",
        "--role", "it_admin", "--password", FIRST_PASSWORD,
    )  # fmt: skip
    assert too_early.exit_code == 1
    assert "iztim offices create --code GM" in too_early.output

    office = iztim("offices", "create", "--code", "GM", "--name", "Genel Müdürlük")
    user = iztim(
        "users", "create", "--code", "bt.admin", "--name", "Bilgi İşlem", "--office", "GM",
        "--role", "it_admin", stdin=f"{FIRST_PASSWORD}\n{FIRST_PASSWORD}\n",
    )  # fmt: skip

    assert (office.exit_code, office.output) == (0, "office GM created\n")
    assert user.exit_code == 0
    assert user.output.endswith("user bt.admin created\n")
    with session_scope(installation) as db:
        offices = [(o.code, o.kind) for o in db.exec(select(Office)).all()]
        users = [(u.code, u.role, u.must_change_password) for u in db.exec(select(User)).all()]
        actor = auth.sign_in(db, "bt.admin", FIRST_PASSWORD).actor
    assert offices == [("GM", "head_office")]
    assert users == [("bt.admin", "it_admin", False)]
    assert actor.can("user.manage") and actor.can("tariff.manage")


def test_core_never_imports_the_demo_package():
    core = Path(__file__).resolve().parents[1] / "iztim_app" / "core"
    offenders = [
        str(path.relative_to(core))
        for path in sorted(core.rglob("*.py"))
        if "iztim_app.demo" in (text := path.read_text(encoding="utf-8"))
        or "from iztim_app import demo" in text
    ]
    assert offenders == []
    assert not (core / "demo.py").exists() and not (core / "demo_quotes.py").exists()
