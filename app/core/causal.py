"""Causal analysis in a painted region: rank latents by measured effect against matched controls,
dose–response of one latent, and injection ("paint a scratch here").

Every experiment is a set of rank-1 token edits of the cached layer-L tokens:

    x'_p = x_p + c_p · v        c [P] per-patch coefficient, v [D] a direction

- switching latent i off in the region:    c_p = −m_p z_{p,i},            v = W_dec[i]
- scaling it by a:                          c_p = (a − 1) m_p z_{p,i},      v = W_dec[i]
- setting it to r × reference:              c_p = m_p (r·ref_i − z_{p,i}), v = W_dec[i]
- a random-direction control (profile of latent j):
                                            c_p = −m_p z_{p,j} ‖W_dec[j]‖, v = u (unit, random)

These are exactly the updates ``InspectionSession.edited_tokens`` makes for single-latent
edits (same float32 operations), built in vectorised numpy steps and run through
``run_token_batch`` (the session chunks the suffix by 64).

Controls and the statistics that use them are defined in ``app.core.causal_controls``: for every
ranked latent, R replicates of a random latent edited by the same activation mass in the same
region and of a random direction with the same per-patch norms; the best of N is judged by the
max statistic over the replicates, and every comparison uses |Δscore|. Empty controls are an error.

No Qt, no global state: results are frozen dataclasses with ``to_json()``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from app.core.causal_controls import (
    ALPHA,
    CORRECTION,
    CORRECTION_TEXT,
    alive_latents,
    direction_coeffs,
    draw_control_latents,
    matched_latent_coeffs,
    max_statistic_p,
    random_unit_directions,
    replicates_for,
)
from app.core.errors import InspectorError

UNSPECIFIC_RATIO = 0.5  # outside change > this × inside change ⇒ unspecific
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


def specificity(before_hw: np.ndarray | None, after_hw: np.ndarray | None, m_P: np.ndarray) -> Specificity:
    if before_hw is None or after_hw is None:
        return NOT_MEASURED
    return specificity_batch(before_hw, np.asarray(after_hw)[None], m_P)[0]


#: a model without a patch head has no per-patch map to place the change in (its evidence map costs one
#: suffix pass per patch, too much per variant): the score's change is measured, its place is not
NOT_MEASURED = Specificity(float("nan"), float("nan"), False)


# --- running rank-1 variants --------------------------------------------------------------

VARIANT_CHUNK = 256  # variants built and run at a time: bounds the [B, T, D] token memory


def run_rank1(session, tokens_TD: np.ndarray, coeff_BP: np.ndarray, dirs_BD: np.ndarray) -> list:  # noqa: ANN001
    """Outputs of every rank-1 variant, built and run ``VARIANT_CHUNK`` at a time."""
    outs: list = []
    for i in range(0, coeff_BP.shape[0], VARIANT_CHUNK):
        tokens = build_rank1_tokens(tokens_TD, coeff_BP[i : i + VARIANT_CHUNK], dirs_BD[i : i + VARIANT_CHUNK])
        outs += session.run_token_batch(list(tokens))
    return outs


def _deltas(session, outs: list, m_P: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[Specificity]]:  # noqa: ANN001
    base = session.analysis.baseline
    b = len(outs)
    scores = np.array([o.score for o in outs], np.float64) - base.score
    dprobs = np.array([o.class_probs for o in outs], np.float64).reshape(b, -1) - base.class_probs[None]
    if base.patch_map is None:
        return scores, dprobs, [NOT_MEASURED] * b
    maps = np.array([o.patch_map for o in outs]).reshape(b, *base.patch_map.shape)
    return scores, dprobs, specificity_batch(base.patch_map, maps, m_P)


def _control_rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent streams per control kind, so changing one kind's count leaves the other's draws."""
    return np.random.default_rng([int(seed), 1]), np.random.default_rng([int(seed), 2])


def control_pool_inputs(session) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """(reference activation [S], alive latents) for drawing controls outside the image."""
    ref_S = session.reference()
    d = session.bundle.dictionary
    return ref_S, alive_latents(ref_S, d.frequency if d is not None else None)


