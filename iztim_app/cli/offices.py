"""`iztim offices create`: the office tree from the server's shell.

A real installation starts empty: its head office is made here, then the first IT user with
`iztim users create --office <code> --role it_admin`; IT builds the rest on the Offices screen.
"""

import click
from sqlmodel import select

from iztim_app.cli import main
from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError
from iztim_app.core.organisation import services
from iztim_app.core.organisation.models import Office
from iztim_app.core.users.actor import operator_actor
from iztim_app.i18n import error_text


@main.group()
def offices() -> None:
    """Offices."""


@offices.command()
@click.option("--code", required=True, help="e.g. GM")
@click.option("--name", required=True, help='e.g. "Genel Müdürlük"')
@click.option(
    "--kind",
    default="head_office",
    show_default=True,
    help="head_office, region, branch, agency",
)
@click.option("--parent", "parent_code", default=None, help="parent office code (not for GM)")
@click.option("--agency-kind", default=None, help="agencies only: individual, corporate")
def create(
    code: str, name: str, kind: str, parent_code: str | None, agency_kind: str | None
) -> None:
    """Create an office (the first one is the head office)."""
    with session_scope() as db:
        parent_id = None
        if parent_code:
            parent = db.exec(select(Office).where(Office.code == parent_code)).first()
            if parent is None:
                raise click.ClickException(f"unknown office: {parent_code}")
            parent_id = parent.id
        try:
            office = services.create_office(
                db,
                operator_actor(),
                code=code,
                name=name,
                kind=kind,
                parent_id=parent_id,
                agency_kind=agency_kind,
            )
        except DomainError as exc:
            raise click.ClickException(error_text(exc)) from None
        click.echo(f"office {office.code} created")
