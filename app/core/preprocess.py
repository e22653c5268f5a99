"""Preprocessing as the bundle describes it, so every backend sees the same pixels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np

from app.core.errors import InspectorError

_INTERP = {"area": cv2.INTER_AREA, "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC}


@dataclass(frozen=True)
class Preprocessing:
    input_size: tuple[int, int] = (224, 224)  # (height, width)
    mean: tuple[float, float, float] = (0.485, 0.456, 0.406)
    std: tuple[float, float, float] = (0.229, 0.224, 0.225)
    interpolation: Literal["area", "bilinear", "bicubic"] = "area"
    channel_order: Literal["RGB"] = "RGB"
    # "stretch": the whole image is resized to the input size, so the patch grid spans the
    # image exactly and masks/heatmaps map back at the image's own aspect ratio.
    resize: Literal["stretch"] = "stretch"

    def to_json(self) -> dict[str, Any]:
        return {
            "input_size": list(self.input_size),
            "mean": list(self.mean),
            "std": list(self.std),
            "interpolation": self.interpolation,
            "channel_order": self.channel_order,
            "resize": self.resize,
            "scale": "pixels / 255, then (x - mean) / std",
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Preprocessing:
        try:
            p = cls(
                input_size=(int(d["input_size"][0]), int(d["input_size"][1])),
                mean=tuple(float(v) for v in d["mean"]),  # type: ignore[arg-type]
                std=tuple(float(v) for v in d["std"]),  # type: ignore[arg-type]
                interpolation=d.get("interpolation", "area"),
                channel_order=d.get("channel_order", "RGB"),
                resize=d.get("resize", "stretch"),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InspectorError("bad_manifest", f"bundle preprocessing is invalid: {exc}") from exc
        if p.interpolation not in _INTERP or p.channel_order != "RGB" or p.resize != "stretch":
            raise InspectorError("bad_manifest", f"unsupported preprocessing in bundle: {d}")
        if len(p.mean) != 3 or len(p.std) != 3 or min(p.std) <= 0:
            raise InspectorError("bad_manifest", "bundle preprocessing needs 3 means and 3 positive stds")
        return p


def preprocess(image_HWC: np.ndarray, prep: Preprocessing) -> np.ndarray:
    """RGB uint8 [H, W, 3] -> float32 pixels [1, 3, h, w], normalised."""
    h, w = prep.input_size
    resized = image_HWC
    if image_HWC.shape[:2] != (h, w):
        # INTER_AREA is for shrinking; growing a tiny image uses bilinear instead
        interp = _INTERP[prep.interpolation]
        if interp == cv2.INTER_AREA and (image_HWC.shape[0] < h or image_HWC.shape[1] < w):
            interp = cv2.INTER_LINEAR
        resized = cv2.resize(image_HWC, (w, h), interpolation=interp)
    x = resized.astype(np.float32) / 255.0
    x = (x - np.asarray(prep.mean, np.float32)) / np.asarray(prep.std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def preprocess_batch(images_NHWC: np.ndarray, prep: Preprocessing) -> np.ndarray:
    """uint8 [N, H, W, 3] -> float32 [N, 3, h, w]."""
    return np.concatenate([preprocess(im, prep) for im in images_NHWC], axis=0)
