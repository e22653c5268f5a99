"""import-timm against timm's own definitions (tests/timm_reference.py): every ViT family the
issue names converts, and the converted model computes what timm computes, through the torch
model and through the ONNX graphs, to 1e-4; timm's evaluation transform and the view box; and
one clear line for every checkpoint that cannot be converted exactly."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from app.core.errors import InspectorError
from app.core.preprocess import Preprocessing, preprocess
from app.pipeline.timm_import import import_timm
from app.pipeline.timm_import.vit_json import read_vit_json
from tests.timm_reference import (
    FAMILIES,
    Family,
    VisionTransformer,
    make_model,
    timm_eval_transform,
    write_timm_export,
)

TOL = 1e-4


def _probe_pixels(prep: Preprocessing, n: int = 3, seed: int = 7) -> np.ndarray:
    """Preprocessed real-looking images of odd sizes: [n, C, h, w] float32."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        h, w = 61 + 37 * i, 117 - 13 * i
        yy, xx = np.mgrid[0:h, 0:w]
        img = np.clip(100 + 50 * np.sin(xx / (3.0 + i)) + rng.normal(0, 20, (h, w)), 0, 255)
        out.append(preprocess(np.stack([img, img * 0.8, 255 - img], -1).astype(np.uint8), prep))
    return np.concatenate(out)


def _onnx(vit, folder: Path):  # noqa: ANN001, ANN202
    import onnxruntime as ort

    from app.pipeline.export_onnx import export_split

    folder.mkdir(parents=True, exist_ok=True)
    prefix, suffix = export_split(vit, folder)
    return ort.InferenceSession(str(prefix)), ort.InferenceSession(str(suffix))


def assert_matches_timm(ref, vit, classes_order: tuple[int, ...], prep: Preprocessing, onnx_dir: Path) -> dict[str, float]:  # noqa: ANN001
    """The converted model's logits (bundle class order) and hooked-layer tokens, through torch and
    ONNX Runtime, against timm's reference forward in float64."""
    pixels = _probe_pixels(prep)
    x = torch.from_numpy(pixels)
    with torch.no_grad():
        want_logits = ref.double()(x.double())[:, list(classes_order)].numpy()
        want_tokens = ref.tokens_after(x.double(), vit.hooked_layer).numpy()
        t_tokens = vit.prefix(x)
        t_logits = vit.suffix(t_tokens)[0].numpy()
    p_sess, s_sess = _onnx(vit, onnx_dir)
    o_tokens = p_sess.run(None, {"pixels": pixels})[0]
    o_logits = s_sess.run(None, {"tokens": o_tokens})[0]
    err = {"torch_logits": np.abs(t_logits - want_logits).max(), "torch_tokens": np.abs(t_tokens.numpy() - want_tokens).max(),
           "onnx_logits": np.abs(o_logits - want_logits).max(), "onnx_tokens": np.abs(o_tokens - want_tokens).max()}
    assert max(err.values()) < TOL, err
    assert np.abs(want_logits).max() > 0.5, "the reference logits are not trivially small"
    return err


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_family_converts_and_matches_timm_through_both_backends(name: str, tmp_path: Path) -> None:
    fam = FAMILIES[name]
    ref = fam.export(tmp_path / "export", seed=11)
    res = import_timm(tmp_path / "export", tmp_path / "vit", class_map=fam.class_map, log=lambda s: None)
    ext = read_vit_json(res.config)  # what build-bundle --vit-config reads back, strictly
    from safetensors.torch import load_file

    from app.core.vit import build_vit

    vit = build_vit(ext.vit, ext.hooked_layer, load_file(str(res.weights)))
    order = tuple(res.model.source["class_order"])
    assert ext.classes[0] == "ok" and fam.label_names[order[0]] in ("good", "OK")
    assert not ext.vit.patch_head and ext.hooked_layer == ext.vit.depth - 2
    assert ext.preprocess.resize == "shorter_crop" and ext.preprocess.crop_pct == fam.crop_pct
    assert res.parity["max_abs_logit_error"] < TOL
    assert_matches_timm(ref, vit, order, ext.preprocess, tmp_path / "onnx")
    # every timm argument resolved as timm resolves it (some, like the norm epsilon, move the outputs by less than 1e-4)
    defaults = {k: v.default for k, v in inspect.signature(VisionTransformer.__init__).parameters.items() if k != "self"}
    want = {**defaults, **fam.kwargs}
    got = res.model.source["timm_args"]
    assert {k: (tuple(v) if k == "img_size" else v) for k, v in got.items()} == {k: want[k] for k in got}


