"""Causal analysis in a painted region: rank latents by measured effect against controls,
dose–response of one latent, and injection ("paint a scratch here").

Every experiment is a set of rank-1 token edits of the cached layer-L tokens:

    x'_p = x_p + c_p · v        c [P] per-patch coefficient, v [D] a direction

- switching latent i off in the region:    c_p = −m_p z_{p,i},            v = W_dec[i]
- scaling it by a:                          c_p = (a − 1) m_p z_{p,i},      v = W_dec[i]
- setting it to r × reference:              c_p = m_p (r·ref_i − z_{p,i}), v = W_dec[i]
- a random-direction control (profile of latent j):
                                            c_p = −m_p z_{p,j} ‖W_dec[j]‖, v = u (unit, random)

These are exactly the updates ``InspectionSession.edited_tokens`` makes for single-latent
edits (same float32 operations), built for the whole batch in one vectorised numpy step and
run in one ``run_token_batch`` call (the session chunks the suffix by 64).

Controls (one null distribution per region, drawn from ``seed``):
- random latents: active in the region but outside the top N, switched off; each draw aims at
  a ranked latent's coverage-weighted activation (cycling through them) and picks a candidate
  with a Gaussian kernel in log-activation, so the controls' activation distribution follows
  the ranked latents' as closely as the remaining latents allow;
- random directions: a random unit direction subtracted in the region with the per-patch
  norms of a ranked latent's removed contribution (cycling through them), so the total
  norm ‖Δtokens‖_F is that latent's too. ``direction_profile="uniform"`` spreads the same
  total norm over the region by m alone.

No Qt, no global state: results are frozen dataclasses with ``to_json()``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from app.core.errors import InspectorError

UNSPECIFIC_RATIO = 0.5  # outside change > this × inside change ⇒ unspecific
MIN_DOSE_POINTS = 21
DirectionProfile = Literal["latent", "uniform"]
ControlKind = Literal["random_latents", "random_directions"]


# --- small helpers ------------------------------------------------------------------------


def _f(x: float) -> float | None:
    """float for JSON: NaN/inf become None."""
    x = float(x)
    return x if math.isfinite(x) else None


def _analysis(session):  # noqa: ANN001, ANN202
    if session.analysis is None:
        raise InspectorError("no_image", "no image has been analysed yet")
    return session.analysis


def _check_latent(session, latent: int) -> int:  # noqa: ANN001
    width = session.width
    if not isinstance(latent, (int, np.integer)) or not 0 <= int(latent) < width:
        raise InspectorError(
            "latent_range", f"latent {latent} does not exist: this SAE has latents 0..{width - 1}", latent=latent, width=width
        )
    return int(latent)


def percentile_vs(value: float, pool: np.ndarray) -> float:
    """Mid-rank percentile (0..100) of ``value`` among ``pool``; NaN for an empty pool."""
    pool = np.asarray(pool, np.float64)
    if pool.size == 0:
        return float("nan")
    below = np.count_nonzero(pool < value)
    ties = np.count_nonzero(pool == value)
    return float(100.0 * (below + 0.5 * ties) / pool.size)


def build_rank1_tokens(tokens_TD: np.ndarray, coeff_BP: np.ndarray, dirs_BD: np.ndarray) -> np.ndarray:
    """[B, T, D]: tokens with patch p of variant b moved by coeff[b, p] · dirs[b]; CLS and registers untouched.

    One vectorised step for the whole batch (the per-edit Python path costs ~10× more)."""
    b = coeff_BP.shape[0]
    n_pre = tokens_TD.shape[0] - coeff_BP.shape[1]
    out = np.empty((b, *tokens_TD.shape), np.float32)
    if b == 0:
        return out
    patches = out[:, n_pre:]
    np.multiply(coeff_BP.astype(np.float32, copy=False)[:, :, None], dirs_BD.astype(np.float32, copy=False)[:, None, :], out=patches)
    patches += tokens_TD[None, n_pre:]
    out[:, :n_pre] = tokens_TD[:n_pre]
    return out


# --- specificity --------------------------------------------------------------------------


@dataclass(frozen=True)
class Specificity:
    """Mean |Δ patch defect map| inside the region (m > 0) against outside it (m == 0)."""

    inside: float
    outside: float  # NaN when the region is the whole image
    unspecific: bool  # outside > UNSPECIFIC_RATIO × inside

    @property
    def ratio(self) -> float:
        """outside / inside (NaN without an outside, inf when nothing changed inside but outside did)."""
        if not math.isfinite(self.outside):
            return float("nan")
        if self.inside == 0:
            return 0.0 if self.outside == 0 else float("inf")
        return self.outside / self.inside

    def to_json(self) -> dict[str, Any]:
        return {"inside": _f(self.inside), "outside": _f(self.outside), "ratio": _f(self.ratio), "unspecific": self.unspecific}


def specificity_batch(before_hw: np.ndarray, after_Bhw: np.ndarray, m_P: np.ndarray) -> list[Specificity]:
    """Specificity of each variant's patch map [B, h, w] against the baseline map [h, w]."""
    b = after_Bhw.shape[0]
    diff_BP = np.abs(np.asarray(after_Bhw, np.float64).reshape(b, -1) - np.asarray(before_hw, np.float64).reshape(1, -1))
    inside = m_P > 0
    outside = ~inside
    ins = diff_BP[:, inside].mean(axis=1) if inside.any() else np.zeros(b)
    outs = diff_BP[:, outside].mean(axis=1) if outside.any() else np.full(b, np.nan)
    return [
        Specificity(float(i), float(o), bool(math.isfinite(o) and o > UNSPECIFIC_RATIO * i))
        for i, o in zip(ins, outs)
    ]


