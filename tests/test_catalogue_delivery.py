"""The message catalogue reaches the browser as one static JS module, read by the tab's
language: no tab's state (kept in Redis, sent on every page load) holds its texts."""

from __future__ import annotations

import json
import pickle
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import reflex as rx
from reflex.istate.manager.redis import StateManagerRedis
from reflex.state import State
from reflex.utils.format import json_dumps

import iztim_app.iztim_app  # noqa: F401  (every screen's state registered)
from iztim_app import i18n
from iztim_app.i18n import browser
from iztim_app.pages.components import T, pager, text_of
from iztim_app.pages.portal_parts import PT
from iztim_app.states.policy_list import PolicyListState
from iztim_app.states.portal import PortalState
from iztim_app.states.session import AppState, SessionState
from tests.foundation.browser_tab import sub

LONG_TEXT_KEY = max(i18n.CATALOGUE, key=lambda k: len(i18n.CATALOGUE[k][0]))


def _module_texts() -> dict[str, dict[str, str]]:
    source = browser.module_source()
    found = re.fullmatch(
        r"// [^\n]*\nexport const IZTIM_CATALOGUE = Object\.freeze\((.*)\);\n", source, re.S
    )
    assert found, source[:200]
    return json.loads(found.group(1))


def test_the_module_holds_every_key_in_both_languages():
    texts = _module_texts()
    assert set(texts) == {"tr", "en"}
    for lang in ("tr", "en"):
        assert texts[lang] == i18n.table(lang)
    assert texts["tr"]["common.date_from"] != texts["en"]["common.date_from"]


def test_the_plugin_writes_the_module_where_the_pages_import_it():
    [(path, source)] = browser.CataloguePlugin().get_static_assets()
    assert path == Path("utils/iztim_catalogue.js")
    assert source == browser.module_source()
    imports = T["common.date_from"]._get_all_var_data().imports
    assert ("$/utils/iztim_catalogue", imports[-1][1]) in imports  # the module, by its alias
    assert [v.tag for _, vs in imports if _ == "$/utils/iztim_catalogue" for v in vs] == [
        "IZTIM_CATALOGUE"
    ]


def test_pages_index_the_module_by_the_tabs_language_turkish_when_unknown():
    staff, portal = str(T["common.date_from"]), str(PT["nav.language"])
    assert staff.startswith("(IZTIM_CATALOGUE[") and '?.["common.date_from"]' in staff
    assert "session_state.lang_rx_state_] ?? IZTIM_CATALOGUE.tr)" in staff
    assert "portal_state.lang_rx_state_] ?? IZTIM_CATALOGUE.tr)" in portal
    # a key held in another var (a row's status key) is looked up the same way
    assert str(T[SessionState.user_code]).endswith("?.[" + str(SessionState.user_code) + "]")


def test_no_state_holds_the_catalogue():
    root = State(_reflex_internal_init=True)
    for cls in (SessionState, PortalState):
        state = sub(root, cls)
        state.lang_pref = "en"
        assert state.lang == "en"  # the one thing the pages need from the backend
        assert "t" not in cls.computed_vars
    sent = json_dumps(root.dict()) + json_dumps(root.get_delta())
    text = i18n.CATALOGUE[LONG_TEXT_KEY]
    assert text[0] not in sent and text[1] not in sent
    # what Redis keeps per tab for these two states: their own fields, a few hundred bytes
    for cls in (SessionState, PortalState):
        assert len(pickle.dumps(sub(root, cls))) < 4000


def _evaluate(expression: str, tmp_path: Path, lang: str) -> str:
    """Runs a page's JS expression in node against the generated module, the tab's
    language var set to `lang`."""
    lang_var = str(SessionState.lang).rsplit(".", 1)[0]
    (tmp_path / "catalogue.mjs").write_text(browser.module_source(), encoding="utf-8")
    script = (
        'import { IZTIM_CATALOGUE } from "./catalogue.mjs";\n'
        f"const {lang_var} = {{ lang_rx_state_: {json.dumps(lang)} }};\n"
        f"process.stdout.write(String({expression}));\n"
    )
    (tmp_path / "run.mjs").write_text(script, encoding="utf-8")
    done = subprocess.run(
        ["node", "run.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_browser_shows_the_texts_in_the_tabs_language(tmp_path: Path):
    page = text_of("common.page", page=rx.Var.create(2), pages=rx.Var.create(5))
    assert _evaluate(str(page), tmp_path, "tr") == "Sayfa 2 / 5"
    assert _evaluate(str(page), tmp_path, "en") == "Page 2 of 5"
    assert _evaluate(str(page), tmp_path, "xx") == "Sayfa 2 / 5"  # unknown: Turkish
    rows = text_of("common.total_rows", count=rx.Var.create(1234))
    assert _evaluate(str(rows), tmp_path, "en") == "1234 records"
    assert _evaluate(str(T["quote.gross"]), tmp_path, "en") == i18n.translate("quote.gross", "en")


def test_the_pager_fills_its_texts_from_the_lists_own_vars():
    shown = str(pager(PolicyListState, PolicyListState.prev_page, PolicyListState.next_page))
    state = PolicyListState.get_full_name().replace(".", "__")
    for key, placeholder, var in (
        ("common.page", "page", "page"),
        ("common.page", "pages", "pages"),
        ("common.total_rows", "count", "total"),
    ):
        assert f'?.["{key}"]' in shown
        assert (
            f'.replaceAll("{{{placeholder}}}", (JSON.stringify({state}.{var}_rx_state_)))' in shown
        )


def test_an_event_of_a_screen_loads_only_its_own_state_and_its_parents():
    """Reflex loads from Redis, with each event, every state holding a computed var that
    reads a var of the event's state or its parents: one reading the language there made
    every event of a tab read 18 states instead of 4."""
    manager = StateManagerRedis.__new__(StateManagerRedis)
    stack, screens = list(AppState.get_substates()), []
    while stack:
        screens.append(stack.pop())
        stack.extend(screens[-1].get_substates())
    assert len(screens) > 20
    heavy = {
        cls.__name__: sorted(c.__name__ for c in needed)
        for cls in screens
        if len(needed := manager._get_required_state_classes(cls, subclasses=True))
        > len(cls.get_full_name().split("."))
    }
    assert heavy == {}
