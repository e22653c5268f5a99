"""Type specificity: do the latents associated with a defect type move the score on that type's
parts more than on other types' parts, and more than matched random latents do?

For a part of type T with its ground-truth mask, and every type U with an associated latent set
A_U (e.g. the n latents of highest AP for U's patches), the edit switches every latent of A_U
off inside the mask, x'_p = x_p − Σ_{i∈A_U} m_p z_{p,i} W_dec[i] (error term kept), and records
Δscore. The *cross-type matrix* has rows T (parts), columns U (latent sets), and cells the mean
|Δscore| over T's parts with a seeded percentile-bootstrap interval. Per row:

- diagonal ratio = M[T, T] / mean_{U ≠ T} M[T, U]: about 1 when the sets are generic (the issue's
  crack parts: every set moved the score by 0.067–0.069), well above 1 when T's set is specific;
- associated vs random = mean |Δ| of A_T / mean |Δ| of matched random sets, each random set drawn
  like the ranking's controls (``causal_controls``: a random latent per member, edited by that
  member's activation mass in the mask), so both sides carry the same mass.

Ratios of means use |Δ|, so effects of both signs cannot cancel. The same functions take any
linear dictionary (codes [P, S] and decoder [S, D]), so a random SAE or PCA is measured the same way.

A latent's own card uses ``latent_type_effect``: its mean |Δscore| when switched off alone in the
masks of each type's held-out parts (the build stores the table in the dictionary's meta).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.causal_controls import alive_latents, draw_control_latents, matched_latent_coeffs

SPECIFIC_RATIO = 2.0  # own type's parts moved at least this many times the other types' mean: "specific"
TYPE_EFFECT_KEY = "type_effect"  # the dictionary meta block written by the build


def _f(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def associated_sets(ap_SK: np.ndarray, types: Sequence[str], n: int) -> dict[str, list[int]]:
    """The ``n`` latents of highest AP for each type (columns of ``ap_SK`` in the order of ``types``)."""
    ap = np.nan_to_num(np.asarray(ap_SK, np.float64), nan=-1.0)
    return {t: [int(i) for i in np.argsort(-ap[:, k], kind="stable")[:n]] for k, t in enumerate(types)}


@dataclass(frozen=True)
class PartEffect:
    """One part: Δscore of switching off each type's latent set inside its mask, and matched controls."""

    name: str
    part_type: str
    baseline_score: float
    delta_by_set: dict[str, float]  # set (type U) -> Δscore
    mass_by_set: dict[str, float]  # set -> Σ_i Σ_p m_p z_{p,i}: the activation mass switched off
    control_deltas: tuple[float, ...]  # matched random sets for the part's own type's set (empty if it has none)
    control_mass: float = float("nan")  # mean mass of those random sets (equals the own set's by construction)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.part_type, "baseline_score": self.baseline_score,
                "delta_by_set": self.delta_by_set, "mass_by_set": self.mass_by_set,
                "control_deltas": list(self.control_deltas), "control_mass": _f(self.control_mass)}


def _set_delta_PD(m_P: np.ndarray, z_PS: np.ndarray, W_SD: np.ndarray, ids: Sequence[int]) -> np.ndarray:
    ids = np.asarray(ids, np.int64)
    return -((m_P[:, None] * z_PS[:, ids]) @ W_SD[ids]).astype(np.float32)


