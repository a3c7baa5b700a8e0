"""`iztim db …`: schema migrations."""

import click

from iztim_app.cli import main
from iztim_app.core import schema


@main.group()
def db() -> None:
    """Database schema."""


@db.command()
@click.option("--revision", default="head", show_default=True)
def upgrade(revision: str) -> None:
    """Apply Alembic migrations to DATABASE_URL (default: the embedded SQLite file)."""
    schema.upgrade(revision=revision)
    click.echo(f"database at {revision}")
