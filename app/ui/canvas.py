"""The image canvas: part image, mask, ground truth and heatmap overlays, painting tools.

pyqtgraph ``ImageItem``s in a ``ViewBox`` (row-major, y down). Wheel zooms, middle button or
Space+drag pans. The mask overlay is tiled: a brush segment repaints only the tiles it
touched. All mask logic lives in ``app.core.mask_model.MaskModel``; this widget only turns
mouse events into model calls and draws what the model holds.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsRectItem

from app.core.heatmap_view import HeatmapView, level_outline, overlay_lut
from app.core.mask_model import MaskModel, Rect, outline_in

# heatmap titles and scale names (English, from app.core.heatmap_view) -> translatable
HEAT_TITLES = {
    "defect map, before": QT_TRANSLATE_NOOP("Canvas", "defect map, before"),
    "defect map, after": QT_TRANSLATE_NOOP("Canvas", "defect map, after"),
    "after − before": QT_TRANSLATE_NOOP("Canvas", "after − before"),
    "after − before (evidence)": QT_TRANSLATE_NOOP("Canvas", "after − before (evidence)"),
    "evidence map (measured)": QT_TRANSLATE_NOOP("Canvas", "evidence map (measured)"),
    "evidence map (measured), before": QT_TRANSLATE_NOOP("Canvas", "evidence map (measured), before"),
    "evidence map (measured), after": QT_TRANSLATE_NOOP("Canvas", "evidence map (measured), after"),
    "latent activation / reference": QT_TRANSLATE_NOOP("Canvas", "latent activation / reference"),
}
SCALE_NAMES = {
    "fixed": QT_TRANSLATE_NOOP("Canvas", "fixed"),
    "stretch": QT_TRANSLATE_NOOP("Canvas", "per-image stretch"),
    "custom": QT_TRANSLATE_NOOP("Canvas", "custom"),
}


def heat_title(hv: HeatmapView) -> str:
    """The colour bar's label: what the map is, and the scale in use ("defect map, after  [fixed 0–1]")."""
    t = QCoreApplication.translate("Canvas", HEAT_TITLES[hv.title]) if hv.title in HEAT_TITLES else hv.title
    lo, hi = hv.levels
    scale = QCoreApplication.translate("Canvas", SCALE_NAMES[hv.scale])
    return f"{t}  [{scale} {lo:.3g}–{hi:.3g}]"


def lut_for(name: str, diverging: bool) -> np.ndarray:
    """[256, 4] uint8: the colour map with its opacity ramp (app.core.heatmap_view.overlay_lut)."""
    colors = pg.colormap.get(name).getLookupTable(0.0, 1.0, 256, alpha=False)
    return overlay_lut(colors, diverging)


TOOLS = ("paint", "erase", "fill", "rect", "polygon", "pan")
OVERLAY_TILE = 256
MASK_RGB = (255, 64, 160)  # magenta: distinct from every heatmap colormap
GT_RGB = (255, 255, 255)
CONTOUR_RGB = (80, 255, 120)  # the threshold contour: green, apart from the region's magenta
DIVERGING = "CET-D1"