def test_class_order_becomes_ok_first_and_the_head_rows_follow(tmp_path: Path) -> None:
    """timm's folder classes are alphabetical (good is index 1 here): the bundle lists ok first and
    its probabilities are timm's, permuted."""
    fam = FAMILIES["vit_tiny"]
    ref = fam.export(tmp_path / "e", seed=3)
    res = import_timm(tmp_path / "e", tmp_path / "v", log=lambda s: None)
    assert res.model.classes == ("ok", "crack", "scratch") and res.model.source["class_order"] == [1, 0, 2]
    from safetensors.torch import load_file

    w = load_file(str(res.weights))
    torch.testing.assert_close(w["head.weight"], ref.head.weight.detach()[[1, 0, 2]])
    torch.testing.assert_close(w["head.bias"], ref.head.bias.detach()[[1, 0, 2]])


def test_a_class_map_names_the_good_class_and_renames(tmp_path: Path) -> None:
    fam = Family("vit_tiny_patch16_224", dict(embed_dim=48, depth=3), dict(patch_size=16, embed_dim=48, depth=3, num_heads=3),
                 label_names=("A", "B", "C"))
    fam.export(tmp_path / "e")
    with pytest.raises(InspectorError, match="which class is the good part") as exc:
        import_timm(tmp_path / "e", tmp_path / "v", log=lambda s: None)
    assert "--class-map" in exc.value.message
    res = import_timm(tmp_path / "e", tmp_path / "v", class_map={"C": "ok", "A": "hole"}, log=lambda s: None)
    assert res.model.classes == ("ok", "hole", "B") and res.model.source["class_order"] == [2, 0, 1]
    with pytest.raises(InspectorError, match="does not have"):
        import_timm(tmp_path / "e", tmp_path / "v", class_map={"Z": "ok"}, log=lambda s: None)


def test_prefixes_and_half_precision_are_handled_and_said(tmp_path: Path) -> None:
    fam = FAMILIES["vit_small"]
    ref = make_model(fam.kwargs, 5)
    write_timm_export(tmp_path / "e", ref, fam.architecture, fam.model_args, fam.pretrained_cfg(), list(fam.label_names), 3,
                      prefix="module.model.", dtype=torch.bfloat16)
    notes: list[str] = []
    res = import_timm(tmp_path / "e", tmp_path / "v", log=notes.append)
    joined = "\n".join(notes)
    assert "removed the key prefix 'module.model.'" in joined and "converted bfloat16 tensors to float32" in joined
    # parity is against the checkpoint's own (bf16) values, so it still holds to 1e-4
    assert res.parity["max_abs_logit_error"] < TOL


