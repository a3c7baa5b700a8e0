"""`iztim demo load`: the demo organisation, users and data, loaded once.

Only in a demo installation (the embedded default, or IZTIM_DEMO=1): a real installation
must never get demo users with a published password.
"""

import os

import click

from iztim_app import demo as demo_data
from iztim_app.cli import main
from iztim_app.core.db import session_scope
from iztim_app.core.settings import settings
from iztim_app.i18n import translate


def _lang() -> str:
    return os.environ.get("IZTIM_LANG", "tr")


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command()
@click.option(
    "--if-demo-mode",
    is_flag=True,
    help="Outside a demo installation say so and exit 0 instead of refusing (for make run).",
)
def load(if_demo_mode: bool) -> None:
    """Load demo data unless it is already there (safe to run again)."""
    if not settings.demo_mode:
        if if_demo_mode:
            click.echo(translate("demo.skipped", _lang()))
            return
        raise click.ClickException(translate("demo.not_demo_installation", _lang()))
    with session_scope() as db:
        if demo_data.load(db):
            click.echo(translate("demo.loaded", _lang()))
        else:
            click.echo(translate("demo.already_loaded", _lang()))
