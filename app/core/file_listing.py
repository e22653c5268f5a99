"""The files the GUI lists: part images of a folder, the shipped samples, model bundles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.core.paths import DEFAULT_BUNDLE_NAME

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
_SAMPLE_RE = re.compile(r"^(?P<kind>[A-Za-z]+)_(?P<n>\d+)$")
MAX_LISTED_MANIFEST_BYTES = 1 << 20  # a manifest larger than this is listed by its folder name only
MAX_DESCRIPTION_CHARS = 160


def list_samples(folder: Path) -> list[Path]:
    """``<type>_<n>.png`` sample parts (not their ``_mask`` files), sorted; [] if absent."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.png") if _SAMPLE_RE.match(p.stem))


def samples_folder(samples_root: Path, bundle_dir: Path | None) -> Path:
    """A bundle's own samples, ``<samples_root>/<bundle folder name>/``, when that folder holds
    samples; else the flat folder (the samples of bundles that predate one folder per bundle)."""
    if bundle_dir is not None:
        own = Path(samples_root) / Path(bundle_dir).name
        if list_samples(own):
            return own
    return Path(samples_root)


def list_images(folder: Path) -> list[Path]:
    """The part images in a folder (ground-truth ``*_mask`` files left out), sorted."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.stem.endswith("_mask") and p.is_file()
    )


def list_bundles(store: Path, first: str = DEFAULT_BUNDLE_NAME) -> list[Path]:
    """Folders of ``store`` that hold a ``bundle.json``; the folder named ``first`` (the app's default bundle
    unless told) first, then the others by name."""
    if not store.is_dir():
        return []
    found = [p for p in store.iterdir() if (p / "bundle.json").is_file()]
    return sorted(found, key=lambda p: (p.name != first, p.name))


@dataclass(frozen=True)
class BundleEntry:
    """One line of the bundle picker: read from the manifest without validating the bundle."""

    path: Path
    name: str
    version: str = ""
    description: str = ""
    readable: bool = True

    def text(self) -> str:
        """"metal 2.0.0 — brushed and cast metal parts, six defect types"."""
        head = f"{self.name} {self.version}".strip()
        return f"{head} — {self.description}" if self.description else head


def _one_line(v: object) -> str:
    text = " ".join(str(v).split()) if isinstance(v, str) else ""
    return text if len(text) <= MAX_DESCRIPTION_CHARS else text[: MAX_DESCRIPTION_CHARS - 1] + "…"


def bundle_entry(folder: Path) -> BundleEntry:
    """Name, version and one-line description (``description`` in its manifest) of a bundle folder.
    A manifest that cannot be read is listed by its folder name; opening it says why."""
    from app.core.errors import InspectorError
    from app.core.jsonsafe import loads

    folder = Path(folder)
    try:
        raw_bytes = (folder / "bundle.json").read_bytes()
        if len(raw_bytes) > MAX_LISTED_MANIFEST_BYTES:
            raise ValueError("too large")
        raw = loads(raw_bytes, "bundle.json")
        if not isinstance(raw, dict):
            raise ValueError("not an object")
    except (OSError, ValueError, InspectorError):
        return BundleEntry(folder, folder.name, readable=False)
    name = _one_line(raw.get("name")) or folder.name
    return BundleEntry(folder, name, _one_line(raw.get("version")), _one_line(raw.get("description")))


def bundle_entries(store: Path, first: str = DEFAULT_BUNDLE_NAME) -> list[BundleEntry]:
    return [bundle_entry(p) for p in list_bundles(store, first)]