def test_the_cli_writes_what_build_bundle_reads(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from main import main

    FAMILIES["dinov2_reg4"].export(tmp_path / "export")
    rc = main(["import-timm", str(tmp_path / "export" / "model.safetensors"), "--hooked-layer", "0", "--out", str(tmp_path / "v")])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "4 register tokens" in out.err and "parity with timm's forward" in out.err and "build-bundle" in out.out
    cfg = json.loads((tmp_path / "v" / "vit_config.json").read_text())
    assert cfg["hooked_layer"] == 0 and cfg["vit"]["reg_tokens"] == 4 and cfg["vit"]["no_embed_class"] is True
    assert cfg["source"]["architecture"] == "vit_small_patch14_reg4_dinov2"


def _cli_error(args: list[str], capsys, lines: int = 1) -> str:  # noqa: ANN001
    from main import main

    rc = main(args)
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert err.startswith("error:") and "Traceback" not in err and len(err.splitlines()) == lines, err
    return err


@pytest.mark.parametrize("name", ["pytorch_model.bin", "model_best.pth.tar"])
def test_a_pickle_is_refused_with_the_lines_that_convert_it(tmp_path: Path, capsys, name: str) -> None:  # noqa: ANN001
    fam = FAMILIES["vit_tiny"]
    ref = fam.export(tmp_path / "e")
    (tmp_path / "e" / "model.safetensors").unlink()
    torch.save({"state_dict": ref.state_dict()}, tmp_path / "e" / name)
    err = _cli_error(["import-timm", str(tmp_path / "e" / name), "--out", str(tmp_path / "v")], capsys, lines=3)
    first, *fix = err.splitlines()
    assert "pickle" in first and "never loads" in first
    assert fix[0].strip() == "import timm"
    assert 'timm.create_model("vit_tiny_patch16_224", num_classes=3' in fix[1] and "safe_serialization=True" in fix[1]
    compile("\n".join(line.strip() for line in fix), "remedy", "exec")  # the two lines are valid Python
    assert not (tmp_path / "v").exists()
    err = _cli_error(["import-timm", str(tmp_path / "e"), "--out", str(tmp_path / "v")], capsys, lines=3)  # the folder too
    assert "save_for_hf" in err


def test_a_size_mismatch_is_one_line_naming_the_tensor(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    fam = FAMILIES["vit_small"]
    fam.export(tmp_path / "e")
    cfg = json.loads((tmp_path / "e" / "config.json").read_text())
    cfg["model_args"]["embed_dim"] = 192
    (tmp_path / "e" / "config.json").write_text(json.dumps(cfg))
    err = _cli_error(["import-timm", str(tmp_path / "e"), "--out", str(tmp_path / "v")], capsys)
    assert "embed_dim 192" in err and "96" in err and "patch_embed.proj.weight" in err and len(err.splitlines()) == 1
    cfg["model_args"]["embed_dim"] = 96
    cfg["pretrained_cfg"]["input_size"] = [3, 80, 80]
    (tmp_path / "e" / "config.json").write_text(json.dumps(cfg))
    err = _cli_error(["import-timm", str(tmp_path / "e"), "--out", str(tmp_path / "v")], capsys)
    assert "pos_embed" in err and "input_size" in err


@pytest.mark.parametrize(
    "tamper, feature",
    [
        (lambda s: s.update(dist_token=torch.zeros(1, 1, 96)), "distillation token"),
        (lambda s: s.update({"attn_pool.latent": torch.zeros(1, 1, 96)}), "attention pooling"),
        (lambda s: s.update({"blocks.0.mlp.fc1_g.weight": torch.zeros(4, 96)}), "SwiGLU"),
        (lambda s: s.update({"blocks.1.attn.norm.weight": torch.zeros(96)}), "scale_attn_norm"),
    ],
)
def test_a_feature_that_cannot_be_exact_is_refused_by_name(tmp_path: Path, capsys, tamper, feature: str) -> None:  # noqa: ANN001
    from safetensors.torch import load_file, save_file

    FAMILIES["vit_small"].export(tmp_path / "e")
    state = load_file(str(tmp_path / "e" / "model.safetensors"))
    tamper(state)
    save_file(state, str(tmp_path / "e" / "model.safetensors"))
    err = _cli_error(["import-timm", str(tmp_path / "e"), "--out", str(tmp_path / "v")], capsys)
    assert feature in err and "not supported" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda c: c.update(architecture="vit_so400m_patch14_siglip_384"), "not a timm ViT this app converts"),
        (lambda c: c["model_args"].update(final_norm=False), "no final norm"),
        (lambda c: c["model_args"].update(lr=0.1), "'lr'"),
        (lambda c: c["pretrained_cfg"].pop("mean"), "never guesses"),
        (lambda c: c["pretrained_cfg"].update(crop_mode="squash"), "crop_mode 'squash'"),
        (lambda c: c.update(num_classes=5), "num_classes 5"),
        (lambda c: c["model_args"].update(in_chans=3) or c["pretrained_cfg"].update(input_size=[1, 64, 64], mean=[0.5], std=[0.5]),
         "must agree"),
    ],
)
def test_a_config_that_does_not_fit_is_one_line(tmp_path: Path, capsys, edit, words: str) -> None:  # noqa: ANN001
    FAMILIES["vit_small"].export(tmp_path / "e")
    cfg = json.loads((tmp_path / "e" / "config.json").read_text())
    edit(cfg)
    (tmp_path / "e" / "config.json").write_text(json.dumps(cfg))
    err = _cli_error(["import-timm", str(tmp_path / "e"), "--out", str(tmp_path / "v")], capsys)
    assert words in err and len(err.splitlines()) == 1


