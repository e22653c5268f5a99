"""End to end: a tiny MVTec-layout dataset -> recording -> feature dictionary. A few seconds."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.core.dictionary import ANY_DEFECT, FeatureDictionary, label_class_name
from app.core.grid import PatchGrid
from app.core.sae import encode
from app.pipeline.dictionary_builder import best_latents_per_class, build_dictionary, draw_exemplar_crop

SIZE = 48


def _write_dataset(root: Path, seed: int = 0, surfaces: bool = True, one_surface: bool = False) -> None:
    """10 random 48x48 images: train good/scratch, test good/scratch/stain, rectangle masks,
    and (``surfaces``) a two-element surface map (left half / right half); ``one_surface``:
    metal everywhere, and a legend that also names an element no part has."""
    rng = np.random.default_rng(seed)
    legend = {"1": "metal", "2": "paint"} if not one_surface else {"1": "metal", "2": "paint", "3": "rubber"}
    root.mkdir(parents=True)
    if surfaces:
        (root / "surface_masks").mkdir()
        (root / "surface_masks" / "legend.json").write_text(json.dumps(legend))
    plan = [("train", "good", 3), ("train", "scratch", 2), ("test", "good", 2), ("test", "scratch", 2), ("test", "stain", 1)]
    for split, label, n in plan:
        for i in range(n):
            name = f"{i:03d}"
            img = rng.integers(0, 255, (SIZE, SIZE, 3), dtype=np.uint8)
            d = root / split / label
            d.mkdir(parents=True, exist_ok=True)
            if label != "good":
                y0, x0 = rng.integers(0, SIZE - 16, 2)
                mask = np.zeros((SIZE, SIZE), np.uint8)
                mask[y0 : y0 + 14, x0 : x0 + 12] = 255
                img[mask > 0] = (255, 40, 40) if label == "scratch" else (30, 30, 200)
                g = root / "ground_truth" / label
                g.mkdir(parents=True, exist_ok=True)
                cv2.imwrite(str(g / f"{name}_mask.png"), mask)
            cv2.imwrite(str(d / f"{name}.png"), img)
            if not surfaces:
                continue
            surf = np.ones((SIZE, SIZE), np.uint8)
            if not one_surface:
                surf[:, SIZE // 2 :] = 2
            sd = root / "surface_masks" / split / label
            sd.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(sd / f"{name}.png"), surf)


def _build(tmp: Path, surfaces: bool = True, one_surface: bool = False):  # noqa: ANN202
    from app.core.backends.select import open_backend
    from app.pipeline.dataset import scan_dataset
    from app.pipeline.random_bundle import make_random_bundle
    from app.pipeline.record import open_recording, record_activations

    bundle = make_random_bundle(tmp / "bundle", seed=3, with_dictionary=False)
    _write_dataset(tmp / "data", surfaces=surfaces, one_surface=one_surface)
    ds = scan_dataset(tmp / "data", val_fraction=0.0)
    m = bundle.manifest
    grid = PatchGrid.of(m.vit)
    runner = open_backend(bundle, "onnx")
    record_activations(runner, ds, list(ds.records), m.preprocess, grid, tmp / "rec", vit_sha256="0" * 64,
                       layer=m.hooked_layer, batch=4, progress=False)
    rec = open_recording(tmp / "rec")
    d = build_dictionary(rec, m.sae, bundle.sae_weights, train_ids=rec.split_ids("train"), test_ids=rec.split_ids("test"),
                         n_top=4, n_random=2, crop_size=16, seed=0, progress=False)
    return tmp, bundle, rec, d


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return _build(tmp_path_factory.mktemp("dict"))


def test_a_background_or_absent_surface_names_no_latent(tmp_path: Path) -> None:
    """An element on every patch has chance level ~1 (any latent would look skilled at it) and one
    on no test patch has no AP: neither becomes a region class, so no label can name them."""
    _, _, rec, d = _build(tmp_path, one_surface=True)
    assert rec.header["surface_elements"] == ["metal", "paint", "rubber"]
    assert d.region_classes == ("scratch", "stain", ANY_DEFECT)
    assert not any(label_class_name(lab) in ("metal", "paint", "rubber") for lab in d.labels)


def test_a_folder_without_surface_masks_builds(tmp_path: Path) -> None:
    """Plain MVTec AD (no surface_masks/): the region classes are the defect types alone; this
    crashed in reshape(-1, 0) after the whole recording."""
    _, bundle, rec, d = _build(tmp_path, surfaces=False)
    assert rec.surface_cover_NPE.shape[2] == 0
    assert d.region_classes == ("scratch", "stain", ANY_DEFECT)
    assert d.assoc_ap.shape == (bundle.manifest.sae.width, 3)
    assert np.isfinite(d.assoc_ap[:, 0]).any(), "the defect types are still associated"


def test_shapes_and_invariants(built) -> None:
    _, bundle, rec, d = built
    s = bundle.manifest.sae.width
    assert d.width == s
    assert d.hist.shape == (s, 20) and d.top_value.shape == (s, 4) and d.rand_value.shape == (s, 2)
    assert d.region_classes == ("scratch", "stain", "metal", "paint", ANY_DEFECT)
    assert d.defect_classes == ("scratch", "stain")
    assert d.assoc_ap.shape == (s, 5) and d.assoc_auroc.shape == (s, 2)
    assert np.all(d.p99 <= d.max_act + 1e-6) and np.all(d.mean_act <= d.max_act + 1e-6)
    assert np.all((d.frequency >= 0) & (d.frequency <= 1))
    n_train_tokens = len(rec.split_ids("train")) * rec.num_patches
    assert d.meta["train_tokens"] == n_train_tokens
    np.testing.assert_allclose(d.hist.sum(axis=1), np.rint(d.frequency * n_train_tokens), atol=0)
    assert all(lab for lab in d.labels) and len(d.labels) == s
    fin = d.assoc_ap[np.isfinite(d.assoc_ap)]
    assert fin.size and np.all((fin >= 0) & (fin <= 1))
    best = best_latents_per_class(d, top=3)
    assert set(best) == set(d.region_classes)
    for rows in best.values():
        aps = [ap for _, ap in rows]
        assert aps == sorted(aps, reverse=True)


def test_any_defect_class_pools_every_defect_patch(built) -> None:
    """The pooled class's AP is each latent's AP against the union of the defect types' patches."""
    from app.pipeline.latent_stats import average_precision

    _, bundle, rec, d = built
    test_ids = rec.split_ids("test")
    z = encode(bundle.sae_weights, bundle.manifest.sae, rec.tokens_for(test_ids).reshape(-1, rec.d_model).astype(np.float32))
    any_P = rec.defect_label_NP()[test_ids].reshape(-1) > 0
    assert any_P.any() and not any_P.all()
    col = d.region_classes.index(ANY_DEFECT)
    for s in np.nonzero((z > 0).any(axis=0))[0][:8]:
        np.testing.assert_allclose(d.assoc_ap[s, col], average_precision(z[:, s], any_P), atol=1e-9)
    assert d.meta["patches_per_class_test"][ANY_DEFECT] == int(any_P.sum())


