"""The feature dictionary: per-latent statistics, exemplars and labels, stored in the bundle.

Arrays live in ``dictionary.safetensors`` (never a pickle); names and labels in
``dictionary.json``. Exemplar crops are JPEG strips, one per latent, concatenated into one
uint8 buffer with offsets, so 1,500 latents x 20 crops stay a few MB.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from app.core.errors import InspectorError

WEAK_AP = 0.3  # below this, an automatic label is marked weak
# A pooled region class: every defect patch, whatever its type. Latents that fire on all defects
# (measured on bundle 1.1.0: #224, #585, #1061 fire 10-20x more inside any defect than outside) would
# otherwise take the name of a surface or of whichever single type they happen to lean towards.
ANY_DEFECT = "defect (any type)"


@dataclass(frozen=True)
class FeatureDictionary:
    frequency: np.ndarray  # [S] share of training patches where the latent fires
    mean_act: np.ndarray  # [S] mean over positive activations
    p99: np.ndarray  # [S] p99 over positive activations: the reference for set/add edits
    max_act: np.ndarray  # [S]
    hist: np.ndarray  # [S, B] counts of positive activations over [0, max_act] in B bins
    top_value: np.ndarray  # [S, n_top]
    top_image: np.ndarray  # [S, n_top] index into ``images``
    top_patch: np.ndarray  # [S, n_top] row-major patch index
    rand_value: np.ndarray  # [S, n_rand]
    rand_image: np.ndarray  # [S, n_rand]
    rand_patch: np.ndarray  # [S, n_rand]
    crops_jpeg: np.ndarray  # [bytes] uint8: concatenated JPEG strips
    crops_offsets: np.ndarray  # [S+1] int64
    assoc_ap: np.ndarray  # [S, K] AP of the latent as a detector of each region class's patches
    assoc_auroc: np.ndarray  # [S, n_defects] patch AUROC ok-vs-defect
    region_classes: tuple[str, ...]  # K names: defect types first, then surface elements, then ANY_DEFECT if built with it
    defect_classes: tuple[str, ...]
    images: tuple[str, ...]  # source image names of the exemplars
    labels: tuple[str, ...]  # [S] automatic labels
    crop_size: int = 32
    meta: dict[str, Any] = field(default_factory=dict)
    # Where each latent fires hardest on held-out parts (None in bundles before 1.2.1):
    # share [S, C] of its top test images whose strongest patch is ok (column 0) or each
    # defect type, and how many images that is per latent (fewer when it fires on fewer).
    top_share: np.ndarray | None = None
    top_share_images: np.ndarray | None = None

    @property
    def width(self) -> int:
        return int(self.frequency.shape[0])

    def reference(self) -> np.ndarray:
        """[S] reference activation per latent (p99 of positive activations)."""
        return self.p99

    def crops(self, latent: int) -> list[np.ndarray]:
        """The exemplar crops of ``latent`` (top first, then random), RGB uint8 [c, c, 3] each."""
        a, b = int(self.crops_offsets[latent]), int(self.crops_offsets[latent + 1])
        if b <= a:
            return []
        strip = cv2.imdecode(self.crops_jpeg[a:b], cv2.IMREAD_COLOR)
        if strip is None:
            return []
        strip = cv2.cvtColor(strip, cv2.COLOR_BGR2RGB)
        c = self.crop_size
        return [strip[:, i * c : (i + 1) * c] for i in range(strip.shape[1] // c)]

    def strongest_on(self, latent: int, min_share: float = 0.1) -> list[tuple[str, float]]:
        """[(class, share)] of the latent's strongest held-out parts, largest first, shares >= min_share.

        Class "ok" means the strongest patch of that part lies outside any defect.
        """
        if self.top_share is None or not 0 <= latent < self.top_share.shape[0]:
            return []
        names = ("ok",) + self.defect_classes
        row = self.top_share[latent]
        order = np.argsort(-row, kind="stable")
        return [(names[i], float(row[i])) for i in order if row[i] >= min_share and row[i] > 0]

    def strongest_parts(self, latent: int) -> int:
        """How many held-out parts ``strongest_on`` counts for this latent (0 without the statistic)."""
        if self.top_share_images is None or not 0 <= latent < self.top_share_images.shape[0]:
            return 0
        return int(self.top_share_images[latent])

    def strongest_on_text(self, latent: int) -> str:
        """"scratch 48%, crack 38% of its 50 strongest test parts", or "" without the statistic."""
        parts, n = self.strongest_on(latent), self.strongest_parts(latent)
        if not parts or n == 0:
            return ""
        return format_shares(parts) + f" of its {n} strongest test parts"

    def to_files(self, folder: Path) -> tuple[Path, Path]:
        from safetensors.numpy import save_file

        arrays = {
            name: np.ascontiguousarray(getattr(self, name))
            for name in _ARRAY_FIELDS
        }
        st = folder / "dictionary.safetensors"
        save_file(arrays, str(st))
        js = folder / "dictionary.json"
        js.write_text(
            json.dumps(
                {
                    "region_classes": list(self.region_classes),
                    "defect_classes": list(self.defect_classes),
                    "images": list(self.images),
                    "labels": list(self.labels),
                    "crop_size": self.crop_size,
                    "meta": self.meta,
                    **(
                        {"top_share": {
                            "classes": ["ok", *self.defect_classes],
                            "share": np.round(self.top_share.astype(np.float64), 4).tolist(),
                            "images": self.top_share_images.astype(int).tolist(),
                        }}
                        if self.top_share is not None and self.top_share_images is not None else {}
                    ),
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        return st, js

    @classmethod
    def from_files(cls, st: Path, js: Path, width: int) -> FeatureDictionary:
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        from app.core.jsonsafe import loads

        try:
            arrays = load_file(str(st))
            info = loads(js.read_bytes(), js.name, code="bad_dictionary")
        except (OSError, ValueError, SafetensorError) as exc:
            raise InspectorError("bad_dictionary", f"{st.name}: cannot read the feature dictionary ({exc})") from exc
        missing = [n for n in _ARRAY_FIELDS if n not in arrays]
        if missing:
            raise InspectorError("bad_dictionary", f"{st.name} lacks arrays {missing}")
        texts = {k: info.get(k, ()) if isinstance(info, dict) else None for k in ("region_classes", "defect_classes", "images", "labels")}
        if not isinstance(info, dict) or not all(isinstance(v, list | tuple) and all(isinstance(x, str) for x in v)
                                                 for v in texts.values()):
            raise InspectorError("bad_dictionary", f"{js.name}: names and labels must be lists of texts")
        try:
            d = cls(
                **{n: arrays[n] for n in _ARRAY_FIELDS},
                **{k: tuple(v) for k, v in texts.items()},
                crop_size=int(info.get("crop_size", 32)),
                meta=info.get("meta", {}) if isinstance(info.get("meta", {}), dict) else {},
                **_top_share_from_json(info.get("top_share"), width, tuple(texts["defect_classes"])),
            )
        except (TypeError, ValueError) as exc:
            raise InspectorError("bad_dictionary", f"{js.name}: invalid feature dictionary ({str(exc)[:200]})") from exc
        if not 1 <= d.crop_size <= 1024:
            raise InspectorError("bad_dictionary", f"{js.name}: crop_size {d.crop_size} is out of range")
        if d.frequency.shape != (width,) or len(d.labels) != width or d.crops_offsets.shape != (width + 1,):
            raise InspectorError(
                "bad_dictionary", f"the feature dictionary describes {d.frequency.shape[0]} latents, the SAE has {width}"
            )
        return d


def _top_share_from_json(block: Any, width: int, defect_classes: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The optional "fires hardest on" block of dictionary.json, checked against the dictionary."""
    if block is None:
        return {}
    classes = ["ok", *defect_classes]
    try:
        share = np.asarray(block["share"], np.float32)
        images = np.asarray(block["images"], np.int64)
        named = list(block["classes"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InspectorError("bad_dictionary", f"dictionary.json: unreadable top_share ({exc})") from exc
    if (named != classes or share.shape != (width, len(classes)) or images.shape != (width,)
            or not np.all(np.isfinite(share)) or share.min(initial=0.0) < 0.0 or share.max(initial=0.0) > 1.0 + 1e-6
            or images.min(initial=0) < 0):
        raise InspectorError(
            "bad_dictionary", f"dictionary.json: top_share is {share.shape} over {named}, expected ({width}, {len(classes)}) shares in "
            f"[0, 1] over {classes}"
        )
    return {"top_share": share, "top_share_images": images}


_ARRAY_FIELDS = (
    "frequency", "mean_act", "p99", "max_act", "hist",
    "top_value", "top_image", "top_patch", "rand_value", "rand_image", "rand_patch",
    "crops_jpeg", "crops_offsets", "assoc_ap", "assoc_auroc",
)


def format_shares(shares: Sequence[tuple[str, float]]) -> str:
    """[("scratch", 0.48), ("crack", 0.38)] -> "scratch 48%, crack 38%" (one format in the GUI, CLI and PDF)."""
    return ", ".join(f"{name} {share:.0%}" for name, share in shares)


NO_CLASS = "no region class above chance"


def auto_label(ap_K: np.ndarray, region_classes: tuple[str, ...], prevalence_K: np.ndarray | None = None) -> str:
    """"scratch, AP 0.83", or "weak: scratch, AP 0.12" when that AP is below ``WEAK_AP``.

    The class named is the one the latent detects best *above chance*: AP's chance level is the
    class's share of patches (prevalence), so the choice maximises (AP - prevalence) / (1 - prevalence).
    Raw AP would favour common surface classes: a latent firing on half of all PCB patches scores
    AP 0.45 on "solder_mask" (prevalence 0.4) by being dense, and would hide its AP 0.3 on
    "scratch" (prevalence 0.005). Without prevalences the raw AP decides, as before.

    A latent no better than chance at every class gets ``NO_CLASS`` instead of a name: with
    every skill negative the arg-max would pick the *rarest* class, and a texture latent would
    read "weak: scratch, AP 0.00".
    """
    if len(region_classes) == 0 or ap_K.size == 0:
        return "unlabelled"
    ap = np.nan_to_num(np.asarray(ap_K, np.float64), nan=-1.0)
    if prevalence_K is not None and len(prevalence_K) == len(ap):
        pi = np.clip(np.asarray(prevalence_K, np.float64), 0.0, 1.0 - 1e-9)
        skill = np.where(ap >= 0, (ap - pi) / (1.0 - pi), -np.inf)
    else:
        skill = ap
    best = int(np.argmax(skill))
    if prevalence_K is not None and len(prevalence_K) == len(ap) and not skill[best] > 0:
        return NO_CLASS
    text = f"{region_classes[best]}, AP {ap[best]:.2f}"
    return text if ap[best] >= WEAK_AP else f"weak: {text}"


def label_class_name(label: str) -> str | None:
    """The region class an automatic label names ("weak: scratch, AP 0.12" -> "scratch"); None for none."""
    text = label.removeprefix("weak: ")
    if text in (NO_CLASS, "unlabelled") or ", AP " not in text:
        return None
    return text.rsplit(", AP ", 1)[0]


def encode_strip(crops: list[np.ndarray], quality: int = 85) -> np.ndarray:
    """RGB crops [c, c, 3] -> one JPEG strip as uint8 bytes."""
    strip = np.concatenate(crops, axis=1)
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(strip, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.reshape(-1)
