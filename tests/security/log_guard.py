"""No personal or card data in logs, searched after the whole test run.

At session start a handler on the root logger writes every record that reaches it (every
level: the handler itself filters nothing; the loggers' own levels are left as they are,
so DEBUG records are there whenever a logger or a test — `caplog.set_level(DEBUG)` — lets
them through) to `<basetemp>/log_guard/records.log`. At the end that file and every app
log the harnesses wrote under the basetemp (tests/browser/harness.py `reflex-*.log`,
tests/scale/harness.py `backend-*.log`) are searched for card numbers (13–19 digits, also
with spaces or dashes, passing Luhn), the test cards, CVV values, valid TCKNs, the demo
customers' names, access codes, the demo passwords and session tokens. A finding is printed
as file:line with the match masked, and the run fails.

Registered from tests/conftest.py (`pytest_plugins`); IZTIM_LOG_GUARD=0 turns it off.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from stdnum.tr import tckimlik

HARNESS_LOGS = ("reflex-*.log", "backend-*.log")
# SQLAlchemy's echo (statements, parameters, rows) below WARNING: it only appears when a
# test lowers the root level (`caplog.set_level(DEBUG)`), and then holds every row the test
# reads — the app's engines never echo (test_log_guard checks). Calibrated out.
QUIET_BELOW_WARNING = ("sqlalchemy",)
RECORDS = "records.log"
TEST_CARDS = ("4111111111111111", "4000000000000002")
PASSWORDS = ("Demo.2026", "Rol.Parola.2026")

# A run of 13–19 digits, single spaces or dashes allowed between them, standing alone: not
# inside a word, a token (letters, `_`), a decimal or a longer number.
_CARD = re.compile(r"(?<![\w.,\-])\d(?:[ -]?\d){12,18}(?![\w\-]|[.,]\d)")
_CVV = re.compile(r"\b(?:cvv2?|cvc2?)\b[\"']?\s*[:=]\s*[\"']?(\d{3,4})\b", re.IGNORECASE)
_TCKN = re.compile(r"(?<![\w.,\-])[1-9]\d{10}(?![\w\-]|[.,]\d)")
_ACCESS_CODE_FIELD = re.compile(
    r"\baccess_?code\b[\"']?\s*[:=]\s*[\"']?([A-HJKMNP-Z2-9]{8})\b", re.IGNORECASE
)
_ACCESS_CODE = re.compile(r"(?<![A-Za-z0-9])[A-HJKMNP-Z2-9]{8}(?![A-Za-z0-9])")
_SESSION = re.compile(
    r"(?:iztim_session|iztim_portal)=([A-Za-z0-9_\-]{20,})"
    r"|[Bb]earer\s+([A-Za-z0-9_\-.]{20,})"
    r"|[?&](?:code|token|handoff)=([A-Za-z0-9_\-]{20,})"
)
_PASSWORD_FIELD = re.compile(r"\bpassword[\"']?\s*[:=]\s*[\"']([^\"'*\s]{4,})[\"']", re.IGNORECASE)


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def mask(text: str) -> str:
    text = text.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


def demo_names() -> tuple[str, ...]:
    """Every full name the demo can give a customer (first name + surname)."""
    try:
        from iztim_app.demo.quotes import FIRST_NAMES, SURNAMES
    except ImportError:  # the demo moved: the checksum searches still run
        return ()
    return tuple(f"{first} {last}" for first in FIRST_NAMES for last in SURNAMES)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.masked}"


class Scanner:
    def __init__(self, names: Iterable[str] = ()) -> None:
        names = sorted(set(names), key=len, reverse=True)
        self._names = re.compile("|".join(map(re.escape, names))) if names else None

    def scan_line(self, text: str) -> Iterator[tuple[str, str]]:
        for m in _CARD.finditer(text):
            digits = re.sub(r"[ -]", "", m.group())
            if 13 <= len(digits) <= 19 and digits[0] in "3456" and luhn(digits):
                yield "card number", mask(digits)
        compact = re.sub(r"[ -]", "", text)
        for card in TEST_CARDS:
            if card in compact:
                yield "test card", mask(card)
        for m in _CVV.finditer(text):
            yield "cvv", f"{m.group()[:3]}…={mask(m.group(1))}"
        for m in _TCKN.finditer(text):
            if tckimlik.is_valid(m.group()):
                yield "tckn", mask(m.group())
        for m in _ACCESS_CODE_FIELD.finditer(text):
            yield "access code", mask(m.group(1))
        for m in _ACCESS_CODE.finditer(text):
            code = m.group()
            if sum(c.isdigit() for c in code) >= 2 and sum(c.isalpha() for c in code) >= 2:
                yield "access code", mask(code)
        for m in _SESSION.finditer(text):
            yield "session token", mask(next(g for g in m.groups() if g))
        for password in PASSWORDS:
            if password in text:
                yield "password", mask(password)
        for m in _PASSWORD_FIELD.finditer(text):
            yield "password", mask(m.group(1))
        if self._names is not None:
            for m in self._names.finditer(text):
                yield "customer name", mask(m.group())

    def scan_file(self, path: Path) -> list[Finding]:
        found: list[Finding] = []
        try:
            handle = path.open(encoding="utf-8", errors="replace")
        except OSError:
            return found
        with handle:
            for n, line in enumerate(handle, 1):
                found += [Finding(str(path), n, kind, m) for kind, m in self.scan_line(line)]
        return found


def logs_under(base: Path) -> list[Path]:
    found = [p for pattern in HARNESS_LOGS for p in base.rglob(pattern)]
    records = base / "log_guard" / RECORDS
    return sorted({*found, *([records] if records.exists() else [])})


# ------------------------------------------------------------------ the plugin

_handler: logging.Handler | None = None


def _not_sql_echo(record: logging.LogRecord) -> bool:
    quiet = record.name.split(".")[0] in QUIET_BELOW_WARNING
    return not (quiet and record.levelno < logging.WARNING)


def _enabled() -> bool:
    return os.environ.get("IZTIM_LOG_GUARD", "1") != "0"


def pytest_sessionstart(session: pytest.Session) -> None:
    global _handler
    if not _enabled() or _handler is not None:
        return
    base = session.config._tmp_path_factory.getbasetemp()  # noqa: SLF001
    folder = base / "log_guard"
    folder.mkdir(parents=True, exist_ok=True)
    _handler = logging.FileHandler(folder / RECORDS, encoding="utf-8")
    _handler.setLevel(logging.DEBUG)  # the handler takes all; loggers keep their levels
    _handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    _handler.addFilter(_not_sql_echo)
    logging.getLogger().addHandler(_handler)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _handler
    if _handler is None:
        return
    logging.getLogger().removeHandler(_handler)
    _handler.close()
    _handler = None
    base = session.config._tmp_path_factory.getbasetemp()  # noqa: SLF001
    scanner = Scanner(demo_names())
    findings = [f for path in logs_under(base) for f in scanner.scan_file(path)]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not findings:
        return
    lines = ["log guard: personal or card data in logs (masked):", *map(str, findings[:50])]
    if len(findings) > 50:
        lines.append(f"… and {len(findings) - 50} more")
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)  # noqa: T201
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
