"""Does the defect map explain the verdict? Measured on the rejected defective test parts.

For every defective test part the model rejects (score at or above the threshold), the map's
peak patch must lie in the ground-truth region or a patch next to it, and the peak must reach
the threshold on the map's own fixed 0..1 scale. A model whose score is the map's peak
(``score_head="patch_max"``) meets the second condition by construction; the first is the
model's localisation of what it rejects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from app.core.grid import PatchGrid, mask_to_patch_weights
from app.core.preprocess import Preprocessing

#: The issue's target: the share of rejected defective parts whose map peak lies in the region (or next to it).
PEAK_IN_REGION_TARGET = 0.85


def peak_hits_region(map_hw: np.ndarray, cover_hw: np.ndarray) -> bool:
    """True when the map's largest patch, or one of its 8 neighbours, holds part of the region."""
    r, c = np.unravel_index(int(np.argmax(map_hw)), map_hw.shape)
    return bool((cover_hw[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2] > 0).any())


def map_explains_verdict(
    records: Sequence[Any],
    scores_N: np.ndarray,
    map_of: Callable[[int], np.ndarray],
    threshold: float,
    prep: Preprocessing,
    grid: PatchGrid,
    load_mask_of: Callable[[Any], np.ndarray | None],
) -> dict[str, Any]:
    """Per defect type and overall: rejected defective parts, the share whose map peak lies in the
    region, and the share whose map peak reaches the threshold. ``map_of(i)`` -> [grid_h, grid_w]."""
    per_type: dict[str, dict[str, int]] = {}
    for i, r in enumerate(records):
        if r.label == "good" or scores_N[i] < threshold:
            continue
        mask = load_mask_of(r)
        if mask is None:
            continue
        m = np.asarray(map_of(i), np.float64)
        cover = mask_to_patch_weights(mask, grid, box=prep.view_box(mask.shape[:2])).reshape(grid.grid_h, grid.grid_w)
        t = per_type.setdefault(r.label, {"rejected": 0, "peak_in_region": 0, "peak_reaches_threshold": 0})
        t["rejected"] += 1
        t["peak_in_region"] += int(peak_hits_region(m, cover))
        t["peak_reaches_threshold"] += int(float(m.max()) >= threshold)

    def shares(d: dict[str, int]) -> dict[str, Any]:
        n = d["rejected"]
        return {"rejected": n, "peak_in_region": d["peak_in_region"] / n if n else None,
                "peak_reaches_threshold": d["peak_reaches_threshold"] / n if n else None}

    total = {k: sum(d[k] for d in per_type.values()) for k in ("rejected", "peak_in_region", "peak_reaches_threshold")}
    overall = shares(total)
    return {
        "overall": overall,
        "per_type": {t: shares(d) for t, d in sorted(per_type.items())},
        "target": PEAK_IN_REGION_TARGET,
        "met": None if overall["peak_in_region"] is None else bool(
            overall["peak_in_region"] >= PEAK_IN_REGION_TARGET and overall["peak_reaches_threshold"] >= PEAK_IN_REGION_TARGET),
        "rule": "rejected defective test parts; the map's peak patch in the ground-truth region or one of its 8 "
                "neighbours, and the peak at or above the threshold on the fixed 0..1 scale",
    }
