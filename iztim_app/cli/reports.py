"""`iztim reports rebuild`: recompute the daily production summary from the documents
(after a restore, or to prove it equal to them)."""

import click

from iztim_app.cli import main
from iztim_app.core.db import session_scope
from iztim_app.core.reports import production
from iztim_app.i18n import translate


@main.group()
def reports() -> None:
    """Production reports."""


@reports.command("rebuild")
def rebuild() -> None:
    """Throw the production summary away and add it up again from the approved documents."""
    with session_scope() as db:
        rows = production.rebuild(db)
        db.commit()
    click.echo(translate("report.rebuilt", "tr", rows=rows))
