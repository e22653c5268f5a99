"""Where the app's own files are: the one answer for a source checkout and a packaged build.

A PyInstaller build unpacks into ``sys._MEIPASS`` (resources, the default bundle); a source
checkout has them at the repository root. Every "where is the repository / the default
bundle / a shipped file" question goes through here.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def app_root() -> Path:
    """The folder holding ``resources/`` and ``model_store/``: the repository, or the packaged build's."""
    return Path(getattr(sys, "_MEIPASS", _SOURCE_ROOT))


def resource_path(*parts: str) -> Path:
    """A file shipped with the app (``resources/...``, ``model_store/...``)."""
    return app_root().joinpath(*parts)


#: The folder under ``model_store/`` (and ``resources/samples/``) of the bundle the app opens when none is
#: named: one product line's model, built by the build preset of the same name.
DEFAULT_BUNDLE_NAME = "metal"


def default_bundle_dir() -> Path:
    """``model_store/<DEFAULT_BUNDLE_NAME>``: the bundle the app opens when none is named."""
    return resource_path("model_store", DEFAULT_BUNDLE_NAME)
