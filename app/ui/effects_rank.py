"""The ranking of the Effects tab: a bar per latent (Δ score when switched off in the region),
the two control bands, the activation as a second series, a legend and a "how to read it"
line under the chart, and the table. Chart and table use the same units (Δ score, no SI
prefix); a click on a bar or a row chooses that latent."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

BAR_COLOR = "#f0a030"
UNSPECIFIC_COLOR = "#8a6bc8"
SELECTED_COLOR = "#ffe08a"
ACT_COLOR = "#5ab0e8"
BAND_COLORS = {"random_latents": (120, 200, 120), "random_directions": (220, 130, 220)}
TICK_PX = 48  # room one "#1234" tick label needs on the x axis


def fmt_delta(d: float) -> str:
    """A signed change, readable also when it is tiny (a weak model or a tiny region)."""
    if d is None or not math.isfinite(d):
        return "–"
    return f"{d:+.2e}" if d != 0 and abs(d) < 1e-3 else f"{d:+.4f}"


def fmt_pct(p: float) -> str:
    return "–" if p is None or not math.isfinite(p) else f"{p:.0f}"


def swatch(color: str, text: str, mark: str = "■") -> str:
    return f"<span style='color:{color}'>{mark}</span>&nbsp;{text}"


def plain_axes(plot: pg.PlotItem) -> None:
    """Axis numbers as they are (no "×0.001" prefix), so the chart reads like the table."""
    for name in ("left", "bottom", "right"):
        plot.getAxis(name).enableAutoSIPrefix(False)


class RankView(QWidget):
    chosen = Signal(int)  # the i-th bar or row (largest effect first) was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rank = None  # RankResult
        self.order: list[int] = []
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        self.chart = pg.PlotWidget()
        self.chart.setObjectName("rankChart")
        self.chart.setBackground(None)
        self.chart.setMinimumHeight(170)
        self.chart.hideButtons()
        self.chart.setMouseEnabled(x=True, y=False)
        pi = self.chart.getPlotItem()
        pi.setLabel("left", self.tr("Δ score"))
        pi.setLabel("bottom", self.tr("latents, largest effect first"))
        pi.showGrid(y=True, alpha=0.2)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=BAR_COLOR)
        pi.addItem(self.bars)
        pi.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#aaaaaa", width=1)))
        # coverage-weighted activation on its own (right) axis
        self.act_view = pg.ViewBox()
        pi.showAxis("right")
        pi.scene().addItem(self.act_view)
        pi.getAxis("right").linkToView(self.act_view)
        pi.getAxis("right").setLabel(self.tr("activation in region"), color=ACT_COLOR)
        plain_axes(pi)
        self.act_view.setXLink(pi)
        self.act_points = pg.ScatterPlotItem(size=7, symbol="d", brush=pg.mkBrush(ACT_COLOR), pen=pg.mkPen(None))
        self.act_view.addItem(self.act_points)
        pi.vb.sigResized.connect(self._sync_views)
        self.band_items: dict[str, tuple[pg.LinearRegionItem, pg.InfiniteLine]] = {}
        self.flag_points = pg.ScatterPlotItem(size=9, symbol="x", pen=pg.mkPen(UNSPECIFIC_COLOR, width=2), brush=None)
        pi.addItem(self.flag_points)
        self.selected_marker = pg.ScatterPlotItem(size=12, symbol="t", brush=pg.mkBrush(SELECTED_COLOR), pen=pg.mkPen(None))
        pi.addItem(self.selected_marker)
        self.chart.scene().sigMouseClicked.connect(self._on_chart_click)
        v.addWidget(self.chart, 3)
        # the legend sits under the chart, never over the bars
        self.legend = QLabel(" &nbsp; ".join([
            swatch(BAR_COLOR, self.tr("Δ score when switched off")),
            swatch(UNSPECIFIC_COLOR, self.tr("unspecific (changes the map outside the region)")),
            swatch(ACT_COLOR, self.tr("activation in region (right axis)"), "◆"),
            swatch("rgb(120,200,120)", self.tr("random latents p05–p95 (dashed: median)")),
            swatch("rgb(220,130,220)", self.tr("random directions p05–p95 (dashed: median)")),
        ]))
        self.legend.setObjectName("plotLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        v.addWidget(self.legend)
        self.how = QLabel(self.tr("How to read it: a bar below zero means switching the latent off lowers the defect score, "
                                  "so the latent pushed the part towards DEFECT. Only a bar outside both shaded bands is "
                                  "more than what switching off a random latent or adding a random direction does."))
        self.how.setObjectName("howTo")
        self.how.setWordWrap(True)
        v.addWidget(self.how)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("rankTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("latent"), self.tr("label"), self.tr("Δ score"), self.tr("activation"), self.tr("pct vs controls"),
             self.tr("specific")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self._header_modes()
        self.table.cellClicked.connect(lambda r, _c: self.chosen.emit(r))
        self.table.setMinimumHeight(130)
        v.addWidget(self.table, 2)

    def _header_modes(self) -> None:
        """Numbers sized to their contents (never cut); the label takes what is left and elides."""
        h = self.table.horizontalHeader()
        for c in range(self.table.columnCount()):
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setMinimumSectionSize(36)

    # --- drawing -----------------------------------------------------------------------------
    def _sync_views(self) -> None:
        vb = self.chart.getPlotItem().vb
        self.act_view.setGeometry(vb.sceneBoundingRect())
        self.act_view.linkedViewChanged(vb, self.act_view.XAxis)
        self._ticks()

    def clear(self) -> None:
        self.rank, self.order = None, []
        self.bars.setOpts(x=[], height=[])
        self.act_points.setData([], [])
        self.flag_points.setData([], [])
        self.selected_marker.setData([], [])
        self._clear_bands()
        self.table.setRowCount(0)

    def _clear_bands(self) -> None:
        pi = self.chart.getPlotItem()
        for items in self.band_items.values():
            for it in items:
                pi.removeItem(it)
        self.band_items.clear()

    def ypad(self) -> float:
        if self.rank is None or not self.rank.latents:
            return 0.01
        span = max(abs(r.delta_score) for r in self.rank.latents) or 0.01
        return 0.06 * span

    def _ticks(self) -> None:
        """As many "#id" labels as fit the chart's width, never overlapping."""
        if self.rank is None:
            return
        ticks = [(i, f"#{r.id}") for i, r in enumerate(self.rank.latents)]
        x0, x1 = self.chart.getPlotItem().vb.viewRange()[0]
        shown = max(1.0, x1 - x0)
        fit = max(2, int(self.chart.getPlotItem().vb.width() / TICK_PX))
        step = max(1, math.ceil(shown / fit))
        self.chart.getPlotItem().getAxis("bottom").setTicks([ticks[::step], []])

    def show_rank(self, res) -> None:  # noqa: ANN001 - RankResult
        self.rank = res
        lat = list(res.latents)
        self.order = [r.id for r in lat]
        n = len(lat)
        x = np.arange(n, dtype=float)
        d = np.array([r.delta_score for r in lat], float)
        unspecific = np.array([r.specificity.unspecific for r in lat], bool)
        brushes = [pg.mkBrush(UNSPECIFIC_COLOR if u else BAR_COLOR) for u in unspecific]
        self.bars.setOpts(x=x, height=d, width=0.7, brushes=brushes)
        acts = np.array([r.activation for r in lat], float)
        self.act_points.setData(x, acts)
        self.act_view.setYRange(0, float(acts.max()) * 1.1 if n and acts.max() > 0 else 1.0, padding=0)
        pad = self.ypad()
        self.flag_points.setData(x[unspecific], np.maximum(d[unspecific], 0) + 2.2 * pad)
        self._clear_bands()
        pi = self.chart.getPlotItem()
        bands = res.control_bands()
        for kind in ("random_latents", "random_directions"):
            b = bands[kind]
            if b.n == 0 or not math.isfinite(b.p05):
                continue
            r, g, bl = BAND_COLORS[kind]
            region = pg.LinearRegionItem(values=(b.p05, b.p95), orientation="horizontal", movable=False,
                                         brush=pg.mkBrush(r, g, bl, 90), pen=pg.mkPen(r, g, bl, 230, width=1.5))
            region.setZValue(-10)
            line = pg.InfiniteLine(pos=b.p50, angle=0, pen=pg.mkPen((r, g, bl), width=1.5, style=Qt.PenStyle.DashLine))
            pi.addItem(region)
            pi.addItem(line)
            self.band_items[kind] = (region, line)
        lo = min([0.0, *d.tolist(), *[bands[k].p05 for k in bands if bands[k].n]])
        hi = max([0.0, *d.tolist(), *[bands[k].p95 for k in bands if bands[k].n]])
        span = (hi - lo) or 0.01
        pi.setXRange(-0.8, max(n, 8) - 0.2, padding=0)
        pi.setYRange(lo - 0.08 * span, hi + 0.25 * span, padding=0)
        self._fill_table(lat)
        self._sync_views()

    def _fill_table(self, lat) -> None:  # noqa: ANN001
        self.table.setRowCount(len(lat))
        for i, r in enumerate(lat):
            spec = self.tr("no") if r.specificity.unspecific else self.tr("yes")
            cells = [f"#{r.id}", r.label, fmt_delta(r.delta_score), f"{r.activation:.3g}", fmt_pct(r.percentile_vs_control), spec]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                if c in (0, 2, 3, 4):
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 1:
                    it.setToolTip(text)
                self.table.setItem(i, c, it)
        self._header_modes()

    # --- selection ---------------------------------------------------------------------------
    def mark(self, latent: int | None) -> None:
        if latent is not None and latent in self.order and self.rank is not None:
            i = self.order.index(latent)
            top = max(0.0, float(self.rank.latents[i].delta_score))
            self.selected_marker.setData([i], [top + self.ypad()])
            self.table.blockSignals(True)
            self.table.selectRow(i)
            self.table.blockSignals(False)
        else:
            self.selected_marker.setData([], [])

    def _on_chart_click(self, ev) -> None:  # noqa: ANN001
        vb = self.chart.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        x = vb.mapSceneToView(ev.scenePos()).x()
        i = int(round(x))
        if abs(x - i) <= 0.45 and 0 <= i < len(self.order):
            self.chosen.emit(i)

    def bar_scene_pos(self, i: int):  # noqa: ANN201
        """Scene position of the middle of bar i (for tests and tooltips)."""
        r = self.rank.latents[i]
        return self.chart.getPlotItem().vb.mapViewToScene(pg.Point(i, r.delta_score / 2))
