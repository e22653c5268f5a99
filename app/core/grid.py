"""The one mapping between ViT tokens and the image grid.

Tokens are ``[CLS, registers.., patch_0 .. patch_{P-1}]`` (CLS and registers where the model
has them: ``num_prefix_tokens``) with patches in row-major order over a
``grid_h x grid_w`` grid that spans the whole image (the "stretch" resize policy). The grid
comes from the input size over the patch size, never from sqrt(P). Heatmaps, masks and
latent maps all go through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from app.core.vit_config import ViTConfig


@dataclass(frozen=True)
class PatchGrid:
    grid_h: int
    grid_w: int
    num_prefix_tokens: int = 1  # CLS and register tokens, before the patches

    @classmethod
    def of(cls, vit_cfg: ViTConfig) -> PatchGrid:
        gh, gw = vit_cfg.grid_size
        return cls(gh, gw, vit_cfg.num_prefix_tokens)

    @property
    def num_patches(self) -> int:
        return self.grid_h * self.grid_w

    def patch_tokens(self, tokens_TD: np.ndarray) -> np.ndarray:
        """[T, D] -> [P, D] (drops CLS and registers)."""
        assert tokens_TD.shape[0] == self.num_prefix_tokens + self.num_patches, tokens_TD.shape
        return tokens_TD[self.num_prefix_tokens :]

    def to_grid(self, per_patch_P: np.ndarray) -> np.ndarray:
        """[P] -> [grid_h, grid_w]."""
        assert per_patch_P.shape[-1] == self.num_patches, per_patch_P.shape
        return per_patch_P.reshape(*per_patch_P.shape[:-1], self.grid_h, self.grid_w)


def _overlap_matrix(n_cells: int, n_pixels: int, lo: float = 0.0, hi: float | None = None) -> np.ndarray:
    """[n_cells, n_pixels]: fraction of each cell covered by each pixel (rows sum to 1).

    The cells tile the pixel interval [lo, hi) (the whole axis by default; a model's view box
    otherwise), so pixels outside it weigh nothing."""
    hi = float(n_pixels) if hi is None else hi
    edges = np.linspace(lo, hi, n_cells + 1)
    c_lo, c_hi = edges[:-1, None], edges[1:, None]
    px = np.arange(n_pixels, dtype=np.float64)[None, :]
    overlap = np.clip(np.minimum(c_hi, px + 1) - np.maximum(c_lo, px), 0.0, None)
    return overlap / (c_hi - c_lo)


def mask_to_patch_weights(mask_HW: np.ndarray, grid: PatchGrid, box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Pixel mask (bool or 0..1) at the image's resolution -> per-patch weights m [P] in 0..1.

    m_p is the exact area fraction of patch p covered by the mask (soft masks weigh by value).
    ``box`` (top, left, bottom, right): the part of the image the model sees (a centre crop);
    the whole image when omitted.
    """
    m = np.asarray(mask_HW, dtype=np.float64)
    if m.ndim != 2:
        raise ValueError(f"mask must be 2-D, got shape {m.shape}")
    top, left, bottom, right = box if box is not None else (0.0, 0.0, float(m.shape[0]), float(m.shape[1]))
    rows = _overlap_matrix(grid.grid_h, m.shape[0], top, bottom)
    cols = _overlap_matrix(grid.grid_w, m.shape[1], left, right)
    weights = rows @ m @ cols.T
    return np.clip(weights, 0.0, 1.0).astype(np.float32).reshape(-1)


def upsample_to_image(map_hw: np.ndarray, image_hw: tuple[int, int], box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Per-patch map [grid_h, grid_w] -> smooth map [H, W] at the image's own geometry.

    Bilinear with pixel-centre alignment, so a patch's value sits at its cell's centre. With a
    view ``box``, the map covers that box and is 0 outside it (the model never saw those pixels).
    """
    h, w = image_hw
    src = np.asarray(map_hw, np.float32)
    if box is None or (box[0] <= 0 and box[1] <= 0 and box[2] >= h and box[3] >= w):
        return cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR)
    top, left = int(round(box[0])), int(round(box[1]))
    bottom, right = min(h, int(round(box[2]))), min(w, int(round(box[3])))
    out = np.zeros((h, w), np.float32)
    if bottom > top and right > left:
        out[top:bottom, left:right] = cv2.resize(src, (right - left, bottom - top), interpolation=cv2.INTER_LINEAR)
    return out


def resize_mask(mask_HW: np.ndarray, image_hw: tuple[int, int]) -> np.ndarray:
    """A mask of another size than the image, scaled to it (nearest, stays binary)."""
    h, w = image_hw
    if mask_HW.shape[:2] == (h, w):
        return mask_HW
    return cv2.resize(mask_HW.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(mask_HW.dtype)
