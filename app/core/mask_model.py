"""The painted region: a pure-Python mask model with brush strokes, shapes and undo (no Qt).

The mask is ``uint8 [H, W]`` (0 or 1) at the image's own resolution. Every operation touches
only the rectangle it changes: a brush segment draws into a small scratch array around the
segment, never over the whole image. One drag (``begin_stroke`` .. ``end_stroke``) is one
undo step; strokes are interpolated between events, so fast moves leave no gaps.

Listeners get the changed rectangle ``(y0, y1, x0, x1)`` (or ``None`` for "everything"), so a
view can repaint just that part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

Rect = tuple[int, int, int, int]  # y0, y1, x0, x1 (half-open)
TILE = 64  # strokes snapshot the original content tile by tile, for undo
MIN_HISTORY = 100


@dataclass
class _Record:
    """One undo step: for each touched rectangle, its content before and after."""

    description: str
    parts: list[tuple[Rect, np.ndarray, np.ndarray]]  # rect, before, after (packed when whole-image)
    packed: bool = False

    @property
    def bbox(self) -> Rect | None:
        if not self.parts:
            return None
        ys0, ys1, xs0, xs1 = zip(*(p[0] for p in self.parts), strict=True)
        return (min(ys0), max(ys1), min(xs0), max(xs1))


class MaskModel:
    """A binary region mask with painting tools and an undo history of at least 100 steps."""

    def __init__(self, shape_hw: tuple[int, int] = (1, 1), history: int = 200, brush_radius: int = 12) -> None:
        assert history >= MIN_HISTORY
        self._history_cap = history
        self.brush_radius = int(brush_radius)
        self._listeners: list[Callable[[Rect | None], None]] = []
        self.reset(shape_hw)

    # --- basics -------------------------------------------------------------------------
    def reset(self, shape_hw: tuple[int, int]) -> None:
        """A new, empty mask (new image): the history starts over."""
        h, w = int(shape_hw[0]), int(shape_hw[1])
        assert h > 0 and w > 0, shape_hw
        self.data = np.zeros((h, w), np.uint8)
        self._undo: list[_Record] = []
        self._redo: list[_Record] = []
        self._stroke: dict[tuple[int, int], np.ndarray] | None = None
        self._stroke_erase = False
        self._last: tuple[float, float] | None = None
        self._notify(None)

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.data.shape[0]), int(self.data.shape[1]))

    @property
    def mask(self) -> np.ndarray:
        """bool [H, W] copy of the region."""
        return self.data.astype(bool)

    def is_empty(self) -> bool:
        return not bool(self.data.any())

    def area_fraction(self) -> float:
        return float(np.count_nonzero(self.data)) / self.data.size

    def add_listener(self, fn: Callable[[Rect | None], None]) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Callable[[Rect | None], None]) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _notify(self, rect: Rect | None) -> None:
        for fn in list(self._listeners):
            fn(rect)

    def set_brush_radius(self, r: float) -> int:
        self.brush_radius = int(np.clip(round(r), 1, 2048))
        return self.brush_radius

    def grow_brush(self, factor: float = 1.25) -> int:
        return self.set_brush_radius(max(self.brush_radius + 1, self.brush_radius * factor))

    def shrink_brush(self, factor: float = 1.25) -> int:
        return self.set_brush_radius(min(self.brush_radius - 1, self.brush_radius / factor))

    def _clip(self, y0: int, y1: int, x0: int, x1: int) -> Rect | None:
        h, w = self.shape
        y0, y1, x0, x1 = max(0, y0), min(h, y1), max(0, x0), min(w, x1)
        if y0 >= y1 or x0 >= x1:
            return None
        return (y0, y1, x0, x1)

    # --- history ------------------------------------------------------------------------
    def _push(self, rec: _Record) -> None:
        if not rec.parts:
            return
        self._undo.append(rec)
        if len(self._undo) > self._history_cap:
            del self._undo[0]
        self._redo.clear()

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def history_length(self) -> int:
        return len(self._undo)

    def _apply(self, rec: _Record, which: int) -> Rect | None:
        h, w = self.shape
        for rect, before, after in rec.parts:
            y0, y1, x0, x1 = rect
            src = before if which == 0 else after
            if rec.packed:
                src = np.unpackbits(src, count=h * w).reshape(h, w)
            self.data[y0:y1, x0:x1] = src
        return rec.bbox

    def undo(self) -> bool:
        if self._stroke is not None:
            self.end_stroke()
        if not self._undo:
            return False
        rec = self._undo.pop()
        self._redo.append(rec)
        self._notify(self._apply(rec, 0))
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        rec = self._redo.pop()
        self._undo.append(rec)
        self._notify(self._apply(rec, 1))
        return True

    def _region_edit(self, rect: Rect | None, new_values: np.ndarray, description: str) -> Rect | None:
        """Replace ``rect`` with ``new_values`` (0/1) as one undo step."""
        if rect is None:
            return None
        y0, y1, x0, x1 = rect
        before = self.data[y0:y1, x0:x1].copy()
        after = new_values.astype(np.uint8)
        if np.array_equal(before, after):
            return None
        self.data[y0:y1, x0:x1] = after
        self._push(_Record(description, [(rect, before, after.copy())]))
        self._notify(rect)
        return rect

    def _whole_edit(self, new_mask: np.ndarray, description: str) -> None:
        new = (np.asarray(new_mask) > 0).astype(np.uint8)
        assert new.shape == self.data.shape, (new.shape, self.data.shape)
        if np.array_equal(new, self.data):
            return
        h, w = self.shape
        before = np.packbits(self.data.reshape(-1))
        after = np.packbits(new.reshape(-1))
        self.data[...] = new
        self._push(_Record(description, [((0, h, 0, w), before, after)], packed=True))
        self._notify(None)

    # --- brush --------------------------------------------------------------------------
    def begin_stroke(self, x: float, y: float, erase: bool = False) -> None:
        """Start a drag at image coordinates (x right, y down)."""
        if self._stroke is not None:
            self.end_stroke()
        self._stroke = {}
        self._stroke_erase = bool(erase)
        self._last = (float(x), float(y))
        self._segment(x, y, x, y)

    def stroke_to(self, x: float, y: float) -> Rect | None:
        """Continue the drag: draws the whole segment from the last point (interpolated)."""
        if self._stroke is None or self._last is None:
            return None
        lx, ly = self._last
        self._last = (float(x), float(y))
        return self._segment(lx, ly, x, y)

    def end_stroke(self) -> bool:
        """Finish the drag: one undo step. Returns whether anything changed."""
        tiles, self._stroke, self._last = self._stroke, None, None
        if not tiles:
            return False
        parts = []
        h, w = self.shape
        for (ty, tx), before in tiles.items():
            y0, x0 = ty * TILE, tx * TILE
            y1, x1 = min(h, y0 + TILE), min(w, x0 + TILE)
            after = self.data[y0:y1, x0:x1]
            if not np.array_equal(before, after):
                parts.append(((y0, y1, x0, x1), before, after.copy()))
        self._push(_Record("erase" if self._stroke_erase else "paint", parts))
        return bool(parts)

    @property
    def stroking(self) -> bool:
        return self._stroke is not None

    def _snapshot(self, rect: Rect) -> None:
        assert self._stroke is not None
        y0, y1, x0, x1 = rect
        for ty in range(y0 // TILE, (y1 - 1) // TILE + 1):
            for tx in range(x0 // TILE, (x1 - 1) // TILE + 1):
                if (ty, tx) not in self._stroke:
                    self._stroke[(ty, tx)] = self.data[ty * TILE : (ty + 1) * TILE, tx * TILE : (tx + 1) * TILE].copy()

    def _segment(self, x0f: float, y0f: float, x1f: float, y1f: float) -> Rect | None:
        r = self.brush_radius
        rect = self._clip(
            int(np.floor(min(y0f, y1f))) - r - 1, int(np.ceil(max(y0f, y1f))) + r + 2,
            int(np.floor(min(x0f, x1f))) - r - 1, int(np.ceil(max(x0f, x1f))) + r + 2,
        )
        if rect is None:
            return None
        self._snapshot(rect)
        ry0, ry1, rx0, rx1 = rect
        scratch = np.zeros((ry1 - ry0, rx1 - rx0), np.uint8)
        p0 = (int(round(x0f)) - rx0, int(round(y0f)) - ry0)
        p1 = (int(round(x1f)) - rx0, int(round(y1f)) - ry0)
        cv2.circle(scratch, p0, r, 1, -1)
        cv2.circle(scratch, p1, r, 1, -1)
        if p0 != p1:
            cv2.line(scratch, p0, p1, 1, thickness=2 * r + 1)
        view = self.data[ry0:ry1, rx0:rx1]
        if self._stroke_erase:
            view[scratch > 0] = 0
        else:
            view |= scratch
        self._notify(rect)
        return rect

    # --- shapes -------------------------------------------------------------------------
    def fill(self, x: float, y: float, erase: bool = False) -> Rect | None:
        """Flood-fill the connected area (4-neighbours) of equal value around (x, y)."""
        h, w = self.shape
        xi, yi = int(x), int(y)
        if not (0 <= xi < w and 0 <= yi < h):
            return None
        value = 0 if erase else 1
        if self.data[yi, xi] == value:
            return None
        work = self.data.copy()
        _, _, _, (bx, by, bw, bh) = cv2.floodFill(work, None, (xi, yi), value, flags=4)
        rect = (by, by + bh, bx, bx + bw)
        return self._region_edit(rect, work[by : by + bh, bx : bx + bw], "fill")

    def rectangle(self, x0: float, y0: float, x1: float, y1: float, erase: bool = False) -> Rect | None:
        rect = self._clip(
            int(round(min(y0, y1))), int(round(max(y0, y1))) + 1, int(round(min(x0, x1))), int(round(max(x0, x1))) + 1
        )
        if rect is None:
            return None
        ry0, ry1, rx0, rx1 = rect
        new = np.full((ry1 - ry0, rx1 - rx0), 0 if erase else 1, np.uint8)
        return self._region_edit(rect, new, "rectangle")

    def polygon(self, points: Sequence[tuple[float, float]], erase: bool = False) -> Rect | None:
        """Fill a closed polygon given as (x, y) image points."""
        if len(points) < 3:
            return None
        pts = np.round(np.asarray(points, np.float64)).astype(np.int32)
        rect = self._clip(int(pts[:, 1].min()), int(pts[:, 1].max()) + 1, int(pts[:, 0].min()), int(pts[:, 0].max()) + 1)
        if rect is None:
            return None
        ry0, ry1, rx0, rx1 = rect
        scratch = np.zeros((ry1 - ry0, rx1 - rx0), np.uint8)
        cv2.fillPoly(scratch, [pts - np.array([rx0, ry0], np.int32)], 1)
        cur = self.data[ry0:ry1, rx0:rx1]
        new = np.where(scratch > 0, 0, cur) if erase else (cur | scratch)
        return self._region_edit(rect, new, "polygon")

    # --- whole-mask operations ------------------------------------------------------------
    def clear(self) -> None:
        self._whole_edit(np.zeros_like(self.data), "clear")

    def invert(self) -> None:
        self._whole_edit(1 - self.data, "invert")

    def set_mask(self, mask_HW: np.ndarray, description: str = "set mask") -> None:
        """Replace the whole mask (loaded PNG, ground truth, thresholded map): one undo step."""
        m = np.asarray(mask_HW)
        if m.shape != self.data.shape:
            m = cv2.resize((m > 0).astype(np.uint8), (self.shape[1], self.shape[0]), interpolation=cv2.INTER_NEAREST)
        self._whole_edit(m, description)

    def from_map(self, map_HW: np.ndarray, level: float) -> None:
        """The region where a map (already at image geometry) reaches ``level``."""
        self.set_mask(np.asarray(map_HW) >= level, f"map >= {level:g}")

    def load_state(self, mask_HW: np.ndarray | None) -> None:
        """Restore a saved mask without an undo step (session load)."""
        self.reset(self.shape if mask_HW is None else mask_HW.shape[:2])
        if mask_HW is not None:
            self.data[...] = (np.asarray(mask_HW) > 0).astype(np.uint8)
            self._notify(None)


def find_ground_truth(image_path: str | Path) -> Path | None:
    """The ground-truth mask beside an image: ``<name>_mask.png`` next to it, or the MVTec
    layout ``<cat>/test/<defect>/<n>.png`` -> ``<cat>/ground_truth/<defect>/<n>_mask.png``."""
    p = Path(image_path)
    if p.stem.endswith("_mask"):
        return None
    beside = p.with_name(f"{p.stem}_mask.png")
    if beside.is_file():
        return beside
    parts = p.parts
    if len(parts) >= 3 and parts[-3] == "test":
        cat = p.parents[2]
        gt = cat / "ground_truth" / parts[-2] / f"{p.stem}_mask.png"
        if gt.is_file():
            return gt
    return None


def outline_in(mask_HW: np.ndarray, rect: Rect | None = None, thickness: int = 1) -> np.ndarray:
    """bool outline (inner border, ``thickness`` px) of a mask, computed for ``rect`` only,
    with a halo so tile edges are right. ``rect=None`` is the whole mask."""
    h, w = mask_HW.shape[:2]
    y0, y1, x0, x1 = rect if rect is not None else (0, h, 0, w)
    t = max(1, int(thickness))
    hy0, hy1, hx0, hx1 = max(0, y0 - t), min(h, y1 + t), max(0, x0 - t), min(w, x1 + t)
    region = (np.asarray(mask_HW[hy0:hy1, hx0:hx1]) > 0).astype(np.uint8)
    # pad with "inside" where the halo is clipped by the image border? No: the border of the
    # image closes the region, so pad with zeros and the region's edge along it is drawn.
    padded = cv2.copyMakeBorder(region, t, t, t, t, cv2.BORDER_CONSTANT, value=0)
    eroded = cv2.erode(padded, np.ones((2 * t + 1, 2 * t + 1), np.uint8))[t:-t, t:-t]
    edge = (region > 0) & (eroded == 0)
    return edge[y0 - hy0 : y0 - hy0 + (y1 - y0), x0 - hx0 : x0 - hx0 + (x1 - x0)]
