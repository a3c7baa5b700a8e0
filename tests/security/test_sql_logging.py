"""Raising the root logger to DEBUG (an operator chasing a problem) must not make
SQLAlchemy write statements' parameters or rows, which hold national ids, to the log
(the engines never echo, and SQLAlchemy keeps its own loggers at WARNING)."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from iztim_app.core.db import session_scope


def test_sql_parameters_and_rows_stay_out_of_a_debug_log(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with session_scope(db_url) as db:
        value = db.execute(sa.text("SELECT :tckn"), {"tckn": "10000000146"}).scalar_one()
    assert value == "10000000146"
    assert not [r for r in caplog.records if r.name.startswith("sqlalchemy")]
    assert "10000000146" not in caplog.text
