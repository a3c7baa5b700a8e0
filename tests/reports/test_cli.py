"""`iztim reports rebuild` recomputes the summary from the documents."""

from __future__ import annotations

from click.testing import CliRunner

from iztim_app.cli import main
from iztim_app.core.db import get_engine, session_scope
from tests.foundation.support import use_settings
from tests.reports import raw
from tests.reports import world as generated


def test_rebuild_from_the_command_line(url, monkeypatch):
    with session_scope(url) as db:
        generated.build(db, monkeypatch)
    before = raw.summary(url)
    use_settings(monkeypatch, database_url=url)
    # when the summary is emptied behind the app's back and rebuilt
    with get_engine(url).begin() as conn:
        conn.exec_driver_sql("DELETE FROM production_daily_tax")
        conn.exec_driver_sql("DELETE FROM production_daily")
    result = CliRunner().invoke(main, ["reports", "rebuild"])
    # then
    assert result.exit_code == 0, result.output
    assert result.output == f"Üretim özeti yeniden hesaplandı: {len(before)} satır.\n"
    assert raw.summary(url) == before
