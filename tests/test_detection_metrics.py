"""Detection metrics against hand-computed values and brute-force definitions."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from app.core.grid import upsample_to_image
from app.pipeline.detection_metrics import (
    IntensityContrastBaseline,
    PixelMetrics,
    aupro,
    auroc_per_group,
    best_f1_threshold,
    classification_summary,
    f1_at,
    image_auroc,
    integrate_pro,
    pixel_auroc,
    write_confusion_png,
)

SCORES = np.array([0.1, 0.4, 0.35, 0.8])
IS_DEFECT = np.array([False, False, True, True])


def test_image_auroc_hand_case() -> None:
    # defect/good pairs: 0.35>0.1 yes, 0.35>0.4 no, 0.8>both yes -> 3/4
    assert image_auroc(SCORES, IS_DEFECT) == pytest.approx(0.75)
    assert image_auroc(SCORES, np.zeros(4, bool)) is None
    # ties count one half
    assert image_auroc(np.array([0.5, 0.5]), np.array([False, True])) == pytest.approx(0.5)


def test_auroc_per_group_uses_all_good_images() -> None:
    scores = np.array([0.1, 0.5, 0.3, 0.9, 0.2, 0.6])
    labels = ["good", "good", "scratch", "scratch", "stain", "stain"]
    diff = ["none", "none", "subtle", "normal", "subtle", "normal"]
    r = auroc_per_group(scores, labels, diff)
    assert r["overall"]["n_defect"] == 4 and r["overall"]["n_good"] == 2
    # scratch {0.3, 0.9} vs good {0.1, 0.5}: 0.3>0.1, 0.9>both -> 3/4
    assert r["per_type"]["scratch"]["auroc"] == pytest.approx(0.75)
    # stain {0.2, 0.6} vs good {0.1, 0.5}: 3/4
    assert r["per_type"]["stain"]["auroc"] == pytest.approx(0.75)
    # subtle {0.3, 0.2} vs both goods: each beats 0.1 only -> 2/4
    assert r["per_difficulty"]["subtle"]["auroc"] == pytest.approx(0.5)
    assert r["per_difficulty"]["normal"]["auroc"] == pytest.approx(1.0)
    assert r["per_type_difficulty"]["scratch"]["normal"]["auroc"] == pytest.approx(1.0)
    assert r["per_type_difficulty"]["stain"]["subtle"]["auroc"] == pytest.approx(0.5)
    assert r["overall"]["auroc"] == pytest.approx(roc_auc_score([0, 0, 1, 1, 1, 1], scores))


def test_best_f1_threshold_hand_case() -> None:
    # thr 0.8: P=1 R=.5 F1=.667 | 0.4: P=.5 R=.5 | 0.35: P=2/3 R=1 F1=0.8 | 0.1: P=.5 R=1 F1=.667
    thr, f1 = best_f1_threshold(SCORES, IS_DEFECT)
    assert thr == pytest.approx(0.35)
    assert f1 == pytest.approx(0.8)
    assert f1_at(SCORES, IS_DEFECT, thr) == pytest.approx(0.8)
    assert f1_at(SCORES, IS_DEFECT, 0.8) == pytest.approx(2 / 3)
    assert f1_at(SCORES, IS_DEFECT, 0.95) == 0.0


def test_classification_summary_and_png(tmp_path) -> None:  # noqa: ANN001
    true = np.array([0, 0, 0, 1, 1, 2])
    pred = np.array([0, 1, 0, 1, 2, 2])
    s = classification_summary(true, pred, ("ok", "scratch", "stain"))
    assert s["confusion"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert s["per_class_accuracy"] == pytest.approx({"ok": 2 / 3, "scratch": 0.5, "stain": 1.0})
    assert s["accuracy"] == pytest.approx(4 / 6)
    p = write_confusion_png(tmp_path / "cm.png", s["confusion"], s["classes"])
    img = cv2.imread(str(p))
    assert img is not None and img.shape[0] > 50


def _aupro_hand_data() -> tuple[list[np.ndarray], list[np.ndarray]]:
    # image A: region R1 = (0,0),(0,1) scored 0.9 and 0.3; region R2 = (3,3) scored 0.6;
    # its 13 good pixels: one 0.5, the rest 0.05. Image B (good): one 0.7, one 0.2, rest 0.05.
    mask_a = np.zeros((4, 4), bool)
    mask_a[0, 0] = mask_a[0, 1] = mask_a[3, 3] = True
    map_a = np.full((4, 4), 0.05, np.float32)
    map_a[0, 0], map_a[0, 1], map_a[3, 3], map_a[2, 0] = 0.9, 0.3, 0.6, 0.5
    map_b = np.full((4, 4), 0.05, np.float32)
    map_b[1, 1], map_b[2, 2] = 0.7, 0.2
    return [map_a, map_b], [mask_a, np.zeros((4, 4), bool)]


def test_aupro_hand_case() -> None:
    """29 good pixels: 0.7, 0.5, 0.2 and 26 x 0.05. Descending thresholds give the curve
    (FPR, PRO): (0,0) (0,.25)@.9 (1/29,.25)@.7 (1/29,.75)@.6 (2/29,.75)@.5 (2/29,1)@.3
    (3/29,1)@.2 (1,1)@.05. Area to 0.3 = .25/29 + .75/29 + 1·(0.3 − 2/29) = 0.3 − 1/29."""
    maps, masks = _aupro_hand_data()
    expected = (0.3 - 1 / 29) / 0.3
    assert aupro(maps, masks, fpr_limit=0.3) == pytest.approx(expected, abs=1e-9)
    # a limit inside the curve: .25/29 + .75·(0.5/29), normalised by 1.5/29
    assert aupro(maps, masks, fpr_limit=1.5 / 29) == pytest.approx((0.25 + 0.375) / 1.5, abs=1e-9)


def test_aupro_interpolates_on_a_slope() -> None:
    # one region of 2 pixels (0.8, 0.4) and 10 good pixels all at 0.4: the curve goes
    # (0,0) (0,.5) (1,1); PRO at FPR 0.3 interpolates to .65; area = .3·(.5+.65)/2
    mask = np.zeros((3, 4), bool)
    mask[0, 0] = mask[0, 1] = True
    m = np.full((3, 4), 0.4, np.float32)
    m[0, 0] = 0.8
    assert aupro([m], [mask]) == pytest.approx(0.575, abs=1e-9)
    assert integrate_pro(np.array([0.0, 0.0, 1.0]), np.array([0.0, 0.5, 1.0]), 0.3) == pytest.approx(0.575)


def test_aupro_perfect_and_components_are_8_connected() -> None:
    mask = np.zeros((6, 6), bool)
    mask[1, 1] = mask[2, 2] = True  # diagonal neighbours: one region with 8-connectivity
    mask[4, 4] = True
    acc = PixelMetrics()
    acc.add(mask.astype(np.float32) * 0.9 + 0.05, mask)
    assert acc.n_regions == 2
    assert acc.aupro() == pytest.approx(1.0)
    assert acc.pixel_auroc() == pytest.approx(1.0)


def _brute_force(maps_full: list[np.ndarray], masks: list[np.ndarray], limit: float) -> float:
    """The definition, straight: every distinct score is a threshold."""
    comps = []
    for m, g in zip(maps_full, masks):
        n, lab = cv2.connectedComponents(g.astype(np.uint8), connectivity=8)
        comps += [m[lab == k] for k in range(1, n)]
    neg = np.concatenate([m[~g] for m, g in zip(maps_full, masks)])
    ts = np.unique(np.concatenate([m.ravel() for m in maps_full]))[::-1]
    fpr, pro = [0.0], [0.0]
    for t in ts:
        fpr.append(float((neg >= t).mean()))
        pro.append(float(np.mean([(c >= t).mean() for c in comps])))
    return integrate_pro(np.array(fpr), np.array(pro), limit)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_binned_metrics_equal_definitions_on_bin_centred_scores(seed: int) -> None:
    rng = np.random.default_rng(seed)
    maps_full, masks = [], []
    for _ in range(3):
        h, w = rng.integers(5, 12, 2)
        g = np.zeros((h, w), bool)
        for _ in range(rng.integers(0, 3)):
            y, x = rng.integers(0, h - 2), rng.integers(0, w - 2)
            g[y : y + rng.integers(1, 3), x : x + rng.integers(1, 3)] = True
        # scores on bin centres of a 20-bin histogram, so binning loses nothing
        m = ((rng.integers(0, 20, (h, w)) + 0.5) / 20 + g * rng.uniform(0, 0.3)).clip(0, 0.99)
        m = ((np.floor(m * 20) + 0.5) / 20).astype(np.float32)
        maps_full.append(m)
        masks.append(g)
    if not any(g.any() for g in masks):
        masks[0][0, 0] = True
    acc = PixelMetrics(bins=20)
    for m, g in zip(maps_full, masks):
        acc.add(m, g)
    y = np.concatenate([g.ravel() for g in masks])
    s = np.concatenate([m.ravel() for m in maps_full])
    assert acc.pixel_auroc() == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert acc.aupro(0.3) == pytest.approx(_brute_force(maps_full, masks, 0.3), abs=1e-9)


def test_pixel_auroc_upsamples_patch_maps_to_mask_size() -> None:
    rng = np.random.default_rng(0)
    maps = [rng.uniform(0, 1, (4, 4)).astype(np.float32) for _ in range(3)]
    masks = []
    for hw in [(40, 40), (30, 50), (48, 32)]:
        g = np.zeros(hw, bool)
        g[5:15, 8:20] = True
        masks.append(g)
    masks[1][:] = False  # a good image
    full = [upsample_to_image(m, g.shape) for m, g in zip(maps, masks)]
    exact = roc_auc_score(np.concatenate([g.ravel() for g in masks]), np.concatenate([f.ravel() for f in full]))
    assert pixel_auroc(maps, masks) == pytest.approx(exact, abs=2e-3)
    assert pixel_auroc(maps, [np.zeros_like(g) for g in masks]) is None
    assert aupro(maps, [np.zeros_like(g) for g in masks]) is None


def test_baseline_separates_brightness_and_contrast_defects() -> None:
    rng = np.random.default_rng(0)

    def good(n: int) -> np.ndarray:
        return np.clip(128 + rng.normal(0, 4, (n, 32, 32, 3)), 0, 255).astype(np.uint8)

    det = IntensityContrastBaseline.fit(good(40))
    bright = good(5).astype(np.int32)
    bright[:, 8:20, 8:20] += 60
    scratched = good(5)
    scratched[:, 16, 4:28] = 255
    test = np.concatenate([good(10), bright.clip(0, 255).astype(np.uint8), scratched])
    s = det.score(test)
    assert s.shape == (20,)
    assert image_auroc(s, np.arange(20) >= 10) == pytest.approx(1.0)
