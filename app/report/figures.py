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
from app.report.sections import DoseSection, RankSection  # noqa: E402

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


# --- report figures: PNG bytes at a fixed DPI, sized for the A4 layout -------------------

REPORT_DPI = 200
from app.core.resources import japanese_font_path  # noqa: E402

FONT_PATH = japanese_font_path()
_REGION_COLOR = "#00e5ff"
_TRUTH_COLOR = "white"
_font_ready = False


def _ensure_font() -> list[str]:
    """Latin in DejaVu Sans (matplotlib's own); Japanese falls back to the shipped IPAexGothic."""
    global _font_ready
    if not _font_ready and FONT_PATH.is_file():
        from matplotlib import font_manager

        font_manager.fontManager.addfont(str(FONT_PATH))
        _font_ready = True
    return ["DejaVu Sans", "IPAexGothic"] if _font_ready else ["DejaVu Sans"]


def _rc() -> dict:
    return {"font.family": _ensure_font(), "font.size": 7, "axes.linewidth": 0.6, "xtick.major.width": 0.5,
            "ytick.major.width": 0.5, "axes.titlesize": 7, "svg.fonttype": "none"}


def _save(fig) -> bytes:  # noqa: ANN001
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=REPORT_DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def panel_size(image_hw: tuple[int, int], width_in: float, max_h_in: float, colorbar: bool = True) -> tuple[float, float, float, float]:
    """(fig_w, fig_h, img_w, img_h) in inches: the image at its own aspect ratio, leaving room for a colorbar."""
    h, w = image_hw
    cb = 0.55 if colorbar else 0.55  # the same room on every panel, so a grid of panels lines up
    img_w = width_in - cb - 0.06
    img_h = img_w * h / w
    if img_h > max_h_in:
        img_h = max_h_in
        img_w = img_h * w / h
    return width_in, img_h + 0.1, img_w, img_h


def map_panel_png(
    image_HWC: np.ndarray,
    map_hw: np.ndarray | None,
    *,
    width_in: float,
    max_h_in: float,
    diverging: bool = False,
    region_HW: np.ndarray | None = None,
    truth_HW: np.ndarray | None = None,
    alpha: float = 0.8,
    cbar_label: str = "",
) -> tuple[bytes, float, float]:
    """One panel: the part (with outlines) and, when ``map_hw`` is given, a heatmap on a fixed scale + colorbar.

    Returns (PNG bytes, width in inches, height in inches). Absolute maps use 0..1 ("inferno"),
    differences -1..1 ("RdBu_r"); neither is normalised per image.
    """
    hw = image_HWC.shape[:2]
    fig_w, fig_h, img_w, img_h = panel_size(hw, width_in, max_h_in)
    with plt.rc_context(_rc()):
        fig = plt.figure(figsize=(fig_w, fig_h))
        ax = fig.add_axes((0.02 / fig_w, 0.05 / fig_h, img_w / fig_w, img_h / fig_h))
        if map_hw is None:
            ax.imshow(image_HWC, interpolation="antialiased")
        else:
            gray = image_HWC.astype(np.float32).mean(axis=2)
            ax.imshow(gray, cmap="gray", vmin=0, vmax=255, interpolation="antialiased")
            heat = upsample_to_image(np.clip(map_hw, -1.0, 1.0), hw)
            vmin, vmax = (-1.0, 1.0) if diverging else (0.0, 1.0)
            # opacity ramps with the value, as on screen: a cold map leaves the part visible
            t = np.abs(heat) if diverging else np.clip(heat, 0.0, 1.0)
            im = ax.imshow(heat, cmap="RdBu_r" if diverging else "inferno", vmin=vmin, vmax=vmax,
                           alpha=alpha * np.clip(t / 0.5, 0.0, 1.0), interpolation="bilinear")
            cax = fig.add_axes(((0.02 + img_w + 0.1) / fig_w, 0.05 / fig_h, 0.1 / fig_w, img_h / fig_h))
            # the colorbar shows the colours as they appear over a mid-grey part
            sm = plt.cm.ScalarMappable(cmap=im.get_cmap(), norm=im.norm)
            cb = fig.colorbar(sm, cax=cax, ticks=[-1, -0.5, 0, 0.5, 1] if diverging else [0, 0.25, 0.5, 0.75, 1])
            cb.ax.tick_params(labelsize=6, length=2, pad=1)
            cb.outline.set_linewidth(0.4)
            if cbar_label:
                cb.set_label(cbar_label, fontsize=6, labelpad=2)
        _outline(ax, truth_HW, _TRUTH_COLOR, 1.0)
        _outline(ax, region_HW, _REGION_COLOR, 1.0)
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_linewidth(0.4)
        return _save(fig), fig_w, fig_h


