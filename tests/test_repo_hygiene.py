"""`make run` / `make test` leave a fresh clone's `git status` clean.

Reflex rewrites two committed files whenever it builds the front end: it adds its default
ignore lines to `.gitignore` (`initialize_gitignore`) and copies the `package.json` it
renders back to `reflex.lock/` (`sync_web_lockfiles_to_root`). We commit both exactly as
Reflex writes them, so the rewrite changes no byte; these tests catch a Reflex upgrade
that writes something else (regenerate the file with a build and commit it).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from reflex.utils import frontend_skeleton
from reflex_base import constants

from iztim_app.core.settings import PROJECT_ROOT


def test_gitignore_already_holds_every_line_reflex_adds():
    text = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8")
    lines = text.splitlines()
    # Reflex compares stripped lines and writes them back joined by "\n" plus one "\n".
    assert text == "\n".join(line.strip() for line in lines) + "\n"
    assert sorted(set(constants.GitIgnore.DEFAULTS) - set(lines)) == []


def test_reflex_lock_package_json_is_what_reflex_renders(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(PROJECT_ROOT)  # Reflex reads reflex.lock/ relative to the working dir
    committed = (PROJECT_ROOT / "reflex.lock" / "package.json").read_text(encoding="utf-8")
    assert frontend_skeleton._compile_package_json() == committed


def test_no_sqlite_side_files_are_tracked():
    """The WAL/SHM files of iztim.db carry password hashes: never in the repository."""
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert [p for p in tracked if p.endswith((".db", ".db-wal", ".db-shm", ".db-journal"))] == []
