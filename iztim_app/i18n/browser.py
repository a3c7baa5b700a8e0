"""The message catalogue in the browser: one static JS module with both languages, written
into the front end when it is compiled, and a Var that reads it by the tab's language.

Why not a computed var holding the table: Reflex caches a computed var's value on the
state instance, so every tab's state in Redis carried the whole catalogue (≈ 74 KB pickled,
loaded and stored again with the state of every event) and every page load sent it over
the socket. The module is fetched once and cached by the browser; the backend keeps
nothing per tab but the language, which still switches at run time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import reflex as rx
from reflex.vars.base import Var, VarData
from reflex_base.utils.imports import ImportVar

from iztim_app.i18n import CATALOGUE, DEFAULT_LANGUAGE, LANGUAGES, table

MODULE = "utils/iztim_catalogue.js"  # inside the front end's build directory (.web)
_IMPORT = "$/utils/iztim_catalogue"
_NAME = "IZTIM_CATALOGUE"


def module_source() -> str:
    """The JS module: `{"tr": {key: text}, "en": {key: text}}`, frozen."""
    texts = {lang: table(lang) for lang in LANGUAGES}
    body = json.dumps(texts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        f"// Generated from iztim_app/i18n ({len(CATALOGUE)} keys); do not edit.\n"
        f"export const {_NAME} = Object.freeze({body});\n"
    )


def catalogue(lang: Var) -> Var:
    """The catalogue in the language `lang` names (a state's language var), as an object
    the pages index like a dict, by a literal key or by a var holding one. An unknown language falls
    back to Turkish."""
    return Var(
        _js_expr=f"({_NAME}[{lang!s}] ?? {_NAME}.{DEFAULT_LANGUAGE})",
        _var_type=dict[str, str],
        _var_data=VarData.merge(
            lang._get_all_var_data(),
            VarData(imports={_IMPORT: [ImportVar(tag=_NAME)]}),
        ),
    ).guess_type()


class CataloguePlugin(rx.plugins.Plugin):
    """Writes the catalogue module into the front end at every compile, so it always
    matches the message files."""

    def get_static_assets(self, **context) -> Sequence[tuple[Path, str | bytes]]:  # noqa: ANN003
        return [(Path(MODULE), module_source())]
