"""Typed results of the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def softmax(logits_BC: np.ndarray) -> np.ndarray:
    x = logits_BC.astype(np.float64)
    x = np.exp(x - x.max(axis=-1, keepdims=True))
    return x / x.sum(axis=-1, keepdims=True)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


@dataclass(frozen=True)
class Outputs:
    score: float  # 1 - p(ok): the raw defect score, never thresholded here
    class_probs: np.ndarray  # [C]
    patch_map: np.ndarray  # [grid_h, grid_w], sigmoid of the patch head, 0..1
    class_logits: np.ndarray  # [C]
    patch_logits: np.ndarray  # [P]

    @staticmethod
    def from_logits(class_logits_BC: np.ndarray, patch_logits_BP: np.ndarray, grid_hw: tuple[int, int]) -> list[Outputs]:
        probs = softmax(class_logits_BC)
        maps = sigmoid(patch_logits_BP).reshape(-1, *grid_hw)
        return [
            Outputs(
                score=float(1.0 - probs[i, 0]),
                class_probs=probs[i],
                patch_map=maps[i],
                class_logits=class_logits_BC[i],
                patch_logits=patch_logits_BP[i],
            )
            for i in range(class_logits_BC.shape[0])
        ]


@dataclass(frozen=True)
class Analysis:
    """Everything computed once per image; edits only re-run the suffix from here."""

    image_hw: tuple[int, int]
    tokens_TD: np.ndarray  # [1+P, D] residual stream after blocks[L]
    codes_PS: np.ndarray  # [P, S] SAE codes of the patch tokens
    recon_PD: np.ndarray  # [P, D] SAE reconstruction of the patch tokens
    baseline: Outputs
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class LatentSummary:
    id: int
    label: str
    activation: float  # sum over patches of m_p * z_p (coverage-weighted, in the region)
    mean_in: float  # mean activation per covered patch in the region
    mean_out: float  # mean activation per patch outside the region
    frequency: float  # share of training patches where it fires (or of this image's)
    # activation - area * mean_out: what the region holds beyond the latent's level in the rest
    # of the image; the listing's order. Equals ``activation`` when the region is the whole image.
    excess: float = 0.0
