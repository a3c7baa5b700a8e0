"""`iztim print quote|policy|endorsement NUMBER --as USERCODE --out FILE`: the same PDF as the
screen, as that user (their permissions and scope), audited like any print.

Exit 2 with one line for a document that does not exist, is not approved, or that the user
may not see — the last says exactly what the first says, so nothing leaks.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from sqlmodel import select

from iztim_app.cli import main
from iztim_app.core.db import session_scope
from iztim_app.core.documents import services as documents
from iztim_app.core.errors import DomainError, NotFound
from iztim_app.core.users.actor import load_actor
from iztim_app.core.users.models import User
from iztim_app.i18n import error_text, normalize_language, translate

BAD_INPUT = 2


class Refused(click.ClickException):
    exit_code = BAD_INPUT


@main.command("print")
@click.argument("kind", type=click.Choice(documents.KINDS))
@click.argument("number")
@click.option("--as", "user_code", required=True, help="Print as this user (their scope).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="PDF file.")
@click.option("--lang", type=click.Choice(("tr", "en")), default=None, help="Document language.")
def print_document(kind: str, number: str, user_code: str, out: str, lang: str | None) -> None:
    """Print a document (NUMBER; an endorsement as SEQ/POLICYNO) to a PDF file."""
    lang = normalize_language(lang or os.environ.get("IZTIM_LANG", "tr"))
    document = documents.document_text(kind, number.strip(), lang)
    with session_scope() as db:
        user = db.exec(select(User).where(User.code == user_code.strip().lower())).first()
        actor = load_actor(db, user.id) if user is not None else None
        if actor is None:
            raise Refused(translate("print.cli_unknown_user", lang, code=user_code))
        try:
            printed = documents.print_document(db, actor, kind, number, lang)
        except NotFound:
            raise Refused(translate("print.cli_not_found", lang, document=document)) from None
        except DomainError as exc:
            raise Refused(error_text(exc, lang)) from None
    Path(out).write_bytes(printed.content)
    click.echo(translate("print.cli_written", lang, document=document, path=out))
