"""Two bundles side by side (issue #20): comparability, paired outcomes, counterparts and their cache,
edits carried across SAEs, and a latent switched off in both models against each model's controls.

Real bundles (random weights, real ONNX graphs) through ONNX Runtime; counterpart statistics are
checked against numpy's dense Pearson correlation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.core.bundle import load_bundle
from app.core.compare.compatibility import check_comparable, differences, same_sae
from app.core.compare.counterparts import (
    CoactivationAccumulator,
    CorrelationCache,
    LatentCorrelation,
    correlate_on_images,
    region_counterparts,
    translate_edits,
)
from app.core.compare.paired import analyze_pair, compare_on_image
from app.core.compare.switch_off import switch_off_effect, switch_off_with_counterpart
from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.session import InspectionSession


@pytest.fixture(scope="module")
def other_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Same architecture and classes as ``random_bundle_dir``, other weights and SAE: a 'retrained' model."""
    from app.pipeline.random_bundle import make_random_bundle

    out = tmp_path_factory.mktemp("cmp") / "other"
    make_random_bundle(out, seed=3)
    return out


@pytest.fixture(scope="module")
def wide_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another input size (48×48: a 6×6 grid) and four classes: not comparable with the others."""
    from app.core.vit_config import ViTConfig
    from app.pipeline.random_bundle import make_random_bundle

    out = tmp_path_factory.mktemp("cmp") / "wide"
    make_random_bundle(out, seed=4, vit_config=ViTConfig(img_size=48, patch_size=8, embed_dim=32, depth=3, num_heads=2,
                                                         num_classes=4))
    return out


@pytest.fixture(scope="module")
def part_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Five part images on disk (the counterpart measurement reads files, as the GUI's folder does)."""
    folder = tmp_path_factory.mktemp("parts")
    paths = [folder / f"part_{i}.png" for i in range(5)]
    for i, p in enumerate(paths):
        cv2.imwrite(str(p), part_image(100 + i, (32, 32)))
    return paths


def with_threshold(src: Path, dst: Path, threshold: float) -> Path:
    """A copy of a bundle whose manifest names another threshold (same weights, same SAE, another hash)."""
    shutil.copytree(src, dst)
    raw = json.loads((dst / "bundle.json").read_text())
    raw["threshold"] = threshold
    (dst / "bundle.json").write_text(json.dumps(raw, indent=1))
    return dst


def part_image(seed: int, hw: tuple[int, int] = (40, 48)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (*hw, 3), dtype=np.uint8)


def region(hw: tuple[int, int] = (40, 48)) -> np.ndarray:
    m = np.zeros(hw, bool)
    m[6:26, 8:30] = True
    return m


def sessions(a: Path, b: Path) -> tuple[InspectionSession, InspectionSession]:
    return InspectionSession.open(a, backend="onnx"), InspectionSession.open(b, backend="onnx")


# --- comparability -------------------------------------------------------------------------------


def test_incomparable_bundles_are_one_error_naming_every_difference(random_bundle_dir, wide_bundle_dir, other_bundle_dir):
    a, wide = load_bundle(random_bundle_dir), load_bundle(wide_bundle_dir)
    with pytest.raises(InspectorError) as e:
        check_comparable(a, wide)
    assert e.value.code == "not_comparable"
    msg = e.value.message
    assert "input size 32×32 vs 48×48" in msg and "patch grid 4×4 vs 6×6" in msg
    assert "classes: (ok, scratch, stain) vs (ok, defect1, defect2, defect3)" in msg and "\n" not in msg
    assert differences(a, load_bundle(other_bundle_dir)) == ()
    check_comparable(a, load_bundle(other_bundle_dir))


def test_same_classes_in_another_order_are_named_as_such(random_bundle_dir, tmp_path):
    b = with_threshold(random_bundle_dir, tmp_path / "b", 0.5)
    raw = json.loads((b / "bundle.json").read_text())
    raw["classes"] = ["ok", "stain", "scratch"]
    (b / "bundle.json").write_text(json.dumps(raw))
    assert differences(load_bundle(random_bundle_dir), load_bundle(b)) == (
        "the same classes in another order: (ok, scratch, stain) vs (ok, stain, scratch)",)


def test_compare_on_image_refuses_incomparable_or_different_images(random_bundle_dir, wide_bundle_dir, other_bundle_dir):
    sa, sw = sessions(random_bundle_dir, wide_bundle_dir)
    with pytest.raises(InspectorError, match="cannot be compared"):
        analyze_pair(sa, sw, part_image(0))
    sa, sb = sessions(random_bundle_dir, other_bundle_dir)
    sa.analyze(part_image(0))
    sb.analyze(part_image(1))
    with pytest.raises(InspectorError, match="different images"):
        compare_on_image(sa, sb, None)


