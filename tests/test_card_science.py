"""The model card's science sections: they show the measured figures and say plainly when the
trained SAE does not beat a baseline."""

from __future__ import annotations

import copy

from app.pipeline.card_science import baseline_verdicts, science_sections


def _dic(name: str, fvu: float, m: float, purity: float, cov: float) -> dict:
    return {"name": name, "width": 64, "k": 4, "test": {"fvu": fvu, "l0": 4.0, "dead_fraction": 0.02},
            "concepts": {"k": 16, "tau": 0.3, "map": m, "purity_at_16": purity, "coverage_at_0.3": cov,
                         "per_type": {"scratch": {"ap": m}}}}


def _matrix(diag: float, vs_random: float) -> dict:
    return {"columns": ["scratch", "crack"], "sets": {"scratch": [1, 2], "crack": [2, 3]}, "shared_latents": {"2": ["scratch", "crack"]},
            "rows": [{"type": "scratch", "parts": 4, "mean_abs_delta": {"scratch": 0.02, "crack": 0.01},
                      "ci95": {"scratch": [0.01, 0.03], "crack": [0.0, 0.02]}, "diagonal_ratio": diag,
                      "diagonal_ratio_ci95": [1.0, 3.0], "assoc_vs_random": vs_random, "assoc_vs_random_ci95": [2.0, 9.0],
                      "control_mean_abs_delta": 0.004, "controls": 12}]}


CAUSAL = {
    "latents_per_type": 2, "control_draws": 3,
    "per_type": {"scratch": {"images": 4, "latents": [1, 2], "mean_abs_delta_assoc": 0.02, "mean_abs_delta_control": 0.004,
                             "ratio": 5.0, "ratio_ci95": [2.0, 9.0], "diagonal_ratio": 2.0}},
    "cross_type": _matrix(2.0, 5.0),
    "baselines": {"random SAE": {"cross_type": _matrix(1.1, 1.5)}, "PCA (4 components, ±)": {"cross_type": _matrix(1.0, 1.2)}},
    "dictionaries": {"trained SAE": _dic("trained SAE", 0.01, 0.30, 0.8, 0.5), "random SAE": _dic("random SAE", 0.2, 0.05, 0.1, 0.0),
                     "PCA (4 components, ±)": _dic("PCA", 0.005, 0.08, 0.2, 0.0)},
}
SELECTION = {"chosen": "sae_topk_k4_w64", "candidates": [
    {"name": "sae_topk_k4_w64", "objective": "plain", "concepts": CAUSAL["dictionaries"]["trained SAE"]["concepts"]},
    {"name": "sae_mtopk_k4_w64", "objective": "matryoshka", "concepts": _dic("m", 0.01, 0.35, 0.9, 0.5)["concepts"]},
]}


def test_a_trained_sae_that_wins_is_reported_with_every_figure():
    text = "\n".join(science_sections(SELECTION, CAUSAL))
    assert "| sae_mtopk_k4_w64 | matryoshka | 0.350 | 0.90 | 0.50 |" in text
    assert "| random SAE | 64 | 0.2000 |" in text and "5.00× [2.00, 9.00]" in text
    assert "mean \\|Δscore\\| (associated)" in text and "own ÷ other types" in text
    assert "#2 (scratch, crack)" in text  # the shared latent is named
    # PCA reconstructs better (lower FVU): said plainly, the rest is won
    assert baseline_verdicts(CAUSAL) == ["**The trained SAE does not beat the PCA (4 components, ±) on FVU.**"]


def test_a_trained_sae_that_loses_says_so_plainly():
    c = copy.deepcopy(CAUSAL)
    c["dictionaries"]["random SAE"]["concepts"]["map"] = 0.4  # the random SAE tracks the types better
    c["baselines"]["random SAE"]["cross_type"] = _matrix(3.0, 6.0)  # and is more specific causally
    v = baseline_verdicts(c)
    assert v[0] == "**The trained SAE does not beat the random SAE on mAP, own ÷ other types, own ÷ matched random.**"
    assert v[0] in "\n".join(science_sections(SELECTION, c))
