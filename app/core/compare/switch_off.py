"""A latent switched off in one model and its counterpart switched off in the other, each against
that model's own controls.

Switching latent i off in the region is ``app.core.causal_dose.inject`` at r = 0: Δz_p = m_p (0 − z_p),
exactly the ``off`` edit, and ``inject`` brings its controls (random latents given the same
per-patch code change, random directions with the same per-patch token norms; see
``app.core.causal_controls``). The two effects are never compared as raw numbers across models:
each is read against its own model's controls (p-values, ratio to the controls' mean |Δscore|),
since the two models' scores need not move on the same scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.causal_controls import ALPHA
from app.core.causal_dose import InjectionResult, inject
from app.core.compare.counterparts import (
    MIN_R,
    Counterpart,
    LatentCorrelation,
    Side,
    check_correlation_fits,
    label_functions,
)
from app.core.compare.paired import check_same_image


def _f(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True)
class SwitchOffEffect:
    """One latent switched off in the region of one model, against that model's controls."""

    side: Side
    latent: int
    label: str
    activation: float  # Σ_p m_p z_p of the latent in the region
    threshold: float
    result: InjectionResult  # inject(r = 0): scores, maps and every control's Δscore

    @property
    def delta_score(self) -> float:
        return self.result.delta_score

    @property
    def p_vs_random_latents(self) -> float:
        return self.result.p_latents

    @property
    def p_vs_random_directions(self) -> float:
        return self.result.p_directions

    @property
    def significant(self) -> bool:
        """It moves the score more than both kinds of control (each p ≤ ALPHA)."""
        return max(self.p_vs_random_latents, self.p_vs_random_directions) <= ALPHA

    @property
    def ratio_vs_controls(self) -> float:
        """|Δscore| ÷ the mean |Δscore| of all its controls (inf when every control left the score alone)."""
        c = np.abs(np.concatenate([self.result.control_deltas, self.result.direction_deltas]))
        m = float(c.mean()) if c.size else float("nan")
        return abs(self.delta_score) / m if m > 0 else (float("inf") if self.delta_score != 0 else float("nan"))

    @property
    def verdict_flips(self) -> bool:
        before = self.result.baseline_score >= self.threshold
        return before != (self.result.score >= self.threshold)

    def to_json(self) -> dict[str, Any]:
        r = self.result
        band = r.control_band()
        return {
            "side": self.side, "latent": self.latent, "label": self.label, "activation": self.activation,
            "baseline_score": r.baseline_score, "score": r.score, "delta_score": r.delta_score,
            "threshold": self.threshold, "verdict_flips": self.verdict_flips,
            "p_vs_random_latents": self.p_vs_random_latents, "p_vs_random_directions": self.p_vs_random_directions,
            "significant": self.significant, "ratio_vs_controls": _f(self.ratio_vs_controls),
            "controls": {"random_latents": int(r.control_deltas.size), "random_directions": int(r.direction_deltas.size),
                         "abs_p50": _f(band.abs_p50), "abs_p95": _f(band.abs_p95)},
            "specificity": r.specificity.to_json(), "seed": r.seed,
        }


@dataclass(frozen=True)
class PairedSwitchOff:
    counterpart: Counterpart
    chosen: SwitchOffEffect  # the latent the user chose, in its own model
    other: SwitchOffEffect | None  # its counterpart switched off in the other model; None without a counterpart

    @property
    def a(self) -> SwitchOffEffect | None:
        return self.chosen if self.chosen.side == "A" else self.other

    @property
    def b(self) -> SwitchOffEffect | None:
        return self.chosen if self.chosen.side == "B" else self.other

    @property
    def same_direction(self) -> bool | None:
        """Both switch-offs move their model's score the same way, and both beat their controls (None without a counterpart)."""
        if self.other is None:
            return None
        return bool(self.chosen.significant and self.other.significant
                    and np.sign(self.chosen.delta_score) == np.sign(self.other.delta_score))

    def to_json(self) -> dict[str, Any]:
        return {"counterpart": self.counterpart.to_json(), "a": None if self.a is None else self.a.to_json(),
                "b": None if self.b is None else self.b.to_json(), "same_direction": self.same_direction}


def switch_off_effect(session, mask_HW: np.ndarray | None, latent: int, side: Side = "A", controls: int = 64,  # noqa: ANN001
                      seed: int = 0, user_labels: Mapping[int, str] | None = None) -> SwitchOffEffect:
    """``latent`` switched off in the region of one model, with ``controls`` controls of each kind."""
    res = inject(session, mask_HW, latent, r=0.0, controls=controls, seed=seed, user_labels=dict(user_labels or {}))
    m_P = session.patch_weights(mask_HW)
    act = float(m_P @ session.analysis.codes_PS[:, res.latent])
    return SwitchOffEffect(side, res.latent, res.label, act, float(session.bundle.manifest.threshold), res)


def switch_off_with_counterpart(
    session_a, session_b, corr: LatentCorrelation, mask_HW: np.ndarray | None, latent: int,  # noqa: ANN001
    side: Side = "A", controls: int = 64, seed: int = 0, min_r: float = MIN_R,
    user_labels_a: Mapping[int, str] | None = None, user_labels_b: Mapping[int, str] | None = None,
) -> PairedSwitchOff:
    """Switch ``latent`` of ``side`` off in the region, and its counterpart in the other model (if it has
    one at ``min_r``), each against its own model's controls (same seed and count)."""
    check_same_image(session_a, session_b)
    check_correlation_fits(session_a, session_b, corr)
    cp = corr.counterpart(latent, side, min_r, label_functions(session_a, session_b, user_labels_a, user_labels_b))
    sessions = {"A": (session_a, user_labels_a), "B": (session_b, user_labels_b)}
    own_s, own_labels = sessions[side]
    chosen = switch_off_effect(own_s, mask_HW, latent, side, controls, seed, own_labels)
    other = None
    if cp.matched:
        other_side: Side = "B" if side == "A" else "A"
        other_s, other_labels = sessions[other_side]
        other = switch_off_effect(other_s, mask_HW, cp.other, other_side, controls, seed, other_labels)
    return PairedSwitchOff(cp, chosen, other)
