"""Model bundles: one folder, one ``bundle.json`` manifest, every file checksummed.

A bundle is validated whole before anything in it is used: a failure names the file and
the reason, and nothing half-loaded is returned. Only safetensors, ONNX, JSON, Markdown and
PNG files are accepted; nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.dictionary import FeatureDictionary
from app.core.errors import InspectorError
from app.core.preprocess import Preprocessing
from app.core.sae import SAEConfig, SAEWeights
from app.core.vit_config import ViTConfig

SCHEMA_VERSION = 1
MANIFEST = "bundle.json"
REQUIRED_FILES = ("vit", "sae", "prefix_onnx", "suffix_onnx")
_ALLOWED_SUFFIXES = {".safetensors", ".onnx", ".json", ".md", ".png"}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    classes: tuple[str, ...]  # class 0 is "ok"
    threshold: float
    vit: ViTConfig
    hooked_layer: int
    preprocess: Preprocessing
    sae: SAEConfig
    sae_vit_sha256: str
    sae_layer: int
    files: dict[str, dict[str, str]]  # role -> {"path", "sha256"}
    raw: dict[str, Any]

    @classmethod
    def parse(cls, raw: Any) -> Manifest:
        if not isinstance(raw, dict):
            raise InspectorError("bad_manifest", "bundle.json is not a JSON object")
        ver = raw.get("schema_version")
        if ver != SCHEMA_VERSION:
            raise InspectorError(
                "schema_version", f"bundle.json has schema_version {ver!r}; this app reads {SCHEMA_VERSION}",
                found=ver, expected=SCHEMA_VERSION,
            )
        try:
            vit_raw, sae_raw, files = raw["vit"], raw["sae"], raw["files"]
            classes = tuple(str(c) for c in raw["classes"])
            m = cls(
                name=str(raw["name"]),
                version=str(raw["version"]),
                classes=classes,
                threshold=float(raw["threshold"]),
                vit=ViTConfig.from_json(vit_raw),
                hooked_layer=int(raw["hooked_layer"]),
                preprocess=Preprocessing.from_json(raw["preprocess"]),
                sae=SAEConfig.from_json(sae_raw),
                sae_vit_sha256=str(sae_raw["vit_sha256"]),
                sae_layer=int(sae_raw["layer"]),
                files={str(k): {"path": str(v["path"]), "sha256": str(v["sha256"])} for k, v in files.items()},
                raw=raw,
            )
        except InspectorError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InspectorError("bad_manifest", f"bundle.json is missing or has an invalid field: {exc}") from exc
        if len(classes) < 2 or classes[0] != "ok":
            raise InspectorError("bad_manifest", "bundle.json: classes must start with 'ok' and name at least one defect")
        if m.vit.num_classes != len(classes):
            raise InspectorError("bad_manifest", f"bundle.json: {len(classes)} class names but the ViT has {m.vit.num_classes} outputs")
        if not 0 <= m.hooked_layer < m.vit.depth - 1:
            raise InspectorError("bad_manifest", f"hooked layer {m.hooked_layer} is not inside the ViT's {m.vit.depth} blocks")
        if tuple(m.preprocess.input_size) != m.vit.input_hw or m.preprocess.channels != m.vit.in_chans:
            raise InspectorError("bad_manifest", "preprocessing input size or channel count differs from the ViT's")
        if not 0.0 <= m.threshold <= 1.0:
            raise InspectorError("bad_manifest", f"threshold {m.threshold} is outside 0..1")
        for role in REQUIRED_FILES:
            if role not in m.files:
                raise InspectorError("bad_manifest", f"bundle.json names no '{role}' file")
        return m


@dataclass(frozen=True)
class Bundle:
    root: Path
    manifest: Manifest
    hash: str  # SHA-256 of bundle.json, which holds the SHA-256 of every other file
    sae_weights: SAEWeights
    dictionary: FeatureDictionary | None

    def path(self, role: str) -> Path:
        return self.root / self.manifest.files[role]["path"]

    def file_sha256(self, role: str) -> str:
        return self.manifest.files[role]["sha256"]

    @property
    def name(self) -> str:
        return self.manifest.name

    def vit_arrays(self) -> dict[str, np.ndarray]:
        from safetensors.numpy import load_file

        return load_file(str(self.path("vit")))

    def summary(self) -> dict[str, Any]:
        return {"name": self.manifest.name, "version": self.manifest.version, "hash": self.hash}


def _resolve_inside(root: Path, rel: str) -> Path:
    try:
        p = (root / rel).resolve()
    except (ValueError, OSError) as exc:  # e.g. a NUL byte in a hand-edited manifest
        raise InspectorError("bad_manifest", f"bundle.json names an invalid path {rel!r}", path=rel) from exc
    if root.resolve() not in p.parents:
        raise InspectorError("file_outside", f"bundle.json names '{rel}', which lies outside the bundle folder", path=rel)
    if p.suffix not in _ALLOWED_SUFFIXES:
        raise InspectorError("file_type", f"bundle.json names '{rel}': only safetensors, ONNX, JSON, Markdown and PNG files are loaded", path=rel)
    return p


def load_bundle(folder: str | Path) -> Bundle:
    """Validate a bundle folder completely and load its small parts (SAE, dictionary)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    root = Path(folder)
    mpath = root / MANIFEST
    if not root.is_dir():
        raise InspectorError("no_bundle", f"bundle folder not found: {root}", path=str(root))
    if not mpath.is_file():
        raise InspectorError("no_bundle", f"{root} is not a model bundle: it has no {MANIFEST}", path=str(root))
    raw_bytes = mpath.read_bytes()
    try:
        raw = json.loads(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InspectorError("bad_manifest", f"{MANIFEST} is not valid JSON: {exc}") from exc
    m = Manifest.parse(raw)

    for role, f in m.files.items():
        p = _resolve_inside(root, f["path"])
        if not p.is_file():
            raise InspectorError("missing_file", f"bundle file '{f['path']}' ({role}) is missing", path=f["path"])
        got = sha256_file(p)
        if got != f["sha256"]:
            raise InspectorError(
                "bad_hash", f"bundle file '{f['path']}' is corrupt or was changed: SHA-256 {got[:12]}… "
                f"but the manifest says {f['sha256'][:12]}…", path=f["path"],
            )

    if m.sae_vit_sha256 != m.files["vit"]["sha256"]:
        raise InspectorError(
            "sae_mismatch", f"the SAE was trained on ViT {m.sae_vit_sha256[:12]}…, but this bundle's ViT is "
            f"{m.files['vit']['sha256'][:12]}…",
        )
    if m.sae_layer != m.hooked_layer:
        raise InspectorError("sae_mismatch", f"the SAE was trained on layer {m.sae_layer}, the bundle hooks layer {m.hooked_layer}")
    if m.sae.d_model != m.vit.embed_dim:
        raise InspectorError("sae_mismatch", f"the SAE's width D={m.sae.d_model} differs from the ViT's D={m.vit.embed_dim}")

    try:
        sae_arrays = load_file(str(root / m.files["sae"]["path"]))
    except (SafetensorError, OSError, ValueError) as exc:
        raise InspectorError("bad_file", f"{m.files['sae']['path']}: not a readable safetensors file ({exc})") from exc
    sae_w = SAEWeights.from_arrays(sae_arrays)
    sae_w.check(m.sae)

    _check_vit_header(root / m.files["vit"]["path"], m)

    dictionary = None
    if "dictionary" in m.files:
        if "dictionary_json" not in m.files:
            raise InspectorError("bad_manifest", "bundle.json names a dictionary without its dictionary_json")
        dictionary = FeatureDictionary.from_files(
            root / m.files["dictionary"]["path"], root / m.files["dictionary_json"]["path"], m.sae.width
        )
    return Bundle(root=root, manifest=m, hash=hashlib.sha256(raw_bytes).hexdigest(), sae_weights=sae_w, dictionary=dictionary)


def _check_vit_header(path: Path, m: Manifest) -> None:
    """Read the safetensors header only: names and shapes match the configuration."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="numpy") as f:
            keys = set(f.keys())
            shapes = {k: tuple(f.get_slice(k).get_shape()) for k in ("pos_embed", "head.weight") if k in keys}
    except (SafetensorError, OSError, ValueError) as exc:
        raise InspectorError("bad_file", f"{path.name}: not a readable safetensors file ({exc})") from exc
    v = m.vit  # which tensors exist follows the configuration (timm: no CLS, fc_norm, no patch head, ...)
    need = {"pos_embed", "patch_embed.proj.weight", f"blocks.{v.depth - 1}.mlp.fc2.weight"}
    need |= {"cls_token"} if v.class_token else set()
    need |= {"fc_norm.weight"} if v.fc_norm else {"norm.weight"}
    need |= {"head.weight"} if v.score_head == "class" else {"patch_type_head.weight"}
    need |= {"patch_head.weight"} if v.patch_head else set()
    if missing := need - keys:
        raise InspectorError("bad_file", f"{path.name} lacks ViT tensors {sorted(missing)}")
    d = v.embed_dim
    if shapes.get("pos_embed") != (1, v.pos_embed_len, d) or shapes.get("head.weight", (v.num_classes, d)) != (v.num_classes, d):
        raise InspectorError("bad_file", f"{path.name}: tensor shapes do not match the manifest's ViT configuration")


def write_manifest(root: Path, content: dict[str, Any], files: dict[str, str]) -> str:
    """Hash ``files`` (role -> relative path), write ``bundle.json``, return the bundle hash."""
    content = dict(content)
    content["schema_version"] = SCHEMA_VERSION
    content["files"] = {role: {"path": rel, "sha256": sha256_file(root / rel)} for role, rel in files.items()}
    if "sae" in content and "vit" in files:
        content["sae"] = dict(content["sae"], vit_sha256=content["files"]["vit"]["sha256"])
    data = json.dumps(content, indent=2, ensure_ascii=False).encode("utf-8")
    (root / MANIFEST).write_bytes(data)
    return hashlib.sha256(data).hexdigest()
