"""The typed parts of a findings report: verdicts, edits, ranking, dose–response, injection.

The causal results arrive from the engine (``RankResult``, ``DoseResponse``, ``InjectionResult``)
or as the dicts their ``to_json()`` gives (a replayed or hand-made report); either way they are
read once, here, into frozen dataclasses, and the PDF and its figures use only these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def _num(x: Any) -> float | None:
    """A finite float, or None (missing, NaN, not a number)."""
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        return None
    f = float(x)
    return f if math.isfinite(f) else None


def _int(x: Any) -> int | None:
    return int(x) if isinstance(x, (int, np.integer)) and not isinstance(x, bool) else None


def _floats(xs: Any) -> tuple[float, ...]:
    """Finite values of a list (entries may be numbers or dicts with a delta_score)."""
    out = []
    for v in xs if isinstance(xs, (list, tuple, np.ndarray)) else ():
        f = _num(v.get("delta_score") if isinstance(v, Mapping) else v)
        if f is not None:
            out.append(f)
    return tuple(out)


def _as_json(result: Any) -> Mapping[str, Any]:
    if hasattr(result, "to_json"):
        result = result.to_json()
    if not isinstance(result, Mapping):
        raise TypeError(f"expected a causal result or its to_json() dict, got {type(result).__name__}")
    return result


@dataclass(frozen=True)
class Verdict:
    """Scores before and after the edits, judged at one threshold."""

    threshold: float
    class_names: tuple[str, ...]
    score_before: float
    score_after: float
    probs_before: tuple[float, ...]
    probs_after: tuple[float, ...]

    def is_defect(self, score: float) -> bool | None:
        """True/False at this threshold; None for a score that is not a number (never 'OK')."""
        return None if not math.isfinite(score) else score >= self.threshold


@dataclass(frozen=True)
class EditRow:
    latent: int
    label: str
    op: str  # off | scale | set | add
    value: float
    score_alone: float  # defect score with only this edit, in the region
    delta_alone: float  # score_alone - score_before
    # where the latent fires hardest on held-out parts: ((class, share), ...) and how many parts
    strongest: tuple[tuple[str, float], ...] = ()
    strongest_parts: int = 0


@dataclass(frozen=True)
class SpecificityRow:
    """Mean |Δ defect map| outside the region over inside it; flagged when unspecific."""

    ratio: float | None
    unspecific: bool = False

    @staticmethod
    def read(d: Any) -> SpecificityRow | None:
        if isinstance(d, Mapping):
            return SpecificityRow(_num(d.get("ratio")), bool(d.get("unspecific", False)))
        if _num(d) is not None:
            return SpecificityRow(_num(d))
        return None


@dataclass(frozen=True)
class RankRow:
    id: int
    label: str
    activation: float | None
    delta_score: float
    percentile_vs_control: float | None
    beats_p95: bool
    specificity: SpecificityRow | None


@dataclass(frozen=True)
class RankSection:
    """Latents by their measured effect in the region, with the controls' Δscore."""

    latents: tuple[RankRow, ...]
    random_latents: tuple[float, ...]
    random_directions: tuple[float, ...]
    seed: int | None = None
    top: int | None = None
    controls_per_kind: int | None = None

    @staticmethod
    def read(result: Any) -> RankSection:
        d = _as_json(result)
        ctrl = d.get("controls", {})
        ctrl = ctrl if isinstance(ctrl, Mapping) else {}
        rows = []
        for x in d.get("latents", []):
            p = _num(x.get("percentile_vs_control"))
            rows.append(RankRow(
                id=int(x.get("id", -1)), label=str(x.get("label", "")), activation=_num(x.get("activation")),
                delta_score=_num(x.get("delta_score")) or 0.0, percentile_vs_control=p,
                beats_p95=bool(x["beats_p95"]) if "beats_p95" in x else p is not None and p >= 95,
                specificity=SpecificityRow.read(x.get("specificity")),
            ))
        return RankSection(tuple(rows), _floats(ctrl.get("random_latents")), _floats(ctrl.get("random_directions")),
                           seed=_int(d.get("seed")), top=_int(d.get("top")),
                           controls_per_kind=_int(d.get("controls_per_kind", d.get("controls") if _int(d.get("controls")) else None)))

    def band(self, kind: str, lo: float = 5.0, hi: float = 95.0) -> tuple[float, float] | None:
        """The 5–95% range of one control kind's Δscore (``random_latents`` | ``random_directions``)."""
        v = np.asarray(getattr(self, kind), np.float64)
        return None if v.size == 0 else (float(np.percentile(v, lo)), float(np.percentile(v, hi)))

    def row(self, latent: int) -> RankRow | None:
        return next((r for r in self.latents if r.id == latent), None)

    def settings(self) -> dict[str, int]:
        """The rank_latents arguments that reproduce it."""
        out = {"top": self.top, "controls": self.controls_per_kind, "seed": self.seed}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class DoseSection:
    """Score and class probabilities against the latent's strength in the region."""

    latent: int
    label: str
    strengths: tuple[float, ...]
    scores: tuple[float, ...]
    class_probs: tuple[tuple[str, tuple[float, ...]], ...]  # (class, one probability per strength)
    specificity: SpecificityRow | None = None

    @staticmethod
    def read(result: Any, class_names: Sequence[str] = ()) -> DoseSection:
        d = _as_json(result)
        s = tuple(float(x) for x in d.get("strengths", []))
        probs = d.get("class_probs", d.get("classes"))
        series: tuple[tuple[str, tuple[float, ...]], ...] = ()
        if isinstance(probs, Mapping):
            series = tuple((str(k), tuple(float(x) for x in v)) for k, v in probs.items())
        elif probs is not None and len(probs):
            p = np.asarray(probs, np.float64)
            names = tuple(d.get("class_names", class_names))
            if p.ndim == 2 and p.shape[0] == len(s):
                series = tuple((names[i] if i < len(names) else f"class {i}", tuple(p[:, i].tolist())) for i in range(p.shape[1]))
        return DoseSection(int(d.get("latent", -1)), str(d.get("label", "")), s,
                           tuple(float(x) for x in d.get("scores", [])), series, SpecificityRow.read(d.get("specificity")))

    def settings(self) -> dict[str, Any]:
        """The dose_response arguments that reproduce it, as far as they can be told from the grid."""
        out: dict[str, Any] = {"latent": self.latent}
        s = np.asarray(self.strengths, np.float64)
        if s.size:
            rng = float(np.max(np.abs(s)))
            out["strength_range"] = rng
            from app.core.causal_dose import dose_strengths
            from app.core.errors import InspectorError

            for p in (s.size, s.size - 1, s.size - 2):  # the grid holds 0 and 1 besides its points
                try:
                    if np.array_equal(dose_strengths(rng, p), s):
                        out["points"] = p
                        break
                except InspectorError:  # fewer points than a dose curve may have: not this one
                    continue
        return out


