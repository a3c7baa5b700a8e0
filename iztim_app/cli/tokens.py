"""`iztim tokens …`: API tokens of a user (create prints the token once, alone on one line)."""

import click

from iztim_app.cli import main
from iztim_app.core.api_tokens import services
from iztim_app.core.db import session_scope
from iztim_app.core.errors import DomainError
from iztim_app.core.users.actor import operator_actor
from iztim_app.i18n import error_text, translate


def _fail(exc: DomainError) -> click.ClickException:
    problems = getattr(exc, "problems", None) or (exc,)
    return click.ClickException("; ".join(error_text(p) for p in problems))


def _user(db, code: str):  # noqa: ANN001, ANN202
    try:
        return services.user_by_code(db, operator_actor(), code)
    except DomainError:
        raise click.ClickException(translate("api_token.cli_user_not_found", code=code)) from None


@main.group()
def tokens() -> None:
    """API tokens (JSON API v1)."""


@tokens.command()
@click.option("--user", "user_code", required=True, help="user code, e.g. acente.a1")
@click.option("--name", required=True, help="what the token is for, e.g. 'muhasebe yazılımı'")
@click.option("--expires", default=None, help="last valid day, YYYY-MM-DD (default: none)")
def create(user_code: str, name: str, expires: str | None) -> None:
    """Create a token; it is printed once, alone on stdout, and stored only hashed."""
    with session_scope() as db:
        user = _user(db, user_code)
        try:
            made = services.create_token(db, operator_actor(), user.id, name, expires)
        except DomainError as exc:
            raise _fail(exc) from None
    click.echo(made.token)
    click.echo(f"token {made.row.id} '{made.row.name}' created for {user.code}", err=True)


@tokens.command(name="list")
@click.option("--user", "user_code", required=True)
def list_(user_code: str) -> None:
    """The user's tokens: id, name, created, last used, expiry, status."""
    with session_scope() as db:
        user = _user(db, user_code)
        rows = services.list_tokens(db, operator_actor(), user.id)
    click.echo("id\tname\tcreated\tlast_used\texpires\tstatus")
    for row in rows:
        click.echo(
            "\t".join(
                [
                    str(row.id),
                    row.name,
                    row.created_at.isoformat(timespec="seconds"),
                    row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "-",
                    row.expires_on.isoformat() if row.expires_on else "-",
                    row.status,
                ]
            )
        )


@tokens.command()
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its id (see `iztim tokens list`): refused from the next request on."""
    with session_scope() as db:
        try:
            row = services.revoke_token(db, operator_actor(), token_id)
        except DomainError as exc:
            raise _fail(exc) from None
    click.echo(f"token {row.id} '{row.name}' revoked")
