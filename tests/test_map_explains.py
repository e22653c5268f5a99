"""The "map explains the verdict" measure: peak in the region (or next to it), peak reaches the threshold."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.grid import PatchGrid
from app.core.preprocess import Preprocessing
from app.pipeline.map_explains import map_explains_verdict, peak_hits_region


@dataclass(frozen=True)
class Rec:
    label: str
    mask: np.ndarray | None


def test_peak_next_to_the_region_counts_and_two_away_does_not() -> None:
    cover = np.zeros((4, 4))
    cover[1, 1] = 0.3
    m = np.zeros((4, 4))
    m[2, 2] = 1.0  # diagonal neighbour
    assert peak_hits_region(m, cover)
    m[:] = 0
    m[3, 3] = 1.0  # two patches away
    assert not peak_hits_region(m, cover)


def test_shares_count_only_rejected_defective_parts() -> None:
    grid, prep = PatchGrid(4, 4), Preprocessing(input_size=(32, 32))
    region = np.zeros((32, 32), bool)
    region[0:8, 0:8] = True  # patch (0, 0)
    on = np.zeros((4, 4))
    on[0, 0] = 0.9
    off = np.zeros((4, 4))
    off[3, 3] = 0.9
    low = np.zeros((4, 4))
    low[0, 0] = 0.3  # in the region but under the threshold
    records = [Rec("scratch", region), Rec("scratch", region), Rec("dent", region), Rec("good", None), Rec("dent", region)]
    maps = [on, off, low, on, on]
    scores = np.array([0.9, 0.9, 0.9, 0.9, 0.1])  # the last defect is not rejected: not counted
    r = map_explains_verdict(records, scores, lambda i: maps[i], 0.5, prep, grid, lambda rec: rec.mask)
    assert r["overall"]["rejected"] == 3
    assert r["per_type"]["scratch"]["peak_in_region"] == 0.5
    assert r["per_type"]["dent"]["peak_in_region"] == 1.0
    assert r["per_type"]["dent"]["peak_reaches_threshold"] == 0.0
    assert abs(r["overall"]["peak_in_region"] - 2 / 3) < 1e-12
    assert r["met"] is False
