"""Matched controls for a causal claim, and the max statistic that compares the best of N with them.

A claim "switching latent i off in this region moves the score by Δ" means something only beside
edits of the same size in the same place that should not matter. For a ranked latent i with
profile q_p = m_p z_{p,i} (activation mass a_i = Σ_p q_p in the region) there are two controls:

- a random latent j, drawn uniformly from the latents active anywhere in the image (i itself
  excluded; with fewer than ``MIN_POOL`` of them, topped up from the dictionary's latents nearest
  to i in reference activation), edited by the same activation mass inside the same region:
    * switched down, where j carries at least that mass there (a_j ≥ a_i):
      Δz_{p,j} = −(a_i / a_j) m_p z_{p,j}   (j's own profile; z' stays ≥ 0)
    * injected, otherwise:  Δz_{p,j} = +q_p   (i's profile; z' stays ≥ 0)
  so Σ_p |Δz_{p,j}| = a_i exactly, and the edit is one an SAE code could make;
- a random unit direction u, subtracted with i's per-patch token norms, c_p = −q_p ‖W_dec[i]‖,
  so ‖Δtokens‖_F is i's own.

Controls come in R *replicates*: replicate r holds one control of each kind for every ranked
latent. The best of N ranked latents is then compared with the best of N controls (the max
statistic, Westfall & Young's single-step maxT): with M_r the largest |Δscore| in replicate r,
latent i's family-wise adjusted p-value is (1 + #{r : M_r ≥ |Δ_i|}) / (1 + R). It can be no
smaller than 1/(R + 1), so ``DEFAULT_REPLICATES`` = 19 is the fewest for which p ≤ 0.05 is
reachable. Every comparison uses |Δscore|: controls of either sign count as large.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.core.errors import InspectorError

MIN_POOL = 16  # fewer latents active in the image than this: top up from the dictionary
DEFAULT_REPLICATES = 19  # p >= 1/(R+1): 19 replicates make p <= 0.05 reachable
ALPHA = 0.05
CORRECTION = "max statistic"
CORRECTION_TEXT = (
    "max statistic (Westfall-Young maxT): each latent's p-value is the share of {r} control replicates, "
    "one matched control per ranked latent, whose largest |Δscore| reaches the latent's |Δscore| "
    "(family-wise over the {n} ranked latents; smallest possible p {pmin:.3f}); it must hold against "
    "random latents and random directions alike"
)


@dataclass(frozen=True)
class ControlLatents:
    """Control latents, replicate-major: ``latent_RN[r, n]`` is replicate r's control for target n."""

    latent_RN: np.ndarray  # [R, N] int64
    from_dictionary_RN: np.ndarray  # [R, N] bool: drawn from the dictionary top-up, not from the image

    @property
    def count(self) -> int:
        return int(self.latent_RN.size)


def replicates_for(controls: int | None, n: int) -> int:
    """Replicates R for ``controls`` controls per kind and N ranked latents: whole replicates, at least one."""
    if controls is None:
        return DEFAULT_REPLICATES
    if controls < 1:
        raise InspectorError("bad_argument", f"--controls must be at least 1, got {controls}")
    return max(1, math.ceil(controls / max(n, 1)))


def alive_latents(ref_S: np.ndarray, frequency_S: np.ndarray | None) -> np.ndarray:
    """Latents a control may be drawn from outside the image: a positive reference activation (and firing, if known)."""
    ok = np.asarray(ref_S) > 0
    if frequency_S is not None:
        ok &= np.asarray(frequency_S) > 0
    return np.nonzero(ok)[0]


