"""Sanity baselines for a trained SAE: a frozen random SAE and PCA, measured like the SAE.

- **Random SAE** (the 2026 sanity checks found frozen random SAEs nearly match trained ones on
  causal editing): the trainer's own initialisation (unit-norm random decoder rows, encoder = the
  decoder's transpose) with the same k and width, frozen; only the biases b_enc and b_dec are
  fitted, with the same TopK objective, input scale and batches as the trainer.
- **PCA** with the same number of active components: the first k principal components of the
  training tokens (scikit-learn), every one active on every token. Each component's sign is
  arbitrary, so it gives two latents, relu(+projection) and relu(−projection), with decoder rows
  ±component: 2k latents of which k are active per token, and the reconstruction is PCA's own.

Each is a ``LinearDictionary``: codes z = encode(x) [N, S] and x̂ = z @ W_dec + b_dec, so the same
code measures FVU/L0/dead, the concept metrics and, through the engine, causal specificity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.core.sae import SAEConfig, SAEWeights, encode


@dataclass(frozen=True)
class LinearDictionary:
    name: str
    W_dec_SD: np.ndarray  # [S, D]
    b_dec_D: np.ndarray  # [D]
    encode_fn: Callable[[np.ndarray], np.ndarray]
    active_per_token: int  # k: latents active on a token

    def encode(self, x_ND: np.ndarray) -> np.ndarray:
        return self.encode_fn(np.asarray(x_ND, np.float32)).astype(np.float32)

    def decode(self, z_NS: np.ndarray) -> np.ndarray:
        return z_NS @ self.W_dec_SD + self.b_dec_D

    @property
    def width(self) -> int:
        return int(self.W_dec_SD.shape[0])


def sae_dictionary(name: str, cfg: SAEConfig, w: SAEWeights) -> LinearDictionary:
    return LinearDictionary(name, w.W_dec, w.b_dec, lambda x: encode(w, cfg, x), int(cfg.k or 0))


def random_sae(
    train_tokens_ND: np.ndarray, k: int, width: int, seed: int = 0, steps: int = 300, batch_tokens: int = 1024, lr: float = 1e-3,
) -> tuple[SAEConfig, SAEWeights]:
    """A frozen random TopK SAE with fitted biases (see the module docstring), folded for raw tokens."""
    import torch

    from app.pipeline.train_sae import TrainableSAE, geometric_median, topk_loss

    x_all = np.asarray(train_tokens_ND, np.float32)
    n, d = x_all.shape
    gen = torch.Generator().manual_seed(seed)
    sample = torch.from_numpy(x_all[torch.randperm(n, generator=gen)[:20000].numpy()])
    scale = float(math.sqrt(d) / sample.norm(dim=1).mean())
    m = TrainableSAE(d, width, k, "topk", geometric_median(sample * scale), torch.Generator().manual_seed(seed * 1000 + 17))
    m.W_enc.requires_grad_(False)
    m.W_dec.requires_grad_(False)
    opt = torch.optim.Adam([m.b_enc, m.b_dec], lr=lr)
    rng = np.random.default_rng(seed)
    for step in range(steps):
        x = torch.from_numpy(x_all[np.sort(rng.choice(n, min(batch_tokens, n), replace=False))]) * scale
        loss = topk_loss(m, x, (step + 1) * batch_tokens, dead_window=10**12, aux_alpha=0.0)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return SAEConfig(d, width, "topk", k), m.folded_weights(scale)


def pca_dictionary(train_tokens_ND: np.ndarray, k: int, seed: int = 0, max_tokens: int = 200_000) -> LinearDictionary:
    """PCA with k active components as 2k signed latents (see the module docstring)."""
    from sklearn.decomposition import PCA

    x = np.asarray(train_tokens_ND, np.float32)
    if len(x) > max_tokens:
        x = x[np.sort(np.random.default_rng(seed).choice(len(x), max_tokens, replace=False))]
    pca = PCA(n_components=k, random_state=seed).fit(x)
    comps_KD = pca.components_.astype(np.float32)
    mean_D = pca.mean_.astype(np.float32)
    W = np.concatenate([comps_KD, -comps_KD])  # latent c: +component c; latent k + c: −component c

    def enc(v: np.ndarray) -> np.ndarray:
        p = (v - mean_D) @ comps_KD.T
        return np.concatenate([np.maximum(p, 0.0), np.maximum(-p, 0.0)], axis=1)

    return LinearDictionary(f"PCA ({k} components, ±)", W, mean_D, enc, k)


def encode_sparse(dic: LinearDictionary, x_ND: np.ndarray, chunk: int = 8192):  # noqa: ANN201 - scipy.sparse.csr_matrix
    """Codes of many tokens as a sparse matrix, encoded ``chunk`` at a time."""
    import scipy.sparse as sp

    return sp.vstack([sp.csr_matrix(dic.encode(x_ND[i : i + chunk])) for i in range(0, len(x_ND), chunk)]).tocsr()


def measure_dictionary(
    dic: LinearDictionary, sel_tokens_ND: np.ndarray, sel_labels_N: np.ndarray, eval_tokens_MD: np.ndarray,
    eval_labels_M: np.ndarray, types: list[str] | tuple[str, ...], chunk: int = 8192,
) -> dict:
    """Reconstruction (FVU, L0, dead and dense shares) and the concept metrics on the held-out
    tokens; the concept metrics' best latents are chosen on the selection tokens."""
    from app.pipeline.concept_metrics import concept_metrics
    from app.pipeline.sae_metrics import SAEMetricAccumulator

    acc = SAEMetricAccumulator(eval_tokens_MD.shape[1], dic.width)
    for i in range(0, len(eval_tokens_MD), chunk):
        x = np.asarray(eval_tokens_MD[i : i + chunk], np.float32)
        z = dic.encode(x)
        acc.add(x, dic.decode(z), z)
    out = {"name": dic.name, "width": dic.width, "k": dic.active_per_token, "test": acc.result()}
    out["concepts"] = concept_metrics(encode_sparse(dic, sel_tokens_ND, chunk), sel_labels_N,
                                      encode_sparse(dic, eval_tokens_MD, chunk), eval_labels_M, types)
    return out


