"""Shared by both PyInstaller specs (imported from the spec, which runs with SPECPATH set).

Kept out of the specs so cpu-lite and gpu embed the same data and the same entry points.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "sae-inspector"

# Subcommands are imported by name at run time (app/cli/__init__.py), so PyInstaller cannot
# see them. These are the ones a line PC runs; the training commands need torch and stay out.
RUNTIME_COMMANDS = ("analyze", "rank", "dose", "rank_folder", "compare_folder", "report", "validate", "self_test", "common")

# Never needed at run time by the inspector; each would add tens to hundreds of MB.
# scipy stays in: the comparison's latent counterparts (app/core/compare/counterparts.py) keep
# their co-occurrence counts in scipy.sparse, and compare-folder and the GUI's comparison run on a line PC.
ALWAYS_EXCLUDE = [
    "tkinter", "_tkinter", "IPython", "jupyter", "notebook", "pytest", "_pytest", "hypothesis", "pytestqt",
    "sklearn", "skimage", "pandas", "onnx", "onnxscript", "ml_dtypes",
    "PyQt5", "PyQt6", "PySide2", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.Qt3DCore",
    "PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtMultimedia", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "pyqtgraph.opengl", "ruff", "pip", "setuptools", "pkg_resources", "wheel",
]

# What cpu-lite leaves out: torch and everything that only torch pulls in.
TORCH_EXCLUDE = [
    "torch", "torchvision", "torchaudio", "timm", "triton", "functorch", "sympy", "networkx", "mpmath",
    "nvidia", "app.core.vit", "safetensors.torch",
]


def _default_name() -> str:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app.core.paths import DEFAULT_BUNDLE_NAME

    return DEFAULT_BUNDLE_NAME


def bundle_sources() -> dict[str, Path]:
    """Every bundle the package carries, by its folder under ``model_store/`` there: each folder of the
    repository's ``model_store/`` that holds a ``bundle.json``, with ``$SAE_BUNDLE_DIR`` (when set) in
    place of the app's default bundle (``model_store/<DEFAULT_BUNDLE_NAME>``)."""
    default = _default_name()
    store = ROOT / "model_store"
    found = {p.name: p.resolve() for p in sorted(store.iterdir()) if (p / "bundle.json").is_file()} if store.is_dir() else {}
    src = Path(os.environ.get("SAE_BUNDLE_DIR") or store / default).resolve()
    if not (src / "bundle.json").is_file():
        found.pop(default, None)
        if os.environ.get("SAE_ALLOW_NO_BUNDLE") == "1":
            print(f"WARNING: no model bundle at {src}; the package will have no default bundle", file=sys.stderr)
            return found
        raise SystemExit(f"error: no model bundle at {src} (build it with `make bundle`, point SAE_BUNDLE_DIR at "
                         f"one, or set SAE_ALLOW_NO_BUNDLE=1)")
    found[default] = src
    return found


def _files(folder: Path, dest: str) -> list[tuple[str, str]]:
    return [(str(f), dest) for f in sorted(folder.iterdir()) if f.is_file() and not f.name.startswith(".")]


def datas() -> list[tuple[str, str]]:
    """(source, folder in the package): every bundle with its own samples, fonts, icons and translations."""
    out: list[tuple[str, str]] = []
    for name, src in bundle_sources().items():
        out += _files(src, f"model_store/{name}")
        # its samples: resources/samples/<its source folder's name>/ (a bundle from elsewhere may have none)
        samples = ROOT / "resources" / "samples" / src.name
        if samples.is_dir():
            out += _files(samples, f"resources/samples/{name}")
    for sub in ("fonts", "icons", "i18n"):  # i18n: the Qt translations (.qm) of §4
        d = ROOT / "resources" / sub
        if not d.is_dir():
            continue
        for f in sorted(d.rglob("*")):
            if f.is_file() and not f.name.startswith("."):
                out.append((str(f), str(Path("resources") / f.parent.relative_to(ROOT / "resources"))))
    # the Japanese font is not kept in the repository: it comes from the pinned japanize-matplotlib wheel
    _default_name()  # the repository on sys.path
    from app.core.resources import japanese_font_path

    font = japanese_font_path()
    if font.is_file() and not any(Path(s).name == font.name for s, _ in out):
        out.append((str(font), "resources/fonts"))
    style = ROOT / "resources" / "style.qss"
    if style.is_file():
        out.append((str(style), "resources"))
    return out


def hiddenimports() -> list[str]:
    mods = [f"app.cli.{m}" for m in RUNTIME_COMMANDS if (ROOT / "app" / "cli" / f"{m}.py").is_file()]
    # the GUI is imported lazily by app.cli.entry; list its modules so none is missed
    ui = ROOT / "app" / "ui"
    if ui.is_dir():
        mods += [f"app.ui.{p.stem}" for p in sorted(ui.glob("*.py")) if p.stem != "__init__"]
    report = ROOT / "app" / "report"
    if report.is_dir():
        mods += [f"app.report.{p.stem}" for p in sorted(report.glob("*.py")) if p.stem != "__init__"]
    core = ROOT / "app" / "core"
    mods += [f"app.core.{p.stem}" for p in sorted(core.glob("*.py")) if p.stem not in ("__init__", "vit")]
    mods += ["app.pipeline.dataset"]  # rank-folder reads MVTec-layout folders (numpy only)
    mods += ["app.core.backends.onnx_backend", "app.core.backends.torch_backend", "matplotlib.backends.backend_agg"]
    return mods


def icon() -> str | None:
    """The executable's icon: Windows only (Linux uses the .desktop entry's icon)."""
    ico = ROOT / "resources" / "icons" / "sae-inspector.ico"
    return str(ico) if sys.platform == "win32" and ico.is_file() else None
