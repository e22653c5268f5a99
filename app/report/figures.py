"""Static figures (matplotlib, Agg): heatmaps over the part at its own aspect ratio, with colorbars.

Absolute maps use a fixed 0..1 scale so a good part never looks hot; differences use a
diverging -1..1 scale. Used by the CLI's --out and by the PDF report.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from app.core.grid import upsample_to_image  # noqa: E402

DPI = 150


def _outline(ax, mask_HW: np.ndarray | None, color: str, width: float) -> None:
    if mask_HW is not None and np.any(mask_HW) and not np.all(mask_HW):
        ax.contour(mask_HW.astype(float), levels=[0.5], colors=[color], linewidths=width)


def heatmap_png(
    out: Path,
    image_HWC: np.ndarray,
    map_hw: np.ndarray,
    *,
    title: str,
    diverging: bool = False,
    region_HW: np.ndarray | None = None,
    truth_HW: np.ndarray | None = None,
    alpha: float = 0.5,
    cmap: str | None = None,
) -> Path:
    """Overlay a per-patch map, upsampled smoothly to the image's geometry, with a colorbar."""
    h, w = image_HWC.shape[:2]
    heat = upsample_to_image(map_hw, (h, w))
    long_side = 6.0
    fig_w, fig_h = (long_side, long_side * h / w) if w >= h else (long_side * w / h, long_side)
    fig, ax = plt.subplots(figsize=(fig_w + 1.2, fig_h + 0.5), dpi=DPI)
    ax.imshow(image_HWC, interpolation="antialiased")
    vmin, vmax = (-1.0, 1.0) if diverging else (0.0, 1.0)
    im = ax.imshow(heat, cmap=cmap or ("RdBu_r" if diverging else "inferno"), vmin=vmin, vmax=vmax, alpha=alpha,
                   interpolation="bilinear")
    _outline(ax, truth_HW, "white", 1.2)
    _outline(ax, region_HW, "cyan", 1.2)
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    fig.savefig(out, dpi=DPI)
    plt.close(fig)
    return out
