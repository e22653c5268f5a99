"""The layers import only downwards, in the manner of import-linter's contracts.

    main.py ─▶ cli ─▶ ui ─▶ report ─▶ core
                 └──▶ pipeline ──────▶ core

- ``app/core`` imports none of ``app.ui``, ``app.report``, ``app.pipeline``, ``app.cli``, and no Qt;
- ``app/report`` and ``app/pipeline`` import no ``app.ui``;
- nothing imports ``app.cli`` but ``main.py`` and ``app/cli`` itself.

Every import counts, also one inside a function (lazy imports are how the app loads torch or
the GUI only when needed), and relative imports are resolved. The source is parsed with ``ast``:
nothing is imported, so a module that fails to import still has its imports checked.
"""

from __future__ import annotations

import ast
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph")


@dataclass(frozen=True)
class Import:
    importer: str  # "app.core.session", "main"
    imported: str  # "app.core.bundle", "numpy"
    line: int

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.imported}"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(path: Path) -> list[Import]:
    importer = module_name(path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [Import(importer, a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # "from app import ui" imports the module app.ui
            out += [Import(importer, f"{target}.{a.name}" if target in ("app", "app.core") else target, node.lineno)
                    for a in node.names]
    return out


@functools.cache
def all_imports() -> tuple[Import, ...]:
    """Every import in app/ and main.py (parsed once per test run)."""
    files = sorted((ROOT / "app").rglob("*.py")) + [ROOT / "main.py"]
    return tuple(i for f in files for i in imports_of(f))


def _in(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "app" and len(parts) > 1 else parts[0]


CONTRACTS = {
    "core imports no ui, report, pipeline or cli, and no Qt": lambda i: layer(i.importer) == "core"
    and (_in(i.imported, "app.ui", "app.report", "app.pipeline", "app.cli") or _in(i.imported, *QT)),
    "report and pipeline import no ui": lambda i: layer(i.importer) in ("report", "pipeline") and _in(i.imported, "app.ui"),
    "nothing imports cli but main.py and cli itself": lambda i: _in(i.imported, "app.cli")
    and layer(i.importer) not in ("main", "cli"),
}


@pytest.mark.parametrize("contract", list(CONTRACTS))
def test_layering_contract(contract: str) -> None:
    broken = [str(i) for i in all_imports() if CONTRACTS[contract](i)]
    assert not broken, f"{contract}: " + "; ".join(broken)


def test_the_scanner_sees_every_kind_of_import(tmp_path: Path, monkeypatch) -> None:
    """The contracts are only as good as the scan: top-level, lazy, relative and from-package imports."""
    pkg = tmp_path / "app" / "core"
    pkg.mkdir(parents=True)
    (pkg / "probe.py").write_text(
        "import numpy\nfrom app.ui import canvas\nfrom ..cli import entry\n"
        "def f():\n    from PySide6.QtCore import QObject\n    import app.pipeline.record\n    from . import bundle\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    got = {i.imported for i in imports_of(pkg / "probe.py")}
    assert got == {"numpy", "app.ui", "app.cli", "PySide6.QtCore", "app.pipeline.record", "app.core.bundle"}, got
    broken = [c for c, rule in CONTRACTS.items() if any(rule(i) for i in imports_of(pkg / "probe.py"))]
    assert len(broken) == 2  # core's contract and the cli contract


def test_the_real_tree_has_the_imports_the_contracts_speak_of() -> None:
    """Not vacuous: main.py does import the CLI, the UI does import core, the CLI imports report."""
    seen = {(layer(i.importer), layer(i.imported)) for i in all_imports() if i.imported.startswith("app.")}
    assert {("main", "cli"), ("ui", "core"), ("cli", "report"), ("pipeline", "core")} <= seen
