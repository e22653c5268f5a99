"""The defect-heavy refine phase of ViT training: its lr restart, its batches, and when a run counts as done."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.pipeline.train_vit import TrainConfig, batch_indices, is_trained, lr_at

CFG = TrainConfig(batch_size=10, lr=1e-3, min_lr=1e-5, warmup_samples=100, total_samples=1000,
                  refine_samples=400, refine_lr=4e-4, refine_warmup_samples=40, refine_defect_fraction=0.8,
                  hooked_probe_weight=1.0, refine_probe_weight=2.5)


def test_lr_decays_to_the_floor_then_restarts_at_the_refine_peak():
    assert lr_at(CFG, 990) == pytest.approx(1e-5, abs=1e-6)  # phase 1 ends near min_lr
    assert lr_at(CFG, 1000) == pytest.approx(4e-4 * 10 / 40)  # first refine step: warmup from ~0
    assert lr_at(CFG, 1030) == pytest.approx(4e-4)  # end of the refine warmup
    assert lr_at(CFG, 1400) == pytest.approx(1e-5)
    no_refine = TrainConfig(batch_size=10, lr=1e-3, warmup_samples=100, total_samples=1000)
    assert lr_at(no_refine, 1000) == pytest.approx(no_refine.min_lr)


def test_refine_batches_are_defect_heavy_and_phase_one_batches_are_uniform():
    labels_N = np.array([0] * 900 + [1, 2, 3] * 33 + [4])  # 10% defective
    rng = np.random.default_rng(0)
    refine = [batch_indices(CFG, labels_N, 1000, rng) for _ in range(50)]
    assert all(len(b) == 10 and len(set(b.tolist())) == 10 for b in refine)
    assert all((labels_N[b] > 0).sum() == 8 for b in refine)
    phase1 = np.concatenate([batch_indices(CFG, labels_N, 0, rng) for _ in range(200)])
    assert 0.05 < (labels_N[phase1] > 0).mean() < 0.15


def test_probe_weight_switches_with_the_phase():
    assert CFG.probe_weight(999) == 1.0 and CFG.probe_weight(1000) == 2.5
    assert CFG.planned_samples == 1400


def test_a_run_is_done_only_after_the_refine_phase(tmp_path):
    (tmp_path / "vit.safetensors").write_bytes(b"x")
    assert not is_trained(tmp_path, CFG)
    (tmp_path / "DONE").write_text(json.dumps({"samples": 1000}))
    assert not is_trained(tmp_path, CFG), "a phase-1 run resumes into the refine phase"
    (tmp_path / "DONE").write_text(json.dumps({"samples": 1400}))
    assert is_trained(tmp_path, CFG)
