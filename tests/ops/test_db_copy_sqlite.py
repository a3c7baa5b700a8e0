"""`iztim db copy` between SQLite files: a whole copy into a new file; refusals that name
what is wrong and change nothing."""

from __future__ import annotations

from pathlib import Path

from iztim_app.core.db import get_engine
from iztim_app.core.ops import head_revision
from tests.foundation.support import snapshot
from tests.ops.conftest import iztim, table_names, whole


def test_an_installation_copied_into_a_new_sqlite_file_is_the_same(
    demo_url: str, tmp_path: Path, app_on
):
    app_on(demo_url)
    target = f"sqlite:///{tmp_path / 'moved.db'}"
    result = iztim("db", "copy", "--from", demo_url, "--to", target)
    assert result.exit_code == 0, result.output
    tables = len(table_names(demo_url)) - 1  # all but alembic_version
    assert result.output.splitlines()[-1].startswith(
        f"copied: {demo_url} → {target}; schema {head_revision()}; {tables} tables, "
    )
    try:
        assert whole(target) == whole(demo_url)
        before = snapshot(target)
        again = iztim("db", "copy", "--from", demo_url, "--to", target)
        assert (again.exit_code, again.output) == (
            1,
            "Error: The target database is not empty: table app_user has rows. Copy into an "
            f"empty database: {target}\n",
        )
        assert snapshot(target) == before
    finally:
        get_engine(target).dispose()


def test_copy_refuses_the_same_file_and_a_source_that_is_not_sqlite(demo_url: str, app_on):
    app_on(demo_url)
    before = snapshot(demo_url)
    onto_itself = iztim("db", "copy", "--from", demo_url, "--to", demo_url)
    assert (onto_itself.exit_code, onto_itself.output) == (
        1,
        f"Error: Source and target are the same database: {demo_url}\n",
    )
    from_pg = iztim(
        "db", "copy", "--from", "postgresql://iztim@db:5432/iztim", "--to", "sqlite:////tmp/x.db"
    )
    assert (from_pg.exit_code, from_pg.output) == (
        1,
        "Error: This works on the embedded SQLite database; the URL is not an SQLite file: "
        "postgresql+psycopg://iztim@db:5432/iztim\n",
    )
    assert snapshot(demo_url) == before
    assert not Path("/tmp/x.db").exists()
