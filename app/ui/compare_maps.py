"""The comparison's side-by-side view: A's and B's defect maps and their difference B − A over the
part, each on its fixed scale with a colour bar, and the table of both verdicts and class
probabilities. The maps come ready from ``app.core.compare.view.paired_maps``; the numbers from a
``PairedOutcome``; this widget only draws them."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

OUTLINE_RGBA = (0, 229, 255, 255)  # the region's outline, as in the report's figures
BAD = QColor("#f8d7d4")
GOOD = QColor("#d8f0dd")
INK = QColor("#1d2733")  # dark text on the light verdict colours, in any theme


def overlay_lut(cm: pg.ColorMap, diverging: bool, full_at: float = 0.5) -> np.ndarray:
    """[256, 4] the colour map with an opacity that rises from the scale's zero (the bottom, or a diverging
    map's centre) to full at ``full_at`` of the way: a cold map leaves the part as it is, only what it shows tints it."""
    lut = np.array(cm.getLookupTable(0.0, 1.0, 256, alpha=True), np.float64)
    t = np.linspace(0.0, 1.0, 256)
    if diverging:
        t = np.abs(2.0 * t - 1.0)
    lut[:, 3] = 255.0 * np.clip(t / full_at, 0.0, 1.0)
    return lut.round().astype(np.ubyte)