def part_effects(
    session, mask_HW: np.ndarray, part_type: str, name: str, latent_sets: Mapping[str, Sequence[int]],  # noqa: ANN001
    *, codes_PS: np.ndarray | None = None, W_dec_SD: np.ndarray | None = None, ref_S: np.ndarray | None = None,
    control_draws: int = 3, seed: int = 0,
) -> PartEffect:
    """Δscore of switching off every set of ``latent_sets`` in the mask of the analysed image, and
    ``control_draws`` matched random sets for the set of ``part_type``, in one batched suffix run.

    ``codes_PS``/``W_dec_SD``/``ref_S`` default to the bundle's SAE; pass another dictionary's
    codes of this image's patch tokens and its decoder to measure it instead."""
    a = session.analysis
    z_PS = a.codes_PS if codes_PS is None else np.asarray(codes_PS, np.float32)
    W_SD = session.bundle.sae_weights.W_dec if W_dec_SD is None else np.asarray(W_dec_SD, np.float32)
    if ref_S is None:
        ref_S = session.reference() if codes_PS is None else np.where(z_PS.max(axis=0) > 0, z_PS.max(axis=0), 0.0)
    d = session.bundle.dictionary
    alive = alive_latents(ref_S, d.frequency if d is not None and codes_PS is None else None)
    m_P = session.patch_weights(mask_HW).astype(np.float32)
    n_pre = session.grid.num_prefix_tokens
    names = list(latent_sets)
    deltas = [_set_delta_PD(m_P, z_PS, W_SD, latent_sets[u]) for u in names]
    act_S = m_P @ z_PS
    own = np.asarray(latent_sets.get(part_type, ()), np.int64)
    ctl_mass = float("nan")
    if own.size and control_draws > 0:
        rng = np.random.default_rng([int(seed), 5, sum(map(ord, name))])
        ctl = draw_control_latents(z_PS.max(axis=0) > 0, own, ref_S, control_draws, rng, alive)
        coeff, _ = matched_latent_coeffs(m_P, z_PS, own, ctl)  # [R·n, P]
        lat = ctl.latent_RN.reshape(-1)
        per = (coeff[:, :, None] * W_SD[lat][:, None, :]).reshape(control_draws, own.size, *coeff.shape[1:], -1)
        deltas += list(per.sum(axis=1).astype(np.float32))
        ctl_mass = float(np.abs(coeff).sum() / control_draws)
    variants = []
    for dx in deltas:
        t = a.tokens_TD.copy()
        t[n_pre:] += dx
        variants.append(t)
    outs = session.run_token_batch(variants)
    base = float(a.baseline.score)
    ds = [float(o.score) - base for o in outs]
    return PartEffect(
        name=name, part_type=part_type, baseline_score=base,
        delta_by_set={u: ds[k] for k, u in enumerate(names)},
        mass_by_set={u: float(act_S[np.asarray(latent_sets[u], np.int64)].sum()) for u in names},
        control_deltas=tuple(ds[len(names):]), control_mass=ctl_mass,
    )


def _boot(values_fn, n: int, rng: np.random.Generator, n_boot: int) -> tuple[float, float]:  # noqa: ANN001
    """95 % percentile interval of ``values_fn(indices)`` over bootstrap resamples of n parts."""
    if n < 2:
        v = values_fn(np.arange(n)) if n else float("nan")
        return float(v), float(v)
    stats = np.array([values_fn(rng.integers(0, n, n)) for _ in range(n_boot)], np.float64)
    stats = stats[np.isfinite(stats)]
    if not stats.size:
        return float("nan"), float("nan")
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return float(lo), float(hi)


def _safe_ratio(num: float, den: float) -> float:
    if den > 0:
        return num / den
    return float("inf") if num > 0 else float("nan")


@dataclass(frozen=True)
class TypeRow:
    """One row T of the cross-type matrix."""

    part_type: str
    parts: int
    mean_abs: dict[str, float]  # set U -> mean |Δscore| over T's parts
    ci: dict[str, tuple[float, float]]
    diagonal_ratio: float  # M[T, T] / mean_{U != T} M[T, U]
    diagonal_ratio_ci: tuple[float, float]
    control_mean_abs: float  # matched random sets for T's own set
    assoc_vs_random: float  # M[T, T] / control_mean_abs
    assoc_vs_random_ci: tuple[float, float]
    controls: int  # random sets measured, all parts together

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.part_type, "parts": self.parts, "controls": self.controls,
            "mean_abs_delta": {u: _f(v) for u, v in self.mean_abs.items()},
            "ci95": {u: [_f(lo), _f(hi)] for u, (lo, hi) in self.ci.items()},
            "diagonal_ratio": _f(self.diagonal_ratio), "diagonal_ratio_ci95": [_f(x) for x in self.diagonal_ratio_ci],
            "control_mean_abs_delta": _f(self.control_mean_abs),
            "assoc_vs_random": _f(self.assoc_vs_random), "assoc_vs_random_ci95": [_f(x) for x in self.assoc_vs_random_ci],
        }