def test_what_the_tensors_show_overrides_a_config_that_forgot_it(tmp_path: Path) -> None:
    """A model fine-tuned with qk_norm=True but saved without model_args: the tensors say qk-norm and
    the import says so; the result still matches timm."""
    fam = FAMILIES["qk_norm"]
    ref = make_model(fam.kwargs, 2)
    write_timm_export(tmp_path / "e", ref, fam.architecture, {"embed_dim": 96, "depth": 3}, fam.pretrained_cfg(),
                      list(fam.label_names), 3)
    notes: list[str] = []
    res = import_timm(tmp_path / "e", tmp_path / "v", log=notes.append)
    assert res.model.vit.qk_norm and any("qk_norm = True from the checkpoint" in n for n in notes)


# --- preprocessing and the view box -------------------------------------------------------------


@pytest.mark.parametrize("name", ["vit_tiny", "vit_small_patch32", "vit_base_384", "grey_wide", "clip"])
@pytest.mark.parametrize("hw", [(223, 301), (301, 223), (97, 131), (250, 250)])
def test_preprocessing_is_timms_eval_transform(tmp_path: Path, name: str, hw: tuple[int, int]) -> None:
    from app.pipeline.timm_import.hub_config import preprocessing, read_hub_config

    fam = FAMILIES[name]
    fam.export(tmp_path / "e")
    prep, _ = preprocessing(read_hub_config(tmp_path / "e" / "config.json"))
    rng = np.random.default_rng(hw[0])
    img = rng.integers(0, 256, (*hw, 3), dtype=np.uint8)
    want = timm_eval_transform(img, fam.input_size, fam.crop_pct, fam.interpolation, fam.mean, fam.std)
    np.testing.assert_allclose(preprocess(img, prep)[0], want, atol=1e-5)


def test_a_non_square_model_resizes_as_timm_does_whatever_the_config_says(tmp_path: Path) -> None:
    """timm's eval transform resizes a non-square target with ResizeKeepRatio's own bilinear."""
    from app.pipeline.timm_import.hub_config import preprocessing, read_hub_config

    fam = Family("vit_small_patch16_224", dict(embed_dim=96, depth=3), dict(patch_size=16, embed_dim=96, depth=3, num_heads=6),
                 input_size=(3, 48, 80), interpolation="bicubic")
    fam.export(tmp_path / "e")
    prep, notes = preprocessing(read_hub_config(tmp_path / "e" / "config.json"))
    assert prep.interpolation == "bilinear" and any("non-square" in n for n in notes)
    img = np.random.default_rng(0).integers(0, 256, (131, 97, 3), dtype=np.uint8)
    want = timm_eval_transform(img, fam.input_size, fam.crop_pct, "bicubic", fam.mean, fam.std)
    np.testing.assert_allclose(preprocess(img, prep)[0], want, atol=1e-5)


