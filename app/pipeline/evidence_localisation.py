"""How well the measured evidence map localises defects, beside the patch head's map.

For a seeded sample of held-out test images (good and defective), the bundle's evidence map
(``InspectionSession.evidence_map``: the score's change when each patch's hooked-layer token is
replaced by the mean good-part token there) and, where the model has one, its patch head's map
are scored against the ground-truth masks with the same pixel AUROC and AUPRO as the detection
metrics (inside the model's view box). The evidence map shows where the *verdict* comes from; a
patch head is trained to mark defects and may disagree with what the verdict uses.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from app.core.images import load_image
from app.core.session import InspectionSession
from app.pipeline.dataset import ImageRecord, InspectionDataset
from app.pipeline.evaluate import FPR_LIMIT, pixel_metrics_of_maps


def evidence_to_unit(e: np.ndarray) -> np.ndarray:
    """A strictly increasing map of evidence (-1..1) into 0..1 for the metrics' histograms.

    Pixel AUROC and AUPRO depend only on the order of the scores; the fourth root spreads the
    small values most patches have over many histogram bins, so ties do not blunt the figures."""
    e = np.clip(np.asarray(e, np.float64), -1.0, 1.0)
    return 0.5 + 0.5 * np.sign(e) * np.abs(e) ** 0.25


def sample_records(ds: InspectionDataset, n: int, seed: int) -> list[ImageRecord]:
    """Up to ``n`` test images, seeded, keeping the split's share of good and defective parts."""
    test = ds.split("test")
    if n <= 0 or n >= len(test):
        return test
    idx = np.sort(np.random.default_rng(seed).choice(len(test), n, replace=False))
    return [test[i] for i in idx]


def evidence_localisation(bundle_dir: str | Path, ds: InspectionDataset, n_images: int, seed: int = 0,
                          backend: str = "torch") -> dict[str, Any]:
    """Pixel AUROC and AUPRO of the evidence map and of the patch head (None without one), on the
    same test images; with the images used and the evidence map's time per image."""
    s = InspectionSession.open(bundle_dir, backend=backend)  # type: ignore[arg-type]
    records = sample_records(ds, n_images, seed)
    prep = s.bundle.manifest.preprocess
    evidence: list[np.ndarray] = []
    head: list[np.ndarray] = []
    t0 = time.perf_counter()
    for r in records:
        a = s.analyze(load_image(r.path).pixels_HWC)
        evidence.append(s.evidence_map())
        if a.baseline.patch_map is not None:
            head.append(a.baseline.patch_map)
    seconds = (time.perf_counter() - t0) / max(1, len(records))
    ev = pixel_metrics_of_maps(records, lambda i: evidence[i], prep, to_unit=evidence_to_unit)
    hd = pixel_metrics_of_maps(records, lambda i: head[i], prep) if head else None
    good = [float(np.max(e)) for e, r in zip(evidence, records) if r.label == "good"]
    bad = [float(np.max(e)) for e, r in zip(evidence, records) if r.label != "good"]
    return {
        "images": len(records), "defective_images": sum(r.label != "good" for r in records), "seed": seed,
        "evidence": {"pixel_auroc": ev["auroc"], "aupro": ev["aupro"], "n_regions": ev["n_regions"]},
        "patch_head": None if hd is None else {"pixel_auroc": hd["auroc"], "aupro": hd["aupro"]},
        "fpr_limit": FPR_LIMIT, "seconds_per_image": seconds,
        "mean_peak_evidence": {"good": float(np.mean(good)) if good else None, "defective": float(np.mean(bad)) if bad else None},
        "definition": "e_p = score - score with patch p's hooked-layer token replaced by x_p - x̂_p + r_p "
                      "(r_p: decode of the mean good code at p)",
    }


def evidence_markdown(result: dict[str, Any]) -> list[str]:
    """Model-card lines: the evidence map's localisation beside the patch head's."""

    def f(v: float | None) -> str:
        return "–" if v is None else f"{v:.3f}"

    ev, hd = result["evidence"], result["patch_head"]
    lines = [
        f"Localisation of the evidence map (measured: the defect score's change when a patch's hooked-layer token is "
        f"replaced by the mean good-part token at its position, its SAE error kept), on {result['images']} test images "
        f"({result['defective_images']} defective), inside the model's view:",
        "",
        f"| map | pixel AUROC | AUPRO (FPR ≤ {result['fpr_limit']:g}) |",
        "|---|---:|---:|",
        f"| evidence map (where the verdict comes from) | {f(ev['pixel_auroc'])} | {f(ev['aupro'])} |",
    ]
    if hd is None:
        lines.append("| patch head | – (the model has none) | – |")
    else:
        lines.append(f"| patch head (trained to mark defects) | {f(hd['pixel_auroc'])} | {f(hd['aupro'])} |")
    peak = result["mean_peak_evidence"]
    lines += ["", f"Mean peak evidence: {f(peak['good'])} on good parts, {f(peak['defective'])} on defective ones "
              f"({result['seconds_per_image']:.2f} s per image on the build machine)."]
    return lines