# --- ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedLatent:
    id: int
    label: str
    activation: float  # coverage-weighted activation Σ_p m_p z_p in the region
    delta_score: float  # score after switching it off in the region − baseline
    delta_class_probs_C: np.ndarray  # [C]
    percentile_vs_control: float  # of |Δscore| among all single controls' |Δscore| (0..100; uncorrected for N)
    beats_p95: bool  # |Δscore| > the 95th percentile of all single controls' |Δscore| (uncorrected for N)
    specificity: Specificity
    removed_norm: float  # ‖Δtokens‖_F of switching it off
    p_adjusted_latents: float = float("nan")  # max statistic against the random-latent replicates
    p_adjusted_directions: float = float("nan")  # max statistic against the random-direction replicates
    ratio_vs_latents: float = float("nan")  # |Δ| / mean |Δ| of its own matched random-latent controls
    ratio_vs_directions: float = float("nan")  # |Δ| / mean |Δ| of its own random-direction controls
    alpha: float = ALPHA

    @property
    def p_adjusted(self) -> float:
        """Family-wise p-value over the N ranked latents: it must beat both control kinds."""
        return max(self.p_adjusted_latents, self.p_adjusted_directions)

    @property
    def significant(self) -> bool:
        return bool(self.p_adjusted <= self.alpha)

    def to_json(self, class_names: Sequence[str] = ()) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "label": self.label, "activation": float(self.activation), "delta_score": float(self.delta_score),
            "percentile_vs_control": _f(self.percentile_vs_control), "specificity": self.specificity.to_json(),
            "beats_p95": self.beats_p95, "removed_norm": float(self.removed_norm),
            "p_adjusted": _f(self.p_adjusted), "p_adjusted_latents": _f(self.p_adjusted_latents),
            "p_adjusted_directions": _f(self.p_adjusted_directions), "significant": self.significant,
            "ratio_vs_random_latents": _f(self.ratio_vs_latents), "ratio_vs_random_directions": _f(self.ratio_vs_directions),
        }
        if class_names:
            d["delta_classes"] = {n: float(v) for n, v in zip(class_names, self.delta_class_probs_C)}
        return d


@dataclass(frozen=True)
class ControlEffect:
    kind: ControlKind
    latent: int  # random_latents: the control latent; random_directions: the ranked latent whose norms it copies
    activation: float  # coverage-weighted activation of that latent in the region
    norm: float  # ‖Δtokens‖_F of the control edit
    delta_score: float
    delta_class_probs_C: np.ndarray  # [C]
    specificity: Specificity
    direction_D: np.ndarray | None = None  # random_directions: the unit direction u [D] (subtracted)
    target: int = -1  # the ranked latent this control is matched to
    replicate: int = 0
    mode: str = ""  # random_latents: "down" (switched down by the target's mass) or "inject"; "direction"
    mass: float = float("nan")  # Σ_p |Δz_p| of a random-latent control: the target's activation mass
    from_dictionary: bool = False  # drawn from the dictionary top-up, not from the latents active in the image

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "latent": self.latent, "target": self.target, "replicate": self.replicate,
                "mode": self.mode, "activation": float(self.activation), "mass": _f(self.mass), "norm": float(self.norm),
                "from_dictionary": self.from_dictionary, "delta_score": float(self.delta_score),
                "specificity": self.specificity.to_json()}


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
class BestOfN:
    """The largest |Δscore| among the N ranked latents against the largest of N matched controls, per replicate."""

    latent: int
    abs_delta: float
    n: int
    replicates: int
    p_adjusted: float  # max of the two kinds' max-statistic p-values
    max_p95_latents: float  # 95th percentile over replicates of the largest random-latent |Δscore|
    max_p95_directions: float

    @property
    def significant(self) -> bool:
        return bool(self.p_adjusted <= ALPHA)

    def to_json(self) -> dict[str, Any]:
        return {"latent": self.latent, "abs_delta": _f(self.abs_delta), "n": self.n, "replicates": self.replicates,
                "p_adjusted": _f(self.p_adjusted), "significant": self.significant,
                "control_max_p95": {"random_latents": _f(self.max_p95_latents), "random_directions": _f(self.max_p95_directions)}}