FIT_TOKENS = 200_000  # training tokens the baselines are fitted on (a seeded sample)


def build_baselines(  # noqa: ANN001
    rec, train_ids: list[int], val_ids: list[int], test_ids: list[int], sae_cfg: SAEConfig, sae_w: SAEWeights, seed: int = 0,
    random_steps: int = 300,
) -> tuple[list[tuple[LinearDictionary, np.ndarray]], dict]:
    """The random SAE and PCA for the chosen SAE (same k and width; same number of active components),
    each with its validation AP [S, T] (to pick its type-associated latents), and the figures of the
    trained SAE and both baselines: reconstruction and concept metrics on the held-out test tokens."""
    from app.pipeline.latent_stats import ap_matrix

    types = list(rec.header["defect_types"])
    labels = rec.defect_label_NP()
    train = rec.tokens_for(train_ids)
    if len(train) > FIT_TOKENS:
        train = train[np.sort(np.random.default_rng(seed).choice(len(train), FIT_TOKENS, replace=False))]
    train = np.asarray(train, np.float32)
    k = int(sae_cfg.k or 16)
    dics = [sae_dictionary("trained SAE", sae_cfg, sae_w),
            sae_dictionary("random SAE", *random_sae(train, k, sae_cfg.width, seed, steps=random_steps)),
            pca_dictionary(train, k, seed)]
    val_tok, test_tok = rec.tokens_for(val_ids), rec.tokens_for(test_ids)
    val_lab, test_lab = labels[val_ids].reshape(-1), labels[test_ids].reshape(-1)
    report = {d.name: measure_dictionary(d, val_tok, val_lab, test_tok, test_lab, types) for d in dics}
    onehot = np.stack([val_lab == 1 + t for t in range(len(types))], axis=1)
    with_ap = [(d, np.nan_to_num(ap_matrix(encode_sparse(d, val_tok), onehot), nan=0.0)) for d in dics[1:]]
    return with_ap, report
