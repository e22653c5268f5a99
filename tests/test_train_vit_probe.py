"""The training-only type probe at the hooked layer: its targets, and that it never reaches the bundle."""

from __future__ import annotations

import json

import numpy as np
import torch

from app.pipeline.train_vit import probe_targets


def test_probe_targets_type_where_covered_ok_where_clean_ignored_between():
    cover_BP = torch.tensor([[0.0, 0.05, 0.1, 0.9], [0.0, 0.0, 0.3, 1.0]])
    labels_B = torch.tensor([3, 0])
    t = probe_targets(cover_BP, labels_B, min_cover=0.1)
    assert t.tolist() == [[0, -100, 3, 3], [0, 0, 0, 0]]


def test_tiny_build_trains_the_probe_but_exports_the_plain_vit(tmp_path):
    from safetensors.torch import load_file

    from app.pipeline.build_bundle import build_bundle
    from app.pipeline.presets import PRESETS

    work = tmp_path / "work"
    build_bundle(tmp_path / "bundle", PRESETS["tiny"], work, progress=False, log=lambda s: None)
    keys = set(load_file(str(work / "vit" / "vit.safetensors")))
    assert not any(k.startswith(("probe", "vit.")) for k in keys), "the exported ViT has timm names only"
    assert "patch_head.weight" in keys and "head.weight" in keys
    losses = np.array(json.loads((work / "vit" / "state.json").read_text())["state"]["losses"])
    assert losses.shape[1] == 4 and np.isfinite(losses[:, 3]).all() and (losses[:, 3] > 0).all()
    done = json.loads((work / "vit" / "DONE").read_text())
    assert done["samples"] == PRESETS["tiny"].train.planned_samples > PRESETS["tiny"].train.total_samples, "the refine phase ran"
    ck = set(load_file(str(work / "vit" / "checkpoint.safetensors")))
    assert "model.probe.weight" in ck, "the probe is checkpointed so a resumed run keeps it"