# --- a bundle with itself ------------------------------------------------------------------------


def test_a_bundle_compared_with_itself_agrees_exactly(random_bundle_dir, part_files):
    sa, sb = sessions(random_bundle_dir, random_bundle_dir)
    analyze_pair(sa, sb, part_image(0))
    edits = [LatentEdit(3, "off"), LatentEdit(5, "scale", 2.5), LatentEdit(7, "set", 1.0)]
    po = compare_on_image(sa, sb, region(), edits)
    assert po.identical and po.verdicts_agree and po.delta_score == 0.0
    assert not np.any(po.delta_class_probs_C) and not np.any(po.map_difference_hw)
    assert po.a.edited.score != po.a.baseline.score  # the edits did something, identically in both
    j = po.to_json()
    assert j["identical"] and j["max_abs_map_difference"] == 0.0 and j["map_levels"] == [0.0, 1.0]

    corr = correlate_on_images(sa, sb, part_files, cache=None)
    ids, r = corr.best_for_a
    fires = corr.fires("A")
    assert fires.sum() > 10
    assert np.array_equal(ids[fires], np.nonzero(fires)[0])  # every firing latent's counterpart is itself
    assert np.allclose(r[fires], 1.0, atol=1e-9) and corr.share_matched("A") == 1.0
    table = region_counterparts(sa, sb, corr, region())
    assert table.a and [x.summary.id for x in table.a] == [x.counterpart.other for x in table.a]
    assert all(x.counterpart.mutual and x.other_activation == pytest.approx(x.summary.activation) for x in table.a)

    latent = table.a[0].summary.id
    pair = switch_off_with_counterpart(sa, sb, corr, region(), latent, controls=8, seed=1)
    assert pair.counterpart.other == latent and pair.b is not None and pair.a is not None
    assert pair.a.delta_score == pair.b.delta_score
    assert np.array_equal(pair.a.result.control_deltas, pair.b.result.control_deltas)


# --- paired outcome of two models ---------------------------------------------------------------


def test_paired_outcome_of_two_models(random_bundle_dir, other_bundle_dir):
    sa, sb = sessions(random_bundle_dir, other_bundle_dir)
    analyze_pair(sa, sb, part_image(2))
    assert not same_sae(sa.bundle, sb.bundle)
    with pytest.raises(InspectorError, match="different SAEs"):
        compare_on_image(sa, sb, region(), [LatentEdit(3, "off")])
    po = compare_on_image(sa, sb, region(), [LatentEdit(3, "off")], [LatentEdit(9, "off")])
    a_alone = sa.intervene(region(), [LatentEdit(3, "off")])
    b_alone = sb.intervene(region(), [LatentEdit(9, "off")])
    assert po.a.edited.score == a_alone.score and po.b.edited.score == b_alone.score
    assert po.delta_score == pytest.approx(b_alone.score - a_alone.score, abs=0)
    assert np.allclose(po.map_difference_hw, b_alone.patch_map - a_alone.patch_map, atol=1e-6)
    assert po.map_difference_hw.shape == (4, 4) and np.all(np.abs(po.map_difference_hw) <= 1)
    assert not po.identical
    assert po.view_box == (0.0, 0.0, 40.0, 48.0)


def test_a_moved_threshold_changes_the_verdict_not_the_scores(random_bundle_dir, tmp_path):
    sa = InspectionSession.open(random_bundle_dir, backend="onnx")
    edits = [LatentEdit(2, "off")]
    sa.analyze(part_image(3))
    score = sa.intervene(None, edits).score
    assert 1e-3 < score < 1 - 1e-3
    tb = score + 1e-4 if score >= sa.bundle.manifest.threshold else score - 1e-4  # just past the score, the other way
    sb = InspectionSession.open(with_threshold(random_bundle_dir, tmp_path / "moved", tb), backend="onnx")
    assert same_sae(sa.bundle, sb.bundle) and sa.bundle.hash != sb.bundle.hash
    sb.analyze(part_image(3))
    po = compare_on_image(sa, sb, None, edits)  # one SAE: A's edits hold in B
    assert po.delta_score == 0.0 and po.identical
    assert po.a.rejects != po.b.rejects and not po.verdicts_agree
    assert po.to_json()["b"]["bundle"]["threshold"] == tb


# --- counterpart statistics ---------------------------------------------------------------------


def _sparse_codes(rng: np.random.Generator, n: int, s: int, k: int) -> np.ndarray:
    z = np.zeros((n, s))
    for i in range(n):
        idx = rng.choice(s, k, replace=False)
        z[i, idx] = rng.uniform(0.1, 3.0, k)
    return z