@dataclass(frozen=True)
class RankResult:
    """Latents sorted by |Δscore| (largest effect first), with the region's matched controls."""

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
    controls: int  # controls per kind asked for (replicates × N are used)
    direction_profile: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    replicates: int = 1
    best: BestOfN | None = None

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

    def controls_used(self) -> dict[str, int]:
        """How many controls of each kind were run (the PDF and the CLI report these, not the request)."""
        return {"random_latents": len(self.random_latents), "random_directions": len(self.random_directions),
                "random_latents_from_dictionary": sum(c.from_dictionary for c in self.random_latents)}

    def correction_text(self) -> str:
        """One sentence saying how the best of N is tested (for the UI and the PDF)."""
        return CORRECTION_TEXT.format(r=self.replicates, n=len(self.latents), pmin=1.0 / (self.replicates + 1))

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
            "controls_used": self.controls_used(),
            "statistics": {
                "correction": CORRECTION, "text": self.correction_text(), "alpha": ALPHA, "replicates": self.replicates,
                "ranked": len(self.latents), "min_p": 1.0 / (self.replicates + 1), "effect": "|Δscore|",
                "best_of_n": self.best.to_json() if self.best is not None else None,
                "significant_latents": sum(r.significant for r in self.latents),
            },
            "baseline": {"score": self.baseline_score,
                         "classes": {n: float(p) for n, p in zip(self.class_names, self.baseline_class_probs_C)}},
            "region": {"patches": self.region_patches, "whole_image": self.whole_image, "active_latents": self.active_in_region},
            "seed": self.seed, "top": self.top, "controls_per_kind": self.controls, "replicates": self.replicates,
            "timings_ms": dict(self.timings_ms),
        }


def _ratio(x: float, pool: np.ndarray) -> float:
    m = float(np.mean(np.abs(pool))) if pool.size else float("nan")
    return abs(x) / m if m > 0 else float("inf") if x != 0 else float("nan")


