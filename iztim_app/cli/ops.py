"""`iztim backup` and `iztim restore`: the embedded SQLite database (core/ops/backup.py),
safe while the app runs; PostgreSQL backups through pg_dump."""

from pathlib import Path

import click

from iztim_app.cli import cli_lang, main, say
from iztim_app.core.ops import OpsError
from iztim_app.core.ops import backup as ops
from iztim_app.core.settings import settings
from iztim_app.i18n import error_text, translate


def _fail(exc: OpsError) -> click.ClickException:
    return click.ClickException(error_text(exc, cli_lang()))


@main.command()
@click.option("--to", "to", required=True, type=click.Path(path_type=Path), help="backup file")
@click.option("--force", is_flag=True, help="overwrite FILE when it exists")
def backup(to: Path, force: bool) -> None:
    """Back up DATABASE_URL into FILE (a consistent snapshot while the app runs)."""
    try:
        result = ops.backup(settings.database_url, to, force=force)
    except OpsError as exc:
        raise _fail(exc) from None
    if result.facts is None:
        say("ops.pg_backup_done", file=result.path, size=result.size)
        return
    say("ops.backup_done", file=result.path, size=result.size, **result.facts.as_dict())


@main.command()
@click.option(
    "--from", "source", required=True, type=click.Path(path_type=Path), help="backup file"
)
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def restore(source: Path, yes: bool) -> None:
    """Replace DATABASE_URL's SQLite database with a backup made by `iztim backup`."""
    try:
        plan = ops.plan_restore(source, settings.database_url)
    except OpsError as exc:
        raise _fail(exc) from None
    if not yes:
        click.confirm(
            translate(
                "ops.restore_confirm",
                cli_lang(),
                file=plan.source,
                target=plan.target,
                **plan.facts.as_dict(),
            ),
            abort=True,
        )
    try:
        result = ops.restore(source, settings.database_url)
    except OpsError as exc:
        raise _fail(exc) from None
    say("ops.restore_done", file=result.source, target=result.target, **result.facts.as_dict())
    if not result.at_head:
        say("ops.restore_older")
