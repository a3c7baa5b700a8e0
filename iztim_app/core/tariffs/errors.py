"""Errors of the tariff engine: load problems are data, pricing failures are exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iztim_app.core.errors import DomainError
from iztim_app.i18n import DEFAULT_LANGUAGE, translate


class PricingError(DomainError):
    """A valid quote the tariff cannot price (no rate or factor row, term too long)."""

    code = "pricing.error"


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in a tariff folder; a load returns all of them together.

    `file` is relative to the folder (posix), `line` the 1-based physical line (1 for
    header and whole-file problems), `code` a message key and `params` its data.
    """

    file: str
    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        return translate(self.code, lang, **self.params)

    def format(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """`FILE:LINE: message`, the form `iztim tariffs check` prints."""
        return f"{self.file}:{self.line}: {self.message(lang)}"

    def __str__(self) -> str:
        return self.format()
