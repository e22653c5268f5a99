"""Evaluating a defect ViT on an inspection dataset: the numbers of the model card.

- threshold: F1-maximising on the VAL split (unless one is given);
- on the TEST split: image AUROC overall, per defect type, per difficulty and per (type,
  difficulty), each subset's defects against ALL good test images; F1, precision and
  recall at the threshold; per-class accuracy and the confusion matrix (argmax class);
  pixel AUROC and AUPRO (FPR ≤ 0.3) of the patch defect map, upsampled to each test
  image's ORIGINAL size and compared with its original mask (1,000-bin histograms, see
  ``detection_metrics.PixelMetrics``), inside the part of the image the model sees (a centre
  crop for timm's preprocessing; defect pixels outside it are counted apart); a model without a
  patch head has no map here (its evidence map is measured after the SAE, ``evidence_localisation``);
- classes: the model's own; a folder's defect type counts as the model's class of the same name,
  or as the one defect class of a binary OK/NG model; other types are scored as defects but
  left out of the class confusion;
- the same image AUROCs for a trivial intensity/contrast baseline fitted on good training
  images, so the model's margin over it is on record.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from app.core.errors import InspectorError
from app.core.grid import PatchGrid
from app.core.jsonsafe import dumps
from app.core.preprocess import Preprocessing
from app.pipeline.dataset import ImageRecord, InspectionDataset, class_index_of, load_pool
from app.pipeline.detection_metrics import (
    DIFFICULTIES,
    IntensityContrastBaseline,
    PixelMetrics,
    auroc_per_group,
    best_f1_threshold,
    classification_summary,
    f1_at,
    write_confusion_png,
)
from app.pipeline.predict import Predictions, predict_batches

#: The quality targets of the model card.
TARGETS: dict[str, float] = {
    "image_auroc": 0.97,
    "per_type_auroc_normal": 0.90,
    "pixel_auroc": 0.95,
    "aupro": 0.85,
    "baseline_gap": 0.15,
}
DEFAULT_THRESHOLD = 0.5
FPR_LIMIT = 0.3
PIXEL_BINS = 1000


def _image_hw(path: Path) -> tuple[int, int]:
    """(height, width) of an image file as ``load_image`` orients it, from its header only."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            w, h = im.size
            if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # EXIF rotations by 90°
                w, h = h, w
    except OSError as exc:
        raise InspectorError("image_corrupt", f"{path.name} is not a readable image ({exc})", path=str(path)) from exc
    return h, w


def _class_indices(records: Sequence[ImageRecord], class_names: Sequence[str]) -> np.ndarray:
    """[N] the model's class of each record (-1: a defect type the model has no class for)."""
    return np.asarray([class_index_of(r.label, tuple(class_names)) for r in records], np.int64)


def class_of_type(defect_types: Sequence[str], class_names: Sequence[str]) -> dict[str, str | None]:
    """How the folder's defect types meet the model's classes (None: scored as a defect, no class)."""
    out: dict[str, str | None] = {}
    for t in defect_types:
        i = class_index_of(t, tuple(class_names))
        out[t] = class_names[i] if i >= 0 else None
    return out


def _pool(records: list[ImageRecord], class_names: Sequence[str], prep: Preprocessing, grid: PatchGrid,
          workers: int, cache: Path | None, progress: bool):  # noqa: ANN202
    return load_pool(records, tuple(class_names), prep.input_size, (grid.grid_h, grid.grid_w), workers=workers,
                     cache=cache, progress=progress, prep=prep)


def _spread(n_total: int, n_max: int) -> np.ndarray:
    """Up to ``n_max`` indices spread evenly over range(n_total) (deterministic)."""
    if n_total <= n_max:
        return np.arange(n_total)
    return np.unique(np.linspace(0, n_total - 1, n_max).round().astype(np.int64))