def type_row(part_type: str, parts: Sequence[PartEffect], set_names: Sequence[str], n_boot: int = 2000, seed: int = 0) -> TypeRow:
    """Row ``part_type`` of the cross-type matrix from that type's parts, with paired bootstrap intervals."""
    parts = [p for p in parts if p.part_type == part_type]
    n = len(parts)
    d_NU = np.array([[abs(p.delta_by_set[u]) for u in set_names] for p in parts], np.float64).reshape(n, len(set_names))
    c_N = np.array([np.mean(np.abs(p.control_deltas)) if p.control_deltas else np.nan for p in parts], np.float64)
    rng = np.random.default_rng([int(seed), 7, sum(map(ord, part_type))])
    own = list(set_names).index(part_type) if part_type in set_names else -1
    others = [k for k in range(len(set_names)) if k != own]

    def diag(idx: np.ndarray) -> float:
        m = d_NU[idx].mean(axis=0)
        return _safe_ratio(m[own], float(m[others].mean())) if own >= 0 and others else float("nan")

    def vs_random(idx: np.ndarray) -> float:
        c = c_N[idx]
        return _safe_ratio(float(d_NU[idx, own].mean()), float(np.nanmean(c))) if own >= 0 and np.isfinite(c).any() else float("nan")

    mean = d_NU.mean(axis=0) if n else np.full(len(set_names), np.nan)
    ci = {u: _boot(lambda idx, k=k: float(d_NU[idx, k].mean()), n, rng, n_boot) for k, u in enumerate(set_names)}
    ctl_mean = float(np.nanmean(c_N)) if np.isfinite(c_N).any() else float("nan")
    all_idx = np.arange(n)
    return TypeRow(
        part_type=part_type, parts=n, mean_abs={u: float(mean[k]) for k, u in enumerate(set_names)}, ci=ci,
        diagonal_ratio=diag(all_idx) if n else float("nan"), diagonal_ratio_ci=_boot(diag, n, rng, n_boot),
        control_mean_abs=ctl_mean, assoc_vs_random=vs_random(all_idx) if n else float("nan"),
        assoc_vs_random_ci=_boot(vs_random, n, rng, n_boot), controls=sum(len(p.control_deltas) for p in parts),
    )


@dataclass(frozen=True)
class CrossTypeMatrix:
    rows: tuple[TypeRow, ...]
    set_names: tuple[str, ...]
    latent_sets: dict[str, list[int]]

    def shared_latents(self) -> dict[int, list[str]]:
        """Latents that belong to more than one type's set (a generic latent makes the sets alike)."""
        owners: dict[int, list[str]] = {}
        for u, ids in self.latent_sets.items():
            for i in ids:
                owners.setdefault(int(i), []).append(u)
        return {i: us for i, us in sorted(owners.items()) if len(us) > 1}

    def to_json(self) -> dict[str, Any]:
        return {"sets": {u: list(map(int, v)) for u, v in self.latent_sets.items()}, "columns": list(self.set_names),
                "rows": [r.to_json() for r in self.rows],
                "shared_latents": {str(i): us for i, us in self.shared_latents().items()}}


def cross_type_matrix(
    parts: Sequence[PartEffect], latent_sets: Mapping[str, Sequence[int]], n_boot: int = 2000, seed: int = 0
) -> CrossTypeMatrix:
    """Rows for every part type present in ``parts`` (in the sets' order, then any others)."""
    names = tuple(latent_sets)
    present = [t for t in names if any(p.part_type == t for p in parts)]
    present += sorted({p.part_type for p in parts} - set(present))
    return CrossTypeMatrix(tuple(type_row(t, parts, names, n_boot, seed) for t in present), names,
                           {u: list(map(int, v)) for u, v in latent_sets.items()})


def small(v: float) -> str:
    """A mean |Δscore|: four decimals, or two significant digits below 0.001 (a tiny effect is not 0)."""
    return f"{v:.4f}" if v == 0 or abs(v) >= 1e-3 else f"{v:.1e}"


def _cell(v: Any, ci: Any) -> str:
    if v is None:
        return "n/a"
    lo, hi = ci if ci else (None, None)
    return f"{small(v)} [{small(lo)}, {small(hi)}]" if lo is not None and hi is not None else small(v)


def _ratio_text(v: Any, ci: Any) -> str:
    if v is None:
        return "n/a"
    lo, hi = ci if ci else (None, None)
    return f"{v:.2f}× [{lo:.2f}, {hi:.2f}]" if lo is not None and hi is not None else f"{v:.2f}×"


def matrix_markdown(matrix_json: Mapping[str, Any]) -> list[str]:
    """Markdown lines for a cross-type matrix (``CrossTypeMatrix.to_json()``, or rows merged from several)."""
    cols = list(matrix_json["columns"])
    lines = [
        "| parts of type | parts | " + " | ".join(f"{u} set" for u in cols) + " | own ÷ others | own ÷ matched random |",
        "|---|---:|" + "---:|" * len(cols) + "---:|---:|",
    ]
    for r in matrix_json["rows"]:
        cells = [("**" if u == r["type"] else "") + _cell(r["mean_abs_delta"].get(u), r["ci95"].get(u))
                 + ("**" if u == r["type"] else "") for u in cols]
        lines.append(f"| {r['type']} | {r['parts']} | " + " | ".join(cells) + " | "
                     f"{_ratio_text(r['diagonal_ratio'], r['diagonal_ratio_ci95'])} | "
                     f"{_ratio_text(r['assoc_vs_random'], r['assoc_vs_random_ci95'])} |")
    shared = matrix_json.get("shared_latents") or {}
    if shared:
        lines.append("")
        lines.append("Latents in more than one set: " + "; ".join(f"#{i} ({', '.join(us)})" for i, us in shared.items()) + ".")
    return lines


