"""Matryoshka TopK beside plain TopK: the objective, one-pass grid training, the saved config
(old configs still read), and the coarse-to-fine order."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from app.core.errors import InspectorError
from app.core.sae import SAEConfig, coarse_to_fine, encode, prefix_level
from app.pipeline.train_sae import SAETrainConfig, TrainableSAE, load_variant, topk_loss, train_sae_grid


def _sae(prefixes: tuple[int, ...]) -> TrainableSAE:
    gen = torch.Generator().manual_seed(0)
    return TrainableSAE(6, 8, 3, "topk", torch.zeros(6), gen, prefixes=prefixes)


def test_matryoshka_loss_is_the_mean_over_prefix_reconstructions():
    x = torch.randn(64, 6, generator=torch.Generator().manual_seed(1))
    m = _sae((2, 5, 8))
    got = topk_loss(m, x, tokens_seen=64, dead_window=10**9, aux_alpha=0.0)
    with torch.no_grad():
        pre = m.pre(x)
        v, i = pre.topk(3, dim=1)
        z = torch.zeros_like(pre).scatter_(1, i, torch.relu(v))
        var = (x - x.mean(0)).pow(2).sum(1).mean()
        want = np.mean([float((x - (z[:, :p] @ m.W_dec[:p] + m.b_dec)).pow(2).sum(1).mean() / var) for p in (2, 5, 8)])
        plain = float((x - m.decode(z)).pow(2).sum(1).mean() / var)
    assert float(got.detach()) == pytest.approx(want, rel=1e-5)
    assert float(topk_loss(_sae(()), x, 64, 10**9, 0.0).detach()) == pytest.approx(plain, rel=1e-5)
    assert want > plain  # the inner prefixes reconstruct worse: the objective is not the plain one


def test_grid_trains_both_objectives_in_one_pass_and_saves_the_prefixes(tmp_path):
    rng = np.random.default_rng(0)
    d = 12
    dirs = rng.standard_normal((30, d))
    x = (rng.uniform(0, 2, (3000, 30)) * (rng.random((3000, 30)) < 0.1)) @ dirs
    x = x.astype(np.float32)
    cfg = SAETrainConfig(ks=(4,), expansions=(4,), batch_tokens=128, epochs=12.0, dead_window_min=500,
                         objectives=("plain", "matryoshka"), matryoshka_fractions=(1 / 8, 1 / 2))
    res = train_sae_grid(x[:2500], x[2500:], cfg, tmp_path, progress=False)
    names = sorted(v["name"] for v in res.variants)
    assert names == ["sae_mtopk_k4_w48", "sae_topk_k4_w48"]
    mat = next(v for v in res.variants if v["objective"] == "matryoshka")
    assert mat["prefixes"] == [6, 24, 48] and mat["steps"] == next(v for v in res.variants if v["objective"] == "plain")["steps"]
    sae_cfg, w = load_variant(tmp_path, mat, d)
    assert sae_cfg.objective == "matryoshka" and sae_cfg.prefixes == (6, 24, 48)
    assert mat["val"]["fvu"] < 0.5  # it does reconstruct
    z = encode(w, sae_cfg, x[2500:])
    assert (np.count_nonzero(z, axis=1) <= 4).all()  # a TopK SAE at inference, per token
    # the first prefix alone reconstructs better than the first latents of the plain SAE: it was trained to
    plain_cfg, plain_w = load_variant(tmp_path, next(v for v in res.variants if v["objective"] == "plain"), d)

    def prefix_fvu(c: SAEConfig, ww, p: int) -> float:  # noqa: ANN001
        zz = encode(ww, c, x[2500:])
        rec = zz[:, :p] @ ww.W_dec[:p] + ww.b_dec
        xv = x[2500:]
        return float(((xv - rec) ** 2).sum() / ((xv - xv.mean(0)) ** 2).sum())

    assert prefix_fvu(sae_cfg, w, 6) < prefix_fvu(plain_cfg, plain_w, 6)
    again = train_sae_grid(x[:2500], x[2500:], cfg, tmp_path, progress=False)  # resumable: nothing retrained
    assert sorted(v["train_seconds"] for v in again.variants) == sorted(v["train_seconds"] for v in res.variants)


def test_config_round_trip_and_old_configs():
    c = SAEConfig(8, 48, "topk", 4, "matryoshka", (6, 24, 48))
    j = json.loads(json.dumps(c.to_json()))
    assert j["training"] == {"objective": "matryoshka", "prefixes": [6, 24, 48]}
    assert SAEConfig.from_json(j) == c
    old = SAEConfig(8, 48, "topk", 4).to_json()
    assert "training" not in old and SAEConfig.from_json(old).objective == "plain"
    for bad in ((6, 24), (24, 6, 48), (0, 48)):
        with pytest.raises(InspectorError, match="prefixes"):
            SAEConfig(8, 48, "topk", 4, "matryoshka", bad)
    with pytest.raises(InspectorError):
        SAEConfig(8, 48, "topk", 4, "nested")  # type: ignore[arg-type]


def test_coarse_to_fine_order():
    c = SAEConfig(8, 6, "topk", 2, "matryoshka", (2, 6))
    freq = np.array([0.1, 0.5, 0.9, 0.0, 0.3, 0.3])
    np.testing.assert_array_equal(prefix_level(c), [0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(coarse_to_fine(c, freq), [1, 0, 2, 4, 5, 3])  # by level, then most frequent first
    plain = SAEConfig(8, 6, "topk", 2)
    np.testing.assert_array_equal(coarse_to_fine(plain, freq), [2, 1, 4, 5, 0, 3])
