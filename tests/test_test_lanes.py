"""The quick lane's list of slow tests names tests that exist (a renamed test must not silently turn quick)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import SLOW_MODULES, SLOW_TESTS

TESTS = Path(__file__).resolve().parent


def _test_functions(module: str) -> set[str]:
    tree = ast.parse((TESTS / module).read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


def test_every_slow_module_exists() -> None:
    assert [m for m in sorted(SLOW_MODULES) if not (TESTS / m).is_file()] == []


def test_every_slow_test_exists() -> None:
    missing = [t for t in sorted(SLOW_TESTS) if t.split("::")[1] not in _test_functions(t.split("::")[0])]
    assert missing == []


def test_the_makefile_has_both_lanes() -> None:
    make = (TESTS.parent / "Makefile").read_text(encoding="utf-8")
    assert "--durations=15" in make.split("test: setup", 1)[1].split("\n\n", 1)[0]
    assert '-m "not slow and not xvfb"' in make.split("test-quick: setup", 1)[1].split("\n\n", 1)[0]
