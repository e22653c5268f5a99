"""Evidence across many parts: per-image rankings of one defect type pooled into per-latent claims.

Per latent i and image n, the Δscore of switching i off in the image's ground-truth region is
- measured, when i was among that image's ranked latents;
- exactly 0, when i is silent in the region (Σ m z = 0: the edit changes no token);
- unknown otherwise (active but outside the top N), and left out of the mean.
The mean over the known images gets a seeded 95 % percentile-bootstrap interval, and so does the
mean |Δscore|. "Beats p95" means |Δscore| above that image's 95th percentile of the pooled single
controls' |Δscore|: fair for one fixed latent, not for the best of an image's N ranked latents.
The best of N is judged against the best of N controls instead: per image, the top latent's
max-statistic p-value (``causal_controls``), and whether it beats every one of the image's
controls, which under "no latent is special" happens with probability 1 / (R + 1) for R replicates.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.causal import RankResult


@dataclass(frozen=True)
class ImageEvidence:
    name: str
    baseline_score: float
    region_patches: int
    control_p50_abs: float
    control_p95_abs: float
    deltas: dict[int, float]  # ranked latent -> Δscore
    beats_p95: dict[int, bool]
    active_S: np.ndarray | None = None  # [S] bool: latent active in the region
    top_p_adjusted: float = float("nan")  # the top latent's max-statistic p-value (family-wise over N)
    replicates: int = 0
    control_max_abs: float = float("nan")  # the largest |Δscore| of all the image's controls
    controls_used: int = 0  # controls run on this image, both kinds

    @property
    def top_latent(self) -> int:
        """The latent with the largest |Δscore| on this image (-1 if none was ranked)."""
        return max(self.deltas, key=lambda i: abs(self.deltas[i])) if self.deltas else -1

    @property
    def top_beats_p95(self) -> bool:
        return self.top_latent >= 0 and self.beats_p95[self.top_latent]

    @property
    def top_beats_median(self) -> bool:
        t = self.top_latent
        return t >= 0 and math.isfinite(self.control_p50_abs) and abs(self.deltas[t]) > self.control_p50_abs

    @property
    def top_beats_all_controls(self) -> bool:
        """The best of N beats every control of both kinds (chance 1/(R+1) when nothing is special)."""
        t = self.top_latent
        return t >= 0 and math.isfinite(self.control_max_abs) and abs(self.deltas[t]) > self.control_max_abs

    def value(self, latent: int) -> float | None:
        if latent in self.deltas:
            return self.deltas[latent]
        if self.active_S is not None and not self.active_S[latent]:
            return 0.0
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "baseline_score": self.baseline_score, "region_patches": self.region_patches,
            "control_p50_abs": self.control_p50_abs, "control_p95_abs": self.control_p95_abs,
            "top_latent": self.top_latent, "top_delta": self.deltas.get(self.top_latent, 0.0),
            "top_beats_p95": self.top_beats_p95, "top_beats_median": self.top_beats_median,
            "top_p_adjusted": self.top_p_adjusted if math.isfinite(self.top_p_adjusted) else None,
            "top_beats_all_controls": self.top_beats_all_controls, "replicates": self.replicates,
            "control_max_abs": self.control_max_abs if math.isfinite(self.control_max_abs) else None,
            "controls_used": self.controls_used,
        }


def image_evidence(name: str, rank: RankResult, codes_PS: np.ndarray) -> ImageEvidence:
    act_S = rank.m_P @ codes_PS
    bands = rank.control_bands()["pooled"]
    return ImageEvidence(
        name=name, baseline_score=rank.baseline_score, region_patches=rank.region_patches,
        control_p50_abs=bands.abs_p50, control_p95_abs=bands.abs_p95,
        deltas={r.id: r.delta_score for r in rank.latents}, beats_p95={r.id: r.beats_p95 for r in rank.latents},
        active_S=act_S > 0, top_p_adjusted=rank.latents[0].p_adjusted if rank.latents else float("nan"),
        replicates=rank.replicates, control_max_abs=float(np.abs(rank.control_deltas()).max()),
        controls_used=len(rank.random_latents) + len(rank.random_directions),
    )


@dataclass(frozen=True)
class LatentEvidence:
    id: int
    label: str
    images_ranked: int  # images where it was among the ranked latents
    images_known: int  # ranked + silent: the images its mean is over
    mean_delta: float
    ci_low: float  # 95 % bootstrap interval of the mean
    ci_high: float
    share_beats_p95: float  # over all images
    top_count: int  # images where it was the top latent by |Δscore|
    mean_abs_delta: float = float("nan")
    abs_ci_low: float = float("nan")
    abs_ci_high: float = float("nan")

    def to_json(self) -> dict[str, Any]:
        f = lambda x: x if math.isfinite(x) else None  # noqa: E731
        return {"id": self.id, "label": self.label, "images_ranked": self.images_ranked, "images_known": self.images_known,
                "mean_delta": f(self.mean_delta), "ci95": [f(self.ci_low), f(self.ci_high)],
                "mean_abs_delta": f(self.mean_abs_delta), "abs_ci95": [f(self.abs_ci_low), f(self.abs_ci_high)],
                "share_beats_p95": self.share_beats_p95, "top_count": self.top_count}


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:+.4f}" if x == 0 or abs(x) >= 1e-3 else f"{x:+.2e}"


def bootstrap_mean_ci(values: np.ndarray, rng: np.random.Generator, n_boot: int = 2000, level: float = 0.95) -> tuple[float, float]:
    v = np.asarray(values, np.float64)
    if v.size == 0:
        return float("nan"), float("nan")
    if v.size == 1:
        return float(v[0]), float(v[0])
    means = v[rng.integers(0, v.size, (n_boot, v.size))].mean(axis=1)
    a = (1 - level) / 2 * 100
    lo, hi = np.percentile(means, [a, 100 - a])
    return float(lo), float(hi)


@dataclass(frozen=True)
class FolderEvidence:
    defect_type: str
    images: tuple[ImageEvidence, ...]
    latents: tuple[LatentEvidence, ...]  # most convincing first: share beating p95, then |mean Δ|
    seed: int
    n_boot: int
    top: int
    controls: int

    @property
    def top_beats_p95_share(self) -> float:
        return float(np.mean([e.top_beats_p95 for e in self.images])) if self.images else float("nan")

    @property
    def top_beats_median_share(self) -> float:
        return float(np.mean([e.top_beats_median for e in self.images])) if self.images else float("nan")

    @property
    def top_beats_all_share(self) -> float:
        return float(np.mean([e.top_beats_all_controls for e in self.images])) if self.images else float("nan")

    @property
    def chance_beats_all(self) -> float:
        """What ``top_beats_all_share`` would be if no latent were special: mean 1/(R+1) over the images."""
        return float(np.mean([1.0 / (e.replicates + 1) for e in self.images if e.replicates])) if self.images else float("nan")

    @property
    def top_significant_share(self) -> float:
        p = [e.top_p_adjusted for e in self.images if math.isfinite(e.top_p_adjusted)]
        return float(np.mean(np.array(p) <= 0.05)) if p else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.defect_type, "images": len(self.images), "seed": self.seed, "bootstrap": self.n_boot,
            "top": self.top, "controls_per_kind": self.controls, "controls_used": sum(e.controls_used for e in self.images),
            "top_latent_beats_p95_share": self.top_beats_p95_share, "top_latent_beats_median_share": self.top_beats_median_share,
            "top_latent_beats_all_controls_share": self.top_beats_all_share, "chance_beats_all_controls": self.chance_beats_all,
            "top_latent_significant_share": self.top_significant_share,
            "latents": [lat.to_json() for lat in self.latents], "per_image": [e.to_json() for e in self.images],
        }

    def to_markdown(self, rows: int = 30) -> str:
        n = len(self.images)
        lines = [
            f"### {self.defect_type}: {n} images",
            "",
            f"The best of each image's ranked latents, against the best of as many matched controls: it beats every "
            f"control of both kinds on {self.top_beats_all_share:.0%} of images (chance if no latent were special: "
            f"{self.chance_beats_all:.0%}); its max-statistic p-value is ≤ 0.05 on {self.top_significant_share:.0%}. "
            f"(Against single controls' 95th percentile, the uncorrected comparison, it would \"win\" on "
            f"{self.top_beats_p95_share:.0%}.)",
            "",
            "| latent | label | mean Δscore | 95% CI | mean \\|Δscore\\| | 95% CI | beats p95 | ranked on | top on |",
            "|---:|---|---:|---|---:|---|---:|---:|---:|",
        ]
        for e in self.latents[:rows]:
            lines.append(f"| {e.id} | {e.label} | {_fmt(e.mean_delta)} | [{_fmt(e.ci_low)}, {_fmt(e.ci_high)}] | "
                         f"{_fmt(e.mean_abs_delta)} | [{_fmt(e.abs_ci_low)}, {_fmt(e.abs_ci_high)}] | "
                         f"{e.share_beats_p95:.0%} | {e.images_ranked}/{n} | {e.top_count} |")
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["latent", "label", "mean_delta", "ci_low", "ci_high", "mean_abs_delta", "abs_ci_low", "abs_ci_high",
                    "share_beats_p95", "images_ranked", "images_known", "top_count"])
        for e in self.latents:
            w.writerow([e.id, e.label, f"{e.mean_delta:.6g}", f"{e.ci_low:.6g}", f"{e.ci_high:.6g}", f"{e.mean_abs_delta:.6g}",
                        f"{e.abs_ci_low:.6g}", f"{e.abs_ci_high:.6g}", f"{e.share_beats_p95:.4f}",
                        e.images_ranked, e.images_known, e.top_count])
        return buf.getvalue()


def aggregate(
    defect_type: str, images: Sequence[ImageEvidence], labels: Mapping[int, str], seed: int = 0,
    n_boot: int = 2000, top: int = 64, controls: int = 64,
) -> FolderEvidence:
    n = len(images)
    ids = sorted({i for e in images for i in e.deltas})
    tops = [e.top_latent for e in images]
    out = []
    for i in ids:
        vals = [v for e in images if (v := e.value(i)) is not None]
        rng = np.random.default_rng([int(seed), int(i)])  # per latent: independent of the order of latents
        lo, hi = bootstrap_mean_ci(np.array(vals), rng, n_boot)
        alo, ahi = bootstrap_mean_ci(np.abs(np.array(vals)), rng, n_boot)
        out.append(LatentEvidence(
            id=i, label=labels.get(i, f"latent {i}"),
            images_ranked=sum(i in e.deltas for e in images), images_known=len(vals),
            mean_delta=float(np.mean(vals)) if vals else float("nan"), ci_low=lo, ci_high=hi,
            share_beats_p95=sum(e.beats_p95.get(i, False) for e in images) / max(n, 1), top_count=tops.count(i),
            mean_abs_delta=float(np.mean(np.abs(vals))) if vals else float("nan"), abs_ci_low=alo, abs_ci_high=ahi,
        ))
    out.sort(key=lambda e: (-e.share_beats_p95, -abs(e.mean_delta) if math.isfinite(e.mean_delta) else 0.0, e.id))
    return FolderEvidence(defect_type, tuple(images), tuple(out), int(seed), int(n_boot), int(top), int(controls))
