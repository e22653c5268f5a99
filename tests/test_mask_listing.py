"""The "latents in mask" listing: ordered by activation beyond the rest of the image."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import analyzed_session


@pytest.fixture(scope="module")
def session(random_bundle_dir):
    return analyzed_session(random_bundle_dir, "onnx", seed=11)


@pytest.fixture(scope="module")
def mask():
    m = np.zeros((32, 32), bool)
    m[0:14, 2:20] = True  # partly covered patches on the 4 x 4 grid
    return m


def _raw(session, mask):
    m_P = session.patch_weights(mask)
    z = session.analysis.codes_PS
    out_w = 1.0 - m_P
    return m_P @ z, (out_w @ z) / out_w.sum(), m_P


def test_listing_is_ordered_by_excess_over_the_rest_of_the_image(session, mask):
    act, mean_out, m_P = _raw(session, mask)
    listed = session.latents_in_mask(mask, top=1000)
    assert listed
    for s in listed:
        assert s.excess == pytest.approx(act[s.id] - m_P.sum() * mean_out[s.id], rel=1e-5, abs=1e-6)
        assert s.activation == pytest.approx(act[s.id], rel=1e-5, abs=1e-6)
        assert s.mean_in > s.mean_out and s.excess > 0
    ex = [s.excess for s in listed]
    assert ex == sorted(ex, reverse=True)
    # every latent with a positive excess is listed; none other
    assert {s.id for s in listed} == set(np.nonzero(act - m_P.sum() * mean_out > 0)[0].tolist())


def test_latents_as_active_outside_are_left_out_even_with_a_large_raw_sum(session, mask):
    act, mean_out, m_P = _raw(session, mask)
    mean_in = act / m_P.sum()
    background = [int(i) for i in np.argsort(-act)[:20] if act[i] > 0 and mean_out[i] >= mean_in[i]]
    assert background, "the fixture must hold a latent that fires more outside the region than inside"
    listed = {s.id for s in session.latents_in_mask(mask, top=20)}
    assert not listed & set(background)


def test_whole_image_listing_is_the_raw_sum(session):
    full = session.latents_in_mask(None, top=10)
    act = session.analysis.codes_PS.sum(axis=0)
    assert [s.id for s in full] == [int(i) for i in np.argsort(-act, kind="stable")[:10]]
    assert all(s.excess == pytest.approx(s.activation) and s.mean_out == 0 for s in full)


def test_a_region_covering_nearly_everything_lists_as_the_whole_image(session):
    """Fewer than one patch left outside is no baseline: the listing must not hinge on one edge patch."""
    almost = np.ones((32, 32), bool)
    almost[0:2, 0:2] = False  # 4 pixels: a quarter of one patch's area (8 x 8 px patches on this 4 x 4 grid)
    whole = session.latents_in_mask(None, top=1000)
    near = session.latents_in_mask(almost, top=1000)
    assert {s.id for s in near} == {s.id for s in whole}  # every active latent, as for the whole image
    assert all(s.mean_out == 0 and s.excess == pytest.approx(s.activation) for s in near)  # ordered by the raw sum
