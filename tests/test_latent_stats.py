"""Per-latent statistics over sparse codes, checked against sklearn and numpy (property tests)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, roc_auc_score

from app.pipeline.latent_stats import (
    LatentStatsAccumulator,
    ap_matrix,
    auroc_matrix,
    average_precision,
    histogram_counts,
)


@st.composite
def codes_and_labels(draw, signed: bool = False):
    n = draw(st.integers(1, 40))
    s = draw(st.integers(1, 4))
    k = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["ties", "float32", "float64"]))
    if kind == "ties":  # few distinct values: many ties, also among nonzeros
        z = rng.integers(-2 if signed else 1, 4, (n, s)).astype(np.float32)
    elif kind == "float32":
        z = rng.gamma(1.0, 1.0, (n, s)).astype(np.float32) * (rng.choice([-1, 1], (n, s)) if signed else 1)
    else:  # not representable in float32: exercises the exact float64 path
        z = rng.gamma(1.0, 1.0, (n, s)) * (rng.choice([-1, 1], (n, s)) if signed else 1) + 1e-12
    z = np.where(rng.random((n, s)) < draw(st.floats(0.0, 1.0)), 0, z)  # sparsity 0..100%
    y = rng.random((n, k)) < draw(st.floats(0.0, 1.0))
    valid = rng.random((n, k)) < 0.8
    return z, y, valid


def _ref(metric, y: np.ndarray, s: np.ndarray) -> float:
    if metric is average_precision_score and not y.any():
        return float("nan")
    if metric is roc_auc_score and (y.all() or not y.any()):
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(metric(y, s))


def _check(got: np.ndarray, z: np.ndarray, y: np.ndarray, metric, valid: np.ndarray | None = None) -> None:
    for i in range(z.shape[1]):
        for k in range(y.shape[1]):
            m = np.ones(len(z), bool) if valid is None else valid[:, k]
            want = _ref(metric, y[m, k], z[m, i])
            if np.isnan(want):
                assert np.isnan(got[i, k])
            else:
                assert got[i, k] == pytest.approx(want, abs=1e-12), (i, k)


@settings(max_examples=150, deadline=None)
@given(codes_and_labels(signed=True))
def test_ap_matrix_matches_sklearn(data) -> None:
    z, y, _ = data
    _check(ap_matrix(z, y), z, y, average_precision_score)
    _check(ap_matrix(sp.csr_matrix(z), y), z, y, average_precision_score)
    for i in range(z.shape[1]):
        for k in range(y.shape[1]):
            want = _ref(average_precision_score, y[:, k], z[:, i])
            got = average_precision(z[:, i], y[:, k])
            assert (np.isnan(want) and np.isnan(got)) or got == pytest.approx(want, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(codes_and_labels(signed=True))
def test_auroc_matrix_matches_sklearn(data) -> None:
    z, y, _ = data
    _check(auroc_matrix(z, y), z, y, roc_auc_score)
    _check(auroc_matrix(sp.csc_matrix(z), y), z, y, roc_auc_score)


@settings(max_examples=100, deadline=None)
@given(codes_and_labels())
def test_valid_mask_equals_subsetting(data) -> None:
    z, y, valid = data
    _check(ap_matrix(z, y, valid), z, y, average_precision_score, valid)
    _check(auroc_matrix(z, y, valid), z, y, roc_auc_score, valid)


def test_all_zero_latent_scores_the_base_rate() -> None:
    z = np.zeros((10, 2), np.float32)
    z[3, 1] = 1.0
    y = np.zeros((10, 1), bool)
    y[[3, 5, 7], 0] = True
    ap = ap_matrix(z, y)
    assert ap[0, 0] == pytest.approx(0.3)  # one tie: precision = base rate
    assert ap[1, 0] == pytest.approx(average_precision_score(y[:, 0], z[:, 1]))
    assert auroc_matrix(z, y)[0, 0] == pytest.approx(0.5)


def test_blocks_of_latents_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.pipeline.latent_stats as ls

    rng = np.random.default_rng(1)
    z = np.where(rng.random((300, 12)) < 0.1, rng.gamma(2.0, 1.0, (300, 12)), 0).astype(np.float32)
    y = rng.random((300, 3)) < 0.2
    whole_ap, whole_auc = ap_matrix(z, y), auroc_matrix(z, y)
    monkeypatch.setattr(ls, "_BLOCK_ENTRIES", 7)  # many small blocks
    np.testing.assert_allclose(ap_matrix(z, y), whole_ap, atol=1e-12)
    np.testing.assert_allclose(auroc_matrix(z, y), whole_auc, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 5))
def test_streaming_stats_equal_numpy(seed: int, n_chunks: int) -> None:
    rng = np.random.default_rng(seed)
    z = np.where(rng.random((120, 6)) < 0.2, rng.gamma(2.0, 1.0, (120, 6)), 0).astype(np.float32)
    z[:, 5] = 0  # a dead latent
    acc = LatentStatsAccumulator(6, bins=20)
    for i, part in enumerate(np.array_split(z, n_chunks)):
        acc.update(sp.csr_matrix(part) if i % 2 else part)
    st_ = acc.finish()
    assert st_.n_tokens == 120 and st_.p99_exact.all()
    for s in range(6):
        v = z[:, s][z[:, s] > 0].astype(np.float64)
        assert st_.count[s] == v.size
        assert st_.frequency[s] == pytest.approx(v.size / 120)
        if v.size == 0:
            assert st_.mean_act[s] == 0 and st_.p99[s] == 0 and st_.max_act[s] == 0 and st_.hist[s].sum() == 0
            continue
        assert st_.mean_act[s] == pytest.approx(v.mean())
        assert st_.max_act[s] == pytest.approx(v.max())
        assert st_.p99[s] == pytest.approx(np.percentile(v, 99))
        assert st_.p99[s] <= st_.max_act[s]
        np.testing.assert_array_equal(st_.hist[s], np.histogram(v, bins=20, range=(0, v.max()))[0])


def test_streaming_sample_cap_keeps_p99_close() -> None:
    rng = np.random.default_rng(0)
    z = rng.exponential(1.0, (20_000, 2)).astype(np.float32)
    acc = LatentStatsAccumulator(2, sample_cap=2_000, seed=0)
    for part in np.array_split(z, 10):
        acc.update(part)
    st_ = acc.finish()
    assert not st_.p99_exact.any()
    assert st_.max_act[0] == pytest.approx(z[:, 0].max())  # exact, never sampled
    assert st_.p99[0] == pytest.approx(np.percentile(z[:, 0], 99), rel=0.15)
    assert abs(int(st_.hist[0].sum()) - 20_000) <= 20


def test_histogram_counts_edges() -> None:
    v = np.array([0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(histogram_counts(v, 1.0, 2), [1, 3])
    assert histogram_counts(np.zeros(0), 1.0, 4).sum() == 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_strongest_images_share_matches_a_direct_count(seed):
    from app.pipeline.latent_stats import strongest_images_share

    rng = np.random.default_rng(seed)
    n_img, p, s, c, n_top = int(rng.integers(1, 12)), int(rng.integers(1, 6)), int(rng.integers(1, 7)), 4, int(rng.integers(1, 6))
    codes = rng.random((n_img * p, s)) * (rng.random((n_img * p, s)) < 0.4)
    codes = np.round(codes, 6) + np.arange(n_img * p)[:, None] * 1e-9  # distinct values: no tie ambiguity
    codes[codes < 1e-6] = 0.0
    cls = rng.integers(0, c, n_img * p)
    share, n = strongest_images_share(sp.csr_matrix(codes), p, cls, c, n_images=n_top)
    for j in range(s):
        z = codes[:, j].reshape(n_img, p)
        firing = [i for i in range(n_img) if z[i].max() > 0]
        best = sorted(firing, key=lambda i: -z[i].max())[:n_top]
        assert n[j] == len(best)
        expect = np.zeros(c)
        for i in best:
            expect[cls[i * p + int(np.argmax(z[i]))]] += 1
        np.testing.assert_allclose(share[j], expect / max(len(best), 1))
