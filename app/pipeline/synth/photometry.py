"""The camera: lighting gradient, vignetting, white balance, line-camera column gain,
specular glare, lens blur and sensor (read + shot) noise.

Everything up to the noise is LINEAR in the reflectance, which lets a defect be added as
``final = P(clean) + a * P_lin(E)`` and scaled exactly to a target contrast.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Photo:
    gain: np.ndarray  # (S, S, 3) float32: lighting * vignette * white balance * column gain
    spec: np.ndarray | None  # (S, S, 1) additive glare, or None
    blur: float
    read: float
    shot: float


@functools.lru_cache(maxsize=8)
def _grid(S: int):
    yy, xx = np.mgrid[0:S, 0:S].astype(np.float32)
    c = (S - 1) / 2.0
    return (xx - c) / c, (yy - c) / c


def draw_photo(rng: np.random.Generator, S: int, light, gloss: float) -> Photo:
    xn, yn = _grid(S)
    g = rng.uniform(0.0, 0.28)
    ramp = 1.0 + g * (xn * light[0] + yn * light[1])
    vx, vy = rng.uniform(-0.3, 0.3, 2)
    vig = 1.0 - rng.uniform(0.04, 0.3) * ((xn - vx) ** 2 + (yn - vy) ** 2) / 2.0
    expo = rng.uniform(0.85, 1.12)
    col = 1.0 + rng.normal(0, 0.006, S).astype(np.float32)  # line-camera column gain (PRNU)
    lum = (ramp * vig * expo * col[None, :]).astype(np.float32)
    wb = np.array([1 + rng.uniform(-0.06, 0.06), 1.0, 1 + rng.uniform(-0.07, 0.07)], np.float32)
    gain = lum[..., None] * wb
    spec = None
    if gloss > 0:
        x0, y0 = rng.uniform(-0.8, 0.8, 2)
        w = rng.uniform(0.25, 0.7)
        sp = gloss * np.exp(-((xn - x0) ** 2 + ((yn - y0) * rng.uniform(0.5, 1.5)) ** 2) / (2 * w * w))
        spec = sp.astype(np.float32)[..., None]
    return Photo(
        gain=gain,
        spec=spec,
        blur=float(rng.uniform(0.35, 0.9)),
        read=float(rng.uniform(0.7, 2.2) / 255.0),
        shot=float(rng.uniform(2e-5, 1.2e-4)),
    )


def blur(x: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(x, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_REFLECT)


def apply_linear(x: np.ndarray, ph: Photo, box=None) -> np.ndarray:
    """The linear part of the camera, on the whole image or on an ROI ``box``."""
    if box is None:
        g = ph.gain
    else:
        y0, x0, y1, x1 = box
        g = ph.gain[y0:y1, x0:x1]
    return blur(x * g, ph.blur)


def camera(pre: np.ndarray, ph: Photo, rng_noise: np.random.Generator) -> np.ndarray:
    """Clean float image in [0,1]-ish units (not clipped): linear part + glare + noise."""
    y = apply_linear(pre, ph)
    if ph.spec is not None:
        y = y + ph.spec
    z = rng_noise.standard_normal(y.shape, dtype=np.float32)
    sig = np.sqrt(ph.read ** 2 + ph.shot * np.clip(y, 0, None))
    return y + z * sig


def quantize(y: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(y * 255.0), 0, 255).astype(np.uint8)


def gray(img_u8_or_f: np.ndarray) -> np.ndarray:
    w = np.array([0.299, 0.587, 0.114], np.float32)
    return img_u8_or_f.astype(np.float32) @ w


_HP_NORM = math.sqrt(1 - 2 / (2 * math.pi) + 1 / (4 * math.pi))  # white-noise std of x - G_1 * x


def noise_sigma(gray_win: np.ndarray) -> float:
    hp = gray_win - cv2.GaussianBlur(gray_win, (0, 0), sigmaX=1.0, borderType=cv2.BORDER_REFLECT)
    med = np.median(hp)
    mad = np.median(np.abs(hp - med))
    return float(max(1.4826 * mad / _HP_NORM, 0.25))
