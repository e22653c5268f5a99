"""Detection metrics of the field, in numpy and scikit-learn only.

Conventions everywhere in this module:
- a *score* is higher for "more defective"; a prediction is "defect" when ``score >= thr``
  (scikit-learn's convention in ``precision_recall_curve``);
- ``is_defect`` is a boolean array of the same length (True = a defective image);
- a metric that is undefined on the data given (e.g. an AUROC without any positive or
  without any negative) is ``None``, never NaN, so results can be written as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from app.core.grid import upsample_to_image

DIFFICULTIES = ("normal", "subtle")


# --- image level -----------------------------------------------------------------------


def image_auroc(scores_N: np.ndarray, is_defect_N: np.ndarray) -> float | None:
    """Area under the ROC curve of ``scores`` for ``is_defect`` (sklearn ``roc_auc_score``).

    AUROC = P(score of a random defect > score of a random good) + ½ P(tie).
    ``None`` when either class is absent.
    """
    from sklearn.metrics import roc_auc_score

    s = np.asarray(scores_N, np.float64).ravel()
    y = np.asarray(is_defect_N, bool).ravel()
    if s.shape != y.shape:
        raise ValueError(f"scores {s.shape} and labels {y.shape} differ in length")
    if y.all() or not y.any():
        return None
    return float(roc_auc_score(y, s))


def auroc_per_group(
    scores_N: np.ndarray, labels_N: Sequence[str], difficulty_N: Sequence[str] | None = None
) -> dict[str, dict]:
    """Image AUROC overall, per defect type, per difficulty and per (type, difficulty).

    ``labels_N``: "good" or the defect type. Each subset's defect images are scored
    against ALL good images: AUROC_t = AUROC(scores[label == t or good], label == t), and
    AUROC_d = AUROC(scores[difficulty == d or good], difficulty == d among defects).
    Returns ``{"overall": {...}, "per_type": {t: {...}}, "per_difficulty": {d: {...}},
    "per_type_difficulty": {t: {d: {...}}}}`` where each leaf is ``{"auroc", "n_defect", "n_good"}``.
    """
    s = np.asarray(scores_N, np.float64)
    lab = np.asarray(labels_N, dtype=object)
    good = lab == "good"
    diff = np.asarray(difficulty_N if difficulty_N is not None else ["unknown"] * len(lab), dtype=object)

    def leaf(sel_defect: np.ndarray) -> dict:
        sel = sel_defect | good
        return {"auroc": image_auroc(s[sel], sel_defect[sel]), "n_defect": int(sel_defect.sum()), "n_good": int(good.sum())}

    types = sorted({str(t) for t in lab if t != "good"})
    out: dict[str, dict] = {"overall": leaf(~good), "per_type": {}, "per_difficulty": {}, "per_type_difficulty": {}}
    for t in types:
        out["per_type"][t] = leaf(lab == t)
        out["per_type_difficulty"][t] = {
            d: leaf((lab == t) & (diff == d)) for d in DIFFICULTIES if np.any((lab == t) & (diff == d))
        }
    for d in DIFFICULTIES:
        if np.any(~good & (diff == d)):
            out["per_difficulty"][d] = leaf(~good & (diff == d))
    return out


def best_f1_threshold(scores_N: np.ndarray, is_defect_N: np.ndarray) -> tuple[float, float]:
    """The threshold that maximises F1 = 2·P·R / (P + R) (sklearn ``precision_recall_curve``).

    Candidate thresholds are the distinct scores; "defect" means ``score >= threshold``.
    Ties in F1 go to the lowest such threshold. Raises ``ValueError`` without any defect.
    """
    from sklearn.metrics import precision_recall_curve

    s = np.asarray(scores_N, np.float64).ravel()
    y = np.asarray(is_defect_N, bool).ravel()
    if not y.any():
        raise ValueError("best_f1_threshold needs at least one defect")
    precision, recall, thresholds = precision_recall_curve(y, s)
    p, r = precision[:-1], recall[:-1]  # the last point (P=1, R=0) has no threshold
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    i = int(np.argmax(f1))
    return float(thresholds[i]), float(f1[i])


def f1_at(scores_N: np.ndarray, is_defect_N: np.ndarray, thr: float) -> float:
    """F1 = 2·TP / (2·TP + FP + FN) of the prediction ``score >= thr`` (0 when undefined)."""
    from sklearn.metrics import f1_score

    y = np.asarray(is_defect_N, bool).ravel()
    pred = np.asarray(scores_N, np.float64).ravel() >= thr
    return float(f1_score(y, pred, zero_division=0.0))


def classification_summary(true_N: np.ndarray, pred_N: np.ndarray, class_names: Sequence[str]) -> dict:
    """Confusion matrix and per-class accuracy (sklearn ``confusion_matrix``).

    ``cm[i, j]`` = images of true class i predicted as class j; per-class accuracy of class i
    = cm[i, i] / Σ_j cm[i, j] (the class's recall; ``None`` without images of that class);
    overall accuracy = trace(cm) / Σ cm.
    """
    from sklearn.metrics import confusion_matrix

    k = len(class_names)
    cm = confusion_matrix(np.asarray(true_N), np.asarray(pred_N), labels=list(range(k)))
    rows = cm.sum(axis=1)
    per_class = {str(class_names[i]): (float(cm[i, i] / rows[i]) if rows[i] else None) for i in range(k)}
    total = int(cm.sum())
    return {
        "classes": [str(c) for c in class_names],
        "confusion": cm.astype(int).tolist(),
        "per_class_accuracy": per_class,
        "accuracy": float(np.trace(cm) / total) if total else None,
    }


def write_confusion_png(path: str | Path, confusion: np.ndarray | list, class_names: Sequence[str], title: str = "") -> Path:
    """Confusion matrix as a PNG (rows: true class, columns: predicted), counts in cells,
    colour = share of the true class's row. Headless (matplotlib Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    cm = np.asarray(confusion, np.int64)
    k = len(class_names)
    rows = cm.sum(axis=1, keepdims=True)
    frac = np.divide(cm, np.maximum(rows, 1), dtype=np.float64)
    size = 1.2 + 0.7 * k
    fig = Figure(figsize=(size + 1.2, size), dpi=120)
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(frac, cmap="Blues", vmin=0.0, vmax=1.0)
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=9,
                    color="white" if frac[i, j] > 0.5 else "black")
    ax.set_xticks(range(k), [str(c) for c in class_names], rotation=45, ha="right")
    ax.set_yticks(range(k), [str(c) for c in class_names])
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title or "confusion matrix (test split)")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="share of true class")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    return path