class MapPanel(pg.GraphicsLayoutWidget):
    """The part, one map over it on a fixed scale, the region's outline, and a colour bar."""

    def __init__(self, title: str, cmap: str, levels: tuple[float, float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("#1b1d21")
        self.ci.setContentsMargins(2, 2, 2, 2)
        self.title = pg.LabelItem(title, size="9pt", color="#e8e8e8")
        self.addItem(self.title, row=0, col=0, colspan=2)
        self.view = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.addItem(self.view, row=1, col=0)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.heat_item = pg.ImageItem(axisOrder="row-major")
        self.heat_item.setOpacity(0.85)
        self.outline_item = pg.ImageItem(axisOrder="row-major")
        for z, it in enumerate((self.image_item, self.heat_item, self.outline_item)):
            it.setZValue(z)
            self.view.addItem(it)
        cm = pg.colormap.get(cmap)
        self.colorbar = pg.ColorBarItem(values=levels, colorMap=cm, interactive=False, width=12, colorMapMenu=False, label="")
        self.addItem(self.colorbar, row=1, col=1)
        self.levels = levels
        self.heat_item.setLookupTable(overlay_lut(cm, diverging=levels[0] < 0))
        self.heat_item.setLevels(levels)

    def show_maps(self, part_HW: np.ndarray | None, map_HW: np.ndarray | None, outline_HW: np.ndarray | None,
                  title: str) -> None:
        self.title.setText(title)
        if part_HW is None:
            for it in (self.image_item, self.heat_item, self.outline_item):
                it.clear()
            return
        self.image_item.setImage(part_HW, autoLevels=False, levels=(0, 255))
        if map_HW is None:
            self.heat_item.clear()
        else:
            self.heat_item.setImage(map_HW, autoLevels=False, levels=self.levels)
        if outline_HW is None:
            self.outline_item.clear()
        else:
            rgba = np.zeros((*outline_HW.shape, 4), np.uint8)
            rgba[outline_HW] = OUTLINE_RGBA
            self.outline_item.setImage(rgba, autoLevels=False, levels=(0, 255))
        h, w = part_HW.shape[:2]
        self.view.setRange(xRange=(0, w), yRange=(0, h), padding=0.01)


class PairedView(QWidget):
    """Three map panels in a row, the verdict table under them, and a line on the edits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.panel_a = MapPanel(self.tr("A: defect map"), "inferno", (0.0, 1.0))
        self.panel_b = MapPanel(self.tr("B: defect map"), "inferno", (0.0, 1.0))
        self.panel_diff = MapPanel(self.tr("B − A"), "CET-D1", (-1.0, 1.0))
        for p in (self.panel_a, self.panel_b, self.panel_diff):
            p.setMinimumSize(200, 170)
            row.addWidget(p, 1)
        v.addLayout(row, 3)
        self.unedited = QCheckBox(self.tr("Maps without the edits"))
        self.unedited.setToolTip(self.tr("Both models' defect maps of the unedited part, and their difference"))
        self.unedited.toggled.connect(lambda _on: self._redraw())
        v.addWidget(self.unedited)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["A", "B", self.tr("B − A")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.verticalHeader().setDefaultSectionSize(20)
        v.addWidget(self.table, 2)
        self.edits_label = QLabel("")
        self.edits_label.setWordWrap(True)
        self.edits_label.setObjectName("compareEdits")
        v.addWidget(self.edits_label)
        self._shown = None  # (outcome, edited maps, unedited maps)

    def clear(self, text: str = "") -> None:
        self._shown = None
        for p in (self.panel_a, self.panel_b, self.panel_diff):
            p.show_maps(None, None, None, p.title.text)
        self.table.setRowCount(0)
        self.edits_label.setText(text)

    def show_outcome(self, po, maps, maps_unedited, edits_text: str) -> None:  # noqa: ANN001 - PairedOutcome, PairedMaps
        self._shown = (po, maps, maps_unedited)
        self._redraw()
        a, b = po.a, po.b
        rows: list[tuple[str, str, str, str]] = [
            (self.tr("bundle"), f"{a.bundle.name} {a.bundle.version} ({a.bundle.hash[:8]})",
             f"{b.bundle.name} {b.bundle.version} ({b.bundle.hash[:8]})", ""),
            (self.tr("threshold (its own)"), f"{a.bundle.threshold:.4f}", f"{b.bundle.threshold:.4f}", ""),
            (self.tr("score, unedited"), f"{a.baseline.score:.4f}", f"{b.baseline.score:.4f}",
             f"{b.baseline.score - a.baseline.score:+.4f}"),
            (self.tr("score, edited"), f"{a.edited.score:.4f}", f"{b.edited.score:.4f}", f"{po.delta_score:+.4f}"),
            (self.tr("verdict"), self._word(a.rejects), self._word(b.rejects),
             self.tr("agree") if po.verdicts_agree else self.tr("DIFFER")),
        ]
        for name, pa, pb, d in zip(po.class_names, a.edited.class_probs, b.edited.class_probs, po.delta_class_probs_C):
            rows.append((self.tr("p({0})").format(name), f"{pa:.3f}", f"{pb:.3f}", f"{d:+.3f}"))
        self.table.setRowCount(len(rows))
        self.table.setVerticalHeaderLabels([r[0] for r in rows])
        for i, r in enumerate(rows):
            for j, text in enumerate(r[1:]):
                it = QTableWidgetItem(text)
                it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if i == 4 and j < 2:
                    it.setBackground(BAD if (a.rejects, b.rejects)[j] else GOOD)
                    it.setForeground(INK)
                self.table.setItem(i, j, it)
        head = ""
        if po.identical:
            head = (self.tr("Exact agreement: both models gave bit-identical outputs.") if po.verdicts_agree else
                    self.tr("Both models gave bit-identical outputs; the verdicts differ only because the thresholds do."))
        self.edits_label.setText(" ".join(x for x in (head, edits_text) if x))

    def _redraw(self) -> None:
        if self._shown is None:
            return
        po, edited, unedited = self._shown
        plain = self.unedited.isChecked()
        maps = unedited if plain else edited
        part = maps.part_HW
        when = self.tr("unedited") if plain else self.tr("edited")
        for panel, side, m in ((self.panel_a, po.a, maps.a_HW), (self.panel_b, po.b, maps.b_HW)):
            out = side.baseline if plain else side.edited
            rejects = side.rejects_unedited if plain else side.rejects
            panel.show_maps(part, m, maps.region_outline_HW, self.tr("{0} · {1}, {2}: {3:.3f} {4}").format(
                "A" if side is po.a else "B", side.bundle.name, when, out.score, self._word(rejects)))
        self.panel_diff.show_maps(part, maps.difference_HW, maps.region_outline_HW,
                                  self.tr("B − A, {0} (−1..1)").format(when) if maps.has_maps
                                  else self.tr("no maps: a model has no patch head"))

    def _word(self, rejects: bool) -> str:
        return self.tr("DEFECT") if rejects else self.tr("OK")