def test_exemplars_match_the_codes(built) -> None:
    _, bundle, rec, d = built
    m = bundle.manifest
    train = set(rec.split_ids("train"))
    by_name = {}
    for i, row in enumerate(rec.rows):
        by_name[str(Path(row["path"]).as_posix())] = i
    root = Path(rec.header["data_root"]).parent / d.meta["images_root"]  # relative: no build machine's path
    assert not Path(d.meta["images_root"]).is_absolute() and d.meta["images_root"].startswith("data/")
    ids = [by_name[str((root / n).as_posix())] for n in d.images]
    assert set(ids) <= train
    codes = {i: encode(bundle.sae_weights, m.sae, rec.image_tokens(i)) for i in train}
    z_all = np.concatenate([codes[i] for i in sorted(train)])
    for s in range(d.width):
        vals = d.top_value[s]
        assert np.all(np.diff(vals) <= 0)
        n_pos = int((z_all[:, s] > 0).sum())
        n_valid = int((d.top_image[s] >= 0).sum())
        assert n_valid == min(4, n_pos)
        if n_valid:
            np.testing.assert_allclose(vals[:n_valid], np.sort(z_all[:, s])[::-1][:n_valid], rtol=1e-5)
        for j in range(n_valid):
            i = ids[d.top_image[s, j]]
            assert codes[i][d.top_patch[s, j], s] == pytest.approx(float(vals[j]), rel=1e-5)
        for j in range(d.rand_value.shape[1]):
            if d.rand_image[s, j] >= 0:
                i = ids[d.rand_image[s, j]]
                v = codes[i][d.rand_patch[s, j], s]
                assert v > 0 and v == pytest.approx(float(d.rand_value[s, j]), rel=1e-5)