def test_correlation_is_pearson_over_patches_streamed_in_blocks(monkeypatch):
    import app.core.compare.counterparts as cp

    monkeypatch.setattr(cp, "BLOCK_PATCHES", 50)  # several sparse blocks
    rng = np.random.default_rng(0)
    za = _sparse_codes(rng, 400, 24, 3)
    zb = np.zeros((400, 20))
    zb[:, :12] = za[:, :12] * rng.uniform(0.5, 2.0, 12) + 0.3 * _sparse_codes(rng, 400, 12, 1)  # B's 0..11 follow A's
    zb[:, 12:19] = _sparse_codes(rng, 400, 7, 2)
    za[:, 23] = 0.0  # A's last latent never fires; B's last neither
    acc = CoactivationAccumulator(24, 20)
    for i in range(0, 400, 16):  # 25 "images" of 16 patches
        acc.add(za[i : i + 16], zb[i : i + 16])
    corr = acc.result()
    assert corr.patches == 400 and corr.images == 25
    dense = np.corrcoef(za[:, :23].T, zb[:, :19].T)[:23, 23:]
    for i in range(23):
        for j in range(19):
            assert corr.r(i, j) == pytest.approx(dense[i, j], abs=1e-9)
    assert np.isnan(corr.r(23, 0)) and np.isnan(corr.r(0, 19))
    ids, r = corr.best_for_a
    assert np.array_equal(ids[:23], dense.argmax(axis=1)) and np.allclose(r[:23], dense.max(axis=1))
    assert ids[23] == -1 and np.isnan(r[23])
    assert list(ids[:12]) == list(range(12))
    cpt = corr.counterpart(23, "A")
    assert not cpt.matched and not cpt.fires and "never fires" in cpt.text()
    back_ids, _ = corr.best_for_b
    assert back_ids[19] == -1
    t = corr.transposed()
    assert t.r(4, 7) == pytest.approx(corr.r(7, 4)) and np.array_equal(t.best_for_a[0], back_ids)


def test_counterpart_text_and_threshold():
    za = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [2.0, 0.0], [0.0, 0.0]])
    zb = np.array([[0.9, 0.0], [0.0, 0.0], [1.1, 0.0], [0.0, 0.0], [2.2, 0.0], [0.0, 1.0]])  # B's #1 alone on the last
    acc = CoactivationAccumulator(2, 2)
    acc.add(za, zb)
    corr = acc.result()
    labels = (lambda i: ["thin-line", "blob"][i], lambda i: ["scratch", "spot"][i])
    good = corr.counterpart(0, "A", 0.5, labels)
    assert good.matched and good.mutual and good.other == 0
    assert good.text() == f"A's #0 thin-line ≈ B's #0 scratch (r = {good.r:.2f})" and good.r > 0.99
    weak = corr.counterpart(1, "A", 0.5, labels)
    assert not weak.matched and weak.text().startswith("A's #1 blob: no counterpart in B (")
    lone = corr.counterpart(1, "B", 0.5, labels)
    assert lone.other == -1 and lone.text() == "B's #1 spot: no counterpart in A (no latent of A fires with it)"
    with pytest.raises(InspectorError, match="does not exist"):
        corr.counterpart(5, "A")


def test_translate_edits_to_counterparts():
    za = np.eye(4)[[0, 1, 2, 3, 0, 1, 2, 3, 0]] * 2.0
    zb = np.zeros((9, 5))
    zb[:, 4] = za[:, 0]  # A0 ≈ B4
    zb[:, 1] = za[:, 1]  # A1 ≈ B1
    zb[:, 0] = za[:, 1] * 0.5 + za[:, 2] * 0.5  # A2 only half ≈ B0 (r below 0.9), A1 also maps to B1 first
    acc = CoactivationAccumulator(4, 5)
    acc.add(za, zb)
    corr = acc.result()
    edits = [LatentEdit(0, "off"), LatentEdit(1, "scale", 0.5), LatentEdit(2, "set", 2.0), LatentEdit(3, "off")]
    moved, left = translate_edits(edits, corr, min_r=0.9)
    assert moved == (LatentEdit(4, "off"), LatentEdit(1, "scale", 0.5))
    assert left == (LatentEdit(2, "set", 2.0), LatentEdit(3, "off"))  # A2's best is below 0.9; A3 fires with nothing


