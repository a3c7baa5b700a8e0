"""`iztim demo load`: the demo organisation, users and data, loaded once."""

import click

from iztim_app.cli import main
from iztim_app.core import demo as demo_data
from iztim_app.core.db import session_scope


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command()
def load() -> None:
    """Load demo data unless it is already there (safe to run again)."""
    with session_scope() as db:
        if demo_data.load(db):
            click.echo("demo data loaded")
        else:
            click.echo("demo data already present: nothing loaded")
