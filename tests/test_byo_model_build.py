"""Bring your own model: a factory's timm ViT and its own MVTec-layout folder (no surface masks,
defect folders named as the factory names them) become a bundle in one command, for every ViT
family the issue names; the bundle's outputs match timm's reference forward within 1e-4 through
both backends; the evidence map is what its definition says; the --vit-config JSON is strict."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from app.core.errors import InspectorError
from app.core.images import load_image
from app.core.session import InspectionSession
from tests.timm_reference import FAMILIES, timm_eval_transform

TOL = 1e-4
DEFECTS = ("scratch", "dent (deep)", "Ölfleck")  # a factory's own names: spaces, non-ASCII
BUILT = ["vit_tiny", "vit_small", "vit_base_384", "deit", "dinov2", "dinov2_reg4", "avg_gap", "qk_norm", "clip", "binary_ok_ng"]


def write_parts(root: Path, seed: int = 0) -> Path:
    """A plain MVTec AD folder (no surface_masks/): brushed texture, odd sizes, three defect types."""
    rng = np.random.default_rng(seed)
    shade = {"scratch": 245, "dent (deep)": 25, "Ölfleck": 170}
    plan = [("train", "good", 16), ("test", "good", 6)] + [("test", t, 4) for t in DEFECTS]
    for split, label, n in plan:
        folder = root / split / label
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            h, w = 72 + 9 * (i % 3), 96 - 11 * (i % 2)
            xx = np.mgrid[0:h, 0:w][1]
            base = 115 + 22 * np.sin(xx / 4.0) + rng.normal(0, 9, (h, w))
            img = np.clip(np.stack([base, base * 0.95, base * 0.9], -1), 0, 255).astype(np.uint8)
            if label != "good":
                mask = np.zeros((h, w), np.uint8)
                y, x = int(rng.integers(h // 4, h // 2)), int(rng.integers(w // 4, w // 2))
                mask[y : y + h // 4, x : x + w // 5] = 255
                img[mask > 0] = shade[label]
                gt = root / "ground_truth" / label
                gt.mkdir(parents=True, exist_ok=True)
                cv2.imwrite(str(gt / f"{i:03d}_mask.png"), mask)
            cv2.imwrite(str(folder / f"{i:03d}.png"), img[:, :, ::-1])
    return root


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_parts(tmp_path_factory.mktemp("parts") / "line7")


def lean_preset():  # noqa: ANN201
    """The tiny preset with one k: the whole path, in seconds."""
    from app.pipeline.presets import PRESETS

    tiny = PRESETS["tiny"]
    return replace(tiny, name="byo-test", sae=replace(tiny.sae, ks=(4,)), fidelity_images=8, causal_images_per_type=1,
                   causal_latents=1)


_BUILDS: dict[str, tuple] = {}


def built(name: str, parts: Path, tmp: Path) -> tuple:
    """(reference model, bundle dir, work dir, import result), built once per family."""
    if name not in _BUILDS:
        from app.pipeline.build_bundle import build_bundle
        from app.pipeline.timm_import import import_timm

        fam = FAMILIES[name]
        ref = fam.export(tmp / "export", seed=21)
        res = import_timm(tmp / "export", tmp / "vit", class_map=fam.class_map, log=lambda s: None)
        out = build_bundle(tmp / "bundle", lean_preset(), tmp / "work", data=parts, vit_weights=res.weights,
                           vit_config=res.config, progress=False, log=lambda s: None)
        _BUILDS[name] = (ref, out, tmp / "work", res)
    return _BUILDS[name]


@pytest.mark.slow
@pytest.mark.parametrize("name", BUILT)
def test_a_timm_model_and_a_plain_folder_build_a_bundle_that_computes_what_timm_computes(
    name: str, parts: Path, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from app.core.bundle import load_bundle

    fam = FAMILIES[name]
    ref, out, work, res = built(name, parts, tmp_path_factory.mktemp(name))
    b = load_bundle(out)
    m = b.manifest
    assert m.classes == res.model.classes and m.preprocess == res.model.preprocess and "good_reference" in m.files
    order = list(res.model.source["class_order"])
    img = load_image(parts / "test" / "dent (deep)" / "001.png").pixels_HWC
    x = torch.from_numpy(timm_eval_transform(img, fam.input_size, fam.crop_pct, fam.interpolation, fam.mean, fam.std))[None]
    with torch.no_grad():  # timm's own pixels, timm's own forward
        want_logits = ref.double()(x.double())[0, order].numpy()
        want_tokens = ref.tokens_after(x.double(), m.hooked_layer)[0].numpy()
    for backend in ("torch", "onnx"):
        s = InspectionSession.open(b, backend=backend)
        a = s.analyze(img)
        assert np.abs(a.baseline.class_logits - want_logits).max() < TOL, backend
        assert np.abs(a.tokens_TD - want_tokens).max() < TOL, backend
        assert a.baseline.patch_map is None  # a timm classifier has no patch head: its map is the evidence map
        ev = s.evidence_map()
        assert ev.shape == s.grid_hw and np.isfinite(ev).all() and np.abs(ev).max() <= 1.0
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert m.preprocess.describe() in card and "ImageNet" not in card
    # the evidence map's localisation beside the patch head's (which this model does not have), and no
    # patch-head target judged for a model without one
    assert "Localisation of the evidence map" in card and "| patch head | – (the model has none) | – |" in card
    assert "| best-latent AP ≥ 0.8× patch head AP | min ratio n/a | n/a (no patch head) |" in card
    evidence = json.loads((work / "evidence.json").read_text())
    assert evidence["patch_head"] is None and evidence["images"] > 0
    assert evidence["evidence"]["pixel_auroc"] is None or 0.0 <= evidence["evidence"]["pixel_auroc"] <= 1.0


@pytest.mark.slow
def test_a_binary_ok_ng_model_works_with_a_multi_type_folder(parts: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The model's two classes score; the folder's three types label the latents."""
    _, out, work, _ = built("binary_ok_ng", parts, tmp_path_factory.mktemp("binary"))
    from app.core.bundle import load_bundle

    b = load_bundle(out)
    assert b.manifest.classes == ("ok", "defect")
    assert set(DEFECTS) <= set(b.dictionary.region_classes) and b.dictionary.defect_classes == tuple(sorted(DEFECTS))
    metrics = json.loads((work / "eval_vit" / "metrics.json").read_text())
    assert metrics["classification"]["class_of_type"] == {t: "defect" for t in DEFECTS}
    assert set(metrics["image"]["per_type"]) == set(DEFECTS) and metrics["pixel"]["auroc"] is None