def check_targets(metrics: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target: ``{"value", "target", "met"}`` (``met`` is None when not measurable).

    Per-type targets use that type's *normal*-difficulty defects; a type without recorded
    difficulty falls back to all its defects (``"on": "all"``)."""
    img = metrics["image"]
    out: dict[str, dict[str, Any]] = {}

    def row(value: float | None, target: float, **extra: Any) -> dict[str, Any]:
        return {"value": value, "target": target, "met": None if value is None else bool(value >= target), **extra}

    out["image_auroc"] = row(img["overall"]["auroc"], TARGETS["image_auroc"])
    for t in img["per_type"]:
        normal = img["per_type_difficulty"].get(t, {}).get("normal")
        if normal is not None:
            out[f"auroc_normal/{t}"] = row(normal["auroc"], TARGETS["per_type_auroc_normal"], on="normal")
        else:
            out[f"auroc_normal/{t}"] = row(img["per_type"][t]["auroc"], TARGETS["per_type_auroc_normal"], on="all")
    out["pixel_auroc"] = row(metrics["pixel"]["auroc"], TARGETS["pixel_auroc"])
    out["aupro"] = row(metrics["pixel"]["aupro"], TARGETS["aupro"])
    base = metrics.get("baseline")
    if base is not None:
        a, b = img["overall"]["auroc"], base["image"]["overall"]["auroc"]
        gap = None if a is None or b is None else a - b
        out["baseline_gap"] = row(gap, TARGETS["baseline_gap"])
    return out


def evaluate(
    model: Any,
    dataset: InspectionDataset,
    preprocessing: Preprocessing,
    grid: PatchGrid,
    out_dir: str | Path,
    threshold: float | None = None,
    *,
    class_names: Sequence[str] | None = None,
    batch: int = 64,
    workers: int = 2,
    cache: Path | None = None,
    progress: bool = False,
    baseline: bool = True,
    baseline_fit_max: int = 500,
    max_good_reject: float | None = None,
) -> dict[str, Any]:
    """Evaluate ``model`` (numpy prefix/suffix: a Backend or ``TorchModelRunner``) on
    ``dataset`` and write ``metrics.json``, ``confusion.png`` and ``scores.csv`` (one row
    per test image) to ``out_dir``. Returns the metrics dict (see the module docstring).

    ``class_names``: the model's classes, "ok" first (default: the dataset's). ``threshold``
    None: F1-max on the val split, or 0.5 when val has no defect or no good image.
    The baseline is fitted on at most ``baseline_fit_max`` good training images.
    """
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot create output folder {out}: {exc.strerror}", path=str(out)) from exc
    classes = tuple(class_names) if class_names is not None else dataset.classes
    h, w = preprocessing.input_size
    if h % grid.grid_h or w % grid.grid_w:
        raise ValueError(f"the input {preprocessing.input_size} is not tiled by the grid {grid}")
    test = dataset.split("test")
    val = dataset.split("val")
    if not test:
        raise InspectorError("dataset_layout", f"{dataset.root} has no test images")
    test_true = _class_indices(test, classes)
    is_defect = np.array([r.label != "good" for r in test], bool)
    if not is_defect.any() or is_defect.all():
        raise InspectorError("dataset_layout", f"the test split of {dataset.root} needs both good and defect images")

    # --- threshold on the validation split
    thr_info: dict[str, Any]
    if threshold is not None:
        thr_info = {"value": float(threshold), "source": "given"}
    else:
        val_labels = np.array([r.label != "good" for r in val], bool)
        if val and val_labels.any() and not val_labels.all():
            t0 = time.perf_counter()
            vpool = _pool(val, classes, preprocessing, grid, workers, cache, progress)
            vpred = predict_batches(model, vpool, preprocessing, batch=batch, grid=grid)
            thr, f1v = best_f1_threshold(vpred.scores, val_labels)
            thr_info = {"value": thr, "source": "validation F1-max", "val_f1": f1v, "n_val": len(val),
                        "n_val_defect": int(val_labels.sum())}
            good_val = np.sort(vpred.scores[~val_labels])
            if max_good_reject is not None and float((good_val >= thr).mean()) > max_good_reject:
                # a line rejects at most this share of good parts: the smallest threshold that keeps to it on validation
                k = int(np.floor(max_good_reject * len(good_val)))
                thr = float(np.nextafter(good_val[len(good_val) - 1 - k], np.inf)) if k < len(good_val) else thr
                thr_info.update(value=thr, source=f"validation F1-max, raised so that at most {max_good_reject:.0%} of good "
                                f"validation parts are rejected", f1_max_value=thr_info["value"])
            timings["validation"] = time.perf_counter() - t0
        else:
            thr_info = {"value": DEFAULT_THRESHOLD, "source": "default (the validation split lacks good or defect images)",
                        "n_val": len(val)}
    thr = float(thr_info["value"])

    # --- test split: predictions
    t0 = time.perf_counter()
    tpool = _pool(test, classes, preprocessing, grid, workers, cache, progress)
    timings["decode_test"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = predict_batches(model, tpool, preprocessing, batch=batch, grid=grid)
    timings["predict_test"] = time.perf_counter() - t0

    labels = [r.label for r in test]
    diffs = [r.difficulty for r in test]
    image = auroc_per_group(pred.scores, labels, diffs)
    pred_defect = pred.scores >= thr
    tp = int((pred_defect & is_defect).sum())
    known = test_true >= 0  # a defect type the model has no class for stays out of the confusion
    classification = classification_summary(test_true[known], pred.predicted_class[known], classes)
    classification["class_of_type"] = class_of_type(dataset.defect_types, classes)
    classification["images_without_a_model_class"] = int((~known).sum())
    write_confusion_png(out / "confusion.png", classification["confusion"], classes)

    # --- pixel metrics at each test image's original size
    t0 = time.perf_counter()
    pixel = _pixel_metrics(test, pred, preprocessing)
    timings["pixel_metrics"] = time.perf_counter() - t0
    explains = None
    if pred.patch_maps is not None:
        from app.core.images import load_mask
        from app.pipeline.map_explains import map_explains_verdict

        explains = map_explains_verdict(test, pred.scores, lambda i: pred.patch_maps[i], thr, preprocessing, grid,
                                        lambda r: load_mask(r.mask_path, _image_hw(r.path)) if r.mask_path else None)

    metrics: dict[str, Any] = {
        "dataset": str(dataset.root),
        "classes": list(classes),
        "split_sizes": {"val": len(val), "test": len(test), "test_good": int((~is_defect).sum()),
                        "test_defect": int(is_defect.sum())},
        "threshold": thr_info,
        "image": image,
        "at_threshold": {
            "f1": f1_at(pred.scores, is_defect, thr),
            "precision": float(tp / pred_defect.sum()) if pred_defect.any() else None,
            "recall": float(tp / is_defect.sum()),
            "false_positive_rate": float((pred_defect & ~is_defect).sum() / (~is_defect).sum()),
        },
        "classification": classification,
        "pixel": pixel,
        "map_explains_verdict": explains,
        "baseline": None,
    }

    # --- the trivial baseline
    if baseline:
        t0 = time.perf_counter()
        train_good = [r for r in dataset.split("train") if r.label == "good"]
        fit_records = [train_good[i] for i in _spread(len(train_good), baseline_fit_max)]
        if fit_records:
            gpool = _pool(fit_records, classes, preprocessing, grid, workers, cache, progress)
            det = IntensityContrastBaseline.fit(np.asarray(gpool.images_NHWC))
            bscores = det.score(np.asarray(tpool.images_NHWC))
            metrics["baseline"] = {
                "name": "intensity + Laplacian contrast z-score",
                "n_fit": len(fit_records), "mu": list(det.mu), "sigma": list(det.sigma),
                "image": auroc_per_group(bscores, labels, diffs),
            }
        timings["baseline"] = time.perf_counter() - t0

    metrics["targets"] = check_targets(metrics)
    timings["total"] = time.perf_counter() - t_start
    metrics["timings_s"] = timings
    _write_scores_csv(out / "scores.csv", test, pred, classes)
    try:
        (out / "metrics.json").write_text(dumps(metrics, nonfinite="null"), encoding="utf-8")
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot write to {out}: {exc.strerror}", path=str(out)) from exc
    return metrics


def _pixel_metrics(records: Sequence[ImageRecord], pred: Predictions, prep: Preprocessing) -> dict[str, Any]:
    if pred.patch_maps is None:
        return {"auroc": None, "aupro": None, "fpr_limit": FPR_LIMIT, "source": "none: the model has no patch head "
                "(its localisation is the evidence map's, measured after the SAE)"}
    return pixel_metrics_of_maps(records, lambda i: pred.patch_maps[i], prep)


def pixel_metrics_of_maps(records: Sequence[ImageRecord], map_of: Any, prep: Preprocessing,
                          to_unit: Any = None) -> dict[str, Any]:
    """Pixel AUROC and AUPRO of per-patch maps (``map_of(i)`` -> [grid_h, grid_w]) against the
    records' masks, inside each image's view box. ``to_unit``: a strictly increasing map of the
    values into 0..1 for the histogram (both metrics depend only on the order of the scores)."""
    from app.core.images import load_mask

    acc = PixelMetrics(PIXEL_BINS)
    for i, r in enumerate(records):
        hw = _image_hw(r.path)
        mask = load_mask(r.mask_path, hw) if r.mask_path is not None else np.zeros(hw, bool)
        m = np.asarray(map_of(i), np.float64)
        acc.add(to_unit(m) if to_unit is not None else m, mask, box=prep.view_box(hw))
    return {"auroc": acc.pixel_auroc(), "aupro": acc.aupro(FPR_LIMIT), "fpr_limit": FPR_LIMIT, "bins": PIXEL_BINS,
            "n_regions": acc.n_regions, "n_pixels": int(acc.pos_hist.sum() + acc.neg_hist.sum()),
            "n_defect_pixels": int(acc.pos_hist.sum()), "n_defect_pixels_outside_view": acc.outside_defect_pixels}


def _write_scores_csv(path: Path, records: Sequence[ImageRecord], pred: Predictions, classes: Sequence[str]) -> None:
    try:
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["name", "label", "difficulty", "score", "predicted_class", *[f"p_{c}" for c in classes]])
            for i, r in enumerate(records):
                w.writerow([r.name, r.label, r.difficulty, f"{pred.scores[i]:.6f}", classes[int(pred.predicted_class[i])],
                            *[f"{p:.6f}" for p in pred.probs[i]]])
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot write {path}: {exc.strerror}", path=str(path)) from exc


# --- the model card's tables -------------------------------------------------------------


def _f(v: float | None, nd: int = 3) -> str:
    return "–" if v is None else f"{v:.{nd}f}"


def _status(met: bool | None) -> str:
    return "not measurable" if met is None else ("met" if met else "**not met**")


def metrics_markdown(metrics: dict[str, Any]) -> str:
    """Model-card tables (Markdown) from ``evaluate``'s dict: overall with targets; image
    AUROC per defect type × difficulty; baseline row; per-class accuracy."""
    targets = metrics.get("targets") or check_targets(metrics)
    img = metrics["image"]
    sz = metrics["split_sizes"]
    thr = metrics["threshold"]
    at = metrics["at_threshold"]
    L: list[str] = []
    L.append(f"Test split: {sz['test']} images ({sz['test_good']} good, {sz['test_defect']} defective). "
             f"Threshold {thr['value']:.4f} ({thr['source']}).")
    L.append("")
    L.append("| metric | value | target | status |")
    L.append("|---|---|---|---|")
    L.append(f"| image AUROC | {_f(img['overall']['auroc'])} | ≥ {TARGETS['image_auroc']:.2f} | "
             f"{_status(targets['image_auroc']['met'])} |")
    L.append(f"| pixel AUROC | {_f(metrics['pixel']['auroc'])} | ≥ {TARGETS['pixel_auroc']:.2f} | "
             f"{_status(targets['pixel_auroc']['met'])} |")
    L.append(f"| AUPRO (FPR ≤ {metrics['pixel'].get('fpr_limit', FPR_LIMIT):g}) | {_f(metrics['pixel']['aupro'])} | "
             f"≥ {TARGETS['aupro']:.2f} | {_status(targets['aupro']['met'])} |")
    L.append(f"| F1 at threshold | {_f(at['f1'])} | – | – |")
    L.append(f"| precision / recall at threshold | {_f(at['precision'])} / {_f(at['recall'])} | – | – |")
    acc = metrics["classification"]["accuracy"]
    L.append(f"| class accuracy (argmax) | {_f(acc)} | – | – |")
    if "baseline_gap" in targets:
        base_auc = metrics["baseline"]["image"]["overall"]["auroc"]
        L.append(f"| baseline image AUROC (gap) | {_f(base_auc)} ({_f(targets['baseline_gap']['value'], 3)}) | "
                 f"gap ≥ {TARGETS['baseline_gap']:.2f} | {_status(targets['baseline_gap']['met'])} |")
    L.append("")

    # per type x difficulty
    L.append("Image AUROC per defect type and difficulty (each against all good test images; n defects in brackets):")
    L.append("")
    diffs = [d for d in DIFFICULTIES if d in img["per_difficulty"]]
    L.append("| defect type | " + " | ".join(diffs + ["all"]) + f" | target ≥ {TARGETS['per_type_auroc_normal']:.2f} (normal) |")
    L.append("|---|" + "---|" * (len(diffs) + 2))

    def cell(leaf: dict | None) -> str:
        return "–" if leaf is None else f"{_f(leaf['auroc'])} ({leaf['n_defect']})"

    for t, leaf in img["per_type"].items():
        per_d = img["per_type_difficulty"].get(t, {})
        tg = targets.get(f"auroc_normal/{t}", {})
        note = " (all difficulties)" if tg.get("on") == "all" else ""
        cells = [t, *(cell(per_d.get(d)) for d in diffs), cell(leaf), f"{_status(tg.get('met'))}{note}"]
        L.append("| " + " | ".join(cells) + " |")
    cells = ["**all types**", *(cell(img["per_difficulty"].get(d)) for d in diffs), cell(img["overall"]), ""]
    L.append("| " + " | ".join(cells) + " |")
    L.append("")

    base = metrics.get("baseline")
    if base is not None:
        bi = base["image"]
        types = list(img["per_type"])
        L.append(f"Baseline ({base['name']}, fitted on {base['n_fit']} good training images), image AUROC:")
        L.append("")
        L.append("| detector | overall | " + " | ".join(types + diffs) + " |")
        L.append("|---|---|" + "---|" * (len(types) + len(diffs)))
        for name, src in (("model", img), ("baseline", bi)):
            vals = [name, _f(src["overall"]["auroc"])]
            vals += [_f(src["per_type"].get(t, {}).get("auroc")) for t in types]
            vals += [_f(src["per_difficulty"].get(d, {}).get("auroc")) for d in diffs]
            L.append("| " + " | ".join(vals) + " |")
        L.append("")

    cls = metrics["classification"]
    L.append("Per-class accuracy (share of each true class predicted as itself):")
    L.append("")
    L.append("| class | " + " | ".join(cls["classes"]) + " |")
    L.append("|---|" + "---|" * len(cls["classes"]))
    L.append("| accuracy | " + " | ".join(_f(cls["per_class_accuracy"][c]) for c in cls["classes"]) + " |")
    return "\n".join(L) + "\n"
