"""A checkpoint's classes in the bundle's order: ``ok`` first, then the defect classes.

timm trains from an image folder whose classes are sorted by name, so the good class is rarely
index 0 (``crack, good, scratch``). The bundle needs ``ok`` at index 0; the head's rows (weight and
bias) are permuted to that order, which changes no probability, only where it is listed.

The good class is found by name (``good``, ``ok``, ``pass``, ``normal``, ...) among the
checkpoint's ``label_names``; a class map states it, and may rename classes, when the names do
not say it: ``{"good": "ok", "NG": "defect"}`` (keys: the checkpoint's names, or indices as
strings when it has none).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from app.core.errors import InspectorError

OK_NAMES = frozenset({"ok", "good", "pass", "passed", "normal", "accept", "accepted", "okay", "nondefective",
                      "non_defective", "non-defective", "no_defect", "nodefect", "defect_free", "defect-free"})


@dataclass(frozen=True)
class ClassMapping:
    names: tuple[str, ...]  # the bundle's classes, "ok" first
    source_index: tuple[int, ...]  # bundle class i is the checkpoint's class source_index[i]
    source_names: tuple[str, ...]  # the checkpoint's own class names, in its order

    @property
    def permuted(self) -> bool:
        return self.source_index != tuple(range(len(self.source_index)))

    def describe(self) -> str:
        return ", ".join(f"{i}: {n} (checkpoint class {s} '{self.source_names[s]}')"
                         for i, (n, s) in enumerate(zip(self.names, self.source_index)))

    def permute_head(self, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        idx = torch.tensor(self.source_index)
        out = dict(state)
        for key in ("head.weight", "head.bias"):
            if key in out:
                out[key] = out[key].index_select(0, idx).contiguous()
        return out


def read_class_map(text_or_path: str) -> dict[str, str]:
    """A class map from a JSON file, or the JSON object itself."""
    src = text_or_path.strip()
    try:
        raw = json.loads(src) if src.startswith("{") else json.loads(Path(src).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InspectorError("class_map", f"cannot read the class map {text_or_path!r}: {exc}") from exc
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in raw.items()):
        raise InspectorError("class_map", 'the class map must be a JSON object {"checkpoint class": "bundle class"}, '
                             'e.g. {"good": "ok"}')
    return {k: v.strip() for k, v in raw.items()}


def map_classes(num_classes: int, label_names: Sequence[str] | None, class_map: Mapping[str, str] | None) -> ClassMapping:
    source = tuple(label_names) if label_names is not None else tuple(str(i) for i in range(num_classes))
    if len(source) != num_classes:
        raise InspectorError("class_map", f"config.json names {len(source)} classes but the head has {num_classes}")
    if num_classes < 2:
        raise InspectorError("class_map", "the classifier has one class: the app needs 'ok' and at least one defect class")
    names = list(source)
    if class_map:
        unknown = sorted(set(class_map) - set(source))
        if unknown:
            raise InspectorError("class_map", f"the class map names {unknown}, which the checkpoint does not have "
                                 f"(its classes: {list(source)})")
        names = [class_map.get(s, s) for s in source]
    oks = [i for i, n in enumerate(names) if n == "ok"]
    if not oks and not class_map:
        oks = [i for i, n in enumerate(names) if n.strip().lower() in OK_NAMES]
    if len(oks) != 1:
        found = "none" if not oks else ", ".join(f"'{source[i]}'" for i in oks)
        raise InspectorError(
            "class_map", f"cannot tell which class is the good part (candidates: {found}; classes {list(source)}); "
            'give it with --class-map \'{"<good class>": "ok"}\'',
        )
    ok = oks[0]
    names[ok] = "ok"
    if any(n == "ok" for i, n in enumerate(names) if i != ok) or len(set(names)) != len(names):
        raise InspectorError("class_map", f"the bundle's class names must be unique and only one may be 'ok': {names}")
    order = (ok, *(i for i in range(num_classes) if i != ok))
    return ClassMapping(tuple(names[i] for i in order), order, source)
