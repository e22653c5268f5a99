"""What the comparison view draws: both models' defect maps and their difference at the image's
geometry, on the fixed scales (0..1 and −1..1), with the region's outline.

Each per-patch map is upsampled over the part of the image the models see (``view_box``), the
same way the single-model view draws it, so the three panels line up pixel for pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.compare.paired import DIFFERENCE_LEVELS, MAP_LEVELS, PairedOutcome
from app.core.grid import resize_mask, upsample_to_image
from app.core.mask_model import outline_in


@dataclass(frozen=True)
class PairedMaps:
    a_HW: np.ndarray | None  # A's defect map, float32 at the image's resolution, on MAP_LEVELS
    b_HW: np.ndarray | None
    difference_HW: np.ndarray | None  # B − A on DIFFERENCE_LEVELS
    region_outline_HW: np.ndarray | None  # bool: the edge of the painted region (None: the whole image)
    part_HW: np.ndarray | None = None  # uint8 grey part under the maps (colour would compete with them), as the report draws it
    map_levels: tuple[float, float] = MAP_LEVELS
    difference_levels: tuple[float, float] = DIFFERENCE_LEVELS

    @property
    def has_maps(self) -> bool:
        return self.a_HW is not None and self.b_HW is not None


def paired_maps(po: PairedOutcome, image_hw: tuple[int, int], region_HW: np.ndarray | None = None,
                edited: bool = True, image_HWC: np.ndarray | None = None) -> PairedMaps:
    """Both maps after the edits (``edited``) or unedited, and B − A, at ``image_hw`` (over ``image_HWC`` in grey)."""
    a = po.a.edited if edited else po.a.baseline
    b = po.b.edited if edited else po.b.baseline
    diff = po.map_difference_hw if edited else po.baseline_map_difference_hw

    def up(m: np.ndarray | None) -> np.ndarray | None:
        return None if m is None else upsample_to_image(np.asarray(m, np.float32), image_hw, po.view_box).astype(np.float32)

    outline = None
    if region_HW is not None and np.any(region_HW):
        r = np.asarray(region_HW) > 0
        if r.shape != tuple(image_hw):
            r = resize_mask(r, image_hw) > 0
        outline = outline_in(r, None, max(1, round(max(image_hw) / 300)))
    grey = None if image_HWC is None else np.asarray(image_HWC, np.float32).mean(axis=2).round().astype(np.uint8)
    return PairedMaps(up(a.patch_map), up(b.patch_map), up(diff), outline, grey)
