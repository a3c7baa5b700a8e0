"""The one message catalogue: every user-facing text, Turkish first, English second.

Each concept keeps its texts in its own `messages_<concept>.py` module as
`MESSAGES = {"key": ("Türkçe {param}", "English {param}")}`; they are merged here.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

LANGUAGES = ("tr", "en")
DEFAULT_LANGUAGE = "tr"


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("messages_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message key defined twice: {key}")
            merged[key] = texts
    return merged


CATALOGUE = _load()


def normalize_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Label:
    """A name inside a message, in both languages (a field's label from a tariff file, or a
    catalogue text): the domain raises errors with it, `translate` picks the reader's language,
    so no screen ever shows the code behind it."""

    tr: str
    en: str

    @classmethod
    def of(cls, key: str) -> Label:
        """The catalogue's text for `key` (the key itself when it is missing)."""
        tr, en = CATALOGUE.get(key, (key, key))
        return cls(tr, en)

    def text(self, lang: str | None) -> str:
        return self.en if normalize_language(lang) == "en" else self.tr

    def __str__(self) -> str:
        return self.tr


def translate(key: str, lang: str | None = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """Text for `key` in `lang`; an unknown key shows itself so a gap is visible, never a crash.

    A `Label` among the params becomes its text in `lang`; a calendar date prints as
    `25.11.2026`, as every date on the screens and documents does."""
    texts = CATALOGUE.get(key)
    if texts is None:
        return key
    text = texts[LANGUAGES.index(normalize_language(lang))]
    if params:
        params = {k: _shown(v, lang) for k, v in params.items()}
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _shown(value: Any, lang: str | None) -> Any:
    if isinstance(value, Label):
        return value.text(lang)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    return value


def table(lang: str | None) -> dict[str, str]:
    """The whole catalogue in one language, for the UI."""
    i = LANGUAGES.index(normalize_language(lang))
    return {key: texts[i] for key, texts in CATALOGUE.items()}


def error_text(error: Exception, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """User-facing text for one of our DomainErrors."""
    code = getattr(error, "code", "error.generic")
    params = getattr(error, "params", {}) or {}
    return translate(code, lang, **params)