def test_correlation_cache_round_trip_either_order_and_damage(tmp_path):
    rng = np.random.default_rng(1)
    acc = CoactivationAccumulator(8, 6)
    acc.add(_sparse_codes(rng, 60, 8, 2), _sparse_codes(rng, 60, 6, 2))
    corr = acc.result("a" * 64, "b" * 64, "k1")
    cache = CorrelationCache(tmp_path / "c")
    assert cache.load("a" * 64, "b" * 64, "k1") is None
    cache.save(corr)
    back = cache.load("a" * 64, "b" * 64, "k1")
    assert back is not None and back.patches == 60 and (back.cooc_AB != corr.cooc_AB).nnz == 0
    assert np.array_equal(back.best_for_a[0], corr.best_for_a[0])
    flipped = cache.load("b" * 64, "a" * 64, "k1")
    assert flipped is not None and np.array_equal(flipped.best_for_a[0], corr.best_for_b[0])
    assert cache.load("a" * 64, "b" * 64, "k2") is None  # another image set
    (f,) = list((tmp_path / "c").iterdir())
    f.write_bytes(f.read_bytes()[:200])
    assert cache.load("a" * 64, "b" * 64, "k1") is None  # a damaged file is a miss, never a crash
    with pytest.raises(InspectorError) as e:
        LatentCorrelation.from_bytes(b"not a cache")
    assert e.value.code == "bad_cache"


def test_correlate_on_images_keeps_the_open_image_and_uses_the_cache(random_bundle_dir, other_bundle_dir, part_files, tmp_path):
    sa, sb = sessions(random_bundle_dir, other_bundle_dir)
    analyze_pair(sa, sb, part_image(7))
    before_a, before_b = sa.analysis, sb.analysis
    paths = part_files
    cache = CorrelationCache(tmp_path / "cache")
    seen: list[tuple[int, int]] = []
    corr = correlate_on_images(sa, sb, paths, cache=cache, progress=lambda d, n: seen.append((d, n)))
    assert sa.analysis is before_a and sb.analysis is before_b  # the GUI's open image stays analysed
    assert seen == [(i, 5) for i in range(5)] and corr.images == 5 and corr.patches == 5 * 16
    again = correlate_on_images(sa, sb, paths, cache=cache, progress=lambda d, n: seen.append((d, n)))
    assert len(seen) == 5 and (again.cooc_AB != corr.cooc_AB).nnz == 0  # from the cache: nothing analysed
    reverse = correlate_on_images(sb, sa, list(reversed(paths)), cache=cache)
    assert np.array_equal(reverse.best_for_b[0], corr.best_for_a[0])
    with pytest.raises(InspectorError) as e:
        correlate_on_images(sa, sb, paths[:2], cache=None, progress=lambda d, n: False)
    assert e.value.code == "cancelled"
    with pytest.raises(InspectorError) as e:
        correlate_on_images(sa, sb, [tmp_path / "missing.png"])
    assert "missing.png" in e.value.message


# --- a latent switched off in both models --------------------------------------------------------


def test_switch_off_is_the_off_edit_against_the_models_own_controls(random_bundle_dir, other_bundle_dir):
    sa, sb = sessions(random_bundle_dir, other_bundle_dir)
    analyze_pair(sa, sb, part_image(5))
    m = region()
    latent = sa.latents_in_mask(m, top=1)[0].id
    eff = switch_off_effect(sa, m, latent, controls=12, seed=2)
    off = sa.intervene(m, [LatentEdit(latent, "off")])
    assert eff.result.score == pytest.approx(off.score, abs=1e-6)
    assert eff.delta_score == pytest.approx(off.score - sa.analysis.baseline.score, abs=1e-6)
    assert eff.result.control_deltas.size == 12 and eff.result.direction_deltas.size == 12
    assert eff.p_vs_random_latents >= 1 / 13 and eff.activation > 0
    c = np.abs(np.concatenate([eff.result.control_deltas, eff.result.direction_deltas])).mean()
    assert eff.ratio_vs_controls == pytest.approx(abs(eff.delta_score) / c)

    # a counterpart table where A's latent has B's #9 as counterpart and B's #9 has A's latent
    za, zb = np.zeros((6, sa.width)), np.zeros((6, sb.width))
    za[[0, 2, 4], latent] = [1.0, 2.0, 3.0]
    zb[[0, 2, 4], 9] = [1.1, 2.1, 2.9]
    acc = CoactivationAccumulator(sa.width, sb.width)
    acc.add(za, zb)
    corr = acc.result(sa.bundle.hash, sb.bundle.hash)
    pair = switch_off_with_counterpart(sa, sb, corr, m, latent, controls=12, seed=2)
    assert pair.counterpart.other == 9 and pair.b is not None and pair.b.latent == 9 and pair.b.side == "B"
    b_off = sb.intervene(m, [LatentEdit(9, "off")])
    assert pair.b.result.score == pytest.approx(b_off.score, abs=1e-6)
    j = pair.to_json()
    assert j["a"]["latent"] == latent and j["b"]["latent"] == 9 and "≈" in j["counterpart"]["text"]
    lone = switch_off_with_counterpart(sa, sb, corr, m, (latent + 1) % sa.width, controls=4)
    assert lone.b is None and lone.same_direction is None and lone.to_json()["b"] is None
    with pytest.raises(InspectorError, match="another pair of bundles"):
        switch_off_with_counterpart(sb, sa, corr, m, 1)  # A's and B's statistics given to B and A
