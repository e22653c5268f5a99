"""Heatmap scaling: fixed 0..1 (differences -1..1) unless the labelled per-image stretch is on;
upsampled to the image's own size; the view box leaves what the model never saw at 0."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.heatmap_view import defect_mask_from_map, heatmap_view


def test_fixed_scales_and_modes() -> None:
    before = np.full((4, 6), 0.1, np.float32)
    after = np.full((4, 6), 0.3, np.float32)
    v = heatmap_view("before", (40, 60), before, after)
    assert v.map_HW.shape == (40, 60) and v.levels == (0.0, 1.0) and not v.diverging and not v.stretched
    assert v.map_HW == pytest.approx(0.1)  # a good part stays cold: no per-image normalisation
    d = heatmap_view("difference", (40, 60), before, after)
    assert d.levels == (-1.0, 1.0) and d.diverging and d.map_HW == pytest.approx(0.2)
    lat = heatmap_view("latent", (40, 60), before, after, latent_hw=np.full((4, 6), 3.0, np.float32), latent_ref=2.0)
    assert lat.map_HW == pytest.approx(1.5) and lat.levels == (0.0, 1.0)
    assert heatmap_view("none", (40, 60), before, after) is None
    assert heatmap_view("latent", (40, 60), before, after) is None  # no latent map (yet)
    assert heatmap_view("after", (40, 60), None, None) is None


def test_stretch_is_per_image_and_labelled() -> None:
    m = np.linspace(0.2, 0.4, 24, dtype=np.float32).reshape(4, 6)
    v = heatmap_view("after", (8, 12), m, m, stretch=True)
    assert v.stretched and v.levels[0] == pytest.approx(float(v.map_HW.min())) and v.levels[1] == pytest.approx(float(v.map_HW.max()))
    d = heatmap_view("difference", (8, 12), np.zeros((4, 6), np.float32), m - 0.3, stretch=True)
    a = float(np.max(np.abs(d.map_HW)))
    assert d.levels == pytest.approx((-a, a))
    flat = heatmap_view("after", (8, 12), m, np.full((4, 6), 0.5, np.float32), stretch=True)
    assert flat.levels[1] > flat.levels[0]  # a flat map still has a valid range


def test_view_box_and_mask_from_map() -> None:
    m = np.ones((2, 2), np.float32)
    v = heatmap_view("before", (20, 40), m, m, box=(0.0, 10.0, 20.0, 30.0))  # the model saw columns 10..30
    assert v.map_HW[:, :10].max() == 0.0 and v.map_HW[:, 30:].max() == 0.0 and v.map_HW[:, 12:28].min() > 0.9
    g = np.array([[0.0, 1.0]], np.float32)
    mask = defect_mask_from_map(g, (10, 20), 0.5)
    assert mask.shape == (10, 20) and mask[:, -1].all() and not mask[:, 0].any()
