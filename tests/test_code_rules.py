"""House rules checked on every run: lint clean, a framework-free domain, Decimal money."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "iztim_app" / "core"


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "iztim_app", "tests", "bench", "rxconfig.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_domain_core_never_imports_reflex():
    offenders = [
        str(path.relative_to(ROOT))
        for path in CORE.rglob("*.py")
        if re.search(r"^\s*(import reflex|from reflex)", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_no_float_in_application_code():
    pattern = re.compile(r"\bfloat\(|: float\b|-> float\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "iztim_app").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line) and "# float-ok" not in line
    ]
    assert offenders == []


def test_no_print_in_application_code():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "iztim_app").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.match(r"\s*print\(", line)
    ]
    assert offenders == []
