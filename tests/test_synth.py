"""Tests for the synthetic dataset generator (app.pipeline.synth). Fast: a few seconds."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.pipeline.synth import (
    DEFECT_TYPES,
    SURFACE_KINDS,
    SURFACE_LEGEND,
    TEST_SEED,
    SynthConfig,
    generate_dataset,
    plan_sample,
    render_pool,
    render_sample,
)

CFG = SynthConfig(image_size=128, n_train=24, n_test=10, seed=7)


def _find(cfg, label, kind=None, difficulty=None, split="train", start=0):
    for i in range(start, start + 5000):
        p = plan_sample(cfg.seed_for(split), split, i, cfg)
        if p.label == label and (kind is None or p.surface_kind == kind) and (
                difficulty is None or p.difficulty == difficulty):
            return i
    raise AssertionError("not found")


def test_constants():
    assert DEFECT_TYPES == ("scratch", "crack", "dent", "stain", "hole", "particle")
    assert len(SURFACE_KINDS) >= 4
    assert TEST_SEED != SynthConfig().seed
    assert SynthConfig().seed_for("test") == TEST_SEED


def test_deterministic_and_order_independent():
    a = render_sample(7, "train", 5, CFG)
    for i in range(5):
        render_sample(7, "train", i, CFG)
    b = render_sample(7, "train", 5, CFG)
    assert a.image_HWC.dtype == np.uint8 and a.image_HWC.shape == (128, 128, 3)
    assert a.image_HWC.tobytes() == b.image_HWC.tobytes()
    assert np.array_equal(a.mask_HW, b.mask_HW) and np.array_equal(a.surface_HW, b.surface_HW)
    c = render_sample(7, "train", 6, CFG)
    assert a.image_HWC.tobytes() != c.image_HWC.tobytes()
    d = render_sample(8, "train", 5, CFG)
    assert a.image_HWC.tobytes() != d.image_HWC.tobytes()
    e = render_sample(7, "test", 5, CFG)
    assert a.image_HWC.tobytes() != e.image_HWC.tobytes()


def test_good_images_have_no_defect():
    i = _find(CFG, "good")
    s = render_sample(7, "train", i, CFG)
    assert s.difficulty == "none" and s.area_px == 0 and not s.mask_HW.any()
    assert set(np.unique(s.surface_HW)) <= set(SURFACE_LEGEND)


@pytest.mark.parametrize("label", DEFECT_TYPES)
def test_mask_lies_on_defect(label):
    cfg = SynthConfig(image_size=128, seed=3)
    for kind in SURFACE_KINDS:
        i = _find(cfg, label, kind)
        s = render_sample(3, "train", i, cfg)
        clean = render_sample(3, "train", i, cfg, with_defect=False)
        assert s.label == label and s.surface_kind == kind
        assert s.mask_HW.dtype == bool and s.mask_HW.shape == (128, 128)
        assert s.area_px == int(s.mask_HW.sum()) > 0
        diff = np.abs(s.image_HWC.astype(int) - clean.image_HWC.astype(int)).max(axis=2)
        inside = diff[s.mask_HW]
        assert (inside > 0).mean() >= 0.95, (label, kind, (inside > 0).mean())
        near = cv2.dilate(s.mask_HW.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
        assert (diff[~near] == 0).all(), (label, kind)
        assert np.array_equal(s.surface_HW, clean.surface_HW)


def test_subtle_share_and_contrast():
    cfg = SynthConfig(image_size=96, seed=11)
    idx = [i for i in range(400) if plan_sample(11, "train", i, cfg).label != "good"][:200]
    subtle = [i for i in idx if plan_sample(11, "train", i, cfg).difficulty == "subtle"]
    assert 0.14 <= len(subtle) / len(idx) <= 0.26
    cs = np.array([render_sample(11, "train", i, cfg).contrast_sigma for i in subtle[:30]])
    assert np.mean((cs >= 0.9) & (cs <= 2.1)) >= 0.85, cs
    assert np.median(cs) >= 1.0 and np.median(cs) <= 2.0


def test_class_and_kind_balance():
    cfg = SynthConfig(seed=5)
    plans = [plan_sample(5, "train", i, cfg) for i in range(1200)]
    good = sum(p.label == "good" for p in plans)
    assert abs(good / 1200 - 0.5) < 0.03
    for t in DEFECT_TYPES:
        assert abs(sum(p.label == t for p in plans) / 1200 - 0.5 / 6) < 0.02
    for k in SURFACE_KINDS:
        assert abs(sum(p.surface_kind == k for p in plans) / 1200 - 0.25) < 0.03


def test_render_pool_matches_render_sample():
    imgs, labels, masks = render_pool(CFG, "test", 3, 3)
    assert imgs.shape == (3, 128, 128, 3) and masks.shape == (3, 128, 128)
    s = render_sample(TEST_SEED, "test", 4, CFG)
    assert imgs[1].tobytes() == s.image_HWC.tobytes() and labels[1] == s.label


def test_generate_dataset_layout_and_resume(tmp_path: Path):
    root = tmp_path / "ds"
    meta = generate_dataset(root, CFG, workers=1, progress=False)
    rows = list(csv.DictReader(open(root / "images.csv")))
    assert len(rows) == CFG.n_train + CFG.n_test
    pngs = sorted(p.relative_to(root).as_posix() for p in root.glob("t*/*/*.png"))
    assert pngs == sorted(r["relpath"] for r in rows)
    names = [r["name"] for r in rows]
    assert len(set(names)) == len(names)
    assert all(r["name"].startswith("tr_" if r["split"] == "train" else "te_") for r in rows)
    for r in rows:
        img = cv2.imread(str(root / r["relpath"]))
        assert img.shape == (128, 128, 3)
        sm = cv2.imread(str(root / "surface_masks" / r["split"] / r["class"] / r["name"]), cv2.IMREAD_UNCHANGED)
        assert sm.shape == (128, 128) and sm.dtype == np.uint8
        if r["class"] == "good":
            assert r["difficulty"] == "none" and int(r["area_px"]) == 0
        else:
            m = cv2.imread(str(root / "ground_truth" / r["class"] / (r["name"][:-4] + "_mask.png")),
                           cv2.IMREAD_UNCHANGED)
            assert m.shape == (128, 128) and set(np.unique(m)) <= {0, 255}
            assert int((m > 0).sum()) == int(r["area_px"]) > 0
            assert r["difficulty"] in ("normal", "subtle")
    assert json.loads((root / "surface_masks" / "legend.json").read_text())["2"] == "trace"
    m2 = json.loads((root / "meta.json").read_text())
    assert m2["seeds"] == {"train": 7, "test": TEST_SEED}
    assert sum(m2["counts"]["train"].values()) == CFG.n_train
    # resume: delete one image -> only it's chunk is redone and the bytes are identical
    victim = root / rows[3]["relpath"]
    before = victim.read_bytes()
    victim.unlink()
    other = root / rows[-1]["relpath"]
    mtime = other.stat().st_mtime_ns
    meta2 = generate_dataset(root, CFG, workers=1, progress=False)
    assert victim.read_bytes() == before
    assert other.stat().st_mtime_ns == mtime  # untouched chunk skipped
    assert meta2["counts"] == meta["counts"]
    assert meta["generation_seconds"] > 0, "the generator records what the data cost to make"
    assert meta2["generation_seconds"] >= meta["generation_seconds"], "a resume adds its time, never resets it"


def test_not_writable_is_inspector_error(tmp_path: Path):
    from app.core.errors import InspectorError

    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(InspectorError) as ei:
        generate_dataset(f / "sub", CFG, workers=1, progress=False)
    assert ei.value.code == "synth_output_not_writable"


def test_cli_preview(tmp_path: Path):
    from app.cli import synth as cli

    p = argparse.ArgumentParser()
    cli.add_arguments(p)
    args = p.parse_args([str(tmp_path / "out"), "--n-train", "6", "--n-test", "4", "--size", "64", "--workers", "1",
                         "--preview", "--no-progress"])
    assert cli.run(args) == 0
    assert (tmp_path / "out" / "preview.png").stat().st_size > 1000
    assert (tmp_path / "out" / "images.csv").exists()
    args = p.parse_args([str(tmp_path / "pv"), "--size", "64", "--preview-only"])
    assert cli.run(args) == 0
    assert (tmp_path / "pv" / "preview.png").exists() and not (tmp_path / "pv" / "images.csv").exists()
