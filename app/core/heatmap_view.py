"""Heatmap scaling: which map a layer draws, upsampled to the image, on a fixed scale, and how
it is blended over the part.

Absolute maps are on 0..1 and differences on -1..1 whatever the image, so a good part never
looks hot; the per-image stretch and user-set contrast limits are labelled options, never the
default. The overlay's opacity ramps with the value (``overlay_lut``): zero is transparent, so
the part keeps its own brightness where the map is cold, and only what the map shows tints it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.grid import upsample_to_image
from app.core.mask_model import outline_in

HEAT_MODES = ("none", "before", "after", "difference", "evidence", "latent")
SCALES = ("fixed", "stretch", "custom")
FULL_ALPHA_AT = 0.5  # the share of the scale at which the overlay reaches its full opacity


@dataclass(frozen=True)
class HeatmapView:
    map_HW: np.ndarray  # float32 at the image's resolution
    levels: tuple[float, float]
    diverging: bool
    title: str
    stretched: bool = False
    scale: str = "fixed"  # "fixed" | "stretch" | "custom": how ``levels`` were chosen

    @property
    def scale_text(self) -> str:
        """"fixed 0–1", "per-image stretch 0.02–0.41", "custom 0–0.2": shown on the colour bar."""
        lo, hi = self.levels
        name = {"fixed": "fixed", "stretch": "per-image stretch", "custom": "custom"}[self.scale]
        return f"{name} {lo:.3g}–{hi:.3g}"


def heatmap_view(
    mode: str,
    image_hw: tuple[int, int],
    before_hw: np.ndarray | None,
    after_hw: np.ndarray | None,
    latent_hw: np.ndarray | None = None,
    latent_ref: float = 1.0,
    stretch: bool = False,
    box: tuple[float, float, float, float] | None = None,
    limits: tuple[float, float] | None = None,
    measured: bool = False,
    evidence_hw: np.ndarray | None = None,
) -> HeatmapView | None:
    """The map to draw for a mode, upsampled to the image, on a fixed scale unless stretched or limited.

    before/after: defect probability 0..1 (``measured``: the maps are evidence maps, -1..1, from
    ``InspectionSession.evidence_map`` because the model has no patch head). difference: after -
    before (diverging). evidence: a measured evidence map (``evidence_hw``) beside a patch head's map.
    latent: activation in units of its reference (p99), on 0..1. ``limits``: user-set contrast
    limits (lo < hi), which win over the stretch. ``box``: the part of the image the model sees.
    """
    kind = "evidence map (measured)" if measured else "defect map"
    if mode == "before" and before_hw is not None:
        grid, levels, div, title = before_hw, (-1.0, 1.0) if measured else (0.0, 1.0), measured, f"{kind}, before"
    elif mode == "after" and after_hw is not None:
        grid, levels, div, title = after_hw, (-1.0, 1.0) if measured else (0.0, 1.0), measured, f"{kind}, after"
    elif mode == "difference" and before_hw is not None and after_hw is not None:
        grid, levels, div, title = after_hw - before_hw, (-1.0, 1.0), True, "after − before" + (" (evidence)" if measured else "")
    elif mode == "evidence" and evidence_hw is not None:
        grid, levels, div, title = evidence_hw, (-1.0, 1.0), True, "evidence map (measured)"
    elif mode == "latent" and latent_hw is not None:
        grid, levels, div = latent_hw / max(float(latent_ref), 1e-9), (0.0, 1.0), False
        title = "latent activation / reference"
    else:
        return None
    m = upsample_to_image(np.asarray(grid, np.float32), image_hw, box)
    scale = "fixed"
    if limits is not None and float(limits[1]) > float(limits[0]):
        levels, scale = (float(limits[0]), float(limits[1])), "custom"
    elif stretch:
        scale = "stretch"
        if div:
            a = float(np.max(np.abs(m))) or 1e-6
            levels = (-a, a)
        else:
            lo, hi = float(m.min()), float(m.max())
            levels = (lo, hi if hi > lo else lo + 1e-6)
    return HeatmapView(m, levels, div, title, scale == "stretch", scale)


def overlay_lut(colors_N3: np.ndarray, diverging: bool) -> np.ndarray:
    """[N, 4] uint8: the colour map with an opacity that ramps with the value.

    Sequential maps are transparent at the bottom of the scale; diverging ones at their centre
    (no change). Full opacity is reached at ``FULL_ALPHA_AT`` of the way to the end, so a mid
    value stays visible; the layer's own opacity multiplies this.
    """
    c = np.asarray(colors_N3, np.float64)
    n = c.shape[0]
    t = np.linspace(0.0, 1.0, n)
    if diverging:  # the two middle entries of an even table are both "no change": transparent
        t = np.clip((np.abs(2.0 * t - 1.0) - 1.0 / (n - 1)) / (1.0 - 1.0 / (n - 1)), 0.0, 1.0)
    alpha = np.clip(t / FULL_ALPHA_AT, 0.0, 1.0)
    return np.concatenate([np.clip(c[:, :3], 0, 255), 255.0 * alpha[:, None]], axis=1).round().astype(np.uint8)


def level_outline(map_HW: np.ndarray, level: float, thickness: int = 1) -> np.ndarray:
    """bool [H, W]: the contour where the map crosses ``level`` (the edge of map >= level)."""
    return outline_in(np.asarray(map_HW) >= float(level), None, max(1, int(thickness)))


def defect_mask_from_map(
    patch_map_hw: np.ndarray, image_hw: tuple[int, int], level: float, box: tuple[float, float, float, float] | None = None
) -> np.ndarray:
    """bool [H, W]: where the smoothly upsampled defect map reaches ``level``."""
    return upsample_to_image(np.asarray(patch_map_hw, np.float32), image_hw, box) >= float(level)