def draw_control_latents(
    active_S: np.ndarray, targets_N: np.ndarray, ref_S: np.ndarray, replicates: int, rng: np.random.Generator,
    alive: np.ndarray | None = None, min_pool: int = MIN_POOL,
) -> ControlLatents:
    """[R, N] random control latents for each target, drawn with replacement.

    The pool is every latent active anywhere in the image (``active_S``) but the target itself; with
    fewer than ``min_pool`` there, the ``alive`` latents (default: all) nearest to the target in
    log reference activation fill it up, so a mass in the target's units means about as much in
    theirs. An empty pool is an error."""
    targets_N = np.asarray(targets_N, np.int64)
    width = active_S.shape[0]
    image_pool = np.nonzero(active_S)[0]
    alive = np.arange(width) if alive is None else np.asarray(alive, np.int64)
    log_ref = np.log(np.maximum(np.asarray(ref_S, np.float64), 1e-30))
    lat = np.zeros((replicates, targets_N.size), np.int64)
    from_dict = np.zeros((replicates, targets_N.size), bool)
    for n, i in enumerate(targets_N):
        cand = image_pool[image_pool != i]
        n_image = cand.size
        if n_image < min_pool:
            extra = np.setdiff1d(alive, np.append(cand, i))
            extra = extra[np.argsort(np.abs(log_ref[extra] - log_ref[i]), kind="stable")[: min_pool - n_image]]
            cand = np.concatenate([cand, extra])
        if cand.size == 0:
            raise InspectorError("no_controls", f"no other latent can serve as a control for latent {int(i)}")
        pick = rng.integers(0, cand.size, replicates)
        lat[:, n] = cand[pick]
        from_dict[:, n] = pick >= n_image
    return ControlLatents(lat, from_dict)


def matched_latent_coeffs(
    m_P: np.ndarray, z_PS: np.ndarray, targets_N: np.ndarray, controls: ControlLatents
) -> tuple[np.ndarray, np.ndarray]:
    """Per-patch code changes [R·N, P] (replicate-major) of the random-latent controls, and whether each
    is a switch-down (True) or an injection (False); Σ_p |Δz_p| equals the target's mass a_i."""
    m_P = np.asarray(m_P, np.float32)
    r, n = controls.latent_RN.shape
    tgt = np.tile(np.asarray(targets_N, np.int64), r)  # [R·N]
    ctl = controls.latent_RN.reshape(-1)
    a_tgt = (m_P @ z_PS[:, tgt]).astype(np.float64)  # [R·N]
    a_ctl = (m_P @ z_PS[:, ctl]).astype(np.float64)
    down = (a_ctl >= a_tgt) & (a_ctl > 0)
    ratio = np.divide(a_tgt, a_ctl, out=np.zeros_like(a_tgt), where=down)
    prof_ctl = (m_P[:, None] * z_PS[:, ctl]).T  # [R·N, P]
    prof_tgt = (m_P[:, None] * z_PS[:, tgt]).T
    coeff = np.where(down[:, None], -ratio[:, None].astype(np.float32) * prof_ctl, prof_tgt)
    return coeff.astype(np.float32), down


def direction_coeffs(
    m_P: np.ndarray, z_PS: np.ndarray, targets_N: np.ndarray, wnorm_N: np.ndarray, replicates: int, uniform: bool = False
) -> np.ndarray:
    """Per-patch coefficients [R·N, P] of the random-direction controls: the target's removed
    contribution's per-patch norms (or, ``uniform``, its total norm spread over the region by m)."""
    m_P = np.asarray(m_P, np.float32)
    prof_NP = (m_P[None, :] * z_PS[:, targets_N].T).astype(np.float64) * np.asarray(wnorm_N, np.float64)[:, None]
    if uniform:
        total_N = np.linalg.norm(prof_NP, axis=1)
        prof_NP = total_N[:, None] * m_P[None, :].astype(np.float64) / max(float(np.linalg.norm(m_P)), 1e-12)
    return -np.tile(prof_NP, (replicates, 1)).astype(np.float32)


def random_unit_directions(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """[n, D] unit vectors, uniform on the sphere."""
    u = rng.standard_normal((n, d))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return u.astype(np.float32)


def max_statistic_p(ranked_abs_N: np.ndarray, controls_abs_RN: np.ndarray) -> np.ndarray:
    """[N] family-wise adjusted p-values: (1 + #{r : max_n |Δ_control[r, n]| ≥ |Δ_i|}) / (1 + R)."""
    ranked_abs_N = np.abs(np.asarray(ranked_abs_N, np.float64))
    m_R = np.abs(np.asarray(controls_abs_RN, np.float64)).max(axis=1)
    return (1.0 + (m_R[None, :] >= ranked_abs_N[:, None]).sum(axis=1)) / (1.0 + m_R.size)


def empirical_p(value: float, controls: np.ndarray) -> float:
    """(1 + #{|Δ_c| ≥ |value|}) / (1 + C): a single comparison's p-value against C controls."""
    c = np.abs(np.asarray(controls, np.float64))
    if c.size == 0:
        raise InspectorError("no_controls", "a comparison needs at least one control; none was drawn")
    return float((1 + np.count_nonzero(c >= abs(value))) / (1 + c.size))
