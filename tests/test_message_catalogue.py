"""The message catalogue: every key in Turkish and English, with the same placeholders, and
every key the screens name literally is there (a missing one would show the bare key)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest

from iztim_app import i18n

APP = Path(i18n.__file__).resolve().parents[1]
MODULES = sorted(
    info.name for info in pkgutil.iter_modules(i18n.__path__) if info.name.startswith("messages_")
)
# T["key"] in pages, self._text("key") in states, translate("key", …) anywhere.
LITERAL_KEY = re.compile(r'(?:\bT\[|\._text\(|\btranslate\()\s*"([a-z][a-z0-9_.]*)"')


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("module_name", MODULES)
def test_every_key_has_turkish_and_english_with_the_same_placeholders(module_name: str):
    messages = importlib.import_module(f"iztim_app.i18n.{module_name}").MESSAGES
    assert messages, f"{module_name} holds no texts"
    wrong = {
        key: texts
        for key, texts in messages.items()
        if not (
            isinstance(texts, tuple)
            and len(texts) == 2
            and all(isinstance(t, str) and t.strip() for t in texts)
            and _placeholders(texts[0]) == _placeholders(texts[1])
        )
    }
    assert wrong == {}


@pytest.mark.parametrize("module_name", MODULES)
def test_no_key_is_written_twice_in_one_module(module_name: str):
    """A dict literal keeps the last of two equal keys silently; the catalogue's own check
    only sees keys repeated across modules."""
    tree = ast.parse((APP / "i18n" / f"{module_name}.py").read_text(encoding="utf-8"))
    keys = [
        k.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for k in node.keys
        if isinstance(k, ast.Constant)
    ]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


def test_every_key_named_in_the_code_is_in_the_catalogue():
    missing = sorted(
        f"{path.relative_to(APP)}: {key}"
        for path in APP.rglob("*.py")
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
        if key not in i18n.CATALOGUE
    )
    assert missing == []


def test_a_date_in_a_message_prints_the_turkish_way_in_both_languages():
    from datetime import date

    from iztim_app.i18n import translate

    opens = date(2026, 4, 2)
    assert "02.04.2026" in translate("renewal.too_early", "tr", number=5000001, opens=opens)
    assert "02.04.2026" in translate("renewal.too_early", "en", number=5000001, opens=opens)