INJECTION_OUTCOMES = ("creates", "removes", "stays_defect", "stays_ok", "undefined")


def injection_outcome(baseline: float, score: float, threshold: float) -> str:
    """What an injection did to the verdict at ``threshold``: "creates" (below → at or above), "removes"
    (at or above → below), "stays_defect" (already at or above, still so), "stays_ok" (below, still
    below), "undefined" (a score that is not a number). The GUI and the PDF word the same outcome."""
    if not (math.isfinite(baseline) and math.isfinite(score) and math.isfinite(threshold)):
        return "undefined"
    before, after = baseline >= threshold, score >= threshold
    if before != after:
        return "creates" if after else "removes"
    return "stays_defect" if after else "stays_ok"


def change_direction(delta: float, tol: float = 5e-5) -> str:
    """"raised" | "lowered" | "unchanged": the direction of a score change, as the wording needs it."""
    if not math.isfinite(delta) or abs(delta) < tol:
        return "unchanged"
    return "raised" if delta > 0 else "lowered"


@dataclass(frozen=True)
class InjectionSection:
    """The latent set to r × its reference in the region, against random latents set likewise."""

    latent: int
    label: str
    r: float
    score: float
    baseline_score: float
    delta_score: float
    percentile_vs_control: float | None
    creates_defect: bool
    controls: int
    control_band: tuple[float, float] | None  # 5–95% of the controls' Δscore
    seed: int | None
    specificity: SpecificityRow | None

    @staticmethod
    def read(result: Any) -> InjectionSection:
        d = _as_json(result)
        ctrl = d.get("controls", {})
        deltas = np.asarray(_floats(ctrl.get("delta_scores", []) if isinstance(ctrl, Mapping) else []), np.float64)
        band = (float(np.percentile(deltas, 5)), float(np.percentile(deltas, 95))) if deltas.size else None
        return InjectionSection(
            latent=int(d.get("latent", -1)), label=str(d.get("label", "")), r=float(d.get("r", 0.0)),
            score=float(d.get("score", math.nan)), baseline_score=float(d.get("baseline_score", math.nan)),
            delta_score=float(d.get("delta_score", math.nan)), percentile_vs_control=_num(d.get("percentile_vs_control")),
            creates_defect=bool(d.get("creates_defect", False)), controls=int(deltas.size), control_band=band,
            seed=_int(d.get("seed")), specificity=SpecificityRow.read(d.get("specificity")),
        )

    def outcome(self, threshold: float) -> str:
        return injection_outcome(self.baseline_score, self.score, threshold)
