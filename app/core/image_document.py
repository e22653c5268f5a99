"""The per-image document: what the user has done to one part image (region, latent edits,
overlay choice, notes), kept while they visit other images and given back on return, and
whether any of it is unsaved (Quit asks before such work is lost).

The live mask (with its undo history) is a ``MaskModel`` bound to the canvas; a document keeps
a snapshot of it while its image is not shown. Nothing here imports Qt.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.core.latent_controls import LatentControls

MAX_DOCUMENTS = 200  # images remembered in one run (a mask snapshot is H×W bytes)


@dataclass
class ImageDocument:
    path: str
    sha256: str = ""
    mask_HW: np.ndarray | None = None  # bool snapshot while not shown; None: nothing painted
    mask_version: int = 0  # rises with every change of the region (results name the version they saw)
    controls: LatentControls = field(default_factory=LatentControls)
    overlay: str = "after"  # the defect map layer's view on this image
    overlay_visible: bool = True  # whether that layer is shown
    overlay_latent: int = 0  # latent whose map the latent map layer shows
    latent_visible: bool = False  # whether the latent map layer is shown
    notes: str = ""
    unsaved: bool = False  # region, edits or notes changed since the last save (or load) of its session

    def has_work(self) -> bool:
        """Anything the user did here that a session would keep."""
        return self.mask_HW is not None or bool(self.controls.edits()) or bool(self.notes.strip())

    def keep_mask(self, mask_HW: np.ndarray | None) -> None:
        self.mask_HW = None if mask_HW is None or not np.any(mask_HW) else np.asarray(mask_HW, bool).copy()


def document_key(path: str | Path) -> str:
    """One document per file, however its path was spelled."""
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


class DocumentStore:
    """Documents by image file, least recently used dropped first past ``cap``."""

    def __init__(self, cap: int = MAX_DOCUMENTS) -> None:
        self.cap = cap
        self._docs: OrderedDict[str, ImageDocument] = OrderedDict()

    def __len__(self) -> int:
        return len(self._docs)

    def get(self, path: str | Path) -> ImageDocument | None:
        return self._docs.get(document_key(path))

    def open(self, path: str | Path, sha256: str) -> ImageDocument:
        """The image's document; a new one when unseen or when the file's content changed."""
        key = document_key(path)
        doc = self._docs.get(key)
        if doc is None or (doc.sha256 and sha256 and doc.sha256 != sha256):
            doc = ImageDocument(path=str(path), sha256=sha256)
            self._docs[key] = doc
        self._docs.move_to_end(key)
        doc.sha256 = sha256 or doc.sha256
        while len(self._docs) > self.cap:
            self._docs.popitem(last=False)
        return doc

    def documents(self) -> list[ImageDocument]:
        """Every document, least recently used first."""
        return list(self._docs.values())

    def unsaved(self) -> list[ImageDocument]:
        return [d for d in self._docs.values() if d.unsaved]

    def forget_edits(self) -> None:
        """Latent ids mean something else under another bundle: drop every document's edits."""
        for d in self._docs.values():
            d.controls.clear()
