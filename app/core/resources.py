"""Where the files shipped with the app are, from a source checkout or a packaged build."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

FONT_NAME = "ipaexg.ttf"  # IPAexGothic: covers Japanese, IPA Font Licence (resources/fonts/)


def resource_path(*parts: str) -> Path:
    """A file shipped with the app (``resources/...``, ``model_store/...``), from source or packaged."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    return base.joinpath(*parts)


def japanese_font_path() -> Path:
    """IPAexGothic, for the UI and the PDF on machines without Japanese fonts.

    A packaged build carries it in ``resources/fonts/``. From source it comes from the pinned
    ``japanize-matplotlib`` wheel, which ships the unmodified font, so the 5 MB file is not
    kept in this repository. The package is located, never imported (importing it would
    change matplotlib's settings). Returns the packaged path when neither exists, so error
    messages name where it was expected.
    """
    shipped = resource_path("resources", "fonts", FONT_NAME)
    if shipped.is_file():
        return shipped
    spec = importlib.util.find_spec("japanize_matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "fonts" / FONT_NAME
        if candidate.is_file():
            return candidate
    return shipped
