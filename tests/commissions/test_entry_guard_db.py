"""The commission entries' guard: the migration installs the model's rule, at head the
triggers are in place and up to date on both engines."""

from __future__ import annotations

from importlib import import_module

from iztim_app.core import guards
from iztim_app.core.commissions.models import ENTRY_GUARD
from iztim_app.core.db import get_engine


def test_at_head_the_entry_guard_is_installed_and_up_to_date(url: str):
    assert ENTRY_GUARD in guards.declared()
    with get_engine(url).connect() as conn:
        assert guards.problems(conn, ENTRY_GUARD) == []


def test_the_migrations_rule_is_the_models_rule():
    migration = import_module("migrations.versions.0015_commissions")
    assert migration.ENTRY_GUARD == ENTRY_GUARD
