"""The ViT configuration JSON that ``build-bundle --vit-config`` takes (docs/MODEL_FORMAT.md).

``import-timm`` writes it; a hand-written one is read just as strictly: an unknown key or a
missing required field is one error that names it and points at the documentation; nothing is
defaulted silently (a missing ``preprocess`` once became ImageNet's mean/std without a word).

    {
      "format": "sae-inspector-vit/1",            optional
      "vit": {... ViTConfig ...},                  required: the architecture (timm's argument names)
      "hooked_layer": 10,                          required: the SAE reads the output of blocks[10]
      "classes": ["ok", "crack", "scratch"],       required: head order, "ok" first
      "preprocess": {... Preprocessing ...},       required: input size, mean/std, resize policy
      "source": {...}                              optional: where it came from (free-form provenance)
    }
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.errors import InspectorError
from app.core.preprocess import Preprocessing
from app.core.vit_config import ViTConfig

FORMAT = "sae-inspector-vit/1"
FILENAME = "vit_config.json"
REQUIRED = ("vit", "hooked_layer", "classes", "preprocess")
OPTIONAL = ("format", "source")
PREPROCESS_REQUIRED = ("input_size", "mean", "std", "interpolation", "resize")
HINT = "see docs/MODEL_FORMAT.md"


@dataclass(frozen=True)
class ExternalViT:
    vit: ViTConfig
    hooked_layer: int
    classes: tuple[str, ...]
    preprocess: Preprocessing
    source: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "vit": self.vit.to_json(), "hooked_layer": self.hooked_layer,
                "classes": list(self.classes), "preprocess": self.preprocess.to_json(), "source": self.source}


def write_vit_json(path: Path, ext: ExternalViT) -> Path:
    check(ext, str(path))
    Path(path).write_text(_pretty(ext.to_json()) + "\n", encoding="utf-8")
    return Path(path)


def _pretty(value: Any, indent: str = "") -> str:
    """JSON for people: objects one key a line, lists of plain values on one line."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        items = ",\n".join(f"{inner}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, inner)}" for k, v in value.items())
        return "{\n" + items + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        inner = indent + "  "
        return "[\n" + ",\n".join(inner + _pretty(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def read_vit_json(path: str | Path) -> ExternalViT:
    path = Path(path)
    where = path.name
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InspectorError("vit_config", f"cannot read the ViT configuration {path}: {exc}", path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InspectorError("vit_config", f"{where} is not valid JSON: {exc}", path=str(path)) from exc
    return parse_vit_json(raw, where)


def _bad(where: str, msg: str, **params: Any) -> InspectorError:
    return InspectorError("vit_config", f"{where}: {msg}; {HINT}", **params)


def parse_vit_json(raw: Any, where: str = "vit config") -> ExternalViT:
    if not isinstance(raw, dict):
        raise _bad(where, "the ViT configuration must be a JSON object")
    if "architecture" in raw and "pretrained_cfg" in raw:
        raise _bad(where, "this is timm's config.json, not the app's ViT configuration: convert the checkpoint first "
                   "with `python main.py import-timm CHECKPOINT --out vit_dir`, then use vit_dir/" + FILENAME)
    if unknown := sorted(set(raw) - set(REQUIRED) - set(OPTIONAL)):
        raise _bad(where, f"unknown key(s) {unknown}; the keys are {list(REQUIRED + OPTIONAL)}", keys=unknown)
    if missing := [k for k in REQUIRED if k not in raw]:
        why = {"preprocess": " (the input size, mean/std and resize the model was trained with: never assumed)"}
        raise _bad(where, "missing required field(s) " + ", ".join(f"'{k}'{why.get(k, '')}" for k in missing), keys=missing)
    if "format" in raw and raw["format"] != FORMAT:
        raise _bad(where, f"format {raw['format']!r} is not {FORMAT!r}")
    try:
        vit = ViTConfig.from_json(raw["vit"], where=f"{where} 'vit'")
    except InspectorError as exc:
        hint = "" if "MODEL_FORMAT" in exc.message else f"; {HINT}"
        raise InspectorError("vit_config", exc.message + hint, **exc.params) from exc
    layer = raw["hooked_layer"]
    if isinstance(layer, bool) or not isinstance(layer, int):
        raise _bad(where, f"hooked_layer must be a whole number, got {layer!r}")
    classes = raw["classes"]
    if not isinstance(classes, list) or not all(isinstance(c, str) and c.strip() for c in classes):
        raise _bad(where, "classes must be a list of class names")
    prep_raw = raw["preprocess"]
    if not isinstance(prep_raw, dict):
        raise _bad(where, "preprocess must be an object")
    need = PREPROCESS_REQUIRED + (("crop_pct",) if prep_raw.get("resize") == "shorter_crop" else ())
    if missing := [k for k in need if k not in prep_raw]:
        raise _bad(where, f"preprocess lacks required field(s) {missing}", keys=missing)
    try:
        prep = Preprocessing.from_json(prep_raw)
    except InspectorError as exc:
        raise _bad(where, exc.message) from exc
    source = raw.get("source", {})
    if not isinstance(source, dict):
        raise _bad(where, "source must be an object")
    ext = ExternalViT(vit, layer, tuple(classes), prep, source)
    check(ext, where)
    return ext


def check(ext: ExternalViT, where: str) -> None:
    """The parts must fit one another (the bundle manifest is checked the same way at load)."""
    v = ext.vit
    if not 0 <= ext.hooked_layer <= v.depth - 2:
        raise _bad(where, f"hooked_layer {ext.hooked_layer} must be in 0..{v.depth - 2} (at least one block after it)")
    c = ext.classes
    if len(c) != v.num_classes:
        raise _bad(where, f"{len(c)} class names but the ViT has {v.num_classes} outputs")
    if c[0] != "ok" or "ok" in c[1:] or len(set(c)) != len(c):
        raise _bad(where, f"classes must start with 'ok' and be unique, got {list(c)} (import-timm reorders a "
                   "checkpoint's classes for you)")
    p = ext.preprocess
    if tuple(p.input_size) != v.input_hw:
        raise _bad(where, f"preprocess input_size {list(p.input_size)} differs from the ViT's {list(v.input_hw)}")
    if p.channels != v.in_chans:
        raise _bad(where, f"preprocess has {p.channels} mean/std value(s) but the ViT takes {v.in_chans} channel(s)")
