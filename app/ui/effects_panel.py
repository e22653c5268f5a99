"""Effects: causal experiments in the painted region (``app.core.causal``), shown with pyqtgraph.

- Rank: every top-N latent of the region switched off in the region alone, sorted by Δscore,
  against two control bands (random latents, random directions: p05–p95 shaded, p50 line);
  the coverage-weighted activation is a second series on the right axis; unspecific edits
  are flagged. Clicking a bar (or a table row) chooses that latent.
- Dose–response of the chosen latent: score and class probabilities vs strength, with the
  threshold and markers at 0 (off) and 1 (unchanged).
- Injection of the chosen latent: score vs baseline, whether it creates a defect verdict,
  and its percentile among random latents injected the same way.

The panel only displays results and emits requests; the window runs them on the worker.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

BAR_COLOR = "#f0a030"
UNSPECIFIC_COLOR = "#8a6bc8"
SELECTED_COLOR = "#ffe08a"
ACT_COLOR = "#5ab0e8"
BAND_COLORS = {"random_latents": (120, 200, 120), "random_directions": (200, 120, 200)}
CLASS_COLORS = ("#8a8f98", "#e05050", "#50b0e0", "#70c070", "#d0a040", "#b070d0", "#40c0b0", "#c07050")


def _fmt_delta(d: float) -> str:
    """A signed change, readable also when it is tiny (a weak model or a tiny region)."""
    if d is None or not math.isfinite(d):
        return "–"
    return f"{d:+.2e}" if d != 0 and abs(d) < 1e-3 else f"{d:+.4f}"


def _fmt_pct(p: float) -> str:
    return "–" if p is None or not math.isfinite(p) else f"{p:.0f}"


class EffectsPanel(QWidget):
    rankRequested = Signal(int, int, int)  # top, controls, seed
    doseRequested = Signal(int, float, int)  # latent, range, points
    injectRequested = Signal(int, float)  # latent, r
    latentChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rank = None  # RankResult
        self.dose = None  # DoseResponse
        self.injection = None  # InjectionResult
        self.selected: int | None = None
        self.threshold = 0.5
        self.width_ = 0
        self._order: list[int] = []

        v = QVBoxLayout(self)
        v.setContentsMargins(4, 4, 4, 4)
        v.setSpacing(4)

        # --- controls row -------------------------------------------------------------------
        row = QHBoxLayout()
        self.rank_btn = QPushButton(self.tr("Rank latents in region"))
        self.rank_btn.setToolTip(self.tr("Switch each of the region's most active latents off in the region alone, "
                                         "and compare the change in score with random controls"))
        self.rank_btn.clicked.connect(self._request_rank)
        row.addWidget(self.rank_btn)
        row.addWidget(QLabel(self.tr("top")))
        self.top = QSpinBox()
        self.top.setRange(1, 512)
        self.top.setValue(64)
        self.top.setToolTip(self.tr("How many latents to test (the most active in the region)"))
        row.addWidget(self.top)
        row.addWidget(QLabel(self.tr("controls")))
        self.controls = QSpinBox()
        self.controls.setRange(0, 512)
        self.controls.setValue(64)
        self.controls.setToolTip(self.tr("Random controls of each kind (random latents, random directions)"))
        row.addWidget(self.controls)
        row.addWidget(QLabel(self.tr("seed")))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("The same seed draws the same controls"))
        row.addWidget(self.seed)
        row.addSpacing(16)
        row.addWidget(QLabel(self.tr("latent")))
        self.latent = QSpinBox()
        self.latent.setRange(0, 0)
        self.latent.setToolTip(self.tr("Latent for the dose–response and injection tests (click a bar to choose one)"))
        self.latent.valueChanged.connect(self._on_latent_spin)
        row.addWidget(self.latent)
        self.dose_btn = QPushButton(self.tr("Dose–response"))
        self.dose_btn.setToolTip(self.tr("Score and class probabilities as the latent is scaled from −range to +range in the region"))
        self.dose_btn.clicked.connect(self._request_dose)
        row.addWidget(self.dose_btn)
        row.addWidget(QLabel(self.tr("range ±")))
        self.dose_range = QDoubleSpinBox()
        self.dose_range.setRange(0.5, 20.0)
        self.dose_range.setValue(4.0)
        self.dose_range.setSingleStep(0.5)
        row.addWidget(self.dose_range)
        row.addWidget(QLabel(self.tr("points")))
        self.dose_points = QSpinBox()
        self.dose_points.setRange(21, 201)
        self.dose_points.setValue(21)
        row.addWidget(self.dose_points)
        self.inject_btn = QPushButton(self.tr("Injection test"))
        self.inject_btn.setToolTip(self.tr("Set the latent to r × its reference activation in the region: "
                                           "does it alone create a defect verdict?"))
        self.inject_btn.clicked.connect(self._request_inject)
        row.addWidget(self.inject_btn)
        row.addWidget(QLabel(self.tr("r")))
        self.inject_r = QDoubleSpinBox()
        self.inject_r.setRange(-10.0, 10.0)
        self.inject_r.setValue(1.0)
        self.inject_r.setSingleStep(0.25)
        row.addWidget(self.inject_r)
        row.addStretch(1)
        v.addLayout(row)
        self.status = QLabel(self.tr("Paint a region (or use the whole image), then rank its latents by measured effect."))
        self.status.setObjectName("stats")
        self.status.setWordWrap(True)
        v.addWidget(self.status)

        # --- rank chart + table ---------------------------------------------------------------
        split = QSplitter(Qt.Orientation.Horizontal)
        rank_box = QGroupBox(self.tr("Effect of switching each latent off in the region"))
        rl = QVBoxLayout(rank_box)
        rl.setContentsMargins(4, 4, 4, 4)
        self.chart = pg.PlotWidget()
        self.chart.setObjectName("rankChart")
        self.chart.setBackground(None)
        self.chart.setMinimumHeight(180)
        self.chart.hideButtons()
        self.chart.setMouseEnabled(x=True, y=False)
        pi = self.chart.getPlotItem()
        pi.setLabel("left", self.tr("Δ score"))
        pi.setLabel("bottom", self.tr("latents, largest effect first"))
        pi.showGrid(y=True, alpha=0.2)
        self.legend = pi.addLegend(offset=(-6, 4), labelTextSize="8pt", colCount=2, verSpacing=-6,
                                   brush=pg.mkBrush(30, 32, 36, 200), pen=pg.mkPen(70, 74, 80))
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=BAR_COLOR)
        pi.addItem(self.bars)
        self.zero_line = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#aaaaaa", width=1))
        pi.addItem(self.zero_line)
        # coverage-weighted activation on its own (right) axis
        self.act_view = pg.ViewBox()
        pi.showAxis("right")
        pi.scene().addItem(self.act_view)
        pi.getAxis("right").linkToView(self.act_view)
        pi.getAxis("right").setLabel(self.tr("activation in region"), color=ACT_COLOR)
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
        rl.addWidget(self.chart, 1)
        split.addWidget(rank_box)

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
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(lambda r, _c: self.choose_index(r))
        split.addWidget(self.table)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        dose_box = QGroupBox(self.tr("Dose–response"))
        dl = QVBoxLayout(dose_box)
        dl.setContentsMargins(4, 4, 4, 4)
        self.dose_plot = pg.PlotWidget()
        self.dose_plot.setObjectName("dosePlot")
        self.dose_plot.setBackground(None)
        self.dose_plot.setMinimumHeight(150)
        self.dose_plot.hideButtons()
        dp = self.dose_plot.getPlotItem()
        dp.setLabel("bottom", self.tr("strength (× the latent's activation in the region)"))
        dp.setLabel("left", self.tr("score / probability"))
        dp.setYRange(0, 1, padding=0.03)
        dp.showGrid(x=True, y=True, alpha=0.2)
        self.dose_legend = dp.addLegend(offset=(6, 4), labelTextSize="8pt", colCount=2, verSpacing=-6,
                                        brush=pg.mkBrush(30, 32, 36, 200), pen=pg.mkPen(70, 74, 80))
        dl.addWidget(self.dose_plot, 1)
        rv.addWidget(dose_box, 1)
        inj_box = QGroupBox(self.tr("Injection test"))
        il = QVBoxLayout(inj_box)
        il.setContentsMargins(4, 4, 4, 4)
        self.inject_text = QLabel(self.tr("Not run yet."))
        self.inject_text.setObjectName("injectResult")
        self.inject_text.setWordWrap(True)
        self.inject_text.setTextFormat(Qt.TextFormat.RichText)
        il.addWidget(self.inject_text)
        rv.addWidget(inj_box)
        split.addWidget(right)
        split.setSizes([520, 330, 420])
        v.addWidget(split, 1)
        self.set_busy(False)
        self.set_enabled_for(False)

    # --- binding -----------------------------------------------------------------------------
    def set_enabled_for(self, has_image: bool) -> None:
        for w in (self.rank_btn, self.dose_btn, self.inject_btn):
            w.setEnabled(has_image)

    def bind(self, width: int, threshold: float) -> None:
        self.width_ = int(width)
        self.latent.blockSignals(True)
        self.latent.setRange(0, max(0, self.width_ - 1))
        self.latent.blockSignals(False)
        self.threshold = float(threshold)
        self.clear()

    def set_threshold(self, t: float) -> None:
        self.threshold = float(t)
        if self.dose is not None:
            self.show_dose(self.dose)

    def clear(self) -> None:
        """A new image: earlier results no longer apply."""
        self.rank = self.dose = self.injection = None
        self._order = []
        self.bars.setOpts(x=[], height=[])
        self.act_points.setData([], [])
        self.flag_points.setData([], [])
        self.selected_marker.setData([], [])
        self._clear_bands()
        self.table.setRowCount(0)
        self.dose_plot.getPlotItem().clear()
        self.dose_legend.clear()
        self.inject_text.setText(self.tr("Not run yet."))

    def set_busy(self, busy: bool, what: str = "") -> None:
        if busy:
            self.status.setText(what)

    # --- requests ----------------------------------------------------------------------------
    def _request_rank(self) -> None:
        self.status.setText(self.tr("Ranking: {0} latents and {1} + {1} controls…").format(self.top.value(), self.controls.value()))
        self.rankRequested.emit(self.top.value(), self.controls.value(), self.seed.value())

    def _request_dose(self) -> None:
        self.status.setText(self.tr("Dose–response of latent #{0}…").format(self.latent.value()))
        self.doseRequested.emit(self.latent.value(), self.dose_range.value(), self.dose_points.value())

    def _request_inject(self) -> None:
        self.status.setText(self.tr("Injecting latent #{0} at r = {1:g}…").format(self.latent.value(), self.inject_r.value()))
        self.injectRequested.emit(self.latent.value(), self.inject_r.value())

    def show_error(self, text: str) -> None:
        self.status.setText(self.tr("Failed: {0}").format(text))

    # --- selection ---------------------------------------------------------------------------
    def _on_latent_spin(self, v: int) -> None:
        self.selected = int(v)
        self._mark_selected()

    def select_latent(self, latent: int, emit: bool = False) -> None:
        self.selected = int(latent)
        self.latent.blockSignals(True)
        self.latent.setValue(int(latent))
        self.latent.blockSignals(False)
        self._mark_selected()
        if emit:
            self.latentChosen.emit(int(latent))

    def choose_index(self, i: int) -> None:
        """The i-th bar (largest effect first) or table row was clicked."""
        if 0 <= i < len(self._order):
            self.select_latent(self._order[i], emit=True)

    def _mark_selected(self) -> None:
        if self.selected is not None and self.selected in self._order and self.rank is not None:
            i = self._order.index(self.selected)
            top = max(0.0, float(self.rank.latents[i].delta_score))
            self.selected_marker.setData([i], [top + self._ypad()])
            self.table.blockSignals(True)
            self.table.selectRow(i)
            self.table.blockSignals(False)
        else:
            self.selected_marker.setData([], [])

    def _ypad(self) -> float:
        if self.rank is None or not self.rank.latents:
            return 0.01
        span = max(abs(r.delta_score) for r in self.rank.latents) or 0.01
        return 0.06 * span

    def _on_chart_click(self, ev) -> None:  # noqa: ANN001
        vb = self.chart.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        x = vb.mapSceneToView(ev.scenePos()).x()
        i = int(round(x))
        if abs(x - i) <= 0.45:
            self.choose_index(i)

    def bar_scene_pos(self, i: int):  # noqa: ANN201
        """Scene position of the middle of bar i (for tests and tooltips)."""
        r = self.rank.latents[i]
        return self.chart.getPlotItem().vb.mapViewToScene(pg.Point(i, r.delta_score / 2))

    # --- results -----------------------------------------------------------------------------
    def _sync_views(self) -> None:
        vb = self.chart.getPlotItem().vb
        self.act_view.setGeometry(vb.sceneBoundingRect())
        self.act_view.linkedViewChanged(vb, self.act_view.XAxis)

    def _clear_bands(self) -> None:
        pi = self.chart.getPlotItem()
        for region, line in self.band_items.values():
            pi.removeItem(region)
            pi.removeItem(line)
        self.band_items.clear()
        self.legend.clear()

    def show_rank(self, res) -> None:  # noqa: ANN001 - RankResult
        self.rank = res
        lat = list(res.latents)
        self._order = [r.id for r in lat]
        n = len(lat)
        x = np.arange(n, dtype=float)
        d = np.array([r.delta_score for r in lat], float)
        unspecific = np.array([r.specificity.unspecific for r in lat], bool)
        brushes = [pg.mkBrush(UNSPECIFIC_COLOR if u else BAR_COLOR) for u in unspecific]
        self.bars.setOpts(x=x, height=d, width=0.7, brushes=brushes)
        acts = np.array([r.activation for r in lat], float)
        self.act_points.setData(x, acts)
        self.act_view.setYRange(0, float(acts.max()) * 1.1 if n and acts.max() > 0 else 1.0, padding=0)
        pad = self._ypad()
        self.flag_points.setData(x[unspecific], np.maximum(d[unspecific], 0) + 2.2 * pad)
        self._clear_bands()
        pi = self.chart.getPlotItem()
        bands = res.control_bands()
        names = {"random_latents": self.tr("random latents p05–p95 (line: median)"),
                 "random_directions": self.tr("random directions p05–p95 (line: median)")}
        for kind in ("random_latents", "random_directions"):
            b = bands[kind]
            if b.n == 0 or not math.isfinite(b.p05):
                continue
            r, g, bl = BAND_COLORS[kind]
            region = pg.LinearRegionItem(values=(b.p05, b.p95), orientation="horizontal", movable=False,
                                         brush=pg.mkBrush(r, g, bl, 55), pen=pg.mkPen(r, g, bl, 120))
            region.setZValue(-10)
            line = pg.InfiniteLine(pos=b.p50, angle=0, pen=pg.mkPen((r, g, bl), width=1.5, style=Qt.PenStyle.DashLine))
            pi.addItem(region)
            pi.addItem(line)
            self.band_items[kind] = (region, line)
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen((r, g, bl), width=6)), names[kind])
        self.legend.addItem(pg.BarGraphItem(x=[0], height=[0], width=1, brush=BAR_COLOR), self.tr("Δ score when switched off"))
        self.legend.addItem(pg.BarGraphItem(x=[0], height=[0], width=1, brush=UNSPECIFIC_COLOR),
                            self.tr("unspecific (changes the map outside the region)"))
        self.legend.addItem(self.act_points, self.tr("activation in region (right axis)"))
        lo = min([0.0, *d.tolist(), *[bands[k].p05 for k in bands if bands[k].n]])
        hi = max([0.0, *d.tolist(), *[bands[k].p95 for k in bands if bands[k].n]])
        span = (hi - lo) or 0.01
        pi.setXRange(-0.8, max(n, 8) - 0.2, padding=0)
        pi.setYRange(lo - 0.05 * span, hi + 0.5 * span, padding=0)
        ticks = [(i, f"#{r.id}") for i, r in enumerate(lat)]
        step = max(1, n // 16)
        pi.getAxis("bottom").setTicks([ticks[::step], []])
        self._fill_table(lat)
        self._sync_views()
        beats = sum(r.beats_p95 for r in lat)
        region = self.tr("the whole image") if res.whole_image else self.tr("the painted region ({0} patches)").format(res.region_patches)
        self.status.setText(
            self.tr("Ranked {0} latents in {1} against {2} + {3} controls (seed {4}) in {5:.0f} ms; "
                    "{6} beat the controls' 95th percentile; {7} unspecific.").format(
                n, region, len(res.random_latents), len(res.random_directions), res.seed, res.timings_ms.get("total", 0.0),
                beats, int(unspecific.sum()))
        )
        self._mark_selected()

    def _fill_table(self, lat) -> None:  # noqa: ANN001
        self.table.setRowCount(len(lat))
        for i, r in enumerate(lat):
            spec = self.tr("no") if r.specificity.unspecific else self.tr("yes")
            cells = [f"#{r.id}", r.label, _fmt_delta(r.delta_score), f"{r.activation:.3g}", _fmt_pct(r.percentile_vs_control), spec]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                if c in (0, 2, 3, 4):
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, it)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def show_dose(self, res) -> None:  # noqa: ANN001 - DoseResponse
        self.dose = res
        dp = self.dose_plot.getPlotItem()
        dp.clear()
        self.dose_legend.clear()
        s = np.asarray(res.strengths_K, float)
        for c, name in enumerate(res.class_names):
            color = CLASS_COLORS[c % len(CLASS_COLORS)]
            dp.plot(s, res.class_probs_KC[:, c], pen=pg.mkPen(color, width=1, style=Qt.PenStyle.DotLine), name=f"p({name})")
        dp.plot(s, res.scores_K, pen=pg.mkPen(BAR_COLOR, width=3), symbol="o", symbolSize=4, symbolBrush=BAR_COLOR,
                name=self.tr("defect score"))
        th = pg.InfiniteLine(pos=self.threshold, angle=0, pen=pg.mkPen("#d04040", width=1.5, style=Qt.PenStyle.DashLine),
                             label=self.tr("threshold {0:.2f}").format(self.threshold),
                             labelOpts={"position": 0.8, "color": "#d04040"})
        dp.addItem(th)
        for pos, text, at in ((0.0, self.tr("0 off"), 0.95), (1.0, self.tr("1 unchanged"), 0.85)):
            if s.min() <= pos <= s.max():
                dp.addItem(pg.InfiniteLine(pos=pos, angle=90, pen=pg.mkPen("#9aa0a8", width=1, style=Qt.PenStyle.DashLine),
                                           label=text, labelOpts={"position": at, "color": "#c8c8c8"}))
                k = res.index_of(pos)
                dp.plot([s[k]], [res.scores_K[k]], pen=None, symbol="s", symbolSize=9, symbolBrush="#ffffff")
        dp.setXRange(float(s.min()), float(s.max()), padding=0.02)
        dp.setYRange(0, 1, padding=0.03)
        self.dose_plot.setToolTip(self.tr("latent #{0} {1}").format(res.latent, res.label))
        k0, k1 = res.index_of(0.0), res.index_of(1.0)
        self.status.setText(
            self.tr("Dose–response of latent #{0} ({1}): score {2:.3f} when off, {3:.3f} unchanged, "
                    "from {4:.3f} to {5:.3f} over ±{6:g}.").format(
                res.latent, res.label, res.scores_K[k0], res.scores_K[k1], float(np.min(res.scores_K)),
                float(np.max(res.scores_K)), float(s.max()))
        )

    def show_injection(self, res) -> None:  # noqa: ANN001 - InjectionResult
        self.injection = res
        verdict = (self.tr("<b>creates a defect verdict</b>") if res.creates_defect
                   else self.tr("does not create a defect verdict"))
        band = res.control_band()
        spec = self.tr("unspecific: it changes the map outside the region too") if res.specificity.unspecific \
            else self.tr("specific to the region")
        self.inject_text.setText(
            self.tr("Latent #{0} ({1}) set to {2:g} × reference ({3:.3g}) in the region:<br>"
                    "score <b>{4:.3f}</b> vs baseline {5:.3f} (Δ {6}), threshold {7:.2f}: {8}.<br>"
                    "Percentile vs {9} random latents injected the same way: {10} (|Δ|), {11} (signed); "
                    "controls' Δ p05–p95 {12} … {13}.<br>{14}.").format(
                res.latent, res.label, res.r, res.reference, res.score, res.baseline_score, _fmt_delta(res.delta_score),
                res.threshold, verdict, len(res.control_deltas), _fmt_pct(res.percentile_vs_control),
                _fmt_pct(res.percentile_signed), _fmt_delta(band.p05) if band.n else "–", _fmt_delta(band.p95) if band.n else "–",
                spec)
        )
        self.status.setText(self.tr("Injection of latent #{0} done in {1:.0f} ms.").format(res.latent, res.timings_ms.get("total", 0.0)))
