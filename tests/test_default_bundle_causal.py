"""Causal sanity on the committed default bundle (the app's, ``default_bundle_dir()``), on a fixed small
subset: its own sample parts of every defect type. Switching off the latents most associated with the
type inside the ground-truth mask must move the score more, in mean |Δscore|, than random sets carrying
the same activation mass there (``type_specificity.part_effects``). It never retrains."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.file_listing import samples_folder
from app.core.images import load_image, load_mask
from app.core.paths import default_bundle_dir, resource_path
from app.core.session import InspectionSession
from app.core.type_specificity import associated_sets, cross_type_matrix, part_effects

BUNDLE = default_bundle_dir()
SAMPLES = samples_folder(resource_path("resources", "samples"), BUNDLE)


@pytest.mark.skipif(not (BUNDLE / "bundle.json").is_file(), reason="the default bundle is not in this checkout")
def test_associated_latents_move_the_score_more_than_mass_matched_random_sets():
    s = InspectionSession.open(BUNDLE, backend="onnx")
    d = s.bundle.dictionary
    assert d is not None
    cols = [d.region_classes.index(t) for t in d.defect_classes]
    sets = associated_sets(d.assoc_ap[:, cols], d.defect_classes, 5)
    parts = []
    for dtype in d.defect_classes:
        for img_path in sorted(SAMPLES.glob(f"{dtype}_*.png")):
            if img_path.name.endswith("_mask.png"):
                continue
            img = load_image(img_path).pixels_HWC
            s.analyze(img)
            mask = load_mask(img_path.with_name(img_path.stem + "_mask.png"), img.shape[:2])
            p = part_effects(s, mask, dtype, img_path.stem, sets, control_draws=3, seed=0)
            assert p.control_mass == pytest.approx(p.mass_by_set[dtype], rel=1e-3)  # the same mass switched
            parts.append(p)
    assert len(parts) >= 6, "samples of every defect type are present"
    assoc = np.mean([abs(p.delta_by_set[p.part_type]) for p in parts])
    ctrl = np.mean([np.mean(np.abs(p.control_deltas)) for p in parts])
    m = cross_type_matrix(parts, sets, n_boot=200)
    print(f"mean |Δscore|: associated {assoc:.4f}, mass-matched random sets {ctrl:.4f}; own ÷ other types per row: "
          + ", ".join(f"{r.part_type} {r.diagonal_ratio:.2f}" for r in m.rows))
    assert assoc > ctrl, (assoc, ctrl)
