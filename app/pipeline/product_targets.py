"""The quality targets of a product-line bundle, measured on its frozen held-out test split.

Each target is a row ``{"target", "measured", "met"}`` computed from what the build measured:
the ViT's evaluation (``evaluate``), whether its map explains its verdicts (``map_explains``), the
feature dictionary (best-latent AP and purity), the causal checks (``bundle_checks.causal_sanity``:
the cross-type matrix and the matched-random ratio) and the shipped samples (``sample_latent_check``).
The card reports every row, met or with its gap; nothing here is asserted by a test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

IMAGE_AUROC = 0.97
TYPE_AUROC = 0.93
PIXEL_AUROC = 0.97
AUPRO = 0.90
CLASS_ACCURACY = 0.85
GOOD_REJECTED = 0.05
BEST_LATENT_AP = 0.5
PURITY = 0.70
PURE_TYPES_NEEDED = 5
DIAGONAL_RATIO = 3.0
ASSOC_VS_RANDOM = 3.0
TOP_LISTED = 10


def _row(target: str, measured: str, met: bool | None) -> dict[str, Any]:
    return {"target": target, "measured": measured, "met": met}


def _fmt(v: float | None, nd: int = 3) -> str:
    return "–" if v is None or not np.isfinite(v) else f"{v:.{nd}f}"


def _worst(values: Mapping[str, float | None]) -> tuple[str, float | None]:
    known = {k: v for k, v in values.items() if v is not None and np.isfinite(v)}
    if not known:
        return "–", None
    k = min(known, key=known.__getitem__)
    return k, known[k]


def detection_rows(vit_metrics: Mapping[str, Any], defect_types: Sequence[str]) -> list[dict[str, Any]]:
    img, pix = vit_metrics["image"], vit_metrics["pixel"]
    rows = []
    a = img["overall"]["auroc"]
    rows.append(_row(f"image AUROC ≥ {IMAGE_AUROC}", _fmt(a), None if a is None else a >= IMAGE_AUROC))
    per = {t: img["per_type"].get(t, {}).get("auroc") for t in defect_types}
    name, worst = _worst(per)
    rows.append(_row(f"image AUROC ≥ {TYPE_AUROC} for every defect type", f"min {_fmt(worst)} ({name})",
                     None if worst is None else worst >= TYPE_AUROC))
    for key, goal, label in (("auroc", PIXEL_AUROC, "pixel AUROC"), ("aupro", AUPRO, "AUPRO (FPR ≤ 0.3)")):
        v = pix.get(key)
        rows.append(_row(f"{label} ≥ {goal}", _fmt(v), None if v is None else v >= goal))
    acc = vit_metrics["classification"]["per_class_accuracy"]
    name, worst = _worst({t: acc.get(t) for t in defect_types})
    rows.append(_row(f"class accuracy ≥ {CLASS_ACCURACY} for every defect type", f"min {_fmt(worst)} ({name})",
                     None if worst is None else worst >= CLASS_ACCURACY))
    fpr = vit_metrics["at_threshold"].get("false_positive_rate")
    rows.append(_row(f"good parts rejected at the threshold ≤ {GOOD_REJECTED:.0%}", "–" if fpr is None else f"{fpr:.1%}",
                     None if fpr is None else fpr <= GOOD_REJECTED))
    return rows


def explains_row(explains: Mapping[str, Any] | None) -> dict[str, Any]:
    if not explains or explains["overall"]["peak_in_region"] is None:
        return _row("the map's peak in the region (or next to it) and at the threshold on ≥ 85% of rejected defective parts",
                    "no rejected defective part", None)
    o = explains["overall"]
    return _row(f"the map's peak in the region (or next to it) and at the threshold on ≥ {explains['target']:.0%} of rejected "
                "defective parts", f"{o['peak_in_region']:.1%} in the region, {o['peak_reaches_threshold']:.1%} at the "
                f"threshold ({o['rejected']} parts)", explains["met"])


def latent_rows(best_ap: Mapping[str, float | None], purity: Mapping[str, float | None]) -> list[dict[str, Any]]:
    name, worst = _worst(best_ap)
    rows = [_row(f"best-latent AP ≥ {BEST_LATENT_AP} for every type", f"min {_fmt(worst)} ({name})",
                 None if worst is None else worst >= BEST_LATENT_AP)]
    pure = sorted(t for t, v in purity.items() if v is not None and v >= PURITY)
    rows.append(_row(f"for ≥ {PURE_TYPES_NEEDED} of {len(purity)} types a latent whose 50 strongest test parts are ≥ {PURITY:.0%} "
                     "that type", f"{len(pure)} types ({', '.join(pure) or 'none'})", len(pure) >= PURE_TYPES_NEEDED))
    return rows


def causal_rows(causal: Mapping[str, Any]) -> list[dict[str, Any]]:
    m = causal.get("cross_type") or {}
    rows = {r["type"]: r for r in m.get("rows", [])}
    diag = {t: r.get("diagonal_ratio") for t, r in rows.items()}
    rand = {t: r.get("assoc_vs_random") for t, r in rows.items()}
    name, worst = _worst(diag)
    out = [_row(f"type specificity: switching off type U's latents moves type-U parts ≥ {DIAGONAL_RATIO:g}× as much as the mean "
                "of the other types' sets (cross-type matrix diagonal)", f"min {_fmt(worst, 2)}× ({name})",
                None if worst is None else worst >= DIAGONAL_RATIO)]
    name, worst = _worst(rand)
    out.append(_row(f"associated latents ≥ {ASSOC_VS_RANDOM:g}× activation-matched random latents, every type",
                    f"min {_fmt(worst, 2)}× ({name})", None if worst is None else worst >= ASSOC_VS_RANDOM))
    return out


def sample_row(check: Mapping[str, Any] | None) -> dict[str, Any]:
    target = f"every shipped sample has a latent labelled with its own type among the top {TOP_LISTED} in its mask"
    if not check or not check.get("samples"):
        return _row(target, "no samples checked", None)
    rows = check["samples"]
    hits = [r for r in rows if r["own_type_rank"] is not None]
    missed = [r["name"] for r in rows if r["own_type_rank"] is None]
    return _row(target, f"{len(hits)} of {len(rows)}" + (f" (missed: {', '.join(missed)})" if missed else ""),
                len(hits) == len(rows))


def sample_latent_check(bundle_dir: Path, samples_dir: Path, top: int = TOP_LISTED) -> dict[str, Any]:
    """Open each defect sample (``<type>_<n>.png`` with ``<type>_<n>_mask.png``) in the real engine: the
    rank, among the latents listed in its mask, of the first latent whose label names its own type."""
    from app.core.dictionary import label_class_name
    from app.core.images import load_image, load_mask
    from app.core.session import InspectionSession

    s = InspectionSession.open(bundle_dir, backend="onnx")
    out = []
    for mask_path in sorted(samples_dir.glob("*_mask.png")):
        img_path = mask_path.with_name(mask_path.name.replace("_mask.png", ".png"))
        own = img_path.stem.rsplit("_", 1)[0]
        img = load_image(img_path).pixels_HWC
        s.analyze(img)
        listed = s.latents_in_mask(load_mask(mask_path, img.shape[:2]), top=top)
        rank = next((k + 1 for k, lat in enumerate(listed) if label_class_name(lat.label) == own), None)
        out.append({"name": img_path.name, "type": own, "own_type_rank": rank,
                    "own_type_latent": listed[rank - 1].id if rank else None,
                    "own_type_label": listed[rank - 1].label if rank else None, "listed": len(listed)})
    return {"top": top, "samples": out}


def all_rows(
    vit_metrics: Mapping[str, Any], defect_types: Sequence[str], explains: Mapping[str, Any] | None,
    best_ap: Mapping[str, float | None], purity: Mapping[str, float | None], causal: Mapping[str, Any],
    samples: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    return (detection_rows(vit_metrics, defect_types) + [explains_row(explains)] + latent_rows(best_ap, purity)
            + causal_rows(causal) + [sample_row(samples)])


def markdown(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    status = {True: "met", False: "**not met**", None: "not measurable"}
    return ["| target | measured | status |", "|---|---|---|"] + [
        f"| {r['target']} | {r['measured']} | {status[r['met']]} |" for r in rows]