def merge_rows(matrices: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One matrix JSON from several runs' rows (each run measured some types' parts with the same sets)."""
    first = matrices[0]
    return {"sets": first["sets"], "columns": first["columns"], "shared_latents": first.get("shared_latents", {}),
            "rows": [r for m in matrices for r in m["rows"]]}


# --- one latent at a time: the latent card's "is its effect specific?" --------------------------


def single_latent_deltas(session, mask_HW: np.ndarray) -> dict[int, float]:  # noqa: ANN001
    """Δscore of switching each latent active in the mask off alone there (silent latents change nothing)."""
    from app.core.causal import run_rank1

    a = session.analysis
    m_P = session.patch_weights(mask_HW).astype(np.float32)
    ids = np.nonzero(m_P @ a.codes_PS > 0)[0]
    if not ids.size:
        return {}
    coeff = -(m_P[None, :] * a.codes_PS[:, ids].T)
    outs = run_rank1(session, a.tokens_TD, coeff, session.bundle.sae_weights.W_dec[ids])
    return {int(i): float(o.score) - float(a.baseline.score) for i, o in zip(ids, outs)}


def type_effect_table(per_part: Sequence[tuple[str, Mapping[int, float]]], types: Sequence[str], width: int) -> tuple[np.ndarray, np.ndarray]:
    """([S, T] mean |Δscore| per latent over each type's parts, silent parts counting 0; [T] parts per type)."""
    total = np.zeros((width, len(types)), np.float64)
    count = np.zeros(len(types), np.int64)
    col = {t: k for k, t in enumerate(types)}
    for t, deltas in per_part:
        if t not in col:
            continue
        k = col[t]
        count[k] += 1
        for i, d in deltas.items():
            total[i, k] += abs(d)
    return np.divide(total, np.maximum(count, 1)[None, :]), count


def type_effect_meta(effect_ST: np.ndarray, parts_T: np.ndarray, types: Sequence[str]) -> dict[str, Any]:
    """The dictionary meta block the build stores (rounded; 0 where a latent never moved a part)."""
    return {"types": list(types), "parts": [int(x) for x in parts_T],
            "mean_abs_delta": np.round(np.asarray(effect_ST, np.float64), 6).tolist(),
            "definition": "mean |Δscore| of switching the latent off alone inside the ground-truth mask of each type's "
                          "held-out parts (0 on parts where it is silent there)"}


@dataclass(frozen=True)
class LatentTypeEffect:
    latent: int
    own_type: str
    own: float  # mean |Δscore| on its own type's parts
    others_mean: float  # mean over the other types of their mean |Δscore|
    per_type: dict[str, float]
    parts: dict[str, int]

    @property
    def ratio(self) -> float:
        return _safe_ratio(self.own, self.others_mean)

    @property
    def specific(self) -> bool:
        return bool(self.own > 0 and self.ratio >= SPECIFIC_RATIO)

    def text(self) -> str:
        """"scratch parts 0.012 vs other types 0.003 (4.0×): specific" for the latent card."""
        verdict = "specific" if self.specific else "not specific"
        return (f"{self.own_type} parts {small(self.own)} vs other types {small(self.others_mean)} "
                f"({self.ratio:.1f}×): {verdict}" if math.isfinite(self.ratio) else f"{self.own_type} parts {small(self.own)}: {verdict}")


def latent_type_effect(dictionary, latent: int, own_type: str | None = None) -> LatentTypeEffect | None:  # noqa: ANN001
    """A latent's effect on its own type's parts vs other types' (None when the bundle does not carry it).

    The own type is ``own_type``, else the defect type the latent has the highest AP for."""
    block = (getattr(dictionary, "meta", None) or {}).get(TYPE_EFFECT_KEY)
    if not block:
        return None
    types = list(block["types"])
    table = np.asarray(block["mean_abs_delta"], np.float64)
    if not 0 <= latent < table.shape[0] or len(types) < 2:
        return None
    if own_type is None:
        cols = [dictionary.region_classes.index(t) for t in types if t in dictionary.region_classes]
        if len(cols) != len(types):
            return None
        own_type = types[int(np.nanargmax(np.nan_to_num(dictionary.assoc_ap[latent, cols], nan=-1.0)))]
    if own_type not in types:
        return None
    k = types.index(own_type)
    row = table[latent]
    return LatentTypeEffect(int(latent), own_type, float(row[k]), float(np.delete(row, k).mean()),
                            dict(zip(types, row.tolist())), dict(zip(types, block["parts"])))
