"""`iztim outbox send`: send the e-mails waiting in the outbox (run it from cron)."""

import click

from iztim_app.cli import main
from iztim_app.core.db import session_scope
from iztim_app.core.outbox import services
from iztim_app.core.users.actor import operator_actor


@main.group()
def outbox() -> None:
    """Outgoing e-mail."""


@outbox.command("send")
def send() -> None:
    """Send queued and failed e-mails again (at most 5 attempts each)."""
    with session_scope() as db:
        result = services.send_pending(db, operator_actor("outbox"))
    click.echo(f"sent {result.sent}, failed {result.failed}, dropped {result.dropped}")
