""".ci/run's contract, with the machine's tools replaced by stubs on PATH.

On CI a PostgreSQL or Redis that does not answer stops the run before the suite (the
tests would only be skipped); a suite that leaves the tree dirty fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from iztim_app.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

STUB = "#!/usr/bin/env bash\n{body}\n"
STUBS = {
    "chromium": "exit 0",
    "pg_isready": '[ -e "$STUB_STATE/pg_up" ]',
    "pg_ctlcluster": 'echo "pg_ctlcluster $*" >> "$STUB_STATE/log"; '
    '[ -z "$STUB_PG_STARTS" ] || touch "$STUB_STATE/pg_up"',
    "redis-cli": '[ -e "$STUB_STATE/redis_up" ] && echo PONG || exit 1',
    "redis-server": 'echo "redis-server $*" >> "$STUB_STATE/log"; '
    '[ -z "$STUB_REDIS_STARTS" ] || touch "$STUB_STATE/redis_up"',
    "make": 'echo "make $*" >> "$STUB_STATE/log"; '
    'if [ "$1" = test ] && [ -n "$STUB_DIRTY" ]; then echo changed > "$STUB_DIRTY"; fi; '
    'if [ "$1" = test ] && [ -n "$STUB_MAKE_FAILS" ]; then exit 2; fi',
}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clean git checkout holding only the CI script (no .venv: the stubs answer)."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / ".ci" / "run", repo / ".ci" / "run")
    (repo / "README.md").write_text("x\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    return repo


def run_ci(repo: Path, tmp_path: Path, *, ci: bool, **stub_env: str) -> tuple[int, str, str]:
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir(exist_ok=True)
    state.mkdir(exist_ok=True)
    for name, body in STUBS.items():
        path = bin_dir / name
        path.write_text(STUB.format(body=body))
        path.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "STUB_STATE": str(state),
        "IZTIM_CI_WAIT_SECONDS": "0",
        **stub_env,
    }
    if ci:
        env["CI"] = "true"
    done = subprocess.run(
        ["bash", str(repo / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )
    log = (state / "log").read_text() if (state / "log").exists() else ""
    return done.returncode, done.stdout + done.stderr, log


def services_up(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir(exist_ok=True)
    (tmp_path / "state" / "pg_up").touch()
    (tmp_path / "state" / "redis_up").touch()


def test_services_up_and_tree_clean_passes(checkout: Path, tmp_path: Path):
    services_up(tmp_path)
    code, output, log = run_ci(checkout, tmp_path, ci=True)
    assert code == 0, output
    assert log.splitlines() == ["make setup", "make test"]
    assert "working tree unchanged by the suite" in output


def test_stopped_services_are_started_first(checkout: Path, tmp_path: Path):
    code, output, log = run_ci(
        checkout, tmp_path, ci=True, STUB_PG_STARTS="1", STUB_REDIS_STARTS="1"
    )
    assert code == 0, output
    lines = log.splitlines()
    assert lines[0].startswith("pg_ctlcluster --skip-systemctl-redirect ")
    assert lines[0].endswith(" main start")
    assert (
        lines[1]
        == "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save  --appendonly no"
    )
    assert lines[2:] == ["make setup", "make test"]


@pytest.mark.parametrize(
    ("down", "name"), [("pg_up", "PostgreSQL"), ("redis_up", "Redis")], ids=["pg", "redis"]
)
def test_on_ci_a_service_that_does_not_answer_fails_before_the_suite(
    checkout: Path, tmp_path: Path, down: str, name: str
):
    services_up(tmp_path)
    (tmp_path / "state" / down).unlink()
    code, output, log = run_ci(checkout, tmp_path, ci=True)
    assert code == 1
    assert f"FAIL: CI is set and {name} does not answer" in output
    assert "make test" not in log.splitlines()


def test_off_ci_a_missing_service_only_warns(checkout: Path, tmp_path: Path):
    code, output, log = run_ci(checkout, tmp_path, ci=False)
    assert code == 0, output
    assert "warning: PostgreSQL does not answer" in output
    assert "warning: Redis does not answer" in output
    assert log.splitlines()[-1] == "make test"


@pytest.mark.parametrize("ci", [True, False], ids=["ci", "local"])
def test_a_suite_that_dirties_the_tree_fails(checkout: Path, tmp_path: Path, ci: bool):
    services_up(tmp_path)
    code, output, _ = run_ci(checkout, tmp_path, ci=ci, STUB_DIRTY=str(checkout / "left.txt"))
    assert code == 1
    assert "FAIL: the working tree is not clean after the suite" in output
    assert "?? left.txt" in output


def test_a_rewritten_tracked_file_fails(checkout: Path, tmp_path: Path):
    services_up(tmp_path)
    code, output, _ = run_ci(checkout, tmp_path, ci=True, STUB_DIRTY=str(checkout / "README.md"))
    assert code == 1
    assert " M README.md" in output


def test_the_script_is_executable():
    assert os.access(PROJECT_ROOT / ".ci" / "run", os.X_OK)


def test_a_failing_suite_fails_the_run_with_its_own_code(checkout: Path, tmp_path: Path):
    services_up(tmp_path)
    code, output, _ = run_ci(checkout, tmp_path, ci=True, STUB_MAKE_FAILS="1")
    assert code == 2
    assert "working tree unchanged by the suite" in output  # the tree was still checked


def test_a_failing_suite_that_also_dirties_the_tree_reports_the_tree(
    checkout: Path, tmp_path: Path
):
    services_up(tmp_path)
    dirty = {"STUB_MAKE_FAILS": "1", "STUB_DIRTY": str(checkout / "left.txt")}
    code, output, _ = run_ci(checkout, tmp_path, ci=True, **dirty)
    assert code == 1
    assert "?? left.txt" in output
