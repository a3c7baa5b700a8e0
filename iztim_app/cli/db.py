"""`iztim db …`: schema migrations, and moving an installation to another database."""

import click

from iztim_app.cli import cli_lang, main, say
from iztim_app.core import schema
from iztim_app.core.ops import OpsError, shown_url
from iztim_app.i18n import error_text


@main.group()
def db() -> None:
    """Database schema."""


@db.command()
@click.option("--revision", default="head", show_default=True)
def upgrade(revision: str) -> None:
    """Apply Alembic migrations to DATABASE_URL (default: the embedded SQLite file)."""
    schema.upgrade(revision=revision)
    click.echo(f"database at {revision}")


@db.command()
@click.option("--from", "source", required=True, help="sqlite:///… (the installation to move)")
@click.option("--to", "target", required=True, help="postgresql+psycopg://… (an empty database)")
def copy(source: str, target: str) -> None:
    """Copy every row, number and audit record into an empty database (one transaction)."""
    from iztim_app.core.ops.copy import copy_database

    try:
        summary = copy_database(source, target)
    except OpsError as exc:
        raise click.ClickException(error_text(exc, cli_lang())) from None
    for table, rows in summary.tables:
        say("ops.copy_table", table=table, rows=rows)
    say(
        "ops.copy_done",
        source=shown_url(source),
        target=shown_url(target),
        revision=summary.revision,
        tables=len(summary.tables),
        rows=summary.rows,
        sequences=len(summary.sequences),
    )
