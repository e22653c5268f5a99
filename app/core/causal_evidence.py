"""Evidence across many parts: per-image rankings of one defect type pooled into per-latent claims.

Per latent i and image n, the Δscore of switching i off in the image's ground-truth region is
- measured, when i was among that image's ranked latents;
- exactly 0, when i is silent in the region (Σ m z = 0: the edit changes no token);
- unknown otherwise (active but outside the top N), and left out of the mean.
The mean over the known images gets a seeded 95 % percentile-bootstrap interval. "Beats" means
|Δscore| above that image's 95th percentile of the pooled controls' |Δscore|; its share is over
all images (a silent or unranked latent does not beat).
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
        }


def image_evidence(name: str, rank: RankResult, codes_PS: np.ndarray) -> ImageEvidence:
    act_S = rank.m_P @ codes_PS
    bands = rank.control_bands()["pooled"]
    return ImageEvidence(
        name=name, baseline_score=rank.baseline_score, region_patches=rank.region_patches,
        control_p50_abs=bands.abs_p50, control_p95_abs=bands.abs_p95,
        deltas={r.id: r.delta_score for r in rank.latents}, beats_p95={r.id: r.beats_p95 for r in rank.latents},
        active_S=act_S > 0,
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

    def to_json(self) -> dict[str, Any]:
        f = lambda x: x if math.isfinite(x) else None  # noqa: E731
        return {"id": self.id, "label": self.label, "images_ranked": self.images_ranked, "images_known": self.images_known,
                "mean_delta": f(self.mean_delta), "ci95": [f(self.ci_low), f(self.ci_high)],
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

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.defect_type, "images": len(self.images), "seed": self.seed, "bootstrap": self.n_boot,
            "top": self.top, "controls_per_kind": self.controls,
            "top_latent_beats_p95_share": self.top_beats_p95_share, "top_latent_beats_median_share": self.top_beats_median_share,
            "latents": [lat.to_json() for lat in self.latents], "per_image": [e.to_json() for e in self.images],
        }

    def to_markdown(self, rows: int = 30) -> str:
        n = len(self.images)
        lines = [
            f"### {self.defect_type}: {n} images",
            "",
            f"Top-ranked latent beats the 95th control percentile on {self.top_beats_p95_share:.0%} of images "
            f"(median control: {self.top_beats_median_share:.0%}).",
            "",
            "| latent | label | mean Δscore | 95% CI | beats p95 | ranked on | top on |",
            "|---:|---|---:|---|---:|---:|---:|",
        ]
        for e in self.latents[:rows]:
            lines.append(f"| {e.id} | {e.label} | {_fmt(e.mean_delta)} | [{_fmt(e.ci_low)}, {_fmt(e.ci_high)}] | "
                         f"{e.share_beats_p95:.0%} | {e.images_ranked}/{n} | {e.top_count} |")
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["latent", "label", "mean_delta", "ci_low", "ci_high", "share_beats_p95", "images_ranked", "images_known", "top_count"])
        for e in self.latents:
            w.writerow([e.id, e.label, f"{e.mean_delta:.6g}", f"{e.ci_low:.6g}", f"{e.ci_high:.6g}", f"{e.share_beats_p95:.4f}",
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
        out.append(LatentEvidence(
            id=i, label=labels.get(i, f"latent {i}"),
            images_ranked=sum(i in e.deltas for e in images), images_known=len(vals),
            mean_delta=float(np.mean(vals)) if vals else float("nan"), ci_low=lo, ci_high=hi,
            share_beats_p95=sum(e.beats_p95.get(i, False) for e in images) / max(n, 1), top_count=tops.count(i),
        ))
    out.sort(key=lambda e: (-e.share_beats_p95, -abs(e.mean_delta) if math.isfinite(e.mean_delta) else 0.0, e.id))
    return FolderEvidence(defect_type, tuple(images), tuple(out), int(seed), int(n_boot), int(top), int(controls))
