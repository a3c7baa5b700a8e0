"""The log guard's scanner (tests/security/log_guard.py): what it finds, what it lets pass."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests.security import log_guard
from tests.security.log_guard import Scanner, luhn, mask

VALID_TCKN = "10000000146"  # passes the TCKN checksum


@pytest.fixture
def scanner() -> Scanner:
    return Scanner(log_guard.demo_names())


def kinds(scanner: Scanner, line: str) -> set[str]:
    return {kind for kind, _ in scanner.scan_line(line)}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("INFO payments paying with 4111 1111 1111 1111 now", "card number"),
        ("card=4000-0000-0000-0002", "card number"),
        ("pan 5555555555554444 approved", "card number"),
        ("form {'cvv': '123', 'holder': 'X'}", "cvv"),
        ("CVC=9876", "cvv"),
        (f"customer national_id {VALID_TCKN} saved", "tckn"),
        ("portal sign-in access_code=ABCD2345", "access code"),
        ("code K7MP3QRX used", "access code"),
        ("signed in with Demo.2026", "password"),
        ("cookie: iztim_session=Xy3_kq8Vd0aZ-9bLmN1oPq2RsT3uVw4", "session token"),
        ("GET /auth/session?code=Xy3_kq8Vd0aZ-9bLmN1oPq2RsT3uVw4xyz HTTP/1.1", "session token"),
        ("Authorization: Bearer iz_Xy3kq8Vd0aZ9bLmN1oPq2RsT3uVw4", "session token"),
        ("{'password': 'Gizli.Sifre.9'}", "password"),
    ],
)
def test_a_planted_secret_is_found(scanner: Scanner, line: str, kind: str):
    assert kind in kinds(scanner, line)


def test_a_demo_customer_name_is_found(scanner: Scanner):
    name = log_guard.demo_names()[0]
    assert kinds(scanner, f"quote saved for {name}") == {"customer name"}


@pytest.mark.parametrize(
    "line",
    [
        "2026-12-02 04:54:59,023 INFO started in 0.52s",
        "epoch ms 1733112345678 and ns 1733112345678901234",  # not a card's first digit
        "token Xy3_kq8Vd0aZ4242424242424242bLmN1oPq2R inside a word",
        "amount 4242424242424242.50 TRY",  # a decimal, not a card
        "order PA20261202045459123456 paid",
        "policy 5000002 quote 1000012 customer 100017",
        "phone 05378894436",  # a TCKN never starts with 0
        "id 12345678901 (checksum wrong)",
        "WARNING DEPRECATED CONFIGURATION",
        "password: str = Field(max_length=256)",
        "card_last4 1111, transaction tx-8f3a",
    ],
)
def test_clean_lines_pass(scanner: Scanner, line: str):
    assert list(scanner.scan_line(line)) == []


def test_the_test_cards_are_found_anywhere(scanner: Scanner):
    assert "test card" in kinds(scanner, "tok_4111111111111111x")
    assert "test card" in kinds(scanner, "4000 0000 0000 0002.00")


def test_luhn_and_mask():
    assert luhn("4111111111111111") and not luhn("4111111111111112")
    assert mask("4111111111111111") == "41************11"


def test_the_plugin_fails_a_run_whose_log_holds_a_card(tmp_path: Path):
    """A pytest run with the plugin and a test that logs a card: it fails and names the
    line, masked; the same run logging nothing passes."""
    for body, expected in (
        ("logging.getLogger('x').warning('paid with 4111 1111 1111 1111')", 1),
        ("logging.getLogger('x').warning('paid, last four 1111')", 0),
    ):
        test = tmp_path / "test_planted.py"
        test.write_text(
            textwrap.dedent(
                f"""
                import logging
                def test_it():
                    {body}
                """
            )
        )
        root = Path(__file__).resolve().parents[2]
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(test),
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "tests.security.log_guard",
                "--rootdir",
                str(tmp_path),
                "--basetemp",
                str(tmp_path / "base"),
                "-c",
                "/dev/null",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**__import__("os").environ, "PYTHONPATH": str(root)},
        )
        assert run.returncode == expected, run.stdout + run.stderr
        if expected:
            assert "card number: 41************11" in run.stdout
            assert "records.log:" in run.stdout
            assert "4111 1111" not in run.stdout.split("log guard:")[1]


def test_harness_logs_under_the_basetemp_are_searched(scanner: Scanner):
    # outside this run's basetemp: the planted line must not fail the run itself
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "app0").mkdir()
        (base / "app0" / "reflex-4000.log").write_text("ok\nnational id " + VALID_TCKN + "\n")
        (base / "backend-4001.log").write_text("clean\n")
        (base / "other.log").write_text(VALID_TCKN)
        found = [f for p in log_guard.logs_under(base) for f in scanner.scan_file(p)]
        assert [(Path(f.path).name, f.line, f.kind) for f in found] == [
            ("reflex-4000.log", 2, "tckn")
        ]


def test_the_apps_engines_never_echo_sql(tmp_path: Path):
    """Why SQLAlchemy's DEBUG/INFO records may be left out of the search: the app never
    turns the echo on (its records appear only when a test lowers the root level)."""
    from iztim_app.core.db import get_engine

    engine = get_engine(f"sqlite:///{tmp_path / 'echo.db'}")
    try:
        assert not engine.echo and not engine.pool.echo
    finally:
        engine.dispose()
    assert log_guard._not_sql_echo(_record("sqlalchemy.engine.Engine", "DEBUG")) is False
    assert log_guard._not_sql_echo(_record("sqlalchemy.pool", "WARNING")) is True
    assert log_guard._not_sql_echo(_record("iztim_app.core.payments", "DEBUG")) is True


def _record(name: str, level: str):  # noqa: ANN202
    import logging

    return logging.LogRecord(name, getattr(logging, level), __file__, 1, "x", None, None)
