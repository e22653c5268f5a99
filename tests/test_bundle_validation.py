"""A bundle that fails validation is refused with a message naming the file and the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.core.bundle import load_bundle, sha256_file
from app.core.errors import InspectorError
from tests.bundle_edits import edit_manifest, rehash, rewrite_tensors


def _refused(folder: Path, *words: str) -> InspectorError:
    with pytest.raises(InspectorError) as ei:
        load_bundle(folder)
    for w in words:
        assert w in ei.value.message, ei.value.message
    return ei.value


def test_valid_bundle_loads_and_hash_is_manifest_sha(random_bundle_dir):
    b = load_bundle(random_bundle_dir)
    assert b.hash == sha256_file(random_bundle_dir / "bundle.json")
    assert b.dictionary is not None and b.dictionary.width == b.manifest.sae.width


def test_missing_folder_and_manifest(tmp_path):
    _refused(tmp_path / "nope", "not found")
    _refused(tmp_path, "no bundle.json")


def test_missing_file(bundle_copy):
    (bundle_copy / "suffix.onnx").unlink()
    assert _refused(bundle_copy, "suffix.onnx", "missing").code == "missing_file"


def test_wrong_hash_names_file(bundle_copy):
    with open(bundle_copy / "sae.safetensors", "r+b") as f:
        f.seek(200)
        f.write(b"\x00\x01\x02")
    assert _refused(bundle_copy, "sae.safetensors", "SHA-256").code == "bad_hash"


def test_truncated_onnx(bundle_copy):
    p = bundle_copy / "prefix.onnx"
    p.write_bytes(p.read_bytes()[:1000])
    _refused(bundle_copy, "prefix.onnx")


def test_file_outside_bundle(bundle_copy, tmp_path):
    outside = tmp_path / "evil.safetensors"
    shutil.copy(bundle_copy / "sae.safetensors", outside)
    edit_manifest(bundle_copy, lambda m: m["files"]["sae"].update(path="../evil.safetensors"))
    assert _refused(bundle_copy, "outside").code == "file_outside"


def test_pickle_is_never_loaded(bundle_copy):
    (bundle_copy / "x.pt").write_bytes(b"not loaded")
    edit_manifest(bundle_copy, lambda m: m["files"].update(extra={"path": "x.pt", "sha256": sha256_file(bundle_copy / "x.pt")}))
    assert _refused(bundle_copy, "x.pt").code == "file_type"


def test_unknown_schema_version(bundle_copy):
    edit_manifest(bundle_copy, lambda m: m.update(schema_version=99))
    assert _refused(bundle_copy, "schema_version 99").code == "schema_version"


def test_sae_trained_on_other_vit(bundle_copy):
    edit_manifest(bundle_copy, lambda m: m["sae"].update(vit_sha256="ab" * 32))
    _refused(bundle_copy, "abababababab", "ViT")


def test_sae_layer_mismatch(bundle_copy):
    edit_manifest(bundle_copy, lambda m: m["sae"].update(layer=0))
    _refused(bundle_copy, "layer 0", "layer 1")


def test_width_mismatch(bundle_copy):
    edit_manifest(bundle_copy, lambda m: m["sae"].update(d_model=48))
    _refused(bundle_copy, "D=48", "D=32")


def test_encoding_formula_differs(bundle_copy):
    edit_manifest(bundle_copy, lambda m: m["sae"].update(encode="z = act(x @ W_enc + b_enc)"))
    assert _refused(bundle_copy, "z = act(x @ W_enc + b_enc)").code == "sae_formula"


def test_not_json(bundle_copy):
    (bundle_copy / "bundle.json").write_text("{not json")
    _refused(bundle_copy, "not valid JSON")


# --- issue 18 §3: the bundle hash pins the model ------------------------------------------------
def _external_copy(src: Path, dst: Path, location: str) -> None:
    """``src`` re-saved with every tensor in the file ``location`` beside it (ONNX external data)."""
    import onnx

    model = onnx.load(str(src))
    onnx.save_model(model, str(dst), save_as_external_data=True, all_tensors_to_one_file=True, location=location,
                    size_threshold=0)


def test_the_hash_covers_the_manifest_content(bundle_copy: Path, random_bundle_dir: Path) -> None:
    edit_manifest(bundle_copy, lambda m: m.update(threshold=0.25))
    assert load_bundle(bundle_copy).hash != load_bundle(random_bundle_dir).hash


def test_a_file_the_manifest_does_not_list_is_refused(bundle_copy: Path) -> None:
    (bundle_copy / "notes.txt").write_text("left here by someone")
    e = _refused(bundle_copy, "notes.txt", "does not list")
    assert e.code == "unlisted_file"


def test_an_unlisted_folder_is_refused(bundle_copy: Path) -> None:
    (bundle_copy / "extra").mkdir()
    assert _refused(bundle_copy, "extra").code == "unlisted_file"


def test_external_data_beside_a_graph_is_refused_even_unlisted(bundle_copy: Path, tmp_path: Path) -> None:
    """The issue's attack: the graph's weights moved to a side file that the manifest does not list."""
    _external_copy(bundle_copy / "suffix.onnx", tmp_path / "suffix.onnx", "suffix.data")
    shutil.copy(tmp_path / "suffix.onnx", bundle_copy / "suffix.onnx")
    shutil.copy(tmp_path / "suffix.data", bundle_copy / "suffix.data")
    rehash(bundle_copy, "suffix_onnx")
    assert _refused(bundle_copy, "suffix.data").code == "unlisted_file"


def test_external_data_is_refused_even_when_listed_and_hashed(bundle_copy: Path, tmp_path: Path) -> None:
    _external_copy(bundle_copy / "prefix.onnx", tmp_path / "prefix.onnx", "prefix_weights.json")
    shutil.copy(tmp_path / "prefix.onnx", bundle_copy / "prefix.onnx")
    shutil.copy(tmp_path / "prefix_weights.json", bundle_copy / "prefix_weights.json")
    rehash(bundle_copy, "prefix_onnx")
    edit_manifest(bundle_copy, lambda m: m["files"].update(
        side={"path": "prefix_weights.json", "sha256": sha256_file(bundle_copy / "prefix_weights.json")}))
    e = _refused(bundle_copy, "prefix.onnx", "another file")
    assert e.code == "external_data"


def test_the_external_data_scan_agrees_with_onnx(random_bundle_dir: Path, tmp_path: Path) -> None:
    import onnx
    from onnx.external_data_helper import _get_all_tensors, uses_external_data

    from app.core.onnx_scan import external_data_tensors

    _external_copy(random_bundle_dir / "suffix.onnx", tmp_path / "ext.onnx", "ext.data")
    for path in (random_bundle_dir / "prefix.onnx", random_bundle_dir / "suffix.onnx", tmp_path / "ext.onnx"):
        model = onnx.load(str(path), load_external_data=False)
        want = sorted(t.name for t in _get_all_tensors(model) if uses_external_data(t))
        assert sorted(external_data_tensors(path)) == want
    assert len(external_data_tensors(tmp_path / "ext.onnx")) > 5


def test_nan_in_the_sae_is_refused(bundle_copy: Path) -> None:
    def poison(a: dict) -> None:
        a["W_dec"][3, 4] = np.nan

    rewrite_tensors(bundle_copy / "sae.safetensors", poison)
    rehash(bundle_copy, "sae")
    e = _refused(bundle_copy, "sae.safetensors", "W_dec", "NaN")
    assert e.code == "not_finite"


def test_inf_in_the_vit_is_refused(bundle_copy: Path) -> None:
    def poison(a: dict) -> None:
        a["blocks.2.mlp.fc2.weight"][0, 0] = np.inf

    rewrite_tensors(bundle_copy / "vit.safetensors", poison)
    rehash(bundle_copy, "vit")
    assert _refused(bundle_copy, "vit.safetensors", "blocks.2.mlp.fc2.weight").code == "not_finite"


def test_float16_weights_are_refused_by_their_dtype(bundle_copy: Path) -> None:
    rewrite_tensors(bundle_copy / "vit.safetensors", lambda a: a.update(pos_embed=a["pos_embed"].astype(np.float16)))
    rehash(bundle_copy, "vit")
    assert _refused(bundle_copy, "pos_embed", "F16").code == "bad_dtype"


def test_a_tensor_the_sae_does_not_use_is_refused(bundle_copy: Path) -> None:
    rewrite_tensors(bundle_copy / "sae.safetensors", lambda a: a.update(extra=np.zeros(3, np.float32)))
    rehash(bundle_copy, "sae")
    assert _refused(bundle_copy, "extra").code == "sae_shape"


def test_more_blocks_than_the_depth_are_refused(bundle_copy: Path) -> None:
    def grow(a: dict) -> None:
        for k in [k for k in a if k.startswith("blocks.2.")]:
            a[k.replace("blocks.2.", "blocks.3.")] = a[k].copy()

    rewrite_tensors(bundle_copy / "vit.safetensors", grow)
    rehash(bundle_copy, "vit")
    _refused(bundle_copy, "more blocks", "blocks.3.")


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda m: m["vit"].update(img_size=[1024, 2048], patch_size=16, embed_dim=256, num_heads=8), ("attention", "GB")),
        (lambda m: m["sae"].update(width=200_000, d_model=4096), ("SAE's weights", "GB")),
        (lambda m: m["sae"]["activation"].update(k=0), ("sae.activation.k",)),
        (lambda m: m["sae"]["activation"].update(k=True), ("sae.activation.k",)),
        (lambda m: m.update(hooked_layer=1.0), ("hooked_layer",)),
        (lambda m: m.update(classes=["ok", "scratch", "scratch"]), ("twice",)),
        (lambda m: m["files"]["sae"].update(sha256="xyz"), ("files.sae.sha256",)),
    ],
    ids=["attention-memory", "sae-memory", "k-0", "k-bool", "layer-float", "class-twice", "bad-sha"],
)
def test_manifest_numbers_are_bounded_before_anything_is_allocated(random_bundle_dir: Path, edit, words) -> None:
    from app.core.bundle import Manifest

    m = json.loads((random_bundle_dir / "bundle.json").read_text())
    edit(m)
    m["preprocess"]["input_size"] = list(m["vit"]["img_size"])
    with pytest.raises(InspectorError) as ei:
        Manifest.parse(m)
    for w in words:
        assert w in ei.value.message, ei.value.message


def test_the_torch_backend_checks_every_tensor_before_building(bundle_copy: Path) -> None:
    """A configuration flag that no header check pins (qkv_bias): the torch backend compares the whole
    state dict, built on the meta device, against the file before allocating the model."""
    from app.core.backends.torch_backend import TorchBackend

    edit_manifest(bundle_copy, lambda m: m["vit"].update(qkv_bias=False))
    b = load_bundle(bundle_copy)
    with pytest.raises(InspectorError) as ei:
        TorchBackend(b, "cpu")
    assert ei.value.code == "vit_weights" and "qkv.bias" in ei.value.message


# --- parity: torch and ONNX compute the same model ------------------------------------------------
@pytest.fixture()
def tampered(bundle_copy: Path) -> Path:
    """vit.safetensors changed after export (hash updated): the ONNX graphs no longer compute it."""

    def tamper(a: dict) -> None:
        a["patch_head.weight"] *= 3.0
        a["head.weight"] *= -2.0

    rewrite_tensors(bundle_copy / "vit.safetensors", tamper)
    rehash(bundle_copy, "vit")
    return bundle_copy


def test_validate_opens_the_graphs_and_checks_parity(random_bundle_dir: Path, capsys) -> None:
    from app.cli.entry import run_cli

    assert run_cli(["validate", str(random_bundle_dir)]) == 0
    out = capsys.readouterr().out
    assert "prefix.onnx and suffix.onnx load and run" in out and "agree on the probe image within" in out


def test_validate_refuses_weights_the_graphs_do_not_compute(tampered: Path, capsys) -> None:
    from app.cli.entry import run_cli

    load_bundle(tampered)  # every file is intact and hashed: only running both copies shows it
    rc = run_cli(["validate", str(tampered)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "disagrees" in err[0] and "tolerance 0.0001" in err[0], err


def test_auto_refuses_a_disagreeing_onnx_backend(tampered: Path) -> None:
    from app.core.backends.select import open_backend

    notices: list[str] = []
    fb = open_backend(load_bundle(tampered), "auto", on_notice=notices.append)
    assert fb.info.name == "torch"
    assert len(notices) == 1 and "onnxruntime refused" in notices[0] and "disagrees" in notices[0]
    assert fb._pending == []  # and it is not the fallback either


def test_auto_races_agreeing_backends(random_bundle_dir: Path) -> None:
    from app.core.backends.select import open_backend

    notices: list[str] = []
    fb = open_backend(load_bundle(random_bundle_dir), "auto", on_notice=notices.append)
    assert notices == [] and set(fb.warmup_ms) == {"torch", "onnx"}


# --- what a backend loads is what was validated, even when it is built later ----------------------
def test_a_backend_built_after_the_files_changed_is_refused(bundle_copy: Path) -> None:
    """A bundle rebuilt or edited in place after it was loaded: a backend built later (a fallback, hours into
    a session) refuses the new bytes instead of running a model the bundle hash does not pin."""
    from app.core.backends.onnx_backend import OnnxBackend
    from app.core.backends.torch_backend import TorchBackend

    b = load_bundle(bundle_copy)
    rewrite_tensors(bundle_copy / "vit.safetensors", lambda a: a.update({"head.weight": a["head.weight"] * -2.0}))
    with pytest.raises(InspectorError) as ei:
        TorchBackend(b, "cpu")
    assert ei.value.code == "bad_hash" and "vit.safetensors" in ei.value.message and "since" in ei.value.message
    OnnxBackend(b, "cpu")  # the graphs are unchanged
    shutil.copy(bundle_copy / "prefix.onnx", bundle_copy / "suffix.onnx")
    with pytest.raises(InspectorError) as ei:
        OnnxBackend(b, "cpu")
    assert ei.value.code == "bad_hash" and "suffix.onnx" in ei.value.message


def test_a_hand_over_to_a_changed_file_is_refused_with_a_notice(bundle_copy: Path) -> None:
    from app.core.backends.select import open_backend

    class _Failing:
        def __init__(self, inner) -> None:  # noqa: ANN001
            self.info = inner.info

        def prefix(self, x):  # noqa: ANN001, ANN201
            raise RuntimeError("out of memory (injected)")

        suffix = prefix

    notices: list[str] = []
    fb = open_backend(load_bundle(bundle_copy), "onnx", "cpu", on_notice=notices.append)
    rewrite_tensors(bundle_copy / "vit.safetensors", lambda a: a.update({"head.weight": a["head.weight"] * -2.0}))
    fb.active = _Failing(fb.active)
    with pytest.raises(InspectorError) as ei:
        fb.prefix(np.zeros((1, 3, 32, 32), np.float32))
    assert ei.value.code == "no_backend"
    assert notices and "vit.safetensors" in notices[0] and "changed since" in notices[0]
