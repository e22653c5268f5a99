"""A bundle that fails validation is refused with a message naming the file and the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.core.bundle import load_bundle, sha256_file
from app.core.errors import InspectorError


@pytest.fixture()
def bundle_copy(random_bundle_dir: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "b"
    shutil.copytree(random_bundle_dir, dst)
    return dst


def _edit_manifest(folder: Path, fn) -> None:
    p = folder / "bundle.json"
    m = json.loads(p.read_text())
    fn(m)
    p.write_text(json.dumps(m))


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
    _edit_manifest(bundle_copy, lambda m: m["files"]["sae"].update(path="../evil.safetensors"))
    assert _refused(bundle_copy, "outside").code == "file_outside"


def test_pickle_is_never_loaded(bundle_copy):
    (bundle_copy / "x.pt").write_bytes(b"not loaded")
    _edit_manifest(bundle_copy, lambda m: m["files"].update(extra={"path": "x.pt", "sha256": sha256_file(bundle_copy / "x.pt")}))
    assert _refused(bundle_copy, "x.pt").code == "file_type"


def test_unknown_schema_version(bundle_copy):
    _edit_manifest(bundle_copy, lambda m: m.update(schema_version=99))
    assert _refused(bundle_copy, "schema_version 99").code == "schema_version"


def test_sae_trained_on_other_vit(bundle_copy):
    _edit_manifest(bundle_copy, lambda m: m["sae"].update(vit_sha256="ab" * 32))
    _refused(bundle_copy, "abababababab", "ViT")


def test_sae_layer_mismatch(bundle_copy):
    _edit_manifest(bundle_copy, lambda m: m["sae"].update(layer=0))
    _refused(bundle_copy, "layer 0", "layer 1")


def test_width_mismatch(bundle_copy):
    _edit_manifest(bundle_copy, lambda m: m["sae"].update(d_model=48))
    _refused(bundle_copy, "D=48", "D=32")


def test_encoding_formula_differs(bundle_copy):
    _edit_manifest(bundle_copy, lambda m: m["sae"].update(encode="z = act(x @ W_enc + b_enc)"))
    assert _refused(bundle_copy, "z = act(x @ W_enc + b_enc)").code == "sae_formula"


def test_not_json(bundle_copy):
    (bundle_copy / "bundle.json").write_text("{not json")
    _refused(bundle_copy, "not valid JSON")
