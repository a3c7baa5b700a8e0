"""House rule: no test that asserts nothing, no assertion that is true whatever happens.

A test proves behaviour only if it can fail: every test function holds an `assert`, a
`pytest.raises`/`pytest.fail`, or a call to a helper named for checking (`assert_…`,
`check…`, `expect…`); and no assertion is a constant, `x == x`, or `… or True`.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CHECKING_WORDS = ("assert", "check", "expect", "raises", "fail", "verify", "warns")


def _test_functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                found.append((f"{path.relative_to(TESTS)}:{node.lineno} {node.name}", node))
    return found


def _checks_something(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assert):
            return True
        if isinstance(sub, ast.Call):
            name = ast.unparse(sub.func).lower()
            if any(word in name for word in CHECKING_WORDS):
                return True
    return False


def _always_true(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_always_true(value) for value in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        same = ast.dump(test.left) == ast.dump(test.comparators[0])
        return same and isinstance(test.ops[0], ast.Eq | ast.Is | ast.GtE | ast.LtE)
    return False


def test_every_test_checks_something():
    assert [name for name, node in _test_functions() if not _checks_something(node)] == []


def test_no_assertion_is_true_whatever_happens():
    trivial = [
        f"{name}: {ast.unparse(sub)}"
        for name, node in _test_functions()
        for sub in ast.walk(node)
        if isinstance(sub, ast.Assert) and _always_true(sub.test)
    ]
    assert trivial == []


def test_the_rule_sees_what_it_must():
    """The checker itself: a silent test and a trivially true one are both caught."""
    silent = ast.parse("def test_x():\n    price(1)\n").body[0]
    trivial = ast.parse("def test_y():\n    assert total == total\n").body[0]
    assert _checks_something(silent) is False
    assert _always_true(trivial.body[0].test) is True
    assert _always_true(ast.parse("assert x or True").body[0].test) is True
    assert _always_true(ast.parse("assert x == 1").body[0].test) is False