@pytest.mark.parametrize("hw", [(223, 301), (400, 250)])
def test_the_view_box_maps_masks_and_maps_to_the_pixels_the_model_sees(hw: tuple[int, int]) -> None:
    """A mask carried through timm's own transform and averaged per patch equals the app's
    mask_to_patch_weights with the view box; a one-patch map drawn back with the box lands on that
    patch's pixels."""
    from app.core.grid import PatchGrid, mask_to_patch_weights, upsample_to_image

    prep = Preprocessing(input_size=(64, 64), mean=(0.0,) * 3, std=(1.0,) * 3, interpolation="bilinear",
                         resize="shorter_crop", crop_pct=0.8)
    grid = PatchGrid(4, 4, 1)
    mask = np.zeros(hw, np.uint8)
    mask[hw[0] // 3 : hw[0] // 3 + hw[0] // 4, hw[1] // 5 : hw[1] // 2] = 255
    seen = timm_eval_transform(np.repeat(mask[:, :, None], 3, 2), (3, 64, 64), 0.8, "bilinear", (0.0,) * 3, (1.0,) * 3)[0]
    want = seen.reshape(4, 16, 4, 16).mean(axis=(1, 3)).reshape(-1)
    got = mask_to_patch_weights(mask > 0, grid, box=prep.view_box(hw))
    np.testing.assert_allclose(got, want, atol=0.04)
    assert got.max() > 0.5 and (got == 0).sum() >= 4, "the mask covers some patches and leaves others"
    one = np.zeros((4, 4), np.float32)
    one[1, 2] = 1.0
    drawn = upsample_to_image(one, hw, box=prep.view_box(hw))
    top, left, bottom, right = prep.view_box(hw)
    cy, cx = np.unravel_index(np.argmax(drawn), drawn.shape)
    ch, cw = (bottom - top) / 4, (right - left) / 4
    assert top + ch <= cy <= top + 2 * ch and left + 2 * cw <= cx <= left + 3 * cw
    assert drawn[: int(top)].max() == 0 and drawn[:, : int(left)].max() == 0, "nothing drawn where the model never looked"


def test_the_format_document_shows_a_valid_example_and_every_architecture() -> None:
    """docs/MODEL_FORMAT.md's worked example reads as a strict configuration; its table names every
    architecture the importer converts."""
    import re

    from app.pipeline.timm_import.architectures import ARCHITECTURES
    from app.pipeline.timm_import.vit_json import parse_vit_json

    doc = (Path(__file__).resolve().parents[1] / "docs" / "MODEL_FORMAT.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)\n```", doc, re.S)
    assert example is not None
    ext = parse_vit_json(json.loads(example.group(1)), "the documented example")
    assert ext.classes[0] == "ok" and ext.source["class_order"][0] == ext.source["checkpoint_classes"].index("good")
    assert [n for n in ARCHITECTURES if f"`{n}`" not in doc] == []


def test_wrong_tensor_names_are_one_line(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    """A checkpoint whose names are not timm's (another library's layout) is refused naming them."""
    from safetensors.torch import load_file, save_file

    FAMILIES["vit_small"].export(tmp_path / "e")
    state = load_file(str(tmp_path / "e" / "model.safetensors"))
    state["blocks.0.attn.in_proj.weight"] = state.pop("blocks.0.attn.qkv.weight")
    save_file(state, str(tmp_path / "e" / "model.safetensors"))
    err = _cli_error(["import-timm", str(tmp_path / "e"), "--out", str(tmp_path / "v")], capsys)
    assert "blocks.0.attn.qkv.weight" in err and "blocks.0.attn.in_proj.weight" in err


def test_a_conversion_that_does_not_compute_what_timm_computes_is_refused_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The parity check is what stands between a conversion bug and a bundle: with the head's rows
    left in timm's alphabetical order (good is index 1) while the classes are listed ok-first, the
    converted model's logits are timm's in the wrong order; the import stops with one line."""
    from app.pipeline.timm_import.classes import ClassMapping

    FAMILIES["vit_tiny"].export(tmp_path / "e", seed=4)
    monkeypatch.setattr(ClassMapping, "permute_head", lambda self, state: dict(state))
    with pytest.raises(InspectorError, match="differs from timm's forward of the checkpoint") as exc:
        import_timm(tmp_path / "e", tmp_path / "v", log=lambda s: None)
    assert exc.value.code == "timm_parity" and "\n" not in exc.value.message
    assert not (tmp_path / "v").exists(), "nothing is written unless parity holds"
