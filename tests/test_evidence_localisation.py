"""The model card's localisation of the measured evidence map, beside the patch head's: the figures
are the pixel AUROC and AUPRO of the session's own evidence maps (and, where the model has one,
of its patch head's maps) on the same held-out images, and the card's lines carry them."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from app.core.images import load_image
from app.core.session import InspectionSession
from app.pipeline.dataset import scan_dataset
from app.pipeline.evaluate import pixel_metrics_of_maps
from app.pipeline.evidence_localisation import (
    evidence_localisation,
    evidence_markdown,
    evidence_to_unit,
    sample_records,
)
from tests.rich_bundles import add_good_reference, make_headless_bundle
from tests.test_byo_model_build import write_parts

N_IMAGES = 8


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_parts(tmp_path_factory.mktemp("parts") / "line3", seed=3)


def _row(lines: list[str], start: str) -> list[str]:
    row = next(line for line in lines if line.startswith(start))
    return [c.strip() for c in row.strip("|").split("|")]


@pytest.mark.slow
def test_a_patch_head_model_reports_both_maps_from_the_same_images(random_bundle_dir: Path, parts: Path,
                                                                   tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    shutil.copytree(random_bundle_dir, bundle)
    add_good_reference(bundle, seed=1)
    ds = scan_dataset(parts)
    res = evidence_localisation(bundle, ds, N_IMAGES, seed=2)
    records = sample_records(ds, N_IMAGES, 2)
    assert res["images"] == N_IMAGES == len(records) and 0 < res["defective_images"] < N_IMAGES

    s = InspectionSession.open(bundle, backend="torch")
    evidence, head = [], []
    for r in records:  # the figures are those of the session's own maps on these images
        a = s.analyze(load_image(r.path).pixels_HWC)
        evidence.append(s.evidence_map())
        head.append(a.baseline.patch_map)
    prep = s.bundle.manifest.preprocess
    want_ev = pixel_metrics_of_maps(records, lambda i: evidence[i], prep, to_unit=evidence_to_unit)
    want_hd = pixel_metrics_of_maps(records, lambda i: head[i], prep)
    assert res["evidence"]["pixel_auroc"] == pytest.approx(want_ev["auroc"], abs=1e-9)
    assert res["evidence"]["aupro"] == pytest.approx(want_ev["aupro"], abs=1e-9)
    assert res["patch_head"] == pytest.approx({"pixel_auroc": want_hd["auroc"], "aupro": want_hd["aupro"]}, abs=1e-9)
    assert not np.allclose(np.concatenate(evidence), 0.0), "the evidence maps measured something"

    lines = evidence_markdown(res)
    ev_row = _row(lines, "| evidence map")
    hd_row = _row(lines, "| patch head")
    assert ev_row[1:] == [f"{want_ev['auroc']:.3f}", f"{want_ev['aupro']:.3f}"]
    assert hd_row[1:] == [f"{want_hd['auroc']:.3f}", f"{want_hd['aupro']:.3f}"]
    assert f"on {N_IMAGES} test images" in lines[0]


@pytest.mark.slow
def test_a_model_without_a_patch_head_says_it_has_none(parts: Path, tmp_path: Path) -> None:
    bundle = make_headless_bundle(tmp_path / "headless")
    res = evidence_localisation(bundle, scan_dataset(parts), 4, seed=0)
    assert res["patch_head"] is None and res["evidence"]["pixel_auroc"] is not None
    lines = evidence_markdown(res)
    assert _row(lines, "| patch head")[1:] == ["– (the model has none)", "–"]
    assert _row(lines, "| evidence map")[1] == f"{res['evidence']['pixel_auroc']:.3f}"
