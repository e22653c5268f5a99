"""Heatmap scaling: which map a view mode draws, upsampled to the image, on a fixed scale.

Absolute maps are on 0..1 and differences on -1..1 whatever the image, so a good part never
looks hot; the per-image stretch is a labelled option, never the default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.grid import upsample_to_image

HEAT_MODES = ("none", "before", "after", "difference", "latent")


@dataclass(frozen=True)
class HeatmapView:
    map_HW: np.ndarray  # float32 at the image's resolution
    levels: tuple[float, float]
    diverging: bool
    title: str
    stretched: bool = False


def heatmap_view(
    mode: str,
    image_hw: tuple[int, int],
    before_hw: np.ndarray | None,
    after_hw: np.ndarray | None,
    latent_hw: np.ndarray | None = None,
    latent_ref: float = 1.0,
    stretch: bool = False,
    box: tuple[float, float, float, float] | None = None,
) -> HeatmapView | None:
    """The map to draw for a mode, upsampled to the image, on a fixed scale unless stretched.

    before/after: defect probability 0..1. difference: after - before on -1..1 (diverging).
    latent: activation in units of its reference (p99), on 0..1.
    ``box``: the part of the image the model sees (``Preprocessing.view_box``); 0 outside it.
    """
    if mode == "before" and before_hw is not None:
        grid, levels, div, title = before_hw, (0.0, 1.0), False, "defect map, before"
    elif mode == "after" and after_hw is not None:
        grid, levels, div, title = after_hw, (0.0, 1.0), False, "defect map, after"
    elif mode == "difference" and before_hw is not None and after_hw is not None:
        grid, levels, div, title = after_hw - before_hw, (-1.0, 1.0), True, "after − before"
    elif mode == "latent" and latent_hw is not None:
        grid, levels, div = latent_hw / max(float(latent_ref), 1e-9), (0.0, 1.0), False
        title = "latent activation / reference"
    else:
        return None
    m = upsample_to_image(np.asarray(grid, np.float32), image_hw, box)
    if stretch:
        if div:
            a = float(np.max(np.abs(m))) or 1e-6
            levels = (-a, a)
        else:
            lo, hi = float(m.min()), float(m.max())
            levels = (lo, hi if hi > lo else lo + 1e-6)
    return HeatmapView(m, levels, div, title, stretch)


def defect_mask_from_map(
    patch_map_hw: np.ndarray, image_hw: tuple[int, int], level: float, box: tuple[float, float, float, float] | None = None
) -> np.ndarray:
    """bool [H, W]: where the smoothly upsampled defect map reaches ``level``."""
    return upsample_to_image(np.asarray(patch_map_hw, np.float32), image_hw, box) >= float(level)
