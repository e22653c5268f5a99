"""Causal sanity on the committed default bundle (issue 4 §6), on a fixed small subset: the
sample parts of every defect type. Switching off the latents most associated with the type
inside the ground-truth mask must move the score more, on average, than switching off the
same number of random latents with matched activation mass there. It never retrains."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.core.edits import LatentEdit
from app.core.images import load_image, load_mask
from app.core.session import InspectionSession
from app.pipeline.bundle_checks import matched_controls

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "model_store" / "default"
SAMPLES = ROOT / "resources" / "samples"


@pytest.mark.skipif(not (BUNDLE / "bundle.json").is_file(), reason="the default bundle is not in this checkout")
def test_associated_latents_move_the_score_more_than_matched_controls():
    s = InspectionSession.open(BUNDLE, backend="onnx")
    d = s.bundle.dictionary
    assert d is not None
    rng = np.random.default_rng(0)
    d_assoc, d_ctrl = [], []
    for j, dtype in enumerate(d.defect_classes):
        assoc = [int(i) for i in np.argsort(-np.nan_to_num(d.assoc_ap[:, j], nan=-1))[:5]]
        for img_path in sorted(SAMPLES.glob(f"{dtype}_*.png")):
            if img_path.name.endswith("_mask.png"):
                continue
            img = load_image(img_path).pixels_HWC
            mask = load_mask(img_path.with_name(img_path.stem + "_mask.png"), img.shape[:2])
            a = s.analyze(img)
            act = s.patch_weights(mask) @ a.codes_PS
            ctrl = [matched_controls(act, assoc, rng, set(assoc)) for _ in range(3)]
            outs = s.batch_intervene(mask, [[LatentEdit(i, "off") for i in assoc]] + [[LatentEdit(i, "off") for i in c] for c in ctrl])
            d_assoc.append(abs(outs[0].score - a.baseline.score))
            d_ctrl.append(np.mean([abs(o.score - a.baseline.score) for o in outs[1:]]))
    assert len(d_assoc) >= 6, "samples of every defect type are present"
    print(f"mean |Δscore|: associated {np.mean(d_assoc):.4f}, matched controls {np.mean(d_ctrl):.4f}")
    assert np.mean(d_assoc) > np.mean(d_ctrl), (np.mean(d_assoc), np.mean(d_ctrl))
