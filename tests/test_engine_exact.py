"""Exactness: with no edit the engine reproduces the unmodified model; edits keep the error term."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.backends.torch_backend import TorchBackend
from app.core.bundle import load_bundle
from app.core.edits import LatentEdit
from app.core.preprocess import preprocess
from app.core.sae import decode, encode
from app.core.session import InspectionSession


def _image(seed: int, h: int = 45, w: int = 70) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize("fixture", ["random_bundle_dir", "conv_bundle_dir", "relu_bundle_dir"])
@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_no_edit_equals_unmodified_model(request, fixture, backend):
    bundle = load_bundle(request.getfixturevalue(fixture))
    s = InspectionSession.open(bundle, backend=backend)
    img = _image(3)
    a = s.analyze(img)
    full_cls, full_patch = TorchBackend(bundle, "cpu").full(preprocess(img, bundle.manifest.preprocess))
    ref = type(a.baseline).from_logits(full_cls, full_patch, s.grid_hw)[0]
    assert abs(a.baseline.score - ref.score) < 1e-6
    np.testing.assert_allclose(a.baseline.class_probs, ref.class_probs, atol=1e-6)
    np.testing.assert_allclose(a.baseline.patch_map, ref.patch_map, atol=1e-6)
    same = s.intervene(None, [])
    assert same.score == a.baseline.score
    np.testing.assert_array_equal(same.patch_map, a.baseline.patch_map)


def test_mask_covering_no_patch_changes_nothing(random_bundle_dir):
    s = InspectionSession.open(random_bundle_dir, backend="torch")
    a = s.analyze(_image(4))
    # a mask whose weights are all zero: edits inside it must not move anything
    tokens = s.edited_tokens(np.zeros(s.grid.num_patches, np.float32), [LatentEdit(0, "set", 5.0), LatentEdit(1, "off")])
    np.testing.assert_array_equal(tokens, a.tokens_TD)


def test_edit_equals_decode_plus_error(random_bundle_dir):
    """x' = decode(z') + (x - decode(z)) in fully covered patches; CLS untouched."""
    s = InspectionSession.open(random_bundle_dir, backend="torch")
    a = s.analyze(_image(5))
    ref = s.reference()
    edits = [LatentEdit(2, "off"), LatentEdit(7, "scale", -1.5), LatentEdit(11, "set", 2.0), LatentEdit(13, "add", 0.5)]
    tokens = s.edited_tokens(np.ones(s.grid.num_patches, np.float32), edits)
    z = a.codes_PS.copy()
    z[:, 2] = 0
    z[:, 7] *= -1.5
    z[:, 11] = 2.0 * ref[11]
    z[:, 13] += 0.5 * ref[13]
    w = s.bundle.sae_weights
    x = a.tokens_TD[1:]
    expect = decode(w, z) + (x - decode(w, a.codes_PS))
    np.testing.assert_allclose(tokens[1:], expect, atol=1e-4)
    np.testing.assert_array_equal(tokens[0], a.tokens_TD[0])


def test_partial_mask_weights_scale_the_edit(random_bundle_dir):
    s = InspectionSession.open(random_bundle_dir, backend="torch")
    a = s.analyze(_image(6))
    m = np.zeros(s.grid.num_patches, np.float32)
    m[3], m[7] = 1.0, 0.25
    tokens = s.edited_tokens(m, [LatentEdit(5, "set", 1.0)])
    delta = tokens[1:] - a.tokens_TD[1:]
    dz = s.reference()[5] - a.codes_PS[:, 5]
    w5 = s.bundle.sae_weights.W_dec[5]
    np.testing.assert_allclose(delta[3], dz[3] * w5, atol=1e-5)
    np.testing.assert_allclose(delta[7], 0.25 * dz[7] * w5, atol=1e-5)
    untouched = np.setdiff1d(np.arange(s.grid.num_patches), [3, 7])
    assert np.all(delta[untouched] == 0)


def test_recon_only_replaces_region_by_reconstruction(random_bundle_dir):
    s = InspectionSession.open(random_bundle_dir, backend="torch")
    a = s.analyze(_image(7))
    m = np.zeros(s.grid.num_patches, np.float32)
    m[:5] = 1
    tokens = s.edited_tokens(m, [], recon_only=True)
    np.testing.assert_allclose(tokens[1:6], a.recon_PD[:5], atol=1e-5)
    np.testing.assert_array_equal(tokens[6:], a.tokens_TD[6:])


def test_topk_codes_are_batch_independent(random_bundle_dir):
    b = load_bundle(random_bundle_dir)
    x = np.random.default_rng(0).standard_normal((10, b.manifest.sae.d_model)).astype(np.float32)
    both = encode(b.sae_weights, b.manifest.sae, x)
    alone = np.concatenate([encode(b.sae_weights, b.manifest.sae, x[i : i + 1]) for i in range(10)])
    np.testing.assert_array_equal(both, alone)
    assert np.all((both > 0).sum(axis=1) <= b.manifest.sae.k)


def test_batch_intervene_equals_one_at_a_time(random_bundle_dir):
    s = InspectionSession.open(random_bundle_dir, backend="onnx")
    s.analyze(_image(8))
    mask = np.zeros((45, 70), bool)
    mask[10:30, 20:50] = True
    sets = [[]] + [[LatentEdit(i, "off")] for i in range(10)] + [[LatentEdit(1, "scale", 3.0), LatentEdit(9, "set", 1.0)]]
    batched = s.batch_intervene(mask, sets)
    for e, out in zip(sets, batched):
        single = s.intervene(mask, e)
        assert abs(single.score - out.score) < 1e-5
        np.testing.assert_allclose(single.patch_map, out.patch_map, atol=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    ops=st.lists(st.tuples(st.integers(0, 63), st.sampled_from(["off", "scale", "set", "add"]), st.floats(-4, 4)),
                 min_size=0, max_size=6, unique_by=lambda t: t[0]),
    box=st.tuples(st.integers(0, 40), st.integers(0, 60), st.integers(1, 45), st.integers(1, 70)),
)
def test_parity_torch_onnx(random_bundle_dir, conv_bundle_dir, seed, ops, box):
    """Both backends agree within 1e-4 on random images, edits and masks."""
    edits = [LatentEdit(i, op, v) for i, op, v in ops]
    mask = np.zeros((45, 70), bool)
    y, x, h, w = box
    mask[y : y + h, x : x + w] = True
    img = _image(seed)
    for folder in (random_bundle_dir, conv_bundle_dir):
        outs = []
        for backend in ("torch", "onnx"):
            s = _sessions(folder, backend)
            s.analyze(img)
            outs.append((s.analysis.baseline, s.intervene(mask, edits)))
        for a, b in zip(outs[0], outs[1]):
            assert abs(a.score - b.score) < 1e-4
            np.testing.assert_allclose(a.class_probs, b.class_probs, atol=1e-4)
            np.testing.assert_allclose(a.patch_map, b.patch_map, atol=1e-4)


_CACHE: dict = {}


def _sessions(folder, backend) -> InspectionSession:
    key = (str(folder), backend)
    if key not in _CACHE:
        _CACHE[key] = InspectionSession.open(folder, backend=backend)
    return _CACHE[key]