def test_crops_and_round_trip(built) -> None:
    tmp, bundle, _, d = built
    for s in range(d.width):
        n = int((d.top_image[s] >= 0).sum() + (d.rand_image[s] >= 0).sum())
        crops = d.crops(s)
        assert len(crops) == n
        assert all(c.shape == (16, 16, 3) and c.dtype == np.uint8 for c in crops)
    out = tmp / "saved"
    out.mkdir()
    st, js = d.to_files(out)
    e = FeatureDictionary.from_files(st, js, d.width)
    for name in ("frequency", "p99", "hist", "top_value", "top_image", "crops_jpeg", "crops_offsets", "assoc_ap"):
        np.testing.assert_array_equal(getattr(e, name), getattr(d, name))
    assert e.labels == d.labels and e.images == d.images and e.region_classes == d.region_classes
    assert e.meta["train_tokens"] == d.meta["train_tokens"]
    np.testing.assert_allclose(e.top_share, d.top_share, atol=1e-4)
    np.testing.assert_array_equal(e.top_share_images, d.top_share_images)


def test_strongest_on_counts_each_latents_strongest_test_parts(built) -> None:
    """Per latent: of its (up to 50) test images with the largest max activation, the share whose
    strongest patch is ok or each defect type; one image counts once."""
    _, bundle, rec, d = built
    test_ids = rec.split_ids("test")
    lab_NP = rec.defect_label_NP()[test_ids]
    z_NPS = encode(bundle.sae_weights, bundle.manifest.sae, rec.tokens_for(test_ids)).reshape(len(test_ids), rec.num_patches, -1)
    assert d.top_share.shape == (d.width, 1 + len(d.defect_classes))
    checked = 0
    for s in range(d.width):
        mx = z_NPS[:, :, s].max(axis=1)
        firing = np.nonzero(mx > 0)[0]
        best = firing[np.argsort(-mx[firing], kind="stable")][:50]
        assert d.top_share_images[s] == len(best)
        if len(best) == 0:
            assert d.top_share[s].sum() == 0 and d.strongest_on(s) == [] and d.strongest_on_text(s) == ""
            continue
        cls = lab_NP[best, z_NPS[best, :, s].argmax(axis=1)]
        np.testing.assert_allclose(d.top_share[s], np.bincount(cls, minlength=d.top_share.shape[1]) / len(best), atol=1e-6)
        listed = d.strongest_on(s, min_share=0.0)
        assert [v for _, v in listed] == sorted((v for _, v in listed), reverse=True)
        top_name = (("ok",) + d.defect_classes)[int(np.argmax(d.top_share[s]))]
        assert listed[0] == (top_name, pytest.approx(float(d.top_share[s].max())))
        assert d.strongest_on_text(s).startswith(f"{top_name} ") and f"its {len(best)} strongest" in d.strongest_on_text(s)
        checked += int(d.top_share[s, 1:].sum() > 0)
    assert checked > 0, "some latent must fire hardest inside a defect, or the test checks nothing"


def test_crop_overlay_is_smooth_and_local() -> None:
    img = np.full((64, 96, 3), 128, np.uint8)
    act = np.zeros(4 * 6, np.float32)
    act[1 * 6 + 2] = 2.0
    crop = draw_exemplar_crop(img, act, (4, 6), patch=1 * 6 + 2, ref=2.0, crop_size=32)
    assert crop.shape == (32, 32, 3)
    diff = np.abs(crop.astype(int) - 128).sum(axis=2)
    assert diff[16, 16] > diff[1, 1]  # strongest at the patch centre
    assert len(np.unique(diff)) > 8  # graded, not a block
    quiet = draw_exemplar_crop(img, np.zeros(24, np.float32), (4, 6), 0, 1.0, 32)
    inside = quiet[10:22, 10:22]  # corner patch: the inside of the image is untouched
    assert np.all(np.abs(inside.astype(int) - 128) <= 1)


@pytest.mark.parametrize("block", [
    [1, 2],  # not an object
    {"classes": ["ok", "scratch"], "share": [[0.5, 0.5]], "images": [2]},  # too few latents and classes
    {"classes": ["ok", "stain", "scratch"], "share": None, "images": None},  # unreadable
    "nan",  # a share that is not a number
])
def test_a_damaged_strongest_on_block_is_one_clear_error(built, tmp_path, block) -> None:
    import json

    from app.core.errors import InspectorError

    _, _, _, d = built
    st, js = d.to_files(tmp_path)
    info = json.loads(js.read_text(encoding="utf-8"))
    if block == "nan":
        block = dict(info["top_share"])
        block["share"] = [[None] * len(block["classes"])] + block["share"][1:]
    info["top_share"] = block
    js.write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(InspectorError) as e:
        FeatureDictionary.from_files(st, js, d.width)
    assert e.value.code == "bad_dictionary" and "top_share" in e.value.message