def specificity(before_hw: np.ndarray, after_hw: np.ndarray, m_P: np.ndarray) -> Specificity:
    return specificity_batch(before_hw, np.asarray(after_hw)[None], m_P)[0]


# --- controls -----------------------------------------------------------------------------


def matched_random_latents(
    act_S: np.ndarray, ranked_N: np.ndarray, n: int, rng: np.random.Generator, bandwidth: float | None = None
) -> np.ndarray:
    """[n] latents active in the region (act > 0) but not ranked, drawn with replacement.

    Draw c aims at ranked latent c mod N's activation and picks candidate j with weight
    exp(−½ ((log a_j − log a_target) / h)²); h defaults to the ranked log-activations' spread
    (Silverman, at least 0.25). Empty when no candidate exists."""
    ranked_N = np.asarray(ranked_N, np.int64)
    is_cand = act_S > 0
    is_cand[ranked_N] = False
    cand = np.nonzero(is_cand)[0]
    if n <= 0 or cand.size == 0 or ranked_N.size == 0:
        return np.zeros(0, np.int64)
    log_c = np.log(act_S[cand].astype(np.float64))
    log_r = np.log(act_S[ranked_N].astype(np.float64))
    if bandwidth is None:
        sd = float(np.std(log_r)) if log_r.size > 1 else 0.0
        bandwidth = max(0.25, 1.06 * sd * log_r.size ** (-1 / 5))
    targets = log_r[np.arange(n) % log_r.size]
    logw = -0.5 * ((log_c[None, :] - targets[:, None]) / bandwidth) ** 2  # [n, cand]
    w = np.exp(logw - logw.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    u = rng.random(n)
    idx = (w.cumsum(axis=1) < u[:, None]).sum(axis=1)
    return cand[np.minimum(idx, cand.size - 1)]


def random_unit_directions(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """[n, D] unit vectors, uniform on the sphere."""
    u = rng.standard_normal((n, d))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return u.astype(np.float32)


def _control_rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent streams per control kind, so changing one kind's count leaves the other's draws."""
    return np.random.default_rng([int(seed), 1]), np.random.default_rng([int(seed), 2])


# --- ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedLatent:
    id: int
    label: str
    activation: float  # coverage-weighted activation Σ_p m_p z_p in the region
    delta_score: float  # score after switching it off in the region − baseline
    delta_class_probs_C: np.ndarray  # [C]
    percentile_vs_control: float  # of |Δscore| among the pooled controls' |Δscore| (0..100)
    beats_p95: bool  # |Δscore| > the 95th percentile of the pooled controls' |Δscore|
    specificity: Specificity
    removed_norm: float  # ‖Δtokens‖_F of switching it off

    def to_json(self, class_names: Sequence[str] = ()) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "label": self.label, "activation": float(self.activation), "delta_score": float(self.delta_score),
            "percentile_vs_control": _f(self.percentile_vs_control), "specificity": self.specificity.to_json(),
            "beats_p95": self.beats_p95, "removed_norm": float(self.removed_norm),
        }
        if class_names:
            d["delta_classes"] = {n: float(v) for n, v in zip(class_names, self.delta_class_probs_C)}
        return d


@dataclass(frozen=True)
class ControlEffect:
    kind: ControlKind
    latent: int  # random_latents: the control latent; random_directions: the ranked latent whose norm it copies
    activation: float  # coverage-weighted activation of that latent in the region
    norm: float  # ‖Δtokens‖_F of the control edit
    delta_score: float
    delta_class_probs_C: np.ndarray  # [C]
    specificity: Specificity
    direction_D: np.ndarray | None = None  # random_directions: the unit direction u [D] (subtracted)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "latent": self.latent, "activation": float(self.activation), "norm": float(self.norm),
                "delta_score": float(self.delta_score), "specificity": self.specificity.to_json()}


@dataclass(frozen=True)
class ControlBand:
    """Quantiles of one control kind's Δscore, for a band on the rank chart."""

    kind: str  # "random_latents" | "random_directions" | "pooled"
    n: int
    p05: float
    p50: float
    p95: float
    abs_p50: float
    abs_p95: float

    def to_json(self) -> dict[str, Any]:
        return {k: (_f(v) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _band(kind: str, d: np.ndarray) -> ControlBand:
    if d.size == 0:
        nan = float("nan")
        return ControlBand(kind, 0, nan, nan, nan, nan, nan)
    q = np.percentile(d, [5, 50, 95])
    aq = np.percentile(np.abs(d), [50, 95])
    return ControlBand(kind, int(d.size), float(q[0]), float(q[1]), float(q[2]), float(aq[0]), float(aq[1]))


@dataclass(frozen=True)
class RankResult:
    """Latents sorted by |Δscore| (largest effect first), with the region's controls."""

    latents: tuple[RankedLatent, ...]
    random_latents: tuple[ControlEffect, ...]
    random_directions: tuple[ControlEffect, ...]
    baseline_score: float
    baseline_class_probs_C: np.ndarray  # [C]
    class_names: tuple[str, ...]
    m_P: np.ndarray  # [P] patch weights of the region
    whole_image: bool
    active_in_region: int  # latents with Σ m z > 0
    seed: int
    top: int
    controls: int
    direction_profile: str
    timings_ms: dict[str, float] = field(default_factory=dict)

    def control_deltas(self, kind: ControlKind | Literal["pooled"] = "pooled") -> np.ndarray:
        """[C] Δscore of one control kind, or [2C] of both pooled."""
        effects = {"random_latents": self.random_latents, "random_directions": self.random_directions}.get(
            kind, self.random_latents + self.random_directions
        )
        return np.array([c.delta_score for c in effects], np.float64)

    def control_bands(self) -> dict[str, ControlBand]:
        return {k: _band(k, self.control_deltas(k)) for k in ("random_latents", "random_directions", "pooled")}  # type: ignore[arg-type]

    def control_p95_abs(self) -> float:
        d = np.abs(self.control_deltas())
        return float(np.percentile(d, 95)) if d.size else float("nan")

    def by_id(self, latent: int) -> RankedLatent | None:
        return next((r for r in self.latents if r.id == latent), None)

    @property
    def region_patches(self) -> int:
        return int(np.count_nonzero(self.m_P > 0))

    def to_json(self) -> dict[str, Any]:
        return {
            "latents": [r.to_json(self.class_names) for r in self.latents],
            "controls": {
                "random_latents": [c.delta_score for c in self.random_latents],
                "random_directions": [c.delta_score for c in self.random_directions],
            },
            "control_details": {
                "random_latents": [c.to_json() for c in self.random_latents],
                "random_directions": [c.to_json() for c in self.random_directions],
                "bands": {k: b.to_json() for k, b in self.control_bands().items()},
                "p95_abs": _f(self.control_p95_abs()),
                "direction_profile": self.direction_profile,
            },
            "baseline": {"score": self.baseline_score,
                         "classes": {n: float(p) for n, p in zip(self.class_names, self.baseline_class_probs_C)}},
            "region": {"patches": self.region_patches, "whole_image": self.whole_image, "active_latents": self.active_in_region},
            "seed": self.seed, "top": self.top, "controls_per_kind": self.controls,
            "timings_ms": dict(self.timings_ms),
        }


def rank_latents(
    session,  # noqa: ANN001  (InspectionSession; core.causal keeps no import cycle with it)
    mask_HW: np.ndarray | None,
    top: int = 64,
    controls: int = 64,
    seed: int = 0,
    direction_profile: DirectionProfile = "latent",
    user_labels: dict[int, str] | None = None,
) -> RankResult:
    """Switch each of the top-N latents of the region off in the region alone, and C + C controls,
    in one batched suffix run. ``mask_HW`` None or empty means the whole image."""
    if top < 1:
        raise InspectorError("bad_argument", f"--top must be at least 1, got {top}")
    if controls < 0:
        raise InspectorError("bad_argument", f"--controls must be 0 or more, got {controls}")
    if direction_profile not in ("latent", "uniform"):
        raise InspectorError("bad_argument", f"unknown direction profile '{direction_profile}'")
    t0 = time.perf_counter()
    a = _analysis(session)
    m_P = session.patch_weights(mask_HW).astype(np.float32)
    whole = mask_HW is None or not np.any(mask_HW)
    z_PS = a.codes_PS
    W_SD = session.bundle.sae_weights.W_dec
    act_S = m_P @ z_PS
    n_active = int(np.count_nonzero(act_S > 0))
    ranked = np.argsort(-act_S, kind="stable")[: min(top, n_active)]
    n = ranked.size
    rng_lat, rng_dir = _control_rngs(seed)

    # ranked: off in the region
    cz_NP = m_P[None, :] * z_PS[:, ranked].T  # [N, P] = m_p z_{p,i}
    wnorm_N = np.linalg.norm(W_SD[ranked].astype(np.float64), axis=1)
    removed_N = np.linalg.norm(cz_NP.astype(np.float64), axis=1) * wnorm_N  # ‖Δtokens‖_F
    coeffs, dirs = [-cz_NP], [W_SD[ranked]]

    # random latents (deduplicated: identical picks share one suffix run)
    ctrl_lat = matched_random_latents(act_S, ranked, controls, rng_lat)
    uniq, inv = np.unique(ctrl_lat, return_inverse=True)
    coeffs.append(-(m_P[None, :] * z_PS[:, uniq].T))
    dirs.append(W_SD[uniq])

    # random directions, cycling through the ranked latents' norms
    n_dir = controls if n else 0
    src = ranked[np.arange(n_dir) % n] if n else np.zeros(0, np.int64)
    u_CD = random_unit_directions(n_dir, W_SD.shape[1], rng_dir)
    if direction_profile == "latent":
        cd = (m_P[None, :] * z_PS[:, src].T) * wnorm_N[np.arange(n_dir) % max(n, 1)][:, None].astype(np.float32)
    else:
        m_norm = float(np.linalg.norm(m_P))
        cd = (removed_N[np.arange(n_dir) % max(n, 1)] / max(m_norm, 1e-12))[:, None].astype(np.float32) * m_P[None, :]
    coeffs.append(-cd.astype(np.float32))
    dirs.append(u_CD)

    coeff_BP = np.concatenate(coeffs).astype(np.float32)
    dirs_BD = np.concatenate(dirs).astype(np.float32)
    tokens_BTD = build_rank1_tokens(a.tokens_TD, coeff_BP, dirs_BD)
    t1 = time.perf_counter()
    outs = session.run_token_batch(list(tokens_BTD)) if len(tokens_BTD) else []
    t2 = time.perf_counter()

    base = a.baseline
    scores = np.array([o.score for o in outs], np.float64) - base.score
    dprobs = np.array([o.class_probs for o in outs], np.float64).reshape(len(outs), -1) - base.class_probs[None]
    specs = specificity_batch(base.patch_map, np.array([o.patch_map for o in outs]).reshape(len(outs), *base.patch_map.shape), m_P)
    nu = uniq.size
    sl_r, sl_l, sl_d = slice(0, n), slice(n, n + nu), slice(n + nu, n + nu + n_dir)

    rl = tuple(
        ControlEffect("random_latents", int(ctrl_lat[c]), float(act_S[ctrl_lat[c]]),
                      float(np.linalg.norm(coeff_BP[n + inv[c]].astype(np.float64)) * np.linalg.norm(W_SD[ctrl_lat[c]].astype(np.float64))),
                      float(scores[n + inv[c]]), dprobs[n + inv[c]], specs[n + inv[c]])
        for c in range(ctrl_lat.size)
    )
    rd = tuple(
        ControlEffect("random_directions", int(src[c]), float(act_S[src[c]]),
                      float(np.linalg.norm(coeff_BP[n + nu + c].astype(np.float64))),
                      float(scores[n + nu + c]), dprobs[n + nu + c], specs[n + nu + c], u_CD[c])
        for c in range(n_dir)
    )
    pool_abs = np.abs(np.concatenate([scores[sl_l][inv] if nu else np.zeros(0), scores[sl_d]]))
    p95 = float(np.percentile(pool_abs, 95)) if pool_abs.size else float("nan")
    ranked_list = []
    for j, i in enumerate(ranked):
        d = float(scores[sl_r][j])
        ranked_list.append(RankedLatent(
            id=int(i), label=session.label(int(i), user_labels), activation=float(act_S[i]), delta_score=d,
            delta_class_probs_C=dprobs[j], percentile_vs_control=percentile_vs(abs(d), pool_abs),
            beats_p95=bool(pool_abs.size and abs(d) > p95), specificity=specs[j], removed_norm=float(removed_N[j]),
        ))
    ranked_list.sort(key=lambda r: (-abs(r.delta_score), -r.activation))
    t3 = time.perf_counter()
    return RankResult(
        latents=tuple(ranked_list), random_latents=rl, random_directions=rd,
        baseline_score=float(base.score), baseline_class_probs_C=np.asarray(base.class_probs), class_names=tuple(session.class_names),
        m_P=m_P, whole_image=bool(whole), active_in_region=n_active, seed=int(seed), top=int(top), controls=int(controls),
        direction_profile=direction_profile,
        timings_ms={"build": (t1 - t0) * 1e3, "suffix": (t2 - t1) * 1e3, "collect": (t3 - t2) * 1e3,
                    "total": (t3 - t0) * 1e3, "variants": float(len(outs))},
    )


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
    tokens = build_rank1_tokens(a.tokens_TD, coeff_KP, dirs)
    t1 = time.perf_counter()
    outs = session.run_token_batch(list(tokens))
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
    """``set`` edit at r × reference in the region, against random latents set to r × their own reference."""

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
    percentile_vs_control: float  # of |Δscore| among the controls' |Δscore|
    percentile_signed: float  # of Δscore among the controls' Δscore (is it more defect-making?)
    specificity: Specificity
    control_latents: np.ndarray  # [C]
    control_deltas: np.ndarray  # [C] Δscore
    class_names: tuple[str, ...]
    threshold: float
    seed: int
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def creates_defect(self) -> bool:
        return self.baseline_score < self.threshold <= self.score

    def control_band(self) -> ControlBand:
        return _band("random_latents", self.control_deltas)

    def to_json(self) -> dict[str, Any]:
        return {
            "latent": self.latent, "label": self.label, "r": self.r, "reference": self.reference,
            "baseline_score": self.baseline_score, "score": self.score, "delta_score": self.delta_score,
            "classes": {n: float(p) for n, p in zip(self.class_names, self.class_probs_C)},
            "percentile_vs_control": _f(self.percentile_vs_control), "percentile_signed": _f(self.percentile_signed),
            "specificity": self.specificity.to_json(), "creates_defect": self.creates_defect, "threshold": self.threshold,
            "controls": {"latents": self.control_latents.tolist(), "delta_scores": self.control_deltas.tolist(),
                         "band": self.control_band().to_json()},
            "seed": self.seed, "timings_ms": dict(self.timings_ms),
        }


def inject(
    session, mask_HW: np.ndarray | None, latent: int, r: float = 1.0, controls: int = 64, seed: int = 0,  # noqa: ANN001
    user_labels: dict[int, str] | None = None,
) -> InjectionResult:
    """Set ``latent`` to r × its reference in the region; C random other latents (live ones,
    without replacement where possible) set to r × their own reference are the controls."""
    if not math.isfinite(r):
        raise InspectorError("bad_argument", f"r must be a finite number, got {r}")
    t0 = time.perf_counter()
    a = _analysis(session)
    latent = _check_latent(session, latent)
    m_P = session.patch_weights(mask_HW).astype(np.float32)
    ref_S = session.reference()
    d = session.bundle.dictionary
    pool = np.arange(session.width)
    live = pool[(d.frequency > 0)] if d is not None else pool
    pool = live[live != latent] if np.count_nonzero(live != latent) else pool[pool != latent]
    rng = np.random.default_rng([int(seed), 3])
    ctrl = rng.choice(pool, size=controls, replace=controls > pool.size) if controls > 0 and pool.size else np.zeros(0, np.int64)
    ids = np.concatenate([[latent], ctrl]).astype(np.int64)
    r32 = np.float32(r)
    coeff = ((r32 * ref_S[ids])[None, :] - a.codes_PS[:, ids]).T * m_P[None, :]  # [1+C, P] = m (r·ref − z)
    tokens = build_rank1_tokens(a.tokens_TD, coeff, session.bundle.sae_weights.W_dec[ids])
    t1 = time.perf_counter()
    outs = session.run_token_batch(list(tokens))
    t2 = time.perf_counter()
    base = a.baseline
    deltas = np.array([o.score for o in outs]) - base.score
    ctrl_d = deltas[1:]
    spec = specificity(base.patch_map, outs[0].patch_map, m_P)
    return InjectionResult(
        latent=latent, label=session.label(latent, user_labels), r=float(r), reference=float(ref_S[latent]),
        score=float(outs[0].score), class_probs_C=outs[0].class_probs, patch_map_hw=outs[0].patch_map,
        baseline_score=float(base.score), delta_score=float(deltas[0]), delta_class_probs_C=outs[0].class_probs - base.class_probs,
        percentile_vs_control=percentile_vs(abs(deltas[0]), np.abs(ctrl_d)), percentile_signed=percentile_vs(deltas[0], ctrl_d),
        specificity=spec, control_latents=ctrl, control_deltas=ctrl_d, class_names=tuple(session.class_names),
        threshold=float(session.bundle.manifest.threshold), seed=int(seed),
        timings_ms={"build": (t1 - t0) * 1e3, "suffix": (t2 - t1) * 1e3, "total": (t2 - t0) * 1e3},
    )
