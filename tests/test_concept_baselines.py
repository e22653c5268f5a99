"""saev's concept metrics (mAP, Purity@16, Coverage@0.3) and the random-SAE and PCA baselines."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import average_precision_score

from app.pipeline.concept_metrics import concept_metrics
from app.pipeline.sae_baselines import measure_dictionary, pca_dictionary, random_sae, sae_dictionary
from app.pipeline.sae_metrics import fvu


def test_concept_metrics_choose_on_selection_and_measure_held_out():
    rng = np.random.default_rng(0)
    n = 400
    lab_sel = rng.choice(3, n, p=[0.8, 0.1, 0.1])
    lab_ev = rng.choice(3, n, p=[0.8, 0.1, 0.1])
    z_sel = rng.random((n, 4)) * 0.1
    z_ev = rng.random((n, 4)) * 0.1
    z_sel[:, 1] += 2.0 * (lab_sel == 1)  # on selection, latent 1 tracks type "a" ...
    z_ev[:, 0] += 2.0 * (lab_ev == 1)  # ... on the held-out split latent 0 would: the choice is not re-made there
    z_ev[:, 1] += 0.5 * (lab_ev == 1) * rng.random(n)
    z_sel[:, 3] += 1.0 * (lab_sel == 2)
    z_ev[:, 3] += 1.0 * (lab_ev == 2)
    m = concept_metrics(z_sel, lab_sel, z_ev, lab_ev, ["a", "b"])
    a, b = m["per_type"]["a"], m["per_type"]["b"]
    assert a["latent"] == 1 and b["latent"] == 3
    assert a["ap"] == pytest.approx(average_precision_score(lab_ev == 1, z_ev[:, 1]))
    top16 = np.argsort(-z_ev[:, 1], kind="stable")[:16]
    assert a["purity"] == pytest.approx(np.mean(lab_ev[top16] == 1))
    assert b["purity"] == 1.0 and b["ap"] == pytest.approx(1.0)
    assert m["map"] == pytest.approx((a["ap"] + b["ap"]) / 2)
    assert m["coverage_at_0.3"] == pytest.approx(np.mean([a["ap"] > 0.3, b["ap"] > 0.3]))
    assert m["purity_at_16"] == pytest.approx((a["purity"] + 1.0) / 2)


def _tokens(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((40, d))
    return ((rng.random((n, 40)) < 0.1) * rng.uniform(0.5, 2, (n, 40)) @ basis + 0.5).astype(np.float32)


def test_pca_baseline_is_pca_with_k_active_latents():
    x = _tokens(3000)
    dic = pca_dictionary(x[:2500], k=5)
    z = dic.encode(x[2500:])
    assert z.shape == (500, 10) and (np.count_nonzero(z, axis=1) == 5).all()
    ref = PCA(n_components=5, random_state=0).fit(x[:2500])
    np.testing.assert_allclose(dic.decode(z), ref.inverse_transform(ref.transform(x[2500:])), atol=1e-4)


def test_random_sae_keeps_its_random_weights_and_fits_only_the_biases():
    x = _tokens(4000)
    cfg0, w0 = random_sae(x, k=4, width=32, seed=3, steps=0, batch_tokens=256)
    cfg, w = random_sae(x, k=4, width=32, seed=3, steps=40, batch_tokens=256)
    assert cfg == cfg0 and cfg.k == 4 and cfg.width == 32
    np.testing.assert_array_equal(w.W_dec, w0.W_dec)  # frozen
    np.testing.assert_array_equal(w.W_enc, w0.W_enc)
    np.testing.assert_allclose(w.W_enc * (w.W_dec[0] @ w.W_dec[0]), w.W_dec.T, rtol=1e-5)  # the trainer's tied init
    assert not np.array_equal(w.b_dec, w0.b_dec) and not np.array_equal(w.b_enc, w0.b_enc)
    d0, d1 = sae_dictionary("r0", cfg0, w0), sae_dictionary("r", cfg, w)
    assert fvu(x, d1.decode(d1.encode(x))) < fvu(x, d0.decode(d0.encode(x)))  # the biases were fitted


def test_measure_dictionary_reports_reconstruction_and_concepts():
    x = _tokens(3000)
    labels = np.random.default_rng(1).choice(3, 3000, p=[0.9, 0.05, 0.05])
    out = measure_dictionary(pca_dictionary(x[:2000], 4), x[:1000], labels[:1000], x[2000:], labels[2000:], ["a", "b"])
    assert out["test"]["l0"] == pytest.approx(4.0) and out["k"] == 4 and out["width"] == 8
    assert set(out["concepts"]["per_type"]) == {"a", "b"} and 0 <= out["concepts"]["map"] <= 1
