"""`iztim backup` and `iztim restore`: the embedded SQLite database (core/ops/backup.py),
safe while the app runs; PostgreSQL backups through pg_dump."""

import os
from pathlib import Path

import click

from iztim_app.cli import main
from iztim_app.core.ops import OpsError
from iztim_app.core.ops import backup as ops
from iztim_app.core.settings import settings
from iztim_app.i18n import error_text, translate


def _lang() -> str:
    return os.environ.get("IZTIM_LANG", "tr")


def _fail(exc: OpsError) -> click.ClickException:
    return click.ClickException(error_text(exc, _lang()))


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
        click.echo(translate("ops.pg_backup_done", _lang(), file=result.path, size=result.size))
        return
    click.echo(
        translate(
            "ops.backup_done",
            _lang(),
            file=result.path,
            size=result.size,
            **result.facts.as_dict(),
        )  # fmt: skip
    )


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
                _lang(),
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
    click.echo(
        translate(
            "ops.restore_done",
            _lang(),
            file=result.source,
            target=result.target,
            **result.facts.as_dict(),
        )  # fmt: skip
    )
    if not result.at_head:
        click.echo(translate("ops.restore_older", _lang()))
