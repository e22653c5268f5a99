"""Preprocessing as the bundle describes it, so every backend sees the same pixels.

Two resize policies:

- ``stretch`` (the app's own models): the whole image is resized to the input size, so the
  patch grid spans the image exactly and masks and heatmaps map back at the image's own
  aspect ratio;
- ``shorter_crop`` (timm's evaluation transform): the shorter side is resized to
  ``floor(input / crop_pct)`` and the centre ``input`` is cropped, exactly as timm's
  ``transforms_imagenet_eval`` does on a PIL image. The model then sees only the part of the
  image inside ``view_box``; masks are read and heatmaps drawn inside that box.

``mean``/``std`` with one value mean a grey-input model: the image's luma (ITU-R 601, as PIL's
``convert("L")``) is fed as its one channel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np

from app.core.errors import InspectorError

_INTERP = {"area": cv2.INTER_AREA, "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC}
_KEYS = {"input_size", "mean", "std", "interpolation", "channel_order", "resize", "crop_pct", "scale"}

Box = tuple[float, float, float, float]  # (top, left, bottom, right) in image pixels


@dataclass(frozen=True)
class Preprocessing:
    input_size: tuple[int, int] = (224, 224)  # (height, width)
    mean: tuple[float, ...] = (0.485, 0.456, 0.406)
    std: tuple[float, ...] = (0.229, 0.224, 0.225)
    interpolation: Literal["area", "bilinear", "bicubic"] = "area"
    channel_order: Literal["RGB"] = "RGB"
    resize: Literal["stretch", "shorter_crop"] = "stretch"
    crop_pct: float = 1.0  # for ``shorter_crop``: timm's pretrained_cfg crop_pct

    @property
    def channels(self) -> int:
        return len(self.mean)

    def describe(self) -> str:
        """One line for the model card."""
        h, w = self.input_size
        if self.resize == "stretch":
            geo = f"the whole image resized to {h}×{w} ({self.interpolation})"
        else:
            sh, sw = self.scale_size
            geo = (f"shorter side resized to {min(sh, sw)} ({self.interpolation}), centre {h}×{w} cropped "
                   f"(timm eval transform, crop_pct {self.crop_pct:g})")
        grey = "grey (luma), " if self.channels == 1 else ""
        return f"{geo}; {grey}pixels/255, mean {_fmt(self.mean)}, std {_fmt(self.std)}"

    @property
    def scale_size(self) -> tuple[int, int]:
        h, w = self.input_size
        return (math.floor(h / self.crop_pct), math.floor(w / self.crop_pct))

    def to_json(self) -> dict[str, Any]:
        return {
            "input_size": list(self.input_size),
            "mean": list(self.mean),
            "std": list(self.std),
            "interpolation": self.interpolation,
            "channel_order": self.channel_order,
            "resize": self.resize,
            "crop_pct": self.crop_pct,
            "scale": "pixels / 255, then (x - mean) / std",
        }

    @classmethod
    def from_json(cls, d: Any) -> Preprocessing:
        if not isinstance(d, dict):
            raise InspectorError("bad_manifest", "bundle preprocessing must be a JSON object")
        if unknown := sorted(set(d) - _KEYS):
            raise InspectorError("bad_manifest", f"bundle preprocessing has unknown key(s) {unknown}")
        try:
            p = cls(
                input_size=(int(d["input_size"][0]), int(d["input_size"][1])),
                mean=tuple(float(v) for v in d["mean"]),
                std=tuple(float(v) for v in d["std"]),
                interpolation=d.get("interpolation", "area"),
                channel_order=d.get("channel_order", "RGB"),
                resize=d.get("resize", "stretch"),
                crop_pct=float(d.get("crop_pct", 1.0)),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InspectorError("bad_manifest", f"bundle preprocessing is invalid: {exc}") from exc
        p.check()
        return p

    def check(self) -> None:
        if self.interpolation not in _INTERP or self.channel_order != "RGB" or self.resize not in ("stretch", "shorter_crop"):
            raise InspectorError("bad_manifest", f"unsupported preprocessing: {self.to_json()}")
        if len(self.mean) not in (1, 3) or len(self.std) != len(self.mean):
            raise InspectorError("bad_manifest", "preprocessing needs 3 means and 3 stds (RGB) or one of each (grey)")
        if not all(math.isfinite(v) for v in (*self.mean, *self.std)) or min(self.std) <= 0:
            raise InspectorError("bad_manifest", "preprocessing needs finite means and positive stds")
        if not (0.05 <= self.crop_pct <= 1.0) or not all(1 <= s <= 4096 for s in self.input_size):
            raise InspectorError("bad_manifest", f"preprocessing crop_pct {self.crop_pct} or input size {self.input_size} is out of range")

    # --- geometry ---------------------------------------------------------------------
    def _resized_hw(self, image_hw: tuple[int, int]) -> tuple[int, int]:
        """torchvision ``Resize(int)``: the shorter side becomes the target, the other keeps the aspect (truncated)."""
        ih, iw = image_hw
        sh, sw = self.scale_size
        if sh == sw:
            s = sh
            if ih <= iw:
                return s, int(s * iw / ih)
            return int(s * ih / iw), s
        # timm's ResizeKeepRatio (longest=0) for a non-square target: the smaller ratio decides
        ratio = min(ih / sh, iw / sw)
        return round(ih / ratio), round(iw / ratio)

    def view_box(self, image_hw: tuple[int, int]) -> Box:
        """The part of an image of ``image_hw`` the model sees, in image pixels."""
        ih, iw = image_hw
        if self.resize == "stretch":
            return (0.0, 0.0, float(ih), float(iw))
        rh, rw = self._resized_hw(image_hw)
        ch, cw = self.input_size
        top, left = int(round((rh - ch) / 2.0)), int(round((rw - cw) / 2.0))
        sy, sx = ih / rh, iw / rw
        return (top * sy, left * sx, (top + ch) * sy, (left + cw) * sx)


def _fmt(v: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{x:g}" for x in v) + ")"


def _pil_shorter_crop(image_HWC: np.ndarray, prep: Preprocessing) -> np.ndarray:
    from PIL import Image

    rh, rw = prep._resized_hw(image_HWC.shape[:2])
    resample = {"bicubic": Image.BICUBIC, "bilinear": Image.BILINEAR, "area": Image.BOX}[prep.interpolation]
    im = Image.fromarray(image_HWC)
    if prep.channels == 1:  # timm's loader reads a grey model's images in mode L before resizing
        im = im.convert("L")
    im = im.resize((rw, rh), resample)
    ch, cw = prep.input_size
    top, left = int(round((rh - ch) / 2.0)), int(round((rw - cw) / 2.0))
    if top < 0 or left < 0:  # timm pads a too-small image; ours never is (scale_size >= input)
        raise InspectorError("bad_image", "the image is smaller than the model's crop")
    out = np.asarray(im.crop((left, top, left + cw, top + ch)))
    return np.repeat(out[:, :, None], 3, axis=2) if out.ndim == 2 else out  # R=G=B: its luma is itself, exactly


def fit_to_input(image_HWC: np.ndarray, prep: Preprocessing) -> np.ndarray:
    """RGB uint8 [H, W, 3] -> RGB uint8 [h, w, 3] at the input size, by the resize policy (what the model sees)."""
    h, w = prep.input_size
    if prep.resize == "shorter_crop":
        return _pil_shorter_crop(image_HWC, prep)
    if image_HWC.shape[:2] != (h, w):
        # INTER_AREA is for shrinking; growing a tiny image uses bilinear instead
        interp = _INTERP[prep.interpolation]
        if interp == cv2.INTER_AREA and (image_HWC.shape[0] < h or image_HWC.shape[1] < w):
            interp = cv2.INTER_LINEAR
        return cv2.resize(image_HWC, (w, h), interpolation=interp)
    return image_HWC


def normalise(fitted_HWC: np.ndarray, prep: Preprocessing) -> np.ndarray:
    """An image already at the input size (``fit_to_input``) -> float32 pixels [1, C, h, w] (C = 3, or 1 for grey)."""
    resized = fitted_HWC
    if prep.channels == 1:
        from PIL import Image

        resized = np.asarray(Image.fromarray(np.ascontiguousarray(resized)).convert("L"))[:, :, None]
    x = resized.astype(np.float32) / 255.0
    x = (x - np.asarray(prep.mean, np.float32)) / np.asarray(prep.std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def preprocess(image_HWC: np.ndarray, prep: Preprocessing) -> np.ndarray:
    """RGB uint8 [H, W, 3] -> float32 pixels [1, C, h, w], normalised (C = 3, or 1 for grey)."""
    return normalise(fit_to_input(image_HWC, prep), prep)


def preprocess_batch(images_NHWC: np.ndarray, prep: Preprocessing) -> np.ndarray:
    """uint8 [N, H, W, 3] -> float32 [N, C, h, w]."""
    return np.concatenate([preprocess(im, prep) for im in images_NHWC], axis=0)
