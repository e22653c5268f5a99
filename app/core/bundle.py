"""Model bundles: one folder, one ``bundle.json`` manifest, every file checksummed.

A bundle is validated whole before anything in it is used: a failure names the file and
the reason, and nothing half-loaded is returned. Only safetensors, ONNX, JSON, Markdown and
PNG files are accepted; nothing is ever unpickled.

The bundle hash is the SHA-256 of ``bundle.json``: the manifest's own content (every number
the model is built from) and, through it, the SHA-256 of every file it lists. Nothing else is
ever loaded: a file in the folder that the manifest does not list is refused (a loader could
pick it up), and so is an ONNX graph that keeps tensors in another file ("external data").
Every number that sizes an allocation is bounded before anything is allocated, the weight
files' headers must match the manifest's architecture tensor by tensor, and every weight
must be a finite float32.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.checksum import sha256_file
from app.core.dictionary import FeatureDictionary
from app.core.errors import InspectorError
from app.core.jsonsafe import loads as strict_json
from app.core.onnx_scan import external_data_tensors
from app.core.ood import calibration_of
from app.core.preprocess import Preprocessing
from app.core.sae import SAEConfig, SAEWeights
from app.core.vit_config import MAX_CLASSES, MAX_DIM, ViTConfig

__all__ = ["MANIFEST", "Bundle", "Manifest", "load_bundle", "sha256_file", "write_manifest"]

SCHEMA_VERSION = 1
MANIFEST = "bundle.json"
REQUIRED_FILES = ("vit", "sae", "prefix_onnx", "suffix_onnx")
_ALLOWED_SUFFIXES = {".safetensors", ".onnx", ".json", ".md", ".png"}
_IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}  # written by file browsers; never loaded
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

#: Bounds on what a manifest may ask for, checked before anything is allocated.
MAX_MANIFEST_BYTES = 1 << 20
MAX_FILE_BYTES = 4 << 30  # any one bundle file
MAX_JSON_BYTES = 64 << 20  # a JSON or Markdown file (read whole)
MAX_SAE_WIDTH = 1 << 18
MAX_SAE_K = 4096
MAX_SAE_BYTES = 2 << 30  # W_enc + W_dec, float32
MAX_CODES_BYTES = 1 << 30  # one image's codes [P, S], float32
MAX_ATTENTION_BYTES = 1 << 30  # one image's attention scores [heads, T, T], float32
MAX_NAME_CHARS = 200


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
        if ver != SCHEMA_VERSION or isinstance(ver, bool):
            raise InspectorError(
                "schema_version", f"bundle.json has schema_version {_short(ver)}; this app reads {SCHEMA_VERSION}",
                found=_short(ver), expected=SCHEMA_VERSION,
            )
        try:
            vit_raw, sae_raw = raw["vit"], raw["sae"]
            if not isinstance(sae_raw, dict):
                raise _bad("'sae' must be a JSON object")
            vit = ViTConfig.from_json(vit_raw)
            m = cls(
                name=_text(raw, "name"),
                version=_text(raw, "version"),
                classes=_classes(raw["classes"]),
                threshold=_unit_number(raw["threshold"], "threshold"),
                vit=vit,
                hooked_layer=_integer(raw["hooked_layer"], "hooked_layer"),
                preprocess=Preprocessing.from_json(raw["preprocess"]),
                sae=_sae_config(sae_raw),
                sae_vit_sha256=_sha(sae_raw.get("vit_sha256"), "sae.vit_sha256"),
                sae_layer=_integer(sae_raw.get("layer"), "sae.layer"),
                files=_files(raw["files"]),
                raw=raw,
            )
        except InspectorError:
            raise
        except KeyError as exc:
            raise InspectorError("bad_manifest", f"bundle.json is missing the field {exc}") from exc
        except (TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
            raise InspectorError("bad_manifest", f"bundle.json has an invalid field: {str(exc)[:200]}") from exc
        if len(m.classes) < 2 or m.classes[0] != "ok":
            raise InspectorError("bad_manifest", "bundle.json: classes must start with 'ok' and name at least one defect")
        if m.vit.num_classes != len(m.classes):
            raise InspectorError("bad_manifest", f"bundle.json: {len(m.classes)} class names but the ViT has {m.vit.num_classes} outputs")
        if not 0 <= m.hooked_layer < m.vit.depth - 1:
            raise InspectorError("bad_manifest", f"hooked layer {m.hooked_layer} is not inside the ViT's {m.vit.depth} blocks")
        if tuple(m.preprocess.input_size) != m.vit.input_hw or m.preprocess.channels != m.vit.in_chans:
            raise InspectorError("bad_manifest", "preprocessing input size or channel count differs from the ViT's")
        for role in REQUIRED_FILES:
            if role not in m.files:
                raise InspectorError("bad_manifest", f"bundle.json names no '{role}' file")
        _check_memory(m)
        calibration_of(raw)  # the optional "ood" block (app.core.ood), refused whole when malformed
        return m


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _bad(text: str) -> InspectorError:
    return InspectorError("bad_manifest", f"bundle.json: {text}")


def _text(raw: dict[str, Any], key: str) -> str:
    v = raw[key]
    if not isinstance(v, str) or len(v) > MAX_NAME_CHARS:
        raise _bad(f"'{key}' must be a text of at most {MAX_NAME_CHARS} characters, got {_short(v)}")
    return v


def _integer(v: Any, key: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _bad(f"'{key}' must be an integer, got {_short(v)}")
    return v


def _unit_number(v: Any, key: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= float(v) <= 1.0:
        raise _bad(f"'{key}' must be a number in [0, 1], got {_short(v)}")
    return float(v)


def _sha(v: Any, key: str) -> str:
    if not isinstance(v, str) or not _SHA256.match(v):
        raise _bad(f"'{key}' must be a SHA-256 (64 lowercase hex digits), got {_short(v)}")
    return v


def _classes(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not 2 <= len(v) <= MAX_CLASSES or not all(isinstance(c, str) and 0 < len(c) <= MAX_NAME_CHARS for c in v):
        raise _bad(f"'classes' must be a list of 2 to {MAX_CLASSES} names")
    if len(set(v)) != len(v):
        raise _bad("'classes' names a class twice")
    return tuple(v)


def _files(v: Any) -> dict[str, dict[str, str]]:
    if not isinstance(v, dict):
        raise _bad("'files' must be a JSON object of role -> {path, sha256}")
    out = {}
    for role, f in v.items():
        if not isinstance(f, dict) or not isinstance(f.get("path"), str) or not f["path"]:
            raise _bad(f"file '{_short(role)}' must be {{\"path\": ..., \"sha256\": ...}}")
        out[role] = {"path": f["path"], "sha256": _sha(f.get("sha256"), f"files.{role}.sha256")}
    return out


def _sae_config(d: dict[str, Any]) -> SAEConfig:
    act = d.get("activation")
    if not isinstance(act, dict):
        raise _bad("'sae.activation' must be a JSON object with a 'rule'")
    width = _integer(d.get("width"), "sae.width")
    d_model = _integer(d.get("d_model"), "sae.d_model")
    if not 1 <= width <= MAX_SAE_WIDTH:
        raise _bad(f"'sae.width' must be in [1, {MAX_SAE_WIDTH}], got {width}")
    if not 1 <= d_model <= MAX_DIM:
        raise _bad(f"'sae.d_model' must be in [1, {MAX_DIM}], got {d_model}")
    k = act.get("k")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= min(width, MAX_SAE_K)):
        raise _bad(f"'sae.activation.k' must be an integer in [1, {min(width, MAX_SAE_K)}], got {_short(k)}")
    return SAEConfig.from_json(d)


def _check_memory(m: Manifest) -> None:
    """What one image will allocate, from the manifest's numbers alone."""
    v, s = m.vit, m.sae
    need = {
        "the SAE's weights": 2 * s.d_model * s.width * 4,
        "one image's SAE codes": v.num_patches * s.width * 4,
        "one image's attention": v.num_heads * v.num_tokens * v.num_tokens * 4,
    }
    limit = {"the SAE's weights": MAX_SAE_BYTES, "one image's SAE codes": MAX_CODES_BYTES,
             "one image's attention": MAX_ATTENTION_BYTES}
    for what, n in need.items():
        if n > limit[what]:
            raise _bad(f"{what} would need {n / 1e9:.1f} GB; this app runs models needing at most {limit[what] / 1e9:.1f} GB")


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

    def verified_bytes(self, role: str) -> bytes:
        """The file's bytes, read once and checked against the manifest: a backend built later (a fallback,
        hours into a session, after the bundle was rebuilt in place) runs what was validated or nothing."""
        rel, p = self.manifest.files[role]["path"], self.path(role)
        try:
            if p.stat().st_size > MAX_FILE_BYTES:
                raise InspectorError("bad_file", f"bundle file '{rel}' grew to {p.stat().st_size / 1e6:,.0f} MB since the "
                                                 "bundle was loaded", path=rel)
            data = p.read_bytes()
        except OSError as exc:
            raise InspectorError("missing_file", f"bundle file '{rel}' cannot be read any more: {exc.strerror}", path=rel) from exc
        got = hashlib.sha256(data).hexdigest()
        if got != self.file_sha256(role):
            raise InspectorError(
                "bad_hash", f"bundle file '{rel}' changed since the bundle was loaded: SHA-256 {got[:12]}… but the manifest "
                f"says {self.file_sha256(role)[:12]}… (reopen the bundle)", path=rel,
            )
        return data

    @property
    def name(self) -> str:
        return self.manifest.name

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