class _TiledOverlay:
    """An RGBA overlay of the mask split into tiles; ``update(rect)`` redraws only those tiles."""

    def __init__(self, view: pg.ViewBox, z: float) -> None:
        self.view, self.z = view, z
        self.items: dict[tuple[int, int], pg.ImageItem] = {}
        self.model: MaskModel | None = None
        self.filled = False  # the region is drawn as an outline: what was painted over stays visible
        self.opacity = 0.9
        self.visible = True

    def clear(self) -> None:
        for it in self.items.values():
            self.view.removeItem(it)
        self.items.clear()

    def attach(self, model: MaskModel) -> None:
        self.clear()
        self.model = model
        h, w = model.shape
        for ty in range(0, h, OVERLAY_TILE):
            for tx in range(0, w, OVERLAY_TILE):
                it = pg.ImageItem(axisOrder="row-major")
                it.setZValue(self.z)
                it.setPos(tx, ty)
                self.view.addItem(it)
                self.items[(ty // OVERLAY_TILE, tx // OVERLAY_TILE)] = it
        self.update(None)

    def update(self, rect: Rect | None) -> None:
        m = self.model
        if m is None:
            return
        h, w = m.shape
        y0, y1, x0, x1 = rect if rect is not None else (0, h, 0, w)
        thick = max(1, round(max(h, w) / 400))
        alpha = int(255 * (self.opacity if not self.filled else 0.5 * self.opacity))
        for ty in range(y0 // OVERLAY_TILE, (max(y1, y0 + 1) - 1) // OVERLAY_TILE + 1):
            for tx in range(x0 // OVERLAY_TILE, (max(x1, x0 + 1) - 1) // OVERLAY_TILE + 1):
                it = self.items.get((ty, tx))
                if it is None:
                    continue
                ry0, rx0 = ty * OVERLAY_TILE, tx * OVERLAY_TILE
                tr = (ry0, min(h, ry0 + OVERLAY_TILE), rx0, min(w, rx0 + OVERLAY_TILE))
                on = outline_in(m.data, tr, thick) if not self.filled else m.data[tr[0] : tr[1], tr[2] : tr[3]] > 0
                rgba = np.zeros((*on.shape, 4), np.uint8)
                rgba[on] = (*MASK_RGB, alpha)
                it.setImage(rgba, autoLevels=False, levels=(0, 255))
                it.setVisible(self.visible)

    def set_visible(self, v: bool) -> None:
        self.visible = v
        for it in self.items.values():
            it.setVisible(v)


class _CanvasViewBox(pg.ViewBox):
    """A ViewBox whose left button paints (unless Space is held or the tool is pan)."""

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.canvas = canvas

    def mouseDragEvent(self, ev, axis=None):  # noqa: ANN001, N802 - pyqtgraph API
        c = self.canvas
        if ev.button() == Qt.MouseButton.LeftButton and not c.space_held and c.tool != "pan" and c.has_image:
            ev.accept()
            c.drag(ev)
            return
        if ev.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            super().mouseDragEvent(ev, axis)
        else:
            ev.ignore()

    def mouseClickEvent(self, ev):  # noqa: ANN001, N802
        c = self.canvas
        if ev.button() == Qt.MouseButton.LeftButton and c.has_image and c.tool != "pan":
            ev.accept()
            c.click(ev)
            return
        super().mouseClickEvent(ev)


class Canvas(pg.GraphicsLayoutWidget):
    maskEdited = Signal()  # during a drag: coalesced updates
    strokeFinished = Signal()  # a complete edit of the mask: dispatch at once
    brushChanged = Signal(int)
    hoverText = Signal(str)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setBackground("#1b1d21")
        self.setAcceptDrops(False)  # the main window takes dropped files
        self.ci.setContentsMargins(2, 2, 2, 2)
        self.view = _CanvasViewBox(self)
        self.addItem(self.view, row=0, col=0)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setZValue(0)
        self.view.addItem(self.image_item)
        self.heat_item = pg.ImageItem(axisOrder="row-major")
        self.heat_item.setZValue(10)
        self.view.addItem(self.heat_item)
        self.contour_item = pg.ImageItem(axisOrder="row-major")  # the threshold contour of the defect map
        self.contour_item.setZValue(12)
        self.view.addItem(self.contour_item)
        self.latent_item = pg.ImageItem(axisOrder="row-major")
        self.latent_item.setZValue(15)
        self.view.addItem(self.latent_item)
        self.gt_item = pg.ImageItem(axisOrder="row-major")
        self.gt_item.setZValue(20)
        self.view.addItem(self.gt_item)
        self.mask_overlay = _TiledOverlay(self.view, z=30)
        # colour bars are not linked to the images: the images carry their own alpha-ramped LUTs
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=pg.colormap.get("inferno"), interactive=False,
                                        width=14, colorMapMenu=False, label="")
        self.addItem(self.colorbar, row=0, col=1)
        self.colorbar.setVisible(False)
        self.latent_colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=pg.colormap.get("viridis"), interactive=False,
                                               width=14, colorMapMenu=False, label="")
        self.addItem(self.latent_colorbar, row=0, col=2)
        self.latent_colorbar.setVisible(False)
        for bar in (self.colorbar, self.latent_colorbar):
            bar.axis.enableAutoSIPrefix(False)  # the numbers as they are: never "(×0.001)"
        self._bar_state: dict[str, tuple] = {}
        self.heat_view: HeatmapView | None = None  # what the defect map layer shows now (tests read it)
        self.latent_view: HeatmapView | None = None

        pen = QPen(QColor(255, 255, 255, 220))
        pen.setCosmetic(True)
        pen.setWidthF(1.5)
        self.cursor_item = QGraphicsEllipseItem()
        self.cursor_item.setPen(pen)
        self.cursor_item.setZValue(100)
        self.cursor_item.setVisible(False)
        self.view.addItem(self.cursor_item, ignoreBounds=True)
        self.rect_item = QGraphicsRectItem()
        self.rect_item.setPen(pen)
        self.rect_item.setZValue(100)
        self.rect_item.setVisible(False)
        self.view.addItem(self.rect_item, ignoreBounds=True)
        self.poly_item = pg.PlotDataItem(pen=pg.mkPen("#ffffff", width=1.5), symbol="o", symbolSize=5)
        self.poly_item.setZValue(100)
        self.view.addItem(self.poly_item, ignoreBounds=True)

        self.model: MaskModel | None = None
        self.tool = "paint"
        self.space_held = False
        self.has_image = False
        self.poly_points: list[tuple[float, float]] = []
        self._alt_radius: tuple[float, float, int] | None = None
        self._rect_start: QPointF | None = None
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # --- content --------------------------------------------------------------------------
    def set_image(self, pixels_HWC: np.ndarray) -> None:
        self.image_item.setImage(pixels_HWC, autoLevels=False, levels=(0, 255))
        self.has_image = True
        self.fit()

    def set_mask_model(self, model: MaskModel) -> None:
        if self.model is not None:
            self.model.remove_listener(self._on_mask_changed)
        self.model = model
        model.add_listener(self._on_mask_changed)
        self.mask_overlay.attach(model)
        self._update_cursor_size()

    def _on_mask_changed(self, rect: Rect | None) -> None:
        if self.model is not None and self.model.shape != self._overlay_shape():
            self.mask_overlay.attach(self.model)
        else:
            self.mask_overlay.update(rect)

    def _overlay_shape(self) -> tuple[int, int]:
        items = self.mask_overlay.items
        if not items:
            return (0, 0)
        h = sum(it.image.shape[0] for (ty, tx), it in items.items() if tx == 0 and it.image is not None)
        w = sum(it.image.shape[1] for (ty, tx), it in items.items() if ty == 0 and it.image is not None)
        return (h, w)

    def set_mask_style(self, filled: bool, opacity: float, visible: bool = True) -> None:
        self.mask_overlay.filled = filled
        self.mask_overlay.opacity = float(opacity)
        self.mask_overlay.visible = visible
        self.mask_overlay.update(None)

    def set_ground_truth(self, gt_HW: np.ndarray | None) -> None:
        if gt_HW is None:
            self.gt_item.clear()
            self.gt_item.setVisible(False)
            return
        h, w = gt_HW.shape
        edge = outline_in(gt_HW, None, max(1, round(max(h, w) / 300)))
        rgba = np.zeros((h, w, 4), np.uint8)
        rgba[edge] = (*GT_RGB, 255)
        self.gt_item.setImage(rgba, autoLevels=False, levels=(0, 255))
        self.gt_item.setVisible(True)

    def show_ground_truth(self, visible: bool) -> None:
        self.gt_item.setVisible(visible and self.gt_item.image is not None)

    def set_part_style(self, visible: bool, opacity: float) -> None:
        self.image_item.setVisible(visible)
        self.image_item.setOpacity(float(opacity))

    def set_truth_style(self, visible: bool, opacity: float) -> None:
        self.gt_item.setOpacity(float(opacity))
        self.show_ground_truth(visible)

    def _show_map(self, item: pg.ImageItem, bar: pg.ColorBarItem, key: str, hv: HeatmapView | None, cmap: str,
                  opacity: float) -> None:
        if hv is None:
            item.setVisible(False)
            bar.setVisible(False)
            return
        name = DIVERGING if hv.diverging else cmap
        title = heat_title(hv)
        state = (name, hv.diverging, title)
        if self._bar_state.get(key) != state:
            bar.setColorMap(pg.colormap.get(name))
            bar.setLabel("right", title)
            item.setLookupTable(lut_for(name, hv.diverging))
            self._bar_state[key] = state
        item.setImage(hv.map_HW, autoLevels=False, levels=hv.levels)
        bar.setLevels(values=hv.levels)
        item.setOpacity(float(opacity))
        item.setVisible(True)
        bar.setVisible(True)

    def set_heatmap(self, hv: HeatmapView | None, cmap: str, opacity: float, contour_level: float | None = None) -> None:
        """The defect map layer; zero is transparent (its LUT ramps the opacity with the value)."""
        self.heat_view = hv
        self._show_map(self.heat_item, self.colorbar, "heat", hv, cmap, opacity)
        if hv is None or contour_level is None or hv.diverging:
            self.contour_item.setVisible(False)
            return
        h, w = hv.map_HW.shape
        edge = level_outline(hv.map_HW, contour_level, max(1, round(max(h, w) / 300)))
        rgba = np.zeros((h, w, 4), np.uint8)
        rgba[edge] = (*CONTOUR_RGB, 255)
        self.contour_item.setImage(rgba, autoLevels=False, levels=(0, 255))
        self.contour_item.setVisible(True)

    def set_latent_map(self, hv: HeatmapView | None, cmap: str, opacity: float) -> None:
        self.latent_view = hv
        self._show_map(self.latent_item, self.latent_colorbar, "latent", hv, cmap, opacity)

    def fit(self) -> None:
        if self.image_item.image is not None:
            h, w = self.image_item.image.shape[:2]
            self.view.setRange(QRectF(0, 0, w, h), padding=0.02)

    # --- tools ----------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        assert tool in TOOLS, tool
        if tool != "polygon":
            self.cancel_polygon()
        self.tool = tool
        self.cursor_item.setVisible(False)
        self.setCursor(Qt.CursorShape.OpenHandCursor if tool == "pan" else Qt.CursorShape.CrossCursor)

    def _img_xy(self, scene_or_view_pos: QPointF, from_scene: bool) -> tuple[float, float]:
        p = self.view.mapSceneToView(scene_or_view_pos) if from_scene else scene_or_view_pos
        return (p.x() - 0.5, p.y() - 0.5)

    def _update_cursor_size(self, center: QPointF | None = None) -> None:
        if self.model is None:
            return
        r = self.model.brush_radius + 0.5
        c = center if center is not None else self.cursor_item.rect().center()
        self.cursor_item.setRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.has_image:
            return
        p = self.view.mapSceneToView(scene_pos)
        brush = self.tool in ("paint", "erase") and not self.space_held
        self.cursor_item.setVisible(brush and self.underMouse())
        if brush:
            self._update_cursor_size(p)
        if self.tool == "polygon" and self.poly_points:
            pts = [*self.poly_points, (p.x(), p.y())]
            self.poly_item.setData([q[0] for q in pts], [q[1] for q in pts])
        h, w = self.image_item.image.shape[:2]
        if 0 <= p.x() < w and 0 <= p.y() < h:
            self.hoverText.emit(f"x {int(p.x())}  y {int(p.y())}")

    def leaveEvent(self, ev) -> None:  # noqa: ANN001, N802
        self.cursor_item.setVisible(False)
        super().leaveEvent(ev)

    def set_brush_radius(self, r: int) -> None:
        if self.model is not None:
            self.model.set_brush_radius(r)
            self._update_cursor_size()
            self.brushChanged.emit(self.model.brush_radius)

    def drag(self, ev) -> None:  # noqa: ANN001 - pyqtgraph MouseDragEvent
        m = self.model
        if m is None:
            return
        vpos = self.view.mapToView(ev.pos())
        start = self.view.mapToView(ev.buttonDownPos())
        alt = bool(ev.modifiers() & Qt.KeyboardModifier.AltModifier)
        if ev.isStart() and alt and self.tool in ("paint", "erase"):
            self._alt_radius = (start.x(), start.y(), m.brush_radius)
        if self._alt_radius is not None:
            cx, cy, _ = self._alt_radius
            self.set_brush_radius(max(1, int(np.hypot(vpos.x() - cx, vpos.y() - cy))))
            self._update_cursor_size(QPointF(cx, cy))
            if ev.isFinish():
                self._alt_radius = None
            return
        x, y = vpos.x() - 0.5, vpos.y() - 0.5
        if self.tool in ("paint", "erase"):
            if ev.isStart():
                m.begin_stroke(start.x() - 0.5, start.y() - 0.5, erase=self.tool == "erase")
            m.stroke_to(x, y)
            self._update_cursor_size(vpos)
            if ev.isFinish():
                m.end_stroke()
                self.strokeFinished.emit()
            else:
                self.maskEdited.emit()
        elif self.tool == "rect":
            if ev.isStart():
                self._rect_start = start
            s = self._rect_start or start
            self.rect_item.setRect(QRectF(s, vpos).normalized())
            self.rect_item.setVisible(not ev.isFinish())
            if ev.isFinish():
                erase = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                if m.rectangle(s.x(), s.y(), vpos.x() - 1, vpos.y() - 1, erase=erase) is not None:
                    self.strokeFinished.emit()
                self._rect_start = None

    def click(self, ev) -> None:  # noqa: ANN001 - pyqtgraph MouseClickEvent
        m = self.model
        if m is None:
            return
        p = self.view.mapSceneToView(ev.scenePos())
        x, y = p.x() - 0.5, p.y() - 0.5
        if self.tool in ("paint", "erase"):
            m.begin_stroke(x, y, erase=self.tool == "erase")
            if m.end_stroke():
                self.strokeFinished.emit()
        elif self.tool == "fill":
            erase = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if m.fill(p.x(), p.y(), erase=erase) is not None:
                self.strokeFinished.emit()
        elif self.tool == "polygon":
            if ev.double():
                self.close_polygon()
            else:
                self.poly_points.append((p.x(), p.y()))
                self.poly_item.setData([q[0] for q in self.poly_points], [q[1] for q in self.poly_points])

    def close_polygon(self) -> None:
        pts, self.poly_points = self.poly_points, []
        self.poly_item.setData([], [])
        if self.model is not None and len(pts) >= 3 and self.model.polygon(pts) is not None:
            self.strokeFinished.emit()

    def cancel_polygon(self) -> None:
        self.poly_points = []
        self.poly_item.setData([], [])

    # --- keys -----------------------------------------------------------------------------
    def keyPressEvent(self, ev) -> None:  # noqa: ANN001, N802
        if ev.key() == Qt.Key.Key_Space and not ev.isAutoRepeat():
            self.space_held = True
            self.cursor_item.setVisible(False)
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.tool == "polygon":
            self.close_polygon()
            return
        if ev.key() == Qt.Key.Key_Escape and self.poly_points:
            self.cancel_polygon()
            return
        super().keyPressEvent(ev)

    def keyReleaseEvent(self, ev) -> None:  # noqa: ANN001, N802
        if ev.key() == Qt.Key.Key_Space and not ev.isAutoRepeat():
            self.space_held = False
            self.set_tool(self.tool)
            return
        super().keyReleaseEvent(ev)
