"""The parts of a folder of images as the folder comparison reads them: type and ground truth.

The GUI compares the folder open in the inspector, whatever its layout. A part's type is read
from where it lies and what lies beside it:

- ``<cat>/test/<type>/<n>.png`` (MVTec AD): ``<type>`` (``good`` stays good), its mask from
  ``<cat>/ground_truth/<type>/<n>_mask.png`` where there is one;
- ``<kind>_<n>.png`` as the shipped samples are named: ``ok_*`` / ``good_*`` are good parts,
  any other kind with a ``<kind>_<n>_mask.png`` beside it is a part of that defect type;
- anything else is unlabelled (verdict agreement only, no ground truth).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from app.core.compare.folder import GOOD, UNLABELLED, PartInput
from app.core.mask_model import find_ground_truth

GOOD_NAMES = ("good", "ok")
_SAMPLE_RE = re.compile(r"^(?P<kind>[A-Za-z]+)_\d+$")


def part_of_image(path: str | Path) -> PartInput:
    p = Path(path)
    mask = find_ground_truth(p)
    if len(p.parts) >= 3 and p.parts[-3] == "test":
        kind = p.parts[-2]
        if kind.lower() in GOOD_NAMES:
            return PartInput(p, GOOD)
        return PartInput(p, kind, mask)  # the folder names the type; without a mask its reasons are not ranked
    m = _SAMPLE_RE.match(p.stem)
    if m is not None:
        kind = m["kind"].lower()
        if kind in GOOD_NAMES:
            return PartInput(p, GOOD)
        if mask is not None:
            return PartInput(p, kind, mask)
    return PartInput(p, UNLABELLED)


def parts_of_images(paths: Iterable[str | Path]) -> list[PartInput]:
    """One ``PartInput`` per image, in the given order."""
    return [part_of_image(p) for p in paths]
