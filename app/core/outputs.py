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
    # [grid_h, grid_w], sigmoid of the patch head, 0..1; None for a model without a patch head,
    # whose map is measured instead (``InspectionSession.evidence_map``)
    patch_map: np.ndarray | None
    class_logits: np.ndarray  # [C]
    patch_logits: np.ndarray | None  # [P]

    @staticmethod
    def from_logits(
        class_logits_BC: np.ndarray, patch_logits_BP: np.ndarray | None, grid_hw: tuple[int, int]
    ) -> list[Outputs]:
        probs = softmax(class_logits_BC)
        maps = None if patch_logits_BP is None else sigmoid(patch_logits_BP).reshape(-1, *grid_hw)
        return [
            Outputs(
                score=float(1.0 - probs[i, 0]),
                class_probs=probs[i],
                patch_map=None if maps is None else maps[i],
                class_logits=class_logits_BC[i],
                patch_logits=None if patch_logits_BP is None else patch_logits_BP[i],
            )
            for i in range(class_logits_BC.shape[0])
        ]


@dataclass(frozen=True)
class Analysis:
    """Everything computed once per image; edits only re-run the suffix from here."""

    image_hw: tuple[int, int]
    tokens_TD: np.ndarray  # [T, D] residual stream after blocks[L] (prefix tokens, then the P patches)
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
