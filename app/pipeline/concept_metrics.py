"""How well single latents track the defect types: saev's concept metrics (Stevens et al., second
paper, arXiv 2511.17735, Table "NMSE, L0, Probe R, mAP, Purity@k, Cov@τ"; code in
``contrib/trait_discovery``: ``notebooks/008_pe.py`` ``get_mean_purity`` and the coverage loop).

Per class c (here: each defect type's patches, every other patch a negative):
- the best latent is chosen on a *selection* split (saev: by 1-D probe loss on train; here: by AP
  on validation) and measured on the *held-out* split, so the choice does not flatter the figure;
- AP: average precision of that latent's activation as a detector of c's patches (sklearn's
  definition, ``latent_stats.ap_matrix``); mAP is the mean over the classes;
- Purity@k (k = 16): precision of the latent's k highest-activating held-out patches, i.e. the share
  of them labelled c. (saev's code takes the share of the most common label among the top k; with
  a background class that dominates every image that would credit a latent for firing on good
  texture, so the precision for c, which is what the paper's text defines, is used);
- Coverage@τ (τ = 0.3): the share of classes whose best latent's AP exceeds τ (saev: ``ap_c > tau``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from app.pipeline.latent_stats import ap_matrix

PURITY_K = 16
COVERAGE_TAU = 0.3


def _onehot(labels_N: np.ndarray, n_types: int) -> np.ndarray:
    """[N, T] bool from patch labels (0 = no defect, 1..T = defect type)."""
    lab = np.asarray(labels_N).reshape(-1)
    return np.stack([lab == 1 + t for t in range(n_types)], axis=1)


def top_k_rows(column: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k largest values of one latent's activations (ties: the earlier row first)."""
    order = np.argsort(-np.asarray(column, np.float64), kind="stable")
    return order[:k]


def concept_metrics(
    codes_sel_NS: np.ndarray | sp.spmatrix, labels_sel_N: np.ndarray, codes_eval_MS: np.ndarray | sp.spmatrix,
    labels_eval_M: np.ndarray, types: Sequence[str], k: int = PURITY_K, tau: float = COVERAGE_TAU,
) -> dict[str, Any]:
    """Per type: the best latent by AP on the selection split, its AP and Purity@k on the held-out
    split; mean AP, mean Purity@k and Coverage@τ over the types with held-out positives."""
    n_t = len(types)
    on_sel, on_eval = _onehot(labels_sel_N, n_t), _onehot(labels_eval_M, n_t)
    ap_sel = np.nan_to_num(ap_matrix(codes_sel_NS, on_sel), nan=-1.0)  # [S, T]
    ap_eval = ap_matrix(codes_eval_MS, on_eval)
    ev = sp.csc_matrix(codes_eval_MS) if sp.issparse(codes_eval_MS) else np.asarray(codes_eval_MS)
    per: dict[str, Any] = {}
    for t, name in enumerate(types):
        if not on_eval[:, t].any() or not on_sel[:, t].any():
            continue
        best = int(np.argmax(ap_sel[:, t]))
        col = ev[:, best].toarray().reshape(-1) if sp.issparse(ev) else ev[:, best]
        rows = top_k_rows(col, k)
        per[name] = {"latent": best, "selection_ap": float(ap_sel[best, t]), "ap": float(ap_eval[best, t]),
                     "purity": float(on_eval[rows, t].mean()), "positives": int(on_eval[:, t].sum())}
    aps = [v["ap"] for v in per.values()]
    return {
        "per_type": per, "map": float(np.mean(aps)) if aps else float("nan"),
        f"purity_at_{k}": float(np.mean([v["purity"] for v in per.values()])) if per else float("nan"),
        f"coverage_at_{tau:g}": float(np.mean(np.array(aps) > tau)) if aps else float("nan"),
        "k": k, "tau": tau, "selection": "best latent by AP on validation, measured on test",
    }