def rank_latents(
    session,  # noqa: ANN001  (InspectionSession; core.causal keeps no import cycle with it)
    mask_HW: np.ndarray | None,
    top: int = 64,
    controls: int | None = None,
    seed: int = 0,
    direction_profile: DirectionProfile = "latent",
    user_labels: dict[int, str] | None = None,
) -> RankResult:
    """Switch each of the top-N latents of the region off in the region alone, against R replicates of
    one matched random-latent and one random-direction control per ranked latent (``causal_controls``).

    ``controls`` is the number of controls of each kind: R = ceil(controls / N) whole replicates are
    run; None takes ``DEFAULT_REPLICATES``. ``mask_HW`` None or empty means the whole image. A region
    where no latent is active has nothing to rank, and is an error."""
    if top < 1:
        raise InspectorError("bad_argument", f"--top must be at least 1, got {top}")
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
    if n_active == 0:
        raise InspectorError("nothing_active", "no latent is active in the region, so there is nothing to rank")
    ranked = np.argsort(-act_S, kind="stable")[: min(top, n_active)]
    n = ranked.size
    reps = replicates_for(controls, n)
    rng_lat, rng_dir = _control_rngs(seed)

    # ranked: off in the region
    cz_NP = m_P[None, :] * z_PS[:, ranked].T  # [N, P] = m_p z_{p,i}
    wnorm_N = np.linalg.norm(W_SD[ranked].astype(np.float64), axis=1)
    removed_N = np.linalg.norm(cz_NP.astype(np.float64), axis=1) * wnorm_N  # ‖Δtokens‖_F
    ref_S, alive = control_pool_inputs(session)
    ctl = draw_control_latents(z_PS.max(axis=0) > 0, ranked, ref_S, reps, rng_lat, alive)
    lat_coeff, down = matched_latent_coeffs(m_P, z_PS, ranked, ctl)
    ctl_ids = ctl.latent_RN.reshape(-1)
    u_BD = random_unit_directions(reps * n, W_SD.shape[1], rng_dir)
    dir_coeff = direction_coeffs(m_P, z_PS, ranked, wnorm_N, reps, uniform=direction_profile == "uniform")
    coeff_BP = np.concatenate([-cz_NP, lat_coeff, dir_coeff]).astype(np.float32)
    dirs_BD = np.concatenate([W_SD[ranked], W_SD[ctl_ids], u_BD]).astype(np.float32)
    t1 = time.perf_counter()
    outs = run_rank1(session, a.tokens_TD, coeff_BP, dirs_BD)
    t2 = time.perf_counter()

    scores, dprobs, specs = _deltas(session, outs, m_P)
    nc = reps * n
    sl_l, sl_d = slice(n, n + nc), slice(n + nc, n + 2 * nc)
    tgt_B = np.tile(ranked, reps)
    wnorm_ctl = np.linalg.norm(W_SD[ctl_ids].astype(np.float64), axis=1)
    rl = tuple(
        ControlEffect("random_latents", int(ctl_ids[c]), float(act_S[ctl_ids[c]]),
                      float(np.linalg.norm(lat_coeff[c].astype(np.float64)) * wnorm_ctl[c]),
                      float(scores[n + c]), dprobs[n + c], specs[n + c], target=int(tgt_B[c]), replicate=c // n,
                      mode="down" if down[c] else "inject", mass=float(np.abs(lat_coeff[c]).sum()),
                      from_dictionary=bool(ctl.from_dictionary_RN.reshape(-1)[c]))
        for c in range(nc)
    )
    rd = tuple(
        ControlEffect("random_directions", int(tgt_B[c]), float(act_S[tgt_B[c]]),
                      float(np.linalg.norm(dir_coeff[c].astype(np.float64))),
                      float(scores[n + nc + c]), dprobs[n + nc + c], specs[n + nc + c], u_BD[c],
                      target=int(tgt_B[c]), replicate=c // n, mode="direction")
        for c in range(nc)
    )
    lat_RN, dir_RN = np.abs(scores[sl_l]).reshape(reps, n), np.abs(scores[sl_d]).reshape(reps, n)
    ranked_abs = np.abs(scores[:n])
    p_lat, p_dir = max_statistic_p(ranked_abs, lat_RN), max_statistic_p(ranked_abs, dir_RN)
    pool_abs = np.concatenate([lat_RN.reshape(-1), dir_RN.reshape(-1)])
    p95 = float(np.percentile(pool_abs, 95))
    ranked_list = []
    for j, i in enumerate(ranked):
        d = float(scores[j])
        ranked_list.append(RankedLatent(
            id=int(i), label=session.label(int(i), user_labels), activation=float(act_S[i]), delta_score=d,
            delta_class_probs_C=dprobs[j], percentile_vs_control=percentile_vs(abs(d), pool_abs),
            beats_p95=bool(abs(d) > p95), specificity=specs[j], removed_norm=float(removed_N[j]),
            p_adjusted_latents=float(p_lat[j]), p_adjusted_directions=float(p_dir[j]),
            ratio_vs_latents=_ratio(d, lat_RN[:, j]), ratio_vs_directions=_ratio(d, dir_RN[:, j]),
        ))
    ranked_list.sort(key=lambda r: (-abs(r.delta_score), -r.activation))
    top_r = ranked_list[0]
    best = BestOfN(top_r.id, abs(top_r.delta_score), n, reps, top_r.p_adjusted,
                   float(np.percentile(lat_RN.max(axis=1), 95)), float(np.percentile(dir_RN.max(axis=1), 95)))
    t3 = time.perf_counter()
    return RankResult(
        latents=tuple(ranked_list), random_latents=rl, random_directions=rd,
        baseline_score=float(a.baseline.score), baseline_class_probs_C=np.asarray(a.baseline.class_probs),
        class_names=tuple(session.class_names), m_P=m_P, whole_image=bool(whole), active_in_region=n_active, seed=int(seed),
        top=int(top), controls=int(controls) if controls is not None else reps * n, direction_profile=direction_profile,
        timings_ms={"build": (t1 - t0) * 1e3, "suffix": (t2 - t1) * 1e3, "collect": (t3 - t2) * 1e3,
                    "total": (t3 - t0) * 1e3, "variants": float(len(outs))},
        replicates=reps, best=best,
    )
