"""Backend memory: the libraries a tab never needs stay out of the app's import.

Every granian worker is forked from the server process after it imported the app, so
whatever that import loads is memory in every process (shared until touched, then copied).
The PDF stack, the spreadsheet writer, the bank's SDK and the PDF merger are loaded by the
code that makes a document, an export, a payment or a batch — a change that imports one of
them at module level brings ≈ 35 MB per process back, and this test fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Imported by the function that uses them, never by importing the app.
LAZY = ("fpdf", "PIL", "numpy", "fontTools", "pandas", "openpyxl", "pypdf", "iyzipay")

_PROBE = """
import importlib.util, json, sys
import iztim_app.iztim_app  # what `reflex run` imports before it forks the workers
lazy = {lazy!r}
report = {{"installed": [m for m in lazy if importlib.util.find_spec(m) is not None],
          "at_import": [m for m in lazy if m in sys.modules]}}
import iztim_app.core.documents.pdf  # a document's first use loads the PDF stack
report["after_document"] = [m for m in lazy if m in sys.modules]
print(json.dumps(report))
"""


def test_importing_the_app_loads_no_document_export_or_payment_library() -> None:
    env = {**os.environ, "REFLEX_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(lazy=LAZY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # The names are real modules of this environment (a misspelt one would prove nothing).
    assert report["installed"] == list(LAZY)
    assert report["at_import"] == []
    # …and the lazy import does happen where a document is made.
    assert {"fpdf", "PIL", "fontTools"} <= set(report["after_document"])
