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


def test_custom_limits_win_and_are_named() -> None:
    m = np.full((4, 6), 0.05, np.float32)
    v = heatmap_view("after", (8, 12), m, m, limits=(0.0, 0.1))
    assert v.levels == (0.0, 0.1) and v.scale == "custom" and not v.stretched and v.scale_text == "custom 0–0.1"
    v = heatmap_view("after", (8, 12), m, m, stretch=True, limits=(0.0, 0.1))  # limits win over the stretch
    assert v.scale == "custom"
    v = heatmap_view("after", (8, 12), m, m, limits=(0.2, 0.1))  # an empty range is ignored: fixed
    assert v.levels == (0.0, 1.0) and v.scale == "fixed" and v.scale_text == "fixed 0–1"


def test_measured_evidence_maps_are_diverging_and_titled() -> None:
    e = np.linspace(-0.2, 0.3, 24, dtype=np.float32).reshape(4, 6)
    v = heatmap_view("after", (8, 12), e, e, measured=True)
    assert v.title == "evidence map (measured), after" and v.diverging and v.levels == (-1.0, 1.0)
    d = heatmap_view("difference", (8, 12), e, e + 0.1, measured=True)
    assert d.title == "after − before (evidence)" and d.map_HW == pytest.approx(0.1, abs=1e-6)
    x = heatmap_view("evidence", (8, 12), None, None, evidence_hw=e)
    assert x.title == "evidence map (measured)" and x.diverging
    assert heatmap_view("evidence", (8, 12), e, e) is None  # not measured yet: nothing to draw


def test_overlay_lut_is_transparent_at_zero_and_opaque_towards_the_ends() -> None:
    from app.core.heatmap_view import FULL_ALPHA_AT, overlay_lut

    colors = np.stack([np.arange(256)] * 3, axis=1)
    seq = overlay_lut(colors, diverging=False)
    assert seq.shape == (256, 4) and seq[0, 3] == 0 and seq[-1, 3] == 255
    assert np.all(np.diff(seq[:, 3].astype(int)) >= 0) and np.array_equal(seq[:, :3], colors)
    assert seq[int(255 * FULL_ALPHA_AT) + 1, 3] == 255 and 0 < seq[int(255 * FULL_ALPHA_AT / 2), 3] < 255
    div = overlay_lut(colors, diverging=True)
    assert div[127, 3] == div[128, 3] == 0 and div[0, 3] == div[-1, 3] == 255
    assert np.array_equal(div[:128, 3], div[128:, 3][::-1])  # symmetric about "no change"


def test_level_outline_is_the_edge_of_the_region_at_the_level() -> None:
    from app.core.heatmap_view import level_outline

    m = np.zeros((20, 20), np.float32)
    m[5:15, 5:15] = 0.8
    edge = level_outline(m, 0.5)
    assert edge[5, 5:15].all() and edge[14, 5:15].all() and not edge[7:13, 7:13].any() and not edge[:5].any()
    assert not level_outline(m, 0.9).any()
