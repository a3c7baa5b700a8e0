"""`iztim tariffs init`: the shipped folder becomes tariff version 1 on first setup."""

import click

from iztim_app.cli.tariffs import tariffs
from iztim_app.core.db import session_scope
from iztim_app.core.settings import settings
from iztim_app.core.tariffs import versions
from iztim_app.core.users.actor import operator_actor


@tariffs.command("init")
def init() -> None:
    """Load the shipped tariff folder as version 1 unless a version exists (safe to rerun)."""
    with session_scope() as db:
        if versions.load_shipped(db, operator_actor("setup"), settings.tariffs_dir):
            click.echo(f"tariff version 1 loaded from {settings.tariffs_dir}")
        else:
            click.echo("tariff versions already present: nothing loaded")
