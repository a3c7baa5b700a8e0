"""`iztim tariffs check`, `iztim price`, `iztim refund`: the tariff engine from a shell.

For IT staff, scripts and tests. Nothing is written anywhere. Results go to stdout;
bad input ends with one line on stderr and exit code 2. Texts follow `IZTIM_LANG`.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any

import click

from iztim_app.cli import main
from iztim_app.core.errors import DomainError
from iztim_app.core.tariffs.formats import decimal_text
from iztim_app.core.tariffs.loader import load_tariff_set
from iztim_app.core.tariffs.model import TariffSet
from iztim_app.core.tariffs.rating import price
from iztim_app.core.tariffs.refunds import refund
from iztim_app.i18n import error_text, translate

BAD_INPUT = 2


def _lang() -> str:
    return os.environ.get("IZTIM_LANG", "tr")


class BadInput(click.ClickException):
    """One line on stderr, exit 2 (click would add usage text to a UsageError)."""

    exit_code = BAD_INPUT

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(translate("tariff.cli.error", _lang(), message=self.message), err=True)


class OneLineCommand(click.Command):
    """A usage mistake (a missing option) is bad input too: one line, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise BadInput(exc.format_message()) from exc


def _fail(error: DomainError) -> BadInput:
    return BadInput(error_text(error, _lang()))


def _load(directory: str) -> TariffSet:
    try:
        tariff_set, problems = load_tariff_set(directory)
    except DomainError as exc:
        raise _fail(exc) from exc
    if tariff_set is None:
        message = translate(
            "tariff.invalid",
            _lang(),
            dir=directory,
            count=len(problems),
            first=problems[0].format(_lang()),
        )
        raise BadInput(message)
    return tariff_set


def _field_values(settings: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        name = name.strip()
        if not sep or not name:
            raise BadInput(translate("pricing.bad_set", _lang(), value=setting))
        if name in values:
            raise BadInput(translate("pricing.set_twice", _lang(), name=name))
        values[name] = value
    return values


def _echo_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@main.group()
def tariffs() -> None:
    """Tariff folders (CSV)."""


@tariffs.command(cls=OneLineCommand)
@click.argument("directory", metavar="DIR")
def check(directory: str) -> None:
    """Validate a tariff folder; print every problem as FILE:LINE: message (exit 1)."""
    lang = _lang()
    try:
        tariff_set, problems = load_tariff_set(directory)
    except DomainError as exc:
        raise _fail(exc) from exc
    for problem in problems:
        click.echo(problem.format(lang))
    if tariff_set is None:
        raise click.exceptions.Exit(1)
    click.echo(translate("tariff.valid", lang, count=len(tariff_set.lines)))


@main.command("price", cls=OneLineCommand)
@click.option("--tariffs", "directory", required=True, metavar="DIR")
@click.option("--line", required=True, metavar="CODE")
@click.option("--group", required=True, metavar="GROUP")
@click.option("--sum-insured", required=True, metavar="AMOUNT")
@click.option("--start", required=True, metavar="YYYY-MM-DD")
@click.option("--end", default=None, metavar="YYYY-MM-DD", help="Default: one year after start.")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE")
def price_command(
    directory: str,
    line: str,
    group: str,
    sum_insured: str,
    start: str,
    end: str | None,
    settings: tuple[str, ...],
) -> None:
    """Price one quote; print net premium, taxes, gross premium and the worksheet as JSON."""
    values = _field_values(settings)
    tariff_set = _load(directory)
    try:
        result = price(tariff_set, line, group, sum_insured, start, end, values)
    except DomainError as exc:
        raise _fail(exc) from exc
    _echo_json(result.to_json_dict())


@main.command("refund", cls=OneLineCommand)
@click.option("--tariffs", "directory", required=True, metavar="DIR")
@click.option("--line", required=True, metavar="CODE")
@click.option("--premium", required=True, metavar="NET")
@click.option("--start", required=True, metavar="YYYY-MM-DD")
@click.option("--end", required=True, metavar="YYYY-MM-DD")
@click.option("--cancel", required=True, metavar="YYYY-MM-DD")
@click.option("--reason", required=True, metavar="CODE")
def refund_command(
    directory: str, line: str, premium: str, start: str, end: str, cancel: str, reason: str
) -> None:
    """Earned premium and refund for a cancellation, as JSON."""
    tariff_set = _load(directory)
    try:
        result = refund(tariff_set, line, premium, start, end, cancel, reason)
    except DomainError as exc:
        raise _fail(exc) from exc
    _echo_json(
        {
            "method": result.method,
            "earned": decimal_text(result.earned),
            "refund": decimal_text(result.refund),
        }
    )
