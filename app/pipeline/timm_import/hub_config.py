"""timm's hub ``config.json`` (what ``timm.models.save_for_hf`` writes), read strictly.

Layout: ``architecture``, ``num_classes``, ``label_names`` (list, or dict id -> name),
``global_pool`` (the saved model's pooling, informational in timm), ``model_args`` (overrides
of the architecture's arguments) and ``pretrained_cfg`` (``input_size`` [C, H, W], ``mean``,
``std``, ``interpolation``, ``crop_pct``, ``crop_mode``, ...). timm's older single-dict layout
(everything at the top level) is read too, as timm reads it.

The evaluation transform becomes the app's ``Preprocessing`` exactly as timm's
``transforms_imagenet_eval`` does it: shorter side to ``floor(size / crop_pct)``, centre crop.
Nothing is defaulted silently: a missing ``mean``/``std`` is an error, never ImageNet's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import InspectorError
from app.core.preprocess import Preprocessing

DEFAULT_CROP_PCT = 0.875  # timm.data.constants.DEFAULT_CROP_PCT, used when crop_pct is absent
_INTERPOLATIONS = ("bilinear", "bicubic")


@dataclass(frozen=True)
class HubConfig:
    architecture: str
    num_classes: int | None
    label_names: tuple[str, ...] | None
    global_pool: str | None
    model_args: dict[str, Any]
    pretrained_cfg: dict[str, Any]

    @property
    def input_size(self) -> tuple[int, int, int]:
        size = self.pretrained_cfg.get("input_size")
        if not (isinstance(size, (list, tuple)) and len(size) == 3 and all(isinstance(v, int) and v > 0 for v in size)):
            raise _bad(f"pretrained_cfg.input_size must be [channels, height, width], got {size!r}")
        return int(size[0]), int(size[1]), int(size[2])


def _bad(msg: str) -> InspectorError:
    return InspectorError("timm_config", f"timm config.json: {msg}")


def read_hub_config(path: Path) -> HubConfig:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InspectorError("timm_config", f"cannot read timm config {path}: {exc}", path=str(path)) from exc
    if not isinstance(raw, dict):
        raise _bad("not a JSON object")
    if "vit" in raw and "hooked_layer" in raw:
        raise _bad(f"{Path(path).name} is this app's converted ViT configuration, not timm's config.json")
    if "pretrained_cfg" not in raw:  # timm's legacy single-dict layout
        raw = {"architecture": raw.get("architecture"), "pretrained_cfg": raw, "num_classes": raw.get("num_classes"),
               "label_names": raw.get("label_names", raw.get("labels"))}
    arch = raw.get("architecture")
    if not isinstance(arch, str) or not arch:
        raise _bad("no 'architecture' (the timm model name, e.g. vit_small_patch16_224)")
    pcfg = raw.get("pretrained_cfg")
    if not isinstance(pcfg, dict):
        raise _bad("'pretrained_cfg' must be an object")
    margs = raw.get("model_args") or {}
    if not isinstance(margs, dict):
        raise _bad("'model_args' must be an object")
    n = raw.get("num_classes", pcfg.get("num_classes"))
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        raise _bad(f"num_classes must be a whole number, got {n!r}")
    pool = raw.get("global_pool")
    if pool is not None and not isinstance(pool, str):
        raise _bad(f"global_pool must be a string, got {pool!r}")
    return HubConfig(arch, n, _label_names(raw.get("label_names", pcfg.get("label_names"))), pool or None, dict(margs), pcfg)


def _label_names(raw: Any) -> tuple[str, ...] | None:
    """timm writes a list (index order) or a dict {index: name} when ids have gaps."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        try:
            items = sorted((int(k), v) for k, v in raw.items())
        except (TypeError, ValueError):
            raise _bad("label_names keys must be class indices") from None
        if [i for i, _ in items] != list(range(len(items))):
            raise _bad("label_names must name every class index from 0 without gaps")
        raw = [v for _, v in items]
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        raise _bad("label_names must be a list of class names")
    if len(set(raw)) != len(raw):
        raise _bad("label_names repeats a name")
    return tuple(raw)


def preprocessing(cfg: HubConfig) -> tuple[Preprocessing, list[str]]:
    """timm's evaluation transform for this model as the app's Preprocessing, and notes."""
    c, h, w = cfg.input_size
    p = cfg.pretrained_cfg
    notes: list[str] = []
    for key in ("mean", "std"):
        v = p.get(key)
        if not (isinstance(v, (list, tuple)) and v and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)):
            raise _bad(f"pretrained_cfg.{key} is missing or not a list of numbers (the app never guesses "
                       "normalisation; add the values the model was trained with)")
        if len(v) != c:
            raise _bad(f"pretrained_cfg.{key} has {len(v)} values but the model takes {c} channel(s)")
    interp = p.get("interpolation", "bilinear")
    if interp not in _INTERPOLATIONS:
        raise InspectorError("timm_unsupported", f"cannot convert this checkpoint exactly: interpolation '{interp}' "
                             "is not supported (bilinear or bicubic)")
    mode = p.get("crop_mode") or "center"
    if mode != "center":
        raise InspectorError("timm_unsupported", f"cannot convert this checkpoint exactly: crop_mode '{mode}' is not "
                             "supported (timm's default 'center')")
    if p.get("crop_border_pixels"):
        raise InspectorError("timm_unsupported", "cannot convert this checkpoint exactly: crop_border_pixels is not supported")
    crop_pct = p.get("crop_pct")
    if crop_pct is None:
        crop_pct = DEFAULT_CROP_PCT
        notes.append(f"pretrained_cfg has no crop_pct: timm's default {DEFAULT_CROP_PCT} is used, as timm does")
    if h != w and interp != "bilinear":
        # timm's eval transform resizes a non-square target with ResizeKeepRatio(scale_size), whose default is bilinear
        notes.append(f"non-square input: timm resizes with bilinear whatever pretrained_cfg says ({interp}); so does the app")
        interp = "bilinear"
    prep = Preprocessing(input_size=(h, w), mean=tuple(float(x) for x in p["mean"]), std=tuple(float(x) for x in p["std"]),
                         interpolation=interp, resize="shorter_crop", crop_pct=float(crop_pct))
    try:
        prep.check()
    except InspectorError as exc:
        raise _bad(exc.message) from exc
    return prep, notes
