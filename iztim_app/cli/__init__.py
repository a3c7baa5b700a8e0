"""The `iztim` command line: operations for IT staff, scripts and tests.

Each concept registers its own sub-commands from its module in this package.
"""

from __future__ import annotations

import click


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
