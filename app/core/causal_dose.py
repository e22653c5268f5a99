"""Dose–response and injection of one latent in a painted region, each against matched controls.

The ranking of every latent (``app.core.causal``) asks which latent matters; these two ask how
much one latent matters as its strength moves (a dose curve through off, baseline and beyond)
and whether writing it where it was silent creates the verdict (injection). Both run the suffix
on rank-1 token edits, like the ranking, and share its controls and specificity measure.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.core.causal import (
    ControlBand,
    Specificity,
    _analysis,
    _band,
    _check_latent,
    _f,
    control_pool_inputs,
    percentile_vs,
    run_rank1,
    specificity,
)
from app.core.causal_controls import (
    draw_control_latents,
    empirical_p,
    random_unit_directions,
)
from app.core.errors import InspectorError

MIN_DOSE_POINTS = 21


# --- dose–response ------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseResponse:
    """Score and class probabilities of ``scale`` edits of one latent in the region."""

    latent: int
    label: str
    activation: float  # coverage-weighted activation in the region
    strengths_K: np.ndarray  # [K] scale factors, sorted; includes 0 (off) and 1 (baseline) when in range
    scores_K: np.ndarray  # [K]
    class_probs_KC: np.ndarray  # [K, C]
    patch_maps_Khw: np.ndarray  # [K, h, w]
    class_names: tuple[str, ...]
    baseline_score: float
    timings_ms: dict[str, float] = field(default_factory=dict)

    def index_of(self, strength: float) -> int:
        return int(np.argmin(np.abs(self.strengths_K - strength)))

    def to_json(self) -> dict[str, Any]:
        return {
            "latent": self.latent, "label": self.label, "activation": self.activation,
            "baseline_score": self.baseline_score,
            "strengths": self.strengths_K.tolist(), "scores": self.scores_K.tolist(),
            "classes": {n: self.class_probs_KC[:, c].tolist() for c, n in enumerate(self.class_names)},
            "timings_ms": dict(self.timings_ms),
        }


def dose_strengths(strength_range: float, points: int) -> np.ndarray:
    if not (math.isfinite(strength_range) and strength_range > 0):
        raise InspectorError("bad_argument", f"the strength range must be a positive number, got {strength_range}")
    if points < MIN_DOSE_POINTS:
        raise InspectorError("bad_argument", f"a dose curve needs at least {MIN_DOSE_POINTS} points, got {points}")
    s = np.linspace(-strength_range, strength_range, int(points))
    extra = [v for v in (0.0, 1.0) if v <= strength_range]
    s = np.unique(np.concatenate([s, extra]))
    # drop grid points that nearly coincide with the exact 0 / 1 we inserted
    keep = np.ones(s.size, bool)
    for v in extra:
        near = np.nonzero((np.abs(s - v) < 1e-9) & (s != v))[0]
        keep[near] = False
    return s[keep]


def dose_response(
    session, mask_HW: np.ndarray | None, latent: int, strength_range: float = 4.0, points: int = 21,  # noqa: ANN001
    user_labels: dict[int, str] | None = None,
) -> DoseResponse:
    """``scale`` edit of ``latent`` in the region at strengths −s..+s (≥ 21 points; 0 and 1 included)."""
    t0 = time.perf_counter()
    a = _analysis(session)
    latent = _check_latent(session, latent)
    strengths = dose_strengths(float(strength_range), int(points))
    m_P = session.patch_weights(mask_HW).astype(np.float32)
    cz_P = m_P * a.codes_PS[:, latent]
    coeff_KP = (strengths.astype(np.float32) - np.float32(1.0))[:, None] * cz_P[None, :]
    dirs = np.repeat(session.bundle.sae_weights.W_dec[latent][None], strengths.size, axis=0)
    t1 = time.perf_counter()
    outs = run_rank1(session, a.tokens_TD, coeff_KP, dirs)
    t2 = time.perf_counter()
    return DoseResponse(
        latent=latent, label=session.label(latent, user_labels), activation=float(cz_P.sum()),
        strengths_K=strengths, scores_K=np.array([o.score for o in outs]),
        class_probs_KC=np.array([o.class_probs for o in outs]), patch_maps_Khw=np.array([o.patch_map for o in outs]),
        class_names=tuple(session.class_names), baseline_score=float(a.baseline.score),
        timings_ms={"build": (t1 - t0) * 1e3, "suffix": (t2 - t1) * 1e3, "total": (t2 - t0) * 1e3},
    )


# --- injection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InjectionResult:
    """``set`` edit at r × reference in the region, against random latents given the same per-patch
    code change in the region and random directions with the same per-patch token norms."""

    latent: int
    label: str
    r: float
    reference: float
    score: float
    class_probs_C: np.ndarray  # [C]
    patch_map_hw: np.ndarray  # [h, w]
    baseline_score: float
    delta_score: float
    delta_class_probs_C: np.ndarray  # [C]
    percentile_vs_control: float  # of |Δscore| among the random-latent controls' |Δscore|
    percentile_signed: float  # of Δscore among the random-latent controls' Δscore (is it more defect-making?)
    specificity: Specificity
    control_latents: np.ndarray  # [C]
    control_deltas: np.ndarray  # [C] Δscore of the random-latent controls
    class_names: tuple[str, ...]
    threshold: float
    seed: int
    timings_ms: dict[str, float] = field(default_factory=dict)
    direction_deltas: np.ndarray = field(default_factory=lambda: np.zeros(0))  # [C] Δscore of the random directions
    control_from_dictionary: int = 0  # random-latent controls drawn from the dictionary top-up

    @property
    def creates_defect(self) -> bool:
        return self.baseline_score < self.threshold <= self.score

    @property
    def p_latents(self) -> float:
        return empirical_p(self.delta_score, self.control_deltas)

    @property
    def p_directions(self) -> float:
        return empirical_p(self.delta_score, self.direction_deltas)

    def control_band(self) -> ControlBand:
        return _band("random_latents", self.control_deltas)

    def to_json(self) -> dict[str, Any]:
        return {
            "latent": self.latent, "label": self.label, "r": self.r, "reference": self.reference,
            "baseline_score": self.baseline_score, "score": self.score, "delta_score": self.delta_score,
            "classes": {n: float(p) for n, p in zip(self.class_names, self.class_probs_C)},
            "percentile_vs_control": _f(self.percentile_vs_control), "percentile_signed": _f(self.percentile_signed),
            "p_vs_random_latents": self.p_latents, "p_vs_random_directions": self.p_directions,
            "specificity": self.specificity.to_json(), "creates_defect": self.creates_defect, "threshold": self.threshold,
            "controls": {"latents": self.control_latents.tolist(), "delta_scores": self.control_deltas.tolist(),
                         "direction_delta_scores": self.direction_deltas.tolist(), "band": self.control_band().to_json()},
            "controls_used": {"random_latents": int(self.control_deltas.size), "random_directions": int(self.direction_deltas.size),
                              "random_latents_from_dictionary": self.control_from_dictionary},
            "seed": self.seed, "timings_ms": dict(self.timings_ms),
        }


def inject(
    session, mask_HW: np.ndarray | None, latent: int, r: float = 1.0, controls: int = 64, seed: int = 0,  # noqa: ANN001
    user_labels: dict[int, str] | None = None,
) -> InjectionResult:
    """Set ``latent`` to r × its reference in the region. Controls (``controls`` of each kind): random
    latents active anywhere in the image (topped up from the dictionary near its reference activation)
    given the very same per-patch code change Δz_p = m_p (r·ref − z_p) in the region, and random
    directions with the same per-patch token norms."""
    if not math.isfinite(r):
        raise InspectorError("bad_argument", f"r must be a finite number, got {r}")
    if controls < 1:
        raise InspectorError("bad_argument", f"--controls must be at least 1, got {controls}")
    t0 = time.perf_counter()
    a = _analysis(session)
    latent = _check_latent(session, latent)
    m_P = session.patch_weights(mask_HW).astype(np.float32)
    ref_S, alive = control_pool_inputs(session)
    rng_lat, rng_dir = np.random.default_rng([int(seed), 3]), np.random.default_rng([int(seed), 4])
    ctl = draw_control_latents(a.codes_PS.max(axis=0) > 0, np.array([latent]), ref_S, controls, rng_lat, alive)
    ctrl = ctl.latent_RN[:, 0]
    W = session.bundle.sae_weights.W_dec
    dz_P = m_P * (np.float32(r) * ref_S[latent] - a.codes_PS[:, latent])  # [P] = m (r·ref − z)
    u_CD = random_unit_directions(controls, W.shape[1], rng_dir)
    coeff = np.concatenate([np.tile(dz_P, (1 + controls, 1)),
                            np.tile(dz_P * np.float32(np.linalg.norm(W[latent])), (controls, 1))])
    dirs = np.concatenate([W[[latent]], W[ctrl], u_CD])
    t1 = time.perf_counter()
    outs = run_rank1(session, a.tokens_TD, coeff, dirs)
    t2 = time.perf_counter()
    base = a.baseline
    deltas = np.array([o.score for o in outs]) - base.score
    ctrl_d, dir_d = deltas[1 : 1 + controls], deltas[1 + controls :]
    spec = specificity(base.patch_map, outs[0].patch_map, m_P)
    return InjectionResult(
        latent=latent, label=session.label(latent, user_labels), r=float(r), reference=float(ref_S[latent]),
        score=float(outs[0].score), class_probs_C=outs[0].class_probs, patch_map_hw=outs[0].patch_map,
        baseline_score=float(base.score), delta_score=float(deltas[0]), delta_class_probs_C=outs[0].class_probs - base.class_probs,
        percentile_vs_control=percentile_vs(abs(deltas[0]), np.abs(ctrl_d)), percentile_signed=percentile_vs(deltas[0], ctrl_d),
        specificity=spec, control_latents=ctrl, control_deltas=ctrl_d, class_names=tuple(session.class_names),
        threshold=float(session.bundle.manifest.threshold), seed=int(seed),
        timings_ms={"build": (t1 - t0) * 1e3, "suffix": (t2 - t1) * 1e3, "total": (t2 - t0) * 1e3},
        direction_deltas=dir_d, control_from_dictionary=int(ctl.from_dictionary_RN.sum()),
    )