def _refuse_unlisted(root: Path, listed: set[Path]) -> None:
    """Every file and folder in the bundle is the manifest's: anything else could be loaded unchecked
    (ONNX Runtime reads external data from beside its graph)."""
    keep = {(root / MANIFEST).resolve()} | listed | {q for p in listed for q in p.parents}
    for p in sorted(root.rglob("*")):
        if p.name in _IGNORED_NAMES or p.resolve() in keep:
            continue
        rel = p.relative_to(root).as_posix()
        raise InspectorError(
            "unlisted_file", f"the bundle folder holds '{rel}', which bundle.json does not list; a bundle holds only the "
            "files its manifest checksums (remove it, or rebuild the bundle)", path=rel,
        )


def load_bundle(folder: str | Path) -> Bundle:
    """Validate a bundle folder completely and load its small parts (SAE, dictionary)."""
    root = Path(folder)
    mpath = root / MANIFEST
    if not root.is_dir():
        raise InspectorError("no_bundle", f"bundle folder not found: {root}", path=str(root))
    if not mpath.is_file():
        raise InspectorError("no_bundle", f"{root} is not a model bundle: it has no {MANIFEST}", path=str(root))
    if mpath.stat().st_size > MAX_MANIFEST_BYTES:
        raise InspectorError("bad_manifest", f"{MANIFEST} is {mpath.stat().st_size:,} bytes; a manifest is a few kB")
    raw_bytes = mpath.read_bytes()
    m = Manifest.parse(strict_json(raw_bytes, MANIFEST, code="bad_manifest"))

    resolved = {}
    for role, f in m.files.items():
        p = _resolve_inside(root, f["path"])
        if not p.is_file():
            raise InspectorError("missing_file", f"bundle file '{f['path']}' ({role}) is missing", path=f["path"])
        limit = MAX_JSON_BYTES if p.suffix in (".json", ".md") else MAX_FILE_BYTES
        if p.stat().st_size > limit:
            raise InspectorError("bad_file", f"bundle file '{f['path']}' is {p.stat().st_size / 1e6:,.0f} MB; the limit for "
                                             f"such a file is {limit / 1e6:,.0f} MB", path=f["path"])
        resolved[role] = p
    _refuse_unlisted(root, set(resolved.values()))
    for role, p in resolved.items():
        want = m.files[role]["sha256"]
        got = sha256_file(p)
        if got != want:
            raise InspectorError(
                "bad_hash", f"bundle file '{m.files[role]['path']}' is corrupt or was changed: SHA-256 {got[:12]}… "
                f"but the manifest says {want[:12]}…", path=m.files[role]["path"],
            )
        if p.suffix == ".onnx" and (ext := external_data_tensors(p)):
            raise InspectorError(
                "external_data", f"{m.files[role]['path']} keeps {len(ext)} tensor(s) (e.g. '{ext[0][:60]}') in another "
                "file; a bundle's graphs must hold their own weights so that its hash covers them", path=m.files[role]["path"],
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

    sae_w = _load_sae(resolved["sae"], m)
    _check_vit_file(resolved["vit"], m)

    dictionary = None
    if "dictionary" in m.files:
        if "dictionary_json" not in m.files:
            raise InspectorError("bad_manifest", "bundle.json names a dictionary without its dictionary_json")
        _check_header(resolved["dictionary"], _DICTIONARY_DTYPES)
        dictionary = FeatureDictionary.from_files(resolved["dictionary"], resolved["dictionary_json"], m.sae.width)
        for name in _DICTIONARY_FINITE:
            if not np.all(np.isfinite(getattr(dictionary, name))):
                raise InspectorError("bad_dictionary", f"{resolved['dictionary'].name}: '{name}' holds NaN or infinite values")
    return Bundle(root=root, manifest=m, hash=hashlib.sha256(raw_bytes).hexdigest(), sae_weights=sae_w, dictionary=dictionary)


# --- weight files: headers first (no allocation), then values -------------------------------
_FLOAT32 = {"F32"}
_DICTIONARY_DTYPES = {"F32", "F64", "I32", "I64", "U8", "I8", "I16", "U16"}  # numpy-readable; never bf16
_DICTIONARY_FINITE = ("frequency", "mean_act", "p99", "max_act", "top_value", "rand_value")


def _header(path: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """name -> (dtype, shape) from a safetensors header, without reading any tensor."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="numpy") as f:
            return {k: (f.get_slice(k).get_dtype(), tuple(f.get_slice(k).get_shape())) for k in f.keys()}
    except (SafetensorError, OSError, ValueError, TypeError) as exc:
        raise InspectorError("bad_file", f"{path.name}: not a readable safetensors file ({str(exc)[:200]})", path=path.name) from exc


def _check_header(path: Path, dtypes: set[str], int64_ok: tuple[str, ...] = ()) -> dict[str, tuple[str, tuple[int, ...]]]:
    head = _header(path)
    for k, (dt, _) in head.items():
        if dt not in dtypes and not (dt == "I64" and k.endswith(int64_ok)):
            want = "float32" if dtypes == _FLOAT32 else ", ".join(sorted(dtypes))
            raise InspectorError("bad_dtype", f"{path.name}: tensor '{k[:60]}' is {dt}; this app reads {want} tensors here "
                                              "(convert the weights to float32)", path=path.name)
    return head


def _load_sae(path: Path, m: Manifest) -> SAEWeights:
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    head = _check_header(path, _FLOAT32)
    d, s = m.sae.d_model, m.sae.width
    expect = {"W_enc": (d, s), "b_enc": (s,), "W_dec": (s, d), "b_dec": (d,)}
    if m.sae.activation == "jumprelu":
        expect["threshold"] = (s,)
    for k, shape in expect.items():
        if k not in head:
            raise InspectorError("sae_shape", f"{path.name} lacks tensor '{k}'")
        if head[k][1] != shape:
            raise InspectorError("sae_shape", f"{path.name}: {k} has shape {head[k][1]}, the manifest says {shape}")
    if extra := sorted(set(head) - set(expect)):
        raise InspectorError("sae_shape", f"{path.name} holds tensors the manifest's SAE does not use: {extra[:5]}")
    try:
        arrays = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise InspectorError("bad_file", f"{path.name}: not a readable safetensors file ({exc})") from exc
    for k, a in arrays.items():
        if not np.all(np.isfinite(a)):
            raise InspectorError("not_finite", f"{path.name}: tensor '{k}' holds NaN or infinite values", path=path.name)
    w = SAEWeights.from_arrays(arrays)
    w.check(m.sae)
    return w


def expected_vit_shapes(m: Manifest) -> dict[str, tuple[int, ...]]:
    """The tensors whose shapes pin every size in the manifest's ViT (image, patch, width, depth,
    MLP ratio, tokens, classes), so a header that matches cannot ask for more memory than it holds.
    The torch backend compares every tensor against the model it builds (on the meta device)."""
    v = m.vit
    d = v.embed_dim
    hidden = int(d * v.mlp_ratio)
    c_in = v.stem_channels[-1] if v.stem == "conv" else v.in_chans
    kernel = v.patch_size // 2 ** len(v.stem_channels) if v.stem == "conv" else v.patch_size
    out = {"pos_embed": (1, v.pos_embed_len, d), "patch_embed.proj.weight": (d, c_in, kernel, kernel)}
    if v.class_token:
        out["cls_token"] = (1, 1, d)
    if v.reg_tokens:
        out["reg_token"] = (1, v.reg_tokens, d)
    for i in range(v.depth):
        out |= {f"blocks.{i}.attn.qkv.weight": (3 * d, d), f"blocks.{i}.mlp.fc1.weight": (hidden, d),
                f"blocks.{i}.mlp.fc2.weight": (d, hidden)}
    if v.score_head == "class":
        out["head.weight"] = (v.num_classes, d)
    else:
        out["patch_type_head.weight"] = (v.num_defect_types, d)
    if v.patch_head:
        out["patch_head.weight"] = (1, d)
    return out


def _check_vit_file(path: Path, m: Manifest) -> None:
    """Header against the manifest (no allocation), then every tensor finite, one at a time."""
    from safetensors import SafetensorError, safe_open

    head = _check_header(path, _FLOAT32, int64_ok=("num_batches_tracked",))
    for k, shape in expected_vit_shapes(m).items():
        if k not in head:
            raise InspectorError("bad_file", f"{path.name} lacks the ViT tensor '{k}' that the manifest's configuration has")
        if head[k][1] != shape:
            raise InspectorError(
                "bad_file", f"{path.name}: '{k}' has shape {list(head[k][1])}, the manifest's ViT configuration needs "
                f"{list(shape)}", path=path.name,
            )
    if extra := sorted(k for k in head if k.startswith(f"blocks.{m.vit.depth}.")):
        raise InspectorError("bad_file", f"{path.name} has more blocks than the manifest's depth {m.vit.depth} ({extra[0]})")
    try:
        with safe_open(str(path), framework="numpy") as f:
            for k in f.keys():
                if head[k][0] == "F32" and not np.all(np.isfinite(f.get_tensor(k))):
                    raise InspectorError("not_finite", f"{path.name}: tensor '{k}' holds NaN or infinite values", path=path.name)
    except (SafetensorError, OSError, ValueError) as exc:
        raise InspectorError("bad_file", f"{path.name}: not a readable safetensors file ({exc})", path=path.name) from exc


def write_manifest(root: Path, content: dict[str, Any], files: dict[str, str]) -> str:
    """Hash ``files`` (role -> relative path), write ``bundle.json``, return the bundle hash."""
    import json

    content = dict(content)
    content["schema_version"] = SCHEMA_VERSION
    content["files"] = {role: {"path": rel, "sha256": sha256_file(root / rel)} for role, rel in files.items()}
    if "sae" in content and "vit" in files:
        content["sae"] = dict(content["sae"], vit_sha256=content["files"]["vit"]["sha256"])
    data = json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8")
    (root / MANIFEST).write_bytes(data)
    return hashlib.sha256(data).hexdigest()
