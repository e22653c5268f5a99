"""The shipped Japanese font (where shipped files are in general: ``app.core.paths``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.core.paths import resource_path

FONT_NAME = "ipaexg.ttf"  # IPAexGothic: covers Japanese, IPA Font Licence (resources/fonts/)


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
