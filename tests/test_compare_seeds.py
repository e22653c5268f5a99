"""Counterpart matching on two SAEs trained on the same tokens with different seeds (issue #20).

Tokens are sums of 1–3 of 32 planted unit directions in 16 dimensions (random positive
strengths, a little noise). Two TopK SAEs (k 4, 32 latents) are trained on them with
``app.pipeline.train_sae`` under seeds 0 and 1; on held-out tokens, most of one SAE's latents
must find a counterpart in the other with a high activation correlation, and a random SAE of the
same shape (the null) must not. The measured shares are printed (``pytest -s``).
"""

from __future__ import annotations

import numpy as np
import pytest

from app.core.compare.counterparts import CoactivationAccumulator, LatentCorrelation
from app.core.sae import encode
from app.pipeline.random_bundle import random_sae
from app.pipeline.train_sae import SAETrainConfig, load_variant, train_sae_grid

D, PLANTED, K = 16, 32, 4
HIGH_R = 0.8


def planted_tokens(n: int, directions_FD: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    z = np.zeros((n, directions_FD.shape[0]))
    active = rng.integers(1, 4, n)
    for i in range(n):
        idx = rng.choice(directions_FD.shape[0], active[i], replace=False)
        z[i, idx] = rng.uniform(0.5, 2.0, active[i])
    return (z @ directions_FD + 0.02 * rng.standard_normal((n, directions_FD.shape[1]))).astype(np.float32)


def correlation(za: np.ndarray, zb: np.ndarray) -> LatentCorrelation:
    acc = CoactivationAccumulator(za.shape[1], zb.shape[1])
    for i in range(0, len(za), 196):  # image-sized pieces, as a folder streams them
        acc.add(za[i : i + 196], zb[i : i + 196])
    return acc.result()


@pytest.fixture(scope="module")
def two_seeds(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    rng = np.random.default_rng(0)
    dirs = rng.standard_normal((PLANTED, D))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    train, held_out = planted_tokens(30_000, dirs, rng), planted_tokens(4_000, dirs, np.random.default_rng(9))
    saes = []
    for seed in (0, 1):
        cfg = SAETrainConfig(ks=(K,), expansions=(PLANTED // D,), epochs=16.0, batch_tokens=256, dead_window_min=2_000,
                             seed=seed, objectives=("plain",), threads=1)
        out = tmp_path_factory.mktemp(f"sae{seed}")
        grid = train_sae_grid(train, held_out, cfg, out, progress=False)
        saes.append(load_variant(out, grid.variants[0], D))
    return saes, held_out


def test_most_latents_of_two_seeds_find_a_counterpart(two_seeds) -> None:
    (cfg_a, w_a), (cfg_b, w_b) = two_seeds[0]
    held_out = two_seeds[1]
    assert not np.allclose(w_a.W_dec, w_b.W_dec)  # two different solutions
    za, zb = encode(w_a, cfg_a, held_out), encode(w_b, cfg_b, held_out)
    corr = correlation(za, zb)
    share_a, share_b = corr.share_matched("A", HIGH_R), corr.share_matched("B", HIGH_R)
    ids, r = corr.best_for_a
    fires = corr.fires("A")
    mutual = np.mean([corr.counterpart(i, "A", HIGH_R).mutual for i in np.nonzero(fires)[0]])

    null = random_sae(D, PLANTED, np.random.default_rng(5))
    null_share = correlation(za, encode(null, cfg_a, held_out)).share_matched("A", HIGH_R)
    print(f"\ncounterparts of two SAEs (seeds 0 and 1) on {len(held_out):,} held-out tokens: "
          f"{share_a:.0%} of A's {int(fires.sum())} firing latents and {share_b:.0%} of B's have one at r ≥ {HIGH_R} "
          f"(median best r {np.median(r[fires]):.3f}; {mutual:.0%} mutual); against a random SAE: {null_share:.0%}")
    assert fires.sum() >= 0.9 * PLANTED
    assert share_a >= 0.7 and share_b >= 0.7
    assert mutual >= 0.6
    assert null_share <= 0.2
    # the matches are between distinct latents: a matched pair decodes to nearly the same direction
    matched = np.nonzero(np.nan_to_num(r, nan=-1) >= HIGH_R)[0]
    cos = np.sum(w_a.W_dec[matched] / np.linalg.norm(w_a.W_dec[matched], axis=1, keepdims=True)
                 * w_b.W_dec[ids[matched]] / np.linalg.norm(w_b.W_dec[ids[matched]], axis=1, keepdims=True), axis=1)
    assert np.median(cos) > 0.9