# --- pixel level ---------------------------------------------------------------------


def _roc_from_hist(pos_hist: np.ndarray, neg_hist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Histograms over score levels (ascending) -> (fpr, tpr) at thresholds "level >= k",
    from the strictest (0, 0) to the loosest (1, 1)."""
    tp = np.concatenate([[0], np.cumsum(pos_hist[::-1])])
    fp = np.concatenate([[0], np.cumsum(neg_hist[::-1])])
    return fp / max(fp[-1], 1), tp / max(tp[-1], 1)


@dataclass
class PixelMetrics:
    """Streams (patch map, ground-truth mask) pairs one image at a time and accumulates
    pixel AUROC and AUPRO without holding any full-resolution map in memory.

    Scores are the maps upsampled (``app.core.grid.upsample_to_image``) to each mask's
    size, clipped to [0, 1] (maps are probabilities), and binned into ``bins`` equal bins:
    bin k = min(floor(score · bins), bins − 1). Both metrics are then *exact* for the
    binned scores, with thresholds at the bin edges; with 1,000 bins the error against
    unbinned scores is at most the mass of pixel pairs falling in the same bin (negligible
    in practice, and ties are counted ½ as in the exact AUROC).

    - pixel AUROC: all pixels of all images, positive = mask pixel; trapezoidal area under
      the ROC built from the positive and negative histograms.
    - AUPRO (Bergmann et al., MVTec AD): for each threshold t, PRO(t) = mean over every
      connected ground-truth region C (``cv2.connectedComponents``, 8-connectivity, per
      image) of |{p in C : score(p) >= t}| / |C|; FPR(t) = |{p not in any mask : score(p)
      >= t}| / |{p not in any mask}| over all images. PRO is integrated over FPR from 0 to
      ``fpr_limit`` (trapezoid, PRO interpolated linearly at ``fpr_limit``) and divided by
      ``fpr_limit``, so a perfect map scores 1.
    """

    bins: int = 1000
    pos_hist: np.ndarray = field(init=False)
    neg_hist: np.ndarray = field(init=False)
    region_hists: list[np.ndarray] = field(init=False, default_factory=list)  # [bins] per region
    outside_defect_pixels: int = field(init=False, default=0)  # defect pixels outside the model's view box

    def __post_init__(self) -> None:
        self.pos_hist = np.zeros(self.bins, np.int64)
        self.neg_hist = np.zeros(self.bins, np.int64)
        self.region_hists = []
        self.outside_defect_pixels = 0

    def add(self, map_hw: np.ndarray, mask_HW: np.ndarray, box: tuple[float, float, float, float] | None = None) -> None:
        """One image: its patch map [grid_h, grid_w] (or a map already at the mask's size)
        and its ground-truth mask [H, W] (bool or 0/nonzero).

        ``box`` (top, left, bottom, right): the part of the image the model sees (a centre crop);
        only pixels inside it are scored, as a cropping evaluation does (anomalib crops the mask
        with the image); defect pixels outside it are counted in ``outside_defect_pixels``."""
        mask = np.asarray(mask_HW) > 0
        if box is not None:
            top, left = max(0, int(round(box[0]))), max(0, int(round(box[1])))
            bottom, right = min(mask.shape[0], int(round(box[2]))), min(mask.shape[1], int(round(box[3])))
            self.outside_defect_pixels += int(mask.sum()) - int(mask[top:bottom, left:right].sum())
            mask = mask[top:bottom, left:right]
        score = np.asarray(map_hw, np.float32)
        if score.shape != mask.shape:
            score = upsample_to_image(score, mask.shape)
        b = np.clip((score * self.bins).astype(np.int64), 0, self.bins - 1)  # NaN-free: maps are sigmoids
        if not mask.any():
            self.neg_hist += np.bincount(b.ravel(), minlength=self.bins)
            return
        self.pos_hist += np.bincount(b[mask], minlength=self.bins)
        self.neg_hist += np.bincount(b[~mask], minlength=self.bins)
        n, comp = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        if n <= 1:
            return
        sel = comp > 0
        h = np.bincount((comp[sel].astype(np.int64) - 1) * self.bins + b[sel], minlength=(n - 1) * self.bins)
        self.region_hists.extend(h.reshape(n - 1, self.bins))

    @property
    def n_regions(self) -> int:
        return len(self.region_hists)

    def pixel_auroc(self) -> float | None:
        if self.pos_hist.sum() == 0 or self.neg_hist.sum() == 0:
            return None
        fpr, tpr = _roc_from_hist(self.pos_hist, self.neg_hist)
        return float(np.trapezoid(tpr, fpr))

    def pro_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(fpr, pro) at thresholds "bin >= k" for k = bins .. 0 (fpr ascending)."""
        regions = np.stack(self.region_hists).astype(np.float64)  # [R, bins]
        above = np.concatenate([np.zeros((len(regions), 1)), np.cumsum(regions[:, ::-1], axis=1)], axis=1)
        pro = (above / regions.sum(axis=1, keepdims=True)).mean(axis=0)
        fp = np.concatenate([[0], np.cumsum(self.neg_hist[::-1])])
        return fp / fp[-1], pro

    def aupro(self, fpr_limit: float = 0.3) -> float | None:
        if not self.region_hists or self.neg_hist.sum() == 0:
            return None
        fpr, pro = self.pro_curve()
        return integrate_pro(fpr, pro, fpr_limit)


def integrate_pro(fpr: np.ndarray, pro: np.ndarray, fpr_limit: float = 0.3) -> float:
    """∫₀^limit PRO d(FPR) / limit, trapezoidal, with PRO interpolated at FPR = limit.

    ``fpr`` must be non-decreasing and start at 0. Where several points share one FPR
    (a vertical step) the trapezoid rule counts the step at its right end."""
    fpr = np.asarray(fpr, np.float64)
    pro = np.asarray(pro, np.float64)
    keep = fpr <= fpr_limit
    x, y = fpr[keep], pro[keep]
    if x[-1] < fpr_limit:
        j = int(np.searchsorted(fpr, fpr_limit, side="left"))  # first point beyond the limit
        x0, x1, y0, y1 = fpr[j - 1], fpr[j], pro[j - 1], pro[j]
        y_lim = y0 + (y1 - y0) * (fpr_limit - x0) / (x1 - x0)
        x, y = np.append(x, fpr_limit), np.append(y, y_lim)
    return float(np.trapezoid(y, x) / fpr_limit)


def _pixel_metrics(maps: Iterable[np.ndarray], masks: Iterable[np.ndarray], bins: int) -> PixelMetrics:
    acc = PixelMetrics(bins)
    for m, g in zip(maps, masks, strict=True):
        acc.add(m, g)
    return acc


def pixel_auroc(maps_list: Iterable[np.ndarray], masks_list: Iterable[np.ndarray], bins: int = 1000) -> float | None:
    """Pixel AUROC over all pixels of all images, each patch map upsampled to its mask's
    size; exact ROC of scores binned into ``bins`` bins over [0, 1] (see ``PixelMetrics``)."""
    return _pixel_metrics(maps_list, masks_list, bins).pixel_auroc()


def aupro(
    maps_list: Iterable[np.ndarray], masks_list: Iterable[np.ndarray], fpr_limit: float = 0.3, bins: int = 1000
) -> float | None:
    """MVTec AD's normalised area under the per-region-overlap curve up to FPR ``fpr_limit``
    (see ``PixelMetrics`` for the formula); ``None`` without any defect region."""
    return _pixel_metrics(maps_list, masks_list, bins).aupro(fpr_limit)


# --- a trivial baseline ----------------------------------------------------------------


def _gray(images_NHWC: np.ndarray) -> np.ndarray:
    x = np.asarray(images_NHWC, np.float32)
    if x.ndim == 4:
        x = x @ np.array([0.299, 0.587, 0.114], np.float32)
    return x


def baseline_features(images_NHWC: np.ndarray) -> np.ndarray:
    """[N, 2]: per image, mean grey intensity and the standard deviation of its Laplacian
    (local contrast), on a 0..255 scale."""
    g = _gray(images_NHWC)
    feats = np.empty((len(g), 2), np.float64)
    for i, im in enumerate(g):
        feats[i, 0] = float(im.mean())
        feats[i, 1] = float(cv2.Laplacian(im, cv2.CV_32F, ksize=3).std())
    return feats


@dataclass(frozen=True)
class IntensityContrastBaseline:
    """The trivial detector a learned model must beat.

    Fitted on good training images: μ_k, σ_k of each feature k (mean intensity, Laplacian
    std). Score = sqrt(z_mean² + z_lap²) with z_k = (f_k − μ_k) / σ_k: how far an image's
    brightness and local contrast lie from good parts'.
    """

    mu: tuple[float, float]
    sigma: tuple[float, float]

    @classmethod
    def fit(cls, good_images_NHWC: np.ndarray) -> IntensityContrastBaseline:
        f = baseline_features(good_images_NHWC)
        if len(f) == 0:
            raise ValueError("the baseline needs at least one good image to fit")
        sd = np.maximum(f.std(axis=0), 1e-6)
        return cls((float(f[:, 0].mean()), float(f[:, 1].mean())), (float(sd[0]), float(sd[1])))

    def score(self, images_NHWC: np.ndarray) -> np.ndarray:
        z = (baseline_features(images_NHWC) - np.asarray(self.mu)) / np.asarray(self.sigma)
        return np.sqrt((z**2).sum(axis=1))