def exemplar_strip_png(crops: list[np.ndarray] | tuple[np.ndarray, ...], cell_px: int = 64, gap_px: int = 4) -> bytes:
    """Exemplar crops side by side (nearest-neighbour upscaled, white gaps), as a PNG."""
    import io

    from PIL import Image

    n = len(crops)
    if n == 0:
        raise ValueError("no crops")
    strip = np.full((cell_px, n * cell_px + (n - 1) * gap_px, 3), 255, np.uint8)
    for i, c in enumerate(crops):
        c = np.asarray(c, np.uint8)
        ry = max(1, cell_px // c.shape[0])
        rx = max(1, cell_px // c.shape[1])
        big = np.repeat(np.repeat(c, ry, axis=0), rx, axis=1)[:cell_px, :cell_px]
        x = i * (cell_px + gap_px)
        strip[: big.shape[0], x : x + big.shape[1]] = big
    buf = io.BytesIO()
    Image.fromarray(strip, "RGB").save(buf, format="PNG")
    return buf.getvalue()


MAX_CHART_ROWS = 40  # bars in the PDF's ranking chart: more would not fit one page (the table lists all)


def rank_chart_png(rank: RankSection, *, width_in: float, labels: dict[str, str]) -> tuple[bytes, float, float]:
    """Horizontal bars of Δ score per latent (top first, at most ``MAX_CHART_ROWS``) over the controls' 5–95% bands."""
    lat = rank.latents[:MAX_CHART_ROWS]
    n = max(len(lat), 1)
    fig_h = 0.45 + 0.17 * n + 0.35
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(width_in, fig_h))
        bands = [("random_latents", "#bdbdbd", labels.get("random_latents", "random latents, 5–95%")),
                 ("random_directions", "#fdd0a2", labels.get("random_directions", "random directions, 5–95%"))]
        handles = []
        for key, color, text in bands:
            b = rank.band(key)
            if b is not None:
                handles.append(ax.axvspan(b[0], b[1], color=color, alpha=0.6, lw=0, label=text))
        ys = np.arange(len(lat))[::-1]
        deltas = np.array([x.delta_score for x in lat], np.float64)
        colors = ["#1f5fa8" if x.beats_p95 else "#7f9cc0" for x in lat]
        ax.barh(ys, deltas, height=0.62, color=colors, zorder=3)
        ax.axvline(0.0, color="black", lw=0.6, zorder=4)
        ax.set_yticks(ys)
        ax.set_yticklabels([f"#{x.id}  {x.label[:28]}" for x in lat], fontsize=6.5)
        ax.set_xlabel(labels.get("xlabel", "Δ defect score when switched off in the region"), fontsize=7)
        lim = max(float(np.max(np.abs(deltas))) if deltas.size else 0.0,
                  *[abs(v) for k, _, _ in bands for v in (rank.band(k) or (0.0, 0.0))], 0.02) * 1.12
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-0.7, len(lat) - 0.3)
        ax.grid(axis="x", lw=0.3, color="#dddddd", zorder=0)
        ax.tick_params(labelsize=6.5, length=2)
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
        if handles:
            ax.legend(handles=handles, loc="lower left", fontsize=6, frameon=False, bbox_to_anchor=(0.0, 1.0), ncol=2)
        fig.tight_layout(pad=0.3)
        return _save(fig), width_in, fig_h


def dose_plot_png(dose: DoseSection, *, width_in: float, height_in: float, threshold: float,
                  labels: dict[str, str]) -> tuple[bytes, float, float]:
    """Defect score (bold) and class probabilities (thin) against the latent's strength."""
    s = np.asarray(dose.strengths, np.float64)
    scores = np.asarray(dose.scores, np.float64)
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        cmap = plt.get_cmap("tab10")
        for i, (name, v) in enumerate(dose.class_probs):
            ax.plot(s, np.asarray(v, np.float64), lw=0.8, color=cmap(i % 10), alpha=0.85, label=f"p({name})")
        ax.plot(s, scores, lw=1.8, color="black", marker="o", ms=2.5, label=labels.get("score", "defect score"), zorder=5)
        ax.axhline(threshold, color="#c0392b", lw=0.8, ls="--", label=labels.get("threshold", "threshold"))
        for x, text in ((0.0, labels.get("off", "off")), (1.0, labels.get("unchanged", "unchanged"))):
            if s.size and s.min() <= x <= s.max():
                ax.axvline(x, color="#888888", lw=0.6, ls=":")
                ax.text(x, 1.0, f" {text}", fontsize=6, color="#555555", va="top", ha="left")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(labels.get("xlabel", "strength (× reference activation)"), fontsize=7)
        ax.set_ylabel(labels.get("ylabel", "probability / score"), fontsize=7)
        ax.grid(lw=0.3, color="#dddddd")
        ax.tick_params(labelsize=6.5, length=2)
        for sp in ("top", "right"):
            ax.spines[sp].set_visible(False)
        ax.legend(fontsize=6, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
        fig.tight_layout(pad=0.3)
        return _save(fig), width_in, height_in
