"""The one token <-> image grid mapping."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.grid import PatchGrid, mask_to_patch_weights, upsample_to_image


def test_full_and_empty_masks():
    g = PatchGrid(4, 5)
    np.testing.assert_allclose(mask_to_patch_weights(np.ones((37, 53)), g), 1.0, atol=1e-6)
    assert np.all(mask_to_patch_weights(np.zeros((37, 53)), g) == 0)


def test_row_major_and_area_fraction():
    g = PatchGrid(2, 3)
    mask = np.zeros((20, 30), bool)
    mask[0:10, 20:25] = True  # half of the top-right cell
    m = mask_to_patch_weights(mask, g)
    assert m.shape == (6,)
    np.testing.assert_allclose(m, [0, 0, 0.5, 0, 0, 0], atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(h=st.integers(1, 120), w=st.integers(1, 120), gh=st.integers(1, 14), gw=st.integers(1, 14), seed=st.integers(0, 99))
def test_weights_are_exact_area_fractions(h, w, gh, gw, seed):
    mask = np.random.default_rng(seed).random((h, w)) > 0.5
    m = mask_to_patch_weights(mask, PatchGrid(gh, gw))
    assert m.shape == (gh * gw,) and np.all((m >= 0) & (m <= 1))
    # total covered area is preserved: sum of m times cell area equals the mask's pixel count
    assert abs(m.sum() * (h * w) / (gh * gw) - mask.sum()) < 1e-3 * h * w + 1e-6


def test_upsample_keeps_image_geometry():
    heat = upsample_to_image(np.arange(6, dtype=np.float32).reshape(2, 3), (50, 200))
    assert heat.shape == (50, 200)
    assert heat[0, 0] < heat[0, -1] and heat[0, 0] < heat[-1, 0]
