"""The files the GUI lists: part images of a folder, the shipped samples, model bundles."""

from __future__ import annotations

import re
from pathlib import Path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
_SAMPLE_RE = re.compile(r"^(?P<kind>[A-Za-z]+)_(?P<n>\d+)$")


def list_samples(folder: Path) -> list[Path]:
    """``<type>_<n>.png`` sample parts (not their ``_mask`` files), sorted; [] if absent."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.png") if _SAMPLE_RE.match(p.stem))


def list_images(folder: Path) -> list[Path]:
    """The part images in a folder (ground-truth ``*_mask`` files left out), sorted."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.stem.endswith("_mask") and p.is_file()
    )


def list_bundles(store: Path) -> list[Path]:
    """Folders of ``store`` that hold a ``bundle.json``; 'default' first."""
    if not store.is_dir():
        return []
    found = [p for p in store.iterdir() if (p / "bundle.json").is_file()]
    return sorted(found, key=lambda p: (p.name != "default", p.name))
