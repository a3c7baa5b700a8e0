"""`iztim users …`: user administration from the server's shell."""

import click

from iztim_app.cli import main
from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError
from iztim_app.core.organisation.models import Office
from iztim_app.core.users import services
from iztim_app.core.users.actor import operator_actor
from iztim_app.i18n import error_text


@main.group()
def users() -> None:
    """Users."""


@users.command()
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--office", "office_code", required=True, help="office code, e.g. GM")
@click.option(
    "--role", required=True, help="it_admin, hq_approver, manager, branch_staff, agency_user"
)
@click.password_option()
def create(code: str, name: str, office_code: str, role: str, password: str) -> None:
    """Create a user from a role template."""
    from sqlmodel import select

    with session_scope() as db:
        office = db.exec(select(Office).where(Office.code == office_code)).first()
        if office is None:
            raise click.ClickException(
                f"unknown office: {office_code} (a new installation has none: create the "
                f'head office first, e.g. iztim offices create --code {office_code} --name "…")'
            )
        try:
            user = services.create_user(
                db,
                operator_actor(),
                code=code,
                name=name,
                office_id=office.id,
                role=role,
                password=password,
                must_change_password=False,
            )
        except DomainError as exc:
            raise click.ClickException(error_text(exc)) from None
        click.echo(f"user {user.code} created")


@users.command()
@click.argument("code")
def unlock(code: str) -> None:
    """Unlock a user locked by failed sign-ins."""
    from sqlmodel import select

    from iztim_app.core.users.models import User

    with session_scope() as db:
        user = db.exec(select(User).where(User.code == code.lower())).first()
        if user is None:
            raise click.ClickException(f"unknown user: {code}")
        services.unlock(db, operator_actor(), user.id)
        click.echo(f"user {code} unlocked")