@pytest.mark.slow
def test_the_evidence_map_is_its_definition(parts: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """e_p = score - score with patch p's token x_p replaced by x_p - x̂_p + r_p, r the mean good
    reconstruction at p over the recording's good training images: recomputed patch by patch."""
    from safetensors.numpy import load_file

    from app.core.edits import LatentEdit
    from app.core.sae import decode, encode
    from app.pipeline.record import open_recording

    _, out, work, _ = built("dinov2_reg4", parts, tmp_path_factory.mktemp("evidence"))
    s = InspectionSession.open(out, backend="torch")
    rec = open_recording(work / "acts")
    good = [i for i in rec.split_ids("train") if rec.rows[i]["label"] == "good"]
    assert good
    w, cfg = s.bundle.sae_weights, s.bundle.manifest.sae
    want_r = np.mean([decode(w, encode(w, cfg, rec.image_tokens(i))) for i in good], axis=0)
    r = load_file(str(s.bundle.path("good_reference")))["recon_PD"]
    np.testing.assert_allclose(r, want_r, atol=1e-4)

    a = s.analyze(load_image(parts / "test" / "scratch" / "002.png").pixels_HWC)
    n_pre = s.grid.num_prefix_tokens
    mask = np.zeros(a.image_hw, np.uint8)
    mask[: a.image_hw[0] // 2] = 1
    active = int(np.argmax(a.codes_PS.sum(axis=0)))
    for region, edits in ((None, []), (mask, [LatentEdit(active, "off")])):
        base = s.edited_tokens(s.patch_weights(region), edits)
        rows = []
        for p in range(s.grid.num_patches):
            t = base.copy()
            t[n_pre + p] = a.tokens_TD[n_pre + p] - a.recon_PD[p] + r[p]
            rows.append(t)
        outs = s.run_token_batch([base, *rows])
        want = outs[0].score - np.array([o.score for o in outs[1:]])
        got = s.evidence_map(region, edits)
        np.testing.assert_allclose(got.reshape(-1), want, atol=1e-6)
    assert np.abs(got).max() > 0, "a patch swap moves the score of this model"


def test_a_bundle_without_a_good_reference_says_so(random_bundle_dir: Path) -> None:
    s = InspectionSession.open(random_bundle_dir, backend="torch")
    assert not s.has_evidence_map
    s.analyze(np.full((40, 40, 3), 128, np.uint8))
    with pytest.raises(InspectorError, match="no good reference") as exc:
        s.evidence_map()
    assert exc.value.code == "no_good_reference"


# --- the --vit-config JSON is strict ------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.pipeline.timm_import import import_timm

    tmp = tmp_path_factory.mktemp("imported")
    FAMILIES["vit_tiny"].export(tmp / "export")
    return import_timm(tmp / "export", tmp / "vit", log=lambda s: None).out_dir


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda c: c.update(colour="blue"), "unknown key(s) ['colour']"),
        (lambda c: c.pop("preprocess"), "missing required field(s) 'preprocess'"),
        (lambda c: c["vit"].pop("num_heads"), "lacks required field(s) ['num_heads']"),
        (lambda c: c["vit"].update(heads=3), "unknown ViT configuration key(s) ['heads']"),
        (lambda c: c["preprocess"].pop("mean"), "preprocess lacks required field(s) ['mean']"),
        (lambda c: c["preprocess"].pop("crop_pct"), "['crop_pct']"),
        (lambda c: c.update(classes=["crack", "ok", "scratch"]), "must start with 'ok'"),
        (lambda c: c.update(hooked_layer=2), "hooked_layer 2 must be in 0..1"),
        (lambda c: c["preprocess"].update(input_size=[32, 32]), "differs from the ViT's"),
        (lambda c: c.clear() or c.update(architecture="vit_small_patch16_224", pretrained_cfg={}), "import-timm"),
    ],
)
def test_a_bad_vit_config_is_one_line_with_a_hint(imported: Path, tmp_path: Path, parts: Path, capsys, edit, words: str) -> None:  # noqa: ANN001
    from main import main

    cfg = json.loads((imported / "vit_config.json").read_text())
    edit(cfg)
    bad = tmp_path / "vit_config.json"
    bad.write_text(json.dumps(cfg))
    rc = main(["build-bundle", "--preset", "tiny", "--data", str(parts), "--vit", str(imported / "vit.safetensors"),
               "--vit-config", str(bad), "--out", str(tmp_path / "b"), "--work", str(tmp_path / "w"), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err[-1].startswith("error:") and words in err[-1] and "MODEL_FORMAT.md" in err[-1], err
    assert not (tmp_path / "b").exists()


def test_the_written_config_reads_back_identically(imported: Path) -> None:
    from app.pipeline.timm_import.vit_json import parse_vit_json, read_vit_json

    ext = read_vit_json(imported / "vit_config.json")
    again = parse_vit_json(json.loads(json.dumps(ext.to_json())))
    assert again == ext and ext.preprocess.resize == "shorter_crop"


def test_build_bundle_takes_the_folder_import_timm_wrote(imported: Path) -> None:
    """`--vit vit_dir` alone: the weights and vit_config.json inside it."""
    from app.pipeline.build_bundle import _load_external_vit
    from app.pipeline.timm_import.vit_json import read_vit_json

    vit, prep, classes = _load_external_vit(imported, None)
    ext = read_vit_json(imported / "vit_config.json")
    assert vit.cfg == ext.vit and prep == ext.preprocess and classes == ext.classes
    with pytest.raises(InspectorError, match="--vit needs --vit-config"):
        _load_external_vit(imported / "vit.safetensors", None)


def test_the_standard_preset_is_one_sae_on_fewer_tokens_and_the_guide_states_it() -> None:
    """`--preset standard` (a user's ViT in about an hour on two cores) trains one SAE on fewer recorded
    images than `mixed`'s grid, and the factory guide's sizing names the same SAE and counts."""
    from app.pipeline.presets import PRESETS

    std, mixed = PRESETS["standard"], PRESETS["mixed"]
    grid = len(std.sae.ks) * len(std.sae.expansions) * len(std.sae.objectives)
    assert grid == 1 < len(mixed.sae.ks) * len(mixed.sae.expansions) * len(mixed.sae.objectives)
    assert std.record_train < mixed.record_train
    guide = (Path(__file__).resolve().parents[1] / "docs" / "FACTORY_GUIDE.md").read_text(encoding="utf-8")
    vit_s_width = 384
    assert f"k {std.sae.ks[0]}, {std.sae.expansions[0] * vit_s_width:,} latents" in guide
    assert f"records {std.record_train:,} training images" in guide and "What a GPU buys" in guide
