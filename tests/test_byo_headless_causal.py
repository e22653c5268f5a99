"""Findings for a model without a patch head (every timm classifier): ranking latents in a region and
injecting one measure the score's change against controls as for any model; where the change lands
(specificity, read off a patch map) is reported as not measured instead of failing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.core.causal import rank_latents
from app.core.session import InspectionSession
from tests.rich_bundles import make_headless_bundle

pytestmark = pytest.mark.slow  # a bundle and a ranking with controls: seconds


@pytest.fixture(scope="module")
def headless(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_headless_bundle(tmp_path_factory.mktemp("headless") / "b")


def test_ranking_latents_in_a_region_works_without_a_patch_head(headless: Path) -> None:
    s = InspectionSession.open(headless, backend="torch")
    a = s.analyze(np.random.default_rng(0).integers(0, 256, (48, 48, 3), dtype=np.uint8))
    assert a.baseline.patch_map is None
    mask = np.zeros(a.image_hw, np.uint8)
    mask[:24] = 1
    res = rank_latents(s, mask, top=4, controls=8, seed=0)
    assert res.latents, "latents were ranked"
    for r in res.latents:
        assert math.isfinite(r.delta_score)
        assert math.isnan(r.specificity.inside) and not r.specificity.unspecific
        assert r.specificity.to_json()["inside"] is None


def test_the_rank_cli_answers_for_a_model_without_a_patch_head(headless: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from main import main

    img = tmp_path / "part.png"
    cv2.imwrite(str(img), np.random.default_rng(1).integers(0, 256, (40, 40, 3), dtype=np.uint8))
    rc = main(["rank", str(img), "--bundle", str(headless), "--top", "3", "--controls", "4", "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert 1 <= len(json.loads(out.out)["latents"]) <= 3
