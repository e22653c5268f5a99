"""The MVTec-layout reader: splits, masks and recorded difficulty."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.errors import InspectorError
from app.pipeline.dataset import scan_dataset


def _png(path, value=128):
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((16, 16, 3), value, np.uint8))


def test_splits_masks_and_difficulty(tmp_path):
    for i in range(20):
        _png(tmp_path / "train" / "good" / f"tr_{i:03d}.png")
    _png(tmp_path / "train" / "scratch" / "tr_100.png")
    _png(tmp_path / "ground_truth" / "scratch" / "tr_100_mask.png", 255)
    _png(tmp_path / "test" / "good" / "te_000.png")
    _png(tmp_path / "test" / "scratch" / "te_001.png")
    _png(tmp_path / "ground_truth" / "scratch" / "te_001_mask.png", 255)
    (tmp_path / "images.csv").write_text("split,class,name,difficulty\ntest,scratch,te_001.png,subtle\ntest,good,te_000.png,none\n")
    ds = scan_dataset(tmp_path, val_fraction=0.25, seed=3)
    assert ds.classes == ("ok", "scratch")
    test = {r.name: r for r in ds.split("test")}
    assert test["te_001"].difficulty == "subtle" and test["te_000"].difficulty == "none"
    assert test["te_001"].mask_path.name == "te_001_mask.png"
    assert len(ds.split("train")) + len(ds.split("val")) == 21 and ds.split("val")
    again = scan_dataset(tmp_path, val_fraction=0.25, seed=3)
    assert [r.name for r in again.split("val")] == [r.name for r in ds.split("val")]


def test_missing_mask_is_named(tmp_path):
    _png(tmp_path / "train" / "good" / "a.png")
    _png(tmp_path / "test" / "crack" / "b.png")
    with pytest.raises(InspectorError, match="ground_truth/crack/b_mask.png"):
        scan_dataset(tmp_path)


def test_any_defect_folder_names_and_mask_spellings(tmp_path):
    """A factory's own names (spaces, non-ASCII), masks as <name>_mask.* or <name>.* under
    ground_truth, hidden folders skipped, no surface_masks/ needed."""
    _png(tmp_path / "train" / "good" / "a.png")
    _png(tmp_path / "test" / "good" / "g.png")
    _png(tmp_path / "test" / "dent (deep)" / "d1.png")
    _png(tmp_path / "ground_truth" / "dent (deep)" / "d1_mask.bmp", 255)
    _png(tmp_path / "test" / "Ölfleck" / "o1.png")
    _png(tmp_path / "ground_truth" / "Ölfleck" / "o1.png", 255)
    _png(tmp_path / "test" / ".ipynb_checkpoints" / "x.png")
    ds = scan_dataset(tmp_path)
    assert ds.defect_types == ("dent (deep)", "Ölfleck") and ds.surface_legend == {}
    masks = {r.name: r.mask_path.name for r in ds.records if r.mask_path is not None}
    assert masks == {"d1": "d1_mask.bmp", "o1": "o1.png"}
    assert all(r.surface_path is None for r in ds.records)


def test_a_defect_folder_named_ok_is_refused(tmp_path):
    _png(tmp_path / "train" / "good" / "a.png")
    _png(tmp_path / "test" / "OK" / "b.png")
    with pytest.raises(InspectorError, match="may not be named 'OK'"):
        scan_dataset(tmp_path)
