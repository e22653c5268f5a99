"""The one mapping between ViT tokens and the image grid.

Tokens are ``[CLS, patch_0 .. patch_{P-1}]`` with patches in row-major order over a
``grid_h x grid_w`` grid that spans the whole image (the "stretch" resize policy). The grid
comes from the input size over the patch size, never from sqrt(P). Heatmaps, masks and
latent maps all go through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class PatchGrid:
    grid_h: int
    grid_w: int
    num_prefix_tokens: int = 1  # CLS; register tokens would add to this

    @property
    def num_patches(self) -> int:
        return self.grid_h * self.grid_w

    def patch_tokens(self, tokens_TD: np.ndarray) -> np.ndarray:
        """[1+P, D] -> [P, D] (drops CLS)."""
        assert tokens_TD.shape[0] == self.num_prefix_tokens + self.num_patches, tokens_TD.shape
        return tokens_TD[self.num_prefix_tokens :]

    def to_grid(self, per_patch_P: np.ndarray) -> np.ndarray:
        """[P] -> [grid_h, grid_w]."""
        assert per_patch_P.shape[-1] == self.num_patches, per_patch_P.shape
        return per_patch_P.reshape(*per_patch_P.shape[:-1], self.grid_h, self.grid_w)


def _overlap_matrix(n_cells: int, n_pixels: int) -> np.ndarray:
    """[n_cells, n_pixels]: fraction of each cell covered by each pixel (rows sum to 1)."""
    edges = np.linspace(0.0, n_pixels, n_cells + 1)
    lo, hi = edges[:-1, None], edges[1:, None]
    px = np.arange(n_pixels, dtype=np.float64)[None, :]
    overlap = np.clip(np.minimum(hi, px + 1) - np.maximum(lo, px), 0.0, None)
    return overlap / (hi - lo)


def mask_to_patch_weights(mask_HW: np.ndarray, grid: PatchGrid) -> np.ndarray:
    """Pixel mask (bool or 0..1) at the image's resolution -> per-patch weights m [P] in 0..1.

    m_p is the exact area fraction of patch p covered by the mask (soft masks weigh by value).
    """
    m = np.asarray(mask_HW, dtype=np.float64)
    if m.ndim != 2:
        raise ValueError(f"mask must be 2-D, got shape {m.shape}")
    rows = _overlap_matrix(grid.grid_h, m.shape[0])
    cols = _overlap_matrix(grid.grid_w, m.shape[1])
    weights = rows @ m @ cols.T
    return np.clip(weights, 0.0, 1.0).astype(np.float32).reshape(-1)


def upsample_to_image(map_hw: np.ndarray, image_hw: tuple[int, int]) -> np.ndarray:
    """Per-patch map [grid_h, grid_w] -> smooth map [H, W] at the image's own geometry.

    Bilinear with pixel-centre alignment, so a patch's value sits at its cell's centre.
    """
    h, w = image_hw
    return cv2.resize(np.asarray(map_hw, np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def resize_mask(mask_HW: np.ndarray, image_hw: tuple[int, int]) -> np.ndarray:
    """A mask of another size than the image, scaled to it (nearest, stays binary)."""
    h, w = image_hw
    if mask_HW.shape[:2] == (h, w):
        return mask_HW
    return cv2.resize(mask_HW.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(mask_HW.dtype)
