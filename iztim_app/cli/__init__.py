"""The `iztim` command line: operations for IT staff, scripts and tests.

Each concept registers its own sub-commands from its module in this package.
"""

from __future__ import annotations

import os

import click

from iztim_app.i18n import translate


def cli_lang() -> str:
    """The language of the command line's messages (`IZTIM_LANG`, Turkish by default)."""
    return os.environ.get("IZTIM_LANG", "tr")


def say(key: str, **params: object) -> None:
    """One catalogue message on stdout, in the command line's language."""
    click.echo(translate(key, cli_lang(), **params))


@click.group()
def main() -> None:
    """İztim operations."""


# Each concept's commands register themselves on `main` when their module is imported.
from iztim_app.cli import (  # noqa: E402, F401
    db,
    demo,
    offices,
    ops,
    outbox,
    print_cmd,
    reports,
    tariff_versions,
    tariffs,
    tokens,
    users,
)
