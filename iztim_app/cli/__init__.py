"""The `iztim` command line: operations for IT staff, scripts and tests.

Each concept registers its own sub-commands from its module in this package.
"""

from __future__ import annotations

import importlib

import click


@click.group()
def main() -> None:
    """İztim operations."""


for _module in ("db", "users", "demo", "tariffs", "tariff_versions"):
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as exc:  # a concept not built yet
        if exc.name != f"{__name__}.{_module}":
            raise
