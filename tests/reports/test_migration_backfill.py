"""Migration 0014 on an installation that already has documents: the summary starts filled
(equal to what the postings made), and the predefined formats are there once."""

from __future__ import annotations

from alembic import command

from iztim_app.core import schema
from iztim_app.core.db import get_engine, session_scope
from iztim_app.core.reports import formats
from tests.reports import raw
from tests.reports import world as generated
from tests.reports.test_production_summary import _tables


def test_upgrading_an_installation_with_documents_fills_the_summary(url, monkeypatch):
    # given an installation with production (summary made by the postings)
    with session_scope(url) as db:
        generated.build(db, monkeypatch)
    before = _tables(url)
    get_engine(url).dispose()
    # when it goes back to before the reports work and up again
    command.downgrade(schema.alembic_config(url), "0013")
    get_engine(url).dispose()
    schema.upgrade(url)
    get_engine(url).dispose()
    # then the summary is back, exactly, and the eight predefined formats once
    assert _tables(url) == before
    counted = "SELECT COUNT(*), SUM(CASE WHEN predefined THEN 1 ELSE 0 END) FROM report_format"
    assert raw.query(url, counted) == [(8, 8)]
    with session_scope(url) as db:
        assert formats.install_predefined(db) == 0
